# validation: A batch image resizer that reports progress through a module-level dict bound as a default argument, run with ThreadPool.imap_unordered.
# source: written blind from a description
import hashlib
import time
from multiprocessing.pool import ThreadPool

PROGRESS = {"done": 0, "bytes_in": 0, "bytes_out": 0}


def resize(job: tuple[str, int], progress: dict = PROGRESS) -> str:
    name, size = job
    data = hashlib.sha1(name.encode()).digest() * (size // 20 + 1)
    time.sleep(0.0002)  # decode / resample / encode
    out = data[: len(data) // 4]
    progress["bytes_in"] += len(data)  # RACE[a]: dict item read-modify-write from many pool threads loses updates
    progress["bytes_out"] += len(out)  # RACE[a]: same lost update on the output byte count
    progress["done"] += 1  # RACE[a]: finished-count increments are lost, so progress never reaches 100%
    return name


def main() -> None:
    jobs = [(f"IMG_{i:04d}.jpg", 1000 + i) for i in range(600)]
    with ThreadPool(processes=6) as pool:
        for i, _ in enumerate(pool.imap_unordered(resize, jobs, chunksize=4), 1):
            if i % 200 == 0:
                print(f"{i} results received, progress says {PROGRESS['done']} done")
    print("final progress:", PROGRESS)


if __name__ == "__main__":
    main()
