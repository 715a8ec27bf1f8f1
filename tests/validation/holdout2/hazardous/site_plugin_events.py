# validation: A plugin hook library for a static-site generator: plugins subscribe callbacks to named build events or watch all events through observer objects, and the generator's page-rendering threads emit events.
# source: written blind from a description
# mode: library
import weakref

_listeners = {}                   # event name -> list of callbacks
_observers = weakref.WeakSet()    # objects with a notify(event, payload) method
_emitted = {}                     # event name -> number of emits


def subscribe(event, callback):
    """Call `callback(payload)` every time `event` is emitted."""
    if event not in _listeners:  # RACE[a]: two plugins subscribing first to the same event both find no list
        _listeners[event] = []  # RACE[a]: the second empty list replaces the first, losing the callback appended to it
    _listeners[event].append(callback)  # RACE[a]: may append to a list that another subscriber is about to replace


def unsubscribe(event, callback):
    try:
        _listeners.get(event, []).remove(callback)  # RACE[b]: removes in place from the list emit() may be iterating
    except ValueError:
        pass


def watch(observer):
    """Register an object that sees every event; it is dropped when garbage-collected."""
    _observers.add(observer)  # RACE[c]: grows the WeakSet while emit() iterates it


def emit(event, payload=None):
    """Run every callback for `event`, then notify the observers; returns the callback results."""
    _emitted[event] = _emitted.get(event, 0) + 1  # RACE[d]: lost update when two threads emit the same event
    results = []
    for callback in _listeners.get(event, ()):  # RACE[b]: a concurrent unsubscribe() makes this loop skip the next callback
        results.append(callback(payload))
    for observer in _observers:  # RACE[c]: "Set changed size during iteration" when another thread calls watch()
        observer.notify(event, payload)
    return results


def stats():
    return dict(_emitted)


class BuildLog:
    def __init__(self):
        self.lines = []

    def notify(self, event, payload):
        self.lines.append(f"{event}: {payload}")


if __name__ == "__main__":
    def minify(page):
        return page.replace("  ", " ")

    def word_count(page):
        return len(page.split())

    subscribe("page_rendered", minify)
    subscribe("page_rendered", word_count)
    log = BuildLog()
    watch(log)
    print(emit("page_rendered", "<h1>Hello  world</h1>"))
    unsubscribe("page_rendered", minify)
    print(emit("page_rendered", "<p>Second  page</p>"))
    print(stats(), len(log.lines))
