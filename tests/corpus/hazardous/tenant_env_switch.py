# hazard: process-global state changed from threads (os.environ set per tenant in worker threads)
import os
import threading


def export_tenant(tenant):
    os.environ["TENANT_ID"] = tenant["id"]
    os.environ["TZ"] = tenant.get("timezone", "UTC")
    run_export()


def run_export():
    tenant = os.environ["TENANT_ID"]
    print(f"exporting data for {tenant} in {os.environ['TZ']}")


def nightly(tenants):
    workers = [threading.Thread(target=export_tenant, args=(t,)) for t in tenants]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
