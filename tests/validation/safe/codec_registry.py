# validation: A media transcoding service looks up codec handlers in a module-level registry from many worker threads.
# source: written blind from a description
# safe: the registry dict is fully built at import time, before any thread starts, and is only read afterwards (plain dict reads are atomic); per-job results are returned from futures.
import concurrent.futures as cf
import zlib
from typing import Callable

Codec = Callable[[bytes], bytes]


def _identity(data: bytes) -> bytes:
    return data


def _deflate(data: bytes) -> bytes:
    return zlib.compress(data, 6)


def _deflate_fast(data: bytes) -> bytes:
    return zlib.compress(data, 1)


def _build_registry() -> dict[str, Codec]:
    registry: dict[str, Codec] = {"raw": _identity, "deflate": _deflate, "deflate-fast": _deflate_fast}
    for alias, target in (("none", "raw"), ("zlib", "deflate")):
        registry[alias] = registry[target]
    return registry


CODECS: dict[str, Codec] = _build_registry()
SUPPORTED = frozenset(CODECS)


def transcode(job: tuple[int, str, bytes]) -> tuple[int, int]:
    job_id, codec_name, payload = job
    codec = CODECS.get(codec_name, _identity)
    return job_id, len(codec(payload))


def main() -> None:
    names = sorted(SUPPORTED)
    jobs = [(i, names[i % len(names)], bytes(range(256)) * 20) for i in range(200)]
    with cf.ThreadPoolExecutor(max_workers=6) as pool:
        sizes = dict(pool.map(transcode, jobs))
    print(f"{len(sizes)} jobs, smallest output {min(sizes.values())} bytes, codecs {names}")


if __name__ == "__main__":
    main()
