# validation: A log analyser that counts HTTP status codes from log chunks processed on a thread pool.
# source: written blind from a description
# safe: each task builds and returns its own Counter; only the main thread adds the returned counters together as futures complete.
import collections
import concurrent.futures as cf
import random


def make_chunk(seed: int, lines: int = 500) -> list[str]:
    rng = random.Random(seed)
    codes = ["200", "200", "200", "304", "404", "500"]
    return [f'10.0.0.{rng.randint(1, 254)} "GET /api" {rng.choice(codes)}' for _ in range(lines)]


def count_chunk(chunk: list[str]) -> collections.Counter[str]:
    return collections.Counter(line.rsplit(" ", 1)[1] for line in chunk)


def main() -> None:
    chunks = [make_chunk(seed) for seed in range(40)]
    totals: collections.Counter[str] = collections.Counter()
    with cf.ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(count_chunk, chunk) for chunk in chunks]
        for future in cf.as_completed(futures):
            totals.update(future.result())
    print(f"{sum(totals.values())} lines; {totals.most_common(3)}")


if __name__ == "__main__":
    main()
