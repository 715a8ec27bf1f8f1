# validation: A CMS plugin registry module where plugins register named lifecycle hooks and lazily created plugin services, and request threads fire hooks and look services up.
# source: written blind from a description (holdout batch, 2026-12-05)
# mode: library
_hooks = {}
_service_factories = {}
_services = {}


def register_hook(event, name, func):
    handlers = _hooks.setdefault(event, {})  # RACE[a]: a new event key is added while loaded_plugins() iterates _hooks
    handlers[name] = func  # RACE[a]: adds a handler to the dict fire() may be iterating in another thread


def unregister_hook(event, name):
    _hooks.get(event, {}).pop(name, None)  # RACE[a]: removes a handler while fire() iterates: "dictionary changed size during iteration"


def fire(event, **payload):
    results = {}
    for name, func in _hooks.get(event, {}).items():  # RACE[a]: iterates the live handler dict while plugins (un)register
        results[name] = func(**payload)
    return results


def provide(service, factory):
    _service_factories[service] = factory


def service(name):
    instance = _services.get(name)
    if instance is None:  # RACE[b]: concurrent first lookups all see no instance...
        instance = _service_factories[name]()
        _services[name] = instance  # RACE[b]: ...each builds one and callers end up holding different instances
    return instance


def loaded_plugins():
    return sorted({name for handlers in _hooks.values() for name in handlers})  # RACE[a]: walks the live event and handler dicts while registrations change them


class SearchIndexService:
    def __init__(self):
        self.documents = {}

    def index(self, page_id, title):
        self.documents[page_id] = title.lower()


def _on_publish(page_id, title):
    service("search").index(page_id, title)
    return "indexed"


def _on_publish_audit(page_id, title):
    return f"audit: published {page_id}"


if __name__ == "__main__":
    provide("search", SearchIndexService)
    register_hook("page_published", "search", _on_publish)
    register_hook("page_published", "audit", _on_publish_audit)
    print(fire("page_published", page_id=7, title="Release Notes"))
    unregister_hook("page_published", "audit")
    print(fire("page_published", page_id=8, title="Roadmap"))
    assert service("search") is service("search")
    print("plugins:", loaded_plugins(), "indexed:", service("search").documents)
