# validation: A nightly batch runner hands job ids to several worker threads and counts finished and failed jobs for the morning report.
# source: written blind from a description
# safe: job ids travel through a queue.Queue with one stop sentinel per worker, and each worker returns its own counts, merged after join
import queue
import threading
import zlib

STOP = object()


def job_ids(prefix, count):
    for n in range(count):
        yield "%s-%04d" % (prefix, n)


def run_job(job_id):
    payload = (job_id * 50).encode()
    if zlib.crc32(payload) % 17 == 0:
        raise ValueError("bad input for " + job_id)
    return len(zlib.compress(payload))


def run_night(prefix, count, workers=4):
    jobs = queue.Queue()
    for job_id in job_ids(prefix, count):
        jobs.put(job_id)
    for _ in range(workers):
        jobs.put(STOP)
    tallies = [None] * workers

    def worker(slot):
        finished, failed, compressed = 0, [], 0
        while True:
            job_id = jobs.get()
            if job_id is STOP:
                break
            try:
                compressed += run_job(job_id)
            except ValueError as exc:
                failed.append(str(exc))
                continue
            finished += 1
        tallies[slot] = (finished, failed, compressed)

    threads = [threading.Thread(target=lambda i=i: worker(i), name="night-%d" % i) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    finished = sum(t[0] for t in tallies)
    failed = [msg for t in tallies for msg in t[1]]
    return finished, failed, sum(t[2] for t in tallies)


if __name__ == "__main__":
    done, failures, size = run_night("invoice", 2000)
    print("finished", done, "failed", len(failures), "compressed bytes", size)
