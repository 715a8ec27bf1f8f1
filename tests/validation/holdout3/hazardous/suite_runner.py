# validation: An in-house test runner executes test cases on a thread pool; cases that need a different app mode set APP_MODE in the environment for their duration.
# source: written blind from a description
import os
import time
from multiprocessing.pool import ThreadPool


def app_mode():
    return os.environ.get("APP_MODE", "prod")


def check_banner():
    return "mode=" + app_mode()


def case(name, needs_mode, expected):
    return {"name": name, "needs_mode": needs_mode, "expected": expected}


class Runner:
    def __init__(self, cases):
        self.cases = cases
        self.outcomes = {"pass": 0, "fail": 0}
        self.failures = []

    def run_case(self, tc):
        saved = os.environ.get("APP_MODE")  # RACE[a]: may save another case's temporary mode
        if tc["needs_mode"]:
            os.environ["APP_MODE"] = tc["needs_mode"]  # RACE[a]: process-wide environment changed from a pool thread
        try:
            time.sleep(0.0005)
            got = check_banner()  # RACE[a]: reads whatever mode another case set
        finally:
            if saved is None:
                os.environ.pop("APP_MODE", None)  # RACE[a]: restore clobbers another case's setting
            else:
                os.environ["APP_MODE"] = saved  # RACE[a]: restores a value saved while another case had changed it
        status = "pass" if got == tc["expected"] else "fail"
        self.outcomes[status] = self.outcomes[status] + 1  # RACE[b]: read-modify-write of a shared dict item
        if status == "fail":
            self.failures.append(tc["name"])
        return status

    def run(self, workers=4):
        with ThreadPool(workers) as pool:
            statuses = pool.map(self.run_case, self.cases)
        return statuses


if __name__ == "__main__":
    cases = []
    for i in range(60):
        mode = ("debug", "staging", None)[i % 3]
        cases.append(case("test_banner_%d" % i, mode, "mode=" + (mode or "prod")))
    runner = Runner(cases)
    runner.run()
    print(runner.outcomes, "failures:", runner.failures[:5])
