# validation: Reduced model of concurrent.futures.ProcessPoolExecutor (Python 3.9): the executor manager thread iterates the worker table while submit() spawns workers on demand from the caller's thread.
# source: CPython bpo-43498 "dictionary changed size during iteration error in _ExecutorManagerThread", fixed by PR #24868 "Fix dictionary iteration error in _ExecutorManagerThread"
"""The lines that matter (wait_result_broken_or_wakeup, _adjust_process_count, _spawn_process) follow
Lib/concurrent/futures/process.py; worker processes are modelled by threads with a sentinel
event so the reduction runs quickly."""
import itertools
import queue
import threading
from concurrent.futures import Future

_pids = itertools.count(1000)


class _WorkerProcess:
    """Stands in for multiprocessing.Process: has a pid and a sentinel that is set on exit."""

    def __init__(self, call_queue, result_queue):
        self.pid = next(_pids)
        self.sentinel = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(call_queue, result_queue), daemon=True)

    def start(self):
        self._thread.start()

    def _run(self, call_queue, result_queue):
        try:
            while (item := call_queue.get()) is not None:
                work_id, fn, args = item
                result_queue.put((work_id, fn(*args)))
        finally:
            self.sentinel.set()


class _ExecutorManagerThread(threading.Thread):
    def __init__(self, executor):
        super().__init__(daemon=True)
        self.processes = executor._processes
        self.result_queue = executor._result_queue
        self.pending_work_items = executor._pending_work_items
        self.executor = executor

    def run(self):
        while True:
            result_item, broken = self.wait_result_broken_or_wakeup()
            if broken:
                return
            if result_item is not None:
                work_id, value = result_item
                self.pending_work_items.pop(work_id).set_result(value)
            elif self.executor._shutdown and not self.pending_work_items:
                return

    def wait_result_broken_or_wakeup(self):
        worker_sentinels = [p.sentinel for p in self.processes.values()]  # RACE[a]: iterates the live worker dict while submit() adds workers: "dictionary changed size during iteration"
        try:
            result_item = self.result_queue.get(timeout=0.001)
        except queue.Empty:
            result_item = None
        broken = not self.executor._shutdown and any(s.is_set() for s in worker_sentinels)
        return result_item, broken


class ProcessPoolExecutor:
    def __init__(self, max_workers=4):
        self._max_workers = max_workers
        self._processes = {}
        self._pending_work_items = {}
        self._call_queue = queue.Queue()
        self._result_queue = queue.Queue()
        self._queue_count = 0
        self._shutdown = False
        self._shutdown_lock = threading.Lock()
        self._executor_manager_thread = None

    def _adjust_process_count(self):
        process_count = len(self._processes)
        if process_count < self._max_workers:
            self._spawn_process()

    def _spawn_process(self):
        p = _WorkerProcess(self._call_queue, self._result_queue)
        p.start()
        self._processes[p.pid] = p  # RACE[a]: inserted from the submitting thread while the manager thread iterates the dict

    def submit(self, fn, *args):
        with self._shutdown_lock:
            if self._shutdown:
                raise RuntimeError('cannot schedule new futures after shutdown')
            f = Future()
            self._pending_work_items[self._queue_count] = f
            self._call_queue.put((self._queue_count, fn, args))
            self._queue_count += 1
            self._adjust_process_count()
            if self._executor_manager_thread is None:
                self._executor_manager_thread = _ExecutorManagerThread(self)
                self._executor_manager_thread.start()
            return f

    def shutdown(self):
        with self._shutdown_lock:
            self._shutdown = True
            for _ in self._processes:
                self._call_queue.put(None)
        self._executor_manager_thread.join()


if __name__ == "__main__":
    pool = ProcessPoolExecutor(max_workers=64)
    futures = [pool.submit(pow, i, 2) for i in range(200)]
    pool.shutdown()
    done = sum(f.done() for f in futures)
    print(f"{done} of {len(futures)} futures completed")
