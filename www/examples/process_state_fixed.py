"""Build steps that name their directory instead of changing the process's."""
import subprocess
from concurrent.futures import ThreadPoolExecutor


def build(package):
    subprocess.run(["make"], cwd=package, check=False)


with ThreadPoolExecutor(max_workers=2) as pool:
    pool.map(build, ["core", "cli"])
