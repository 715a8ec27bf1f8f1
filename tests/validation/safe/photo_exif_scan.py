# validation: A photo library scanner extracts fake EXIF data on a thread pool and builds a camera-model index in the main thread.
# source: written blind from a description
# safe: workers are pure functions of their arguments; executor.map returns their results to the main thread, which alone builds the shared index.
import hashlib
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat

CAMERAS = ["X100V", "EOS R6", "A7 IV", "Z6 II"]


def read_exif(path: str, salt: bytes) -> dict:
    digest = hashlib.blake2b(salt + path.encode(), digest_size=8).digest()
    return {
        "path": path,
        "camera": CAMERAS[digest[0] % len(CAMERAS)],
        "iso": 100 * (1 + digest[1] % 32),
    }


def main() -> None:
    paths = [f"/photos/2024/{i:05d}.jpg" for i in range(1500)]
    by_camera: dict[str, list[str]] = {}
    iso_total = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        for exif in pool.map(read_exif, paths, repeat(b"library-v2")):
            by_camera.setdefault(exif["camera"], []).append(exif["path"])
            iso_total += exif["iso"]
    counts = {camera: len(files) for camera, files in sorted(by_camera.items())}
    print(counts, "mean ISO", iso_total // len(paths))


if __name__ == "__main__":
    main()
