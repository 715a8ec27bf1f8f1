# validation: Reduced copy of tornado's IOLoop.instance() (tornado 2.2) used by an asyncio front-end whose executor threads hand reply callbacks to the global I/O loop.
# source: tornado (tornadoweb/tornado) PR #497 "tornado.ioloop.IOLoop.instance() should be threadsafe"; code read from tornado/ioloop.py at the fix commit 840392fa34b61cea923149f813df6c3d72d9aedd
# safe: instance() re-checks for the global loop while holding IOLoop._instance_lock, so exactly one loop is created and every reply callback lands on it
import asyncio
import threading
import time


class IOLoop(object):
    """A level-triggered I/O loop (reduced to the singleton and the callback list)."""

    # Global lock for creating global IOLoop instance
    _instance_lock = threading.Lock()

    def __init__(self, impl=None):
        time.sleep(0.003)  # stands in for creating the poller and the waker pipe
        self._callbacks = []
        self._callback_lock = threading.Lock()
        self._running = False

    @staticmethod
    def instance():
        """Returns a global IOLoop instance.

        Most single-threaded applications have a single, global IOLoop.
        Use this method instead of passing around IOLoop instances
        throughout your code.
        """
        if not hasattr(IOLoop, "_instance"):
            with IOLoop._instance_lock:
                if not hasattr(IOLoop, "_instance"):
                    # New instance after double check
                    IOLoop._instance = IOLoop()
        return IOLoop._instance

    @staticmethod
    def initialized():
        """Returns true if the singleton instance has been created."""
        return hasattr(IOLoop, "_instance")

    def add_callback(self, callback):
        """Calls the given callback on the next I/O loop iteration.

        It is safe to call this method from any thread at any time.
        """
        with self._callback_lock:
            self._callbacks.append(callback)

    def run_pending(self):
        with self._callback_lock:
            callbacks = self._callbacks
            self._callbacks = []
        for callback in callbacks:
            callback()
        return len(callbacks)


def handle_request(request_id, delivered):
    # blocking part of the request; the reply itself is written from the I/O loop
    time.sleep(0.001)
    IOLoop.instance().add_callback(lambda: delivered.append(request_id))


async def serve(n_requests):
    loop = asyncio.get_running_loop()
    delivered = []
    await asyncio.gather(*(loop.run_in_executor(None, handle_request, i, delivered)
                           for i in range(n_requests)))
    ran = IOLoop.instance().run_pending()
    return ran, delivered


if __name__ == "__main__":
    ran, delivered = asyncio.run(serve(16))
    print("reply callbacks run on the global loop:", ran, "of 16")
