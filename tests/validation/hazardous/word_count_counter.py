# validation: A log analyser that counts HTTP status codes and paths from log chunks processed on a thread pool into shared collections.Counter objects.
# source: written blind from a description
import collections
import concurrent.futures as cf
import random

status_counts: collections.Counter[str] = collections.Counter()
path_counts: collections.Counter[str] = collections.Counter()


def make_chunk(seed: int, lines: int = 500) -> list[str]:
    rng = random.Random(seed)
    paths = ["/", "/login", "/api/items", "/api/cart", "/static/app.js"]
    codes = ["200", "200", "200", "304", "404", "500"]
    return [f'1.2.3.{rng.randint(1, 254)} "GET {rng.choice(paths)}" {rng.choice(codes)}' for _ in range(lines)]


def analyse_chunk(chunk: list[str]) -> int:
    statuses = [line.rsplit(" ", 1)[1] for line in chunk]
    paths = [line.split('"')[1].split()[1] for line in chunk]
    status_counts.update(statuses)  # RACE[a]: Counter.update is a Python loop of get-then-set; concurrent updates lose counts
    path_counts.update(paths)  # RACE[a]: same lost updates on the shared path counter
    return len(chunk)


def main() -> None:
    chunks = [make_chunk(seed) for seed in range(40)]
    with cf.ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(analyse_chunk, chunk) for chunk in chunks]
        processed = sum(f.result() for f in cf.as_completed(futures))
    print(f"processed {processed} lines; status total {sum(status_counts.values())}; path total {sum(path_counts.values())}")
    print(status_counts.most_common(3))


if __name__ == "__main__":
    main()
