# validation: A nightly batch runner hands job ids from one generator to several worker threads and counts finished and failed jobs in the enclosing function.
# source: written blind from a description
import threading
import zlib


def job_ids(prefix, count):
    for n in range(count):
        yield "%s-%04d" % (prefix, n)


def run_job(job_id):
    payload = (job_id * 50).encode()
    if zlib.crc32(payload) % 17 == 0:
        raise ValueError("bad input for " + job_id)
    return len(zlib.compress(payload))


def run_night(prefix, count, workers=4):
    jobs = job_ids(prefix, count)
    finished = 0
    failed = []
    compressed = 0

    def worker():
        nonlocal finished, compressed
        while True:
            try:
                job_id = next(jobs)  # RACE[a]: one generator resumed by several threads: "generator already executing"
            except StopIteration:
                return
            try:
                compressed += run_job(job_id)  # RACE[b]: closure variable read-modify-write from every worker
            except ValueError as exc:
                failed.append(str(exc))
                continue
            finished += 1  # RACE[c]: lost update on the enclosing function's counter

    threads = [threading.Thread(target=lambda: worker(), name="night-%d" % i) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return finished, failed, compressed


if __name__ == "__main__":
    done, failures, size = run_night("invoice", 2000)
    print("finished", done, "failed", len(failures), "compressed bytes", size)
