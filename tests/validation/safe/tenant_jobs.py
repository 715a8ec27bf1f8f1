# validation: A multi-tenant job runner that gives each job its tenant's settings without touching the process environment from worker threads.
# source: written blind from a description
# safe: os.environ is read once in the main thread before the pool starts; each job receives its own settings dict as an argument and never mutates process-wide state.
import os
import time
from concurrent.futures import ThreadPoolExecutor


def tenant_settings(base_env: dict[str, str], tenant: str) -> dict[str, str]:
    settings = dict(base_env)
    settings["TENANT_ID"] = tenant
    settings["TENANT_DB"] = f"{base_env['DB_ROOT']}/{tenant}"
    return settings


def billing_run(settings: dict[str, str]) -> tuple[str, str]:
    tenant = settings["TENANT_ID"]
    time.sleep(0.0005)
    return tenant, settings["TENANT_DB"]


def main() -> None:
    base_env = {"DB_ROOT": os.environ.get("BILLING_DB_ROOT", "postgres://db"), "REGION": os.environ.get("REGION", "eu")}
    tenants = [f"tenant{i}" for i in range(40)]
    jobs = [tenant_settings(base_env, t) for t in tenants]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(billing_run, jobs))
    mismatched = sum(1 for t, (seen, db) in zip(tenants, results) if seen != t or not db.endswith("/" + t))
    print(f"{mismatched} of {len(results)} billing runs saw another tenant's settings")


if __name__ == "__main__":
    main()
