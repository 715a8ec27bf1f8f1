# hazard: read-modify-write of a nonlocal closure variable (partial sums added from threads)
import threading


def parallel_sum(numbers, nthreads=4):
    total = 0

    def add_chunk(chunk):
        nonlocal total
        subtotal = sum(chunk)
        total += subtotal

    size = max(1, len(numbers) // nthreads)
    threads = []
    for start in range(0, len(numbers), size):
        t = threading.Thread(target=add_chunk, args=(numbers[start:start + size],))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return total


if __name__ == "__main__":
    print(parallel_sum(list(range(1_000_000))))
