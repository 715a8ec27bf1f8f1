# validation: A plugin test harness runs plugin smoke tests on worker threads, some of which turn DeprecationWarnings into errors for their own plugin and then reset the filters.
# source: written blind from a description
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor


def old_api(x: int) -> int:
    warnings.warn("old_api() is deprecated, use new_api()", DeprecationWarning, stacklevel=2)
    return x * 2


def run_plugin(name: str, strict: bool) -> str:
    if strict:
        warnings.simplefilter("error", DeprecationWarning)  # RACE[a]: inserts into the process-wide filter list; lenient plugins on other threads start raising
    try:
        old_api(3)
        return f"{name}: ok"
    except DeprecationWarning:
        return f"{name}: uses deprecated API"
    finally:
        if strict:
            warnings.resetwarnings()  # RACE[a]: wipes filters for every thread, including the startup "ignore" filter others rely on


def main() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    plugins = [(f"plugin{i}", i % 4 == 0) for i in range(40)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda p: run_plugin(*p), plugins))
    lenient_failures = [r for (name, strict), r in zip(plugins, results) if not strict and "deprecated" in r]
    print(f"{len(lenient_failures)} lenient plugins were failed by another thread's filter")
    print("filters left:", len(warnings.filters))


if __name__ == "__main__":
    main()
