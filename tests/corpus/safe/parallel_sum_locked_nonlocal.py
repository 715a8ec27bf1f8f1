# The closure's running total is updated under a lock created once by the enclosing call.
import threading


def parallel_sum(numbers, nthreads=4):
    total = 0
    lock = threading.Lock()

    def add_chunk(chunk):
        nonlocal total
        subtotal = sum(chunk)
        with lock:
            total += subtotal

    size = max(1, len(numbers) // nthreads)
    threads = [threading.Thread(target=add_chunk, args=(numbers[i:i + size],)) for i in range(0, len(numbers), size)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total
