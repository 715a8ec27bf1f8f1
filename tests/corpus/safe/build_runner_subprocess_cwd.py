# Each build passes cwd= to subprocess instead of changing the process's directory.
import subprocess
from concurrent.futures import ThreadPoolExecutor


def build(project_dir):
    result = subprocess.run(["make", "-j2"], cwd=project_dir, capture_output=True, text=True)
    return project_dir, result.returncode


def build_all(projects):
    with ThreadPoolExecutor(max_workers=4) as pool:
        for project, rc in pool.map(build, projects):
            print(f"{project}: {'ok' if rc == 0 else 'FAILED'}")
