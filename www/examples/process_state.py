"""Build steps that change directory: the working directory belongs to the whole process."""
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor


def build(package):
    # Every thread shares one working directory: another step can chdir between these lines.
    os.chdir(package)
    subprocess.run(["make"], check=False)


with ThreadPoolExecutor(max_workers=2) as pool:
    pool.map(build, ["core", "cli"])
