# validation: A download manager object that starts its own worker thread in __init__ while the UI thread queues and cancels downloads through public methods.
# source: written blind from a description
import threading
import time


class DownloadManager:
    def __init__(self) -> None:
        self._queue: list[str] = []
        self._wakeup = threading.Event()
        self._closed = False
        self.completed: list[str] = []
        self._worker = threading.Thread(target=self._run, name="downloader", daemon=True)
        self._worker.start()

    def enqueue(self, url: str) -> None:
        self._queue.append(url)
        self._wakeup.set()

    def cancel(self, url: str) -> bool:
        if url in self._queue:  # RACE[a]: check-then-act: the worker may pop this url right after the check
            self._queue.remove(url)  # RACE[a]: ValueError (x not in list) when the worker already took it
            return True
        return False

    def close(self) -> None:
        self._closed = True
        self._wakeup.set()
        self._worker.join()

    def _run(self) -> None:
        while True:
            self._wakeup.wait(0.01)
            self._wakeup.clear()
            while self._queue:  # RACE[a]: check-then-act: cancel() can empty the list right after this check
                url = self._queue.pop(0)  # RACE[a]: takes the url cancel() just found (ValueError there), or raises IndexError when cancel() emptied the list
                time.sleep(0.0002)  # transfer
                self.completed.append(url)
            if self._closed:
                return


def main() -> None:
    manager = DownloadManager()
    cancelled = 0
    errors = 0
    for i in range(400):
        url = f"https://cdn.example/file{i}.bin"
        manager.enqueue(url)
        if i % 3 == 0:
            try:
                cancelled += manager.cancel(url)
            except ValueError:
                errors += 1
    manager.close()
    print(f"completed={len(manager.completed)} cancelled={cancelled} cancel errors={errors}")


if __name__ == "__main__":
    main()
