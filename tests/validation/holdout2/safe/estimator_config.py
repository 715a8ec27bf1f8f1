# validation: Reduced copy of scikit-learn's configuration module (after the change to thread-local configuration) used by a scoring service whose pool threads skip input validation with config_context() for batches the feature store already checked.
# source: scikit-learn (scikit-learn/scikit-learn) PR #18736 "ENH Makes global configuration thread local"; code read from sklearn/_config.py on main (commit 0050d5cf6047c766576959fd1f7a4494565cf48f)
# safe: every thread reads and changes its own copy of the configuration held in threading.local; the module-level defaults are never written after import
import math
import os
import threading
import time
from contextlib import contextmanager as contextmanager
from multiprocessing.pool import ThreadPool

_global_config = {
    "assume_finite": bool(os.environ.get("SKLEARN_ASSUME_FINITE", False)),
    "working_memory": int(os.environ.get("SKLEARN_WORKING_MEMORY", 1024)),
    "print_changed_only": True,
    "display": "diagram",
}
_threadlocal = threading.local()


def _get_threadlocal_config():
    """Get a threadlocal **mutable** configuration. If the configuration
    does not exist, copy the default global configuration."""
    if not hasattr(_threadlocal, "global_config"):
        _threadlocal.global_config = _global_config.copy()
    return _threadlocal.global_config


def get_config():
    """Retrieve the current scikit-learn configuration."""
    # Return a copy of the threadlocal configuration so that users will
    # not be able to modify the configuration with the returned dict.
    return _get_threadlocal_config().copy()


def set_config(assume_finite=None, working_memory=None,
               print_changed_only=None, display=None):
    """Set global scikit-learn configuration."""
    local_config = _get_threadlocal_config()

    if assume_finite is not None:
        local_config["assume_finite"] = assume_finite
    if working_memory is not None:
        local_config["working_memory"] = working_memory
    if print_changed_only is not None:
        local_config["print_changed_only"] = print_changed_only
    if display is not None:
        local_config["display"] = display


@contextmanager
def config_context(*, assume_finite=None, working_memory=None,
                   print_changed_only=None, display=None):
    """Context manager to temporarily change the global scikit-learn configuration."""
    old_config = get_config()
    set_config(assume_finite=assume_finite, working_memory=working_memory,
               print_changed_only=print_changed_only, display=display)

    try:
        yield
    finally:
        set_config(**old_config)


def assert_all_finite(X):
    """Stand-in for sklearn.utils.validation.assert_all_finite."""
    if get_config()["assume_finite"]:
        return
    for value in X:
        if math.isnan(value) or math.isinf(value):
            raise ValueError("Input contains NaN, infinity or a value too large.")


def score_batch(job):
    batch_id, rows, trusted = job
    time.sleep(0.001)
    try:
        if trusted:
            with config_context(assume_finite=True):
                assert_all_finite(rows)
                time.sleep(0.002)  # model.predict() on rows checked upstream
        else:
            assert_all_finite(rows)
            time.sleep(0.002)
        return batch_id, "scored"
    except ValueError:
        return batch_id, "rejected"


if __name__ == "__main__":
    jobs = []
    for i in range(24):
        trusted = i % 2 == 0
        rows = [0.5, 1.5, 2.5] if trusted else [0.5, float("nan"), 2.5]
        jobs.append((i, rows, trusted))
    with ThreadPool(6) as pool:
        results = pool.map(score_batch, jobs)
    rejected = sum(1 for _, status in results if status == "rejected")
    print("untrusted batches rejected:", rejected, "of 12")
    print("assume_finite after the run:", get_config()["assume_finite"])
