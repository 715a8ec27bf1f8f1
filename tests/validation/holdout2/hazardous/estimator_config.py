# validation: Reduced copy of scikit-learn's configuration module (0.23 line) used by a scoring service whose pool threads skip input validation with config_context() for batches the feature store already checked.
# source: scikit-learn (scikit-learn/scikit-learn) PR #18736 "ENH Makes global configuration thread local"; code read from a public copy of sklearn/_config.py of the 0.23 line (before the PR)
import math
import os
import time
from contextlib import contextmanager as contextmanager
from multiprocessing.pool import ThreadPool

_global_config = {
    'assume_finite': bool(os.environ.get('SKLEARN_ASSUME_FINITE', False)),
    'working_memory': int(os.environ.get('SKLEARN_WORKING_MEMORY', 1024)),
    'print_changed_only': True,
    'display': 'text',
}


def get_config():
    """Retrieve current values for configuration set by :func:`set_config`"""
    return _global_config.copy()


def set_config(assume_finite=None, working_memory=None,
               print_changed_only=None, display=None):
    """Set global scikit-learn configuration"""
    if assume_finite is not None:
        _global_config['assume_finite'] = assume_finite  # RACE[a]: one pool thread's temporary setting becomes every thread's setting
    if working_memory is not None:
        _global_config['working_memory'] = working_memory
    if print_changed_only is not None:
        _global_config['print_changed_only'] = print_changed_only
    if display is not None:
        _global_config['display'] = display


@contextmanager
def config_context(**new_config):
    """Context manager for global scikit-learn configuration"""
    old_config = get_config().copy()  # RACE[a]: may save another thread's temporary value as the "previous" configuration
    set_config(**new_config)  # RACE[a]: changes the process-wide dict, not this thread's view

    try:
        yield
    finally:
        set_config(**old_config)  # RACE[a]: restores out of order, so assume_finite can stay True for everyone


def assert_all_finite(X):
    """Stand-in for sklearn.utils.validation.assert_all_finite."""
    if get_config()['assume_finite']:  # RACE[a]: an untrusted batch skips validation while another thread is inside config_context()
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
    print("assume_finite after the run:", get_config()['assume_finite'])
