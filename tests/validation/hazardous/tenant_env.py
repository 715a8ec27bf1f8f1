# validation: A multi-tenant job runner that points legacy code at each tenant's settings by swapping os.environ inside a context manager on worker threads.
# source: written blind from a description
import contextlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor


@contextlib.contextmanager
def tenant_environment(tenant: str):
    """Temporarily set TENANT_ID / TENANT_DB for code that reads the environment."""
    saved = {key: os.environ.get(key) for key in ("TENANT_ID", "TENANT_DB")}  # RACE[a]: saves whatever another thread's tenant currently has installed
    os.environ["TENANT_ID"] = tenant  # RACE[a]: process-wide environment changed from a worker thread; every other thread sees this tenant
    os.environ["TENANT_DB"] = f"postgres://db/{tenant}"  # RACE[a]: the two keys are set separately, so readers can see a mixed pair
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)  # RACE[a]: restoring clobbers the environment another thread is still using
            else:
                os.environ[key] = value  # RACE[a]: restores a value that belonged to a different tenant


def legacy_billing_run() -> tuple[str, str]:
    """Third-party code that only knows how to read the environment."""
    tenant = os.environ.get("TENANT_ID", "?")  # RACE[a]: reads the process-wide variable that other threads are rewriting
    time.sleep(0.0005)
    db = os.environ.get("TENANT_DB", "?")  # RACE[a]: may belong to a different tenant than the line above
    return tenant, db


def run_for_tenant(tenant: str) -> bool:
    with tenant_environment(tenant):
        seen_tenant, seen_db = legacy_billing_run()
    return seen_tenant == tenant and seen_db.endswith("/" + tenant)


def main() -> None:
    tenants = [f"tenant{i}" for i in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        ok = list(pool.map(run_for_tenant, tenants))
    print(f"{ok.count(False)} of {len(ok)} billing runs saw another tenant's environment")
    print("leftover TENANT_ID:", os.environ.get("TENANT_ID"))


if __name__ == "__main__":
    main()
