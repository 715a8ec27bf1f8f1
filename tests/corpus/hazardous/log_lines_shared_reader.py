# hazard: shared generator consumed by several threads (log lines parsed by a pool of parser threads)
import sys
import threading


def read_lines(path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield line.rstrip("\n")


lines = read_lines(sys.argv[1] if len(sys.argv) > 1 else "/var/log/app.log")


def parse_worker(results):
    for line in lines:
        if " ERROR " in line:
            results.append(line)


errors = []
workers = [threading.Thread(target=parse_worker, args=(errors,)) for _ in range(4)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print(len(errors), "errors")
