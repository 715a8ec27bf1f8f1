# dict.setdefault publishes a per-key list atomically; appends to it are single operations.
import threading
from concurrent.futures import ThreadPoolExecutor

_subscribers = {}


def subscribe(topic, callback):
    _subscribers.setdefault(topic, []).append(callback)


def register_plugin(plugin):
    for topic in plugin.topics:
        subscribe(topic, plugin.on_event)
    return plugin.name


def load_plugins(plugins):
    with ThreadPoolExecutor(max_workers=4) as ex:
        return list(ex.map(register_plugin, plugins))
