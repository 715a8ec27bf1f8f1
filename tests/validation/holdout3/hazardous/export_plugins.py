# validation: A report-export library where format plugins register themselves by name and are instantiated lazily the first time any caller thread exports in that format.
# source: written blind from a description
# mode: library
import csv
import io
import json


class DuplicatePlugin(Exception):
    pass


class PluginRegistry:
    def __init__(self):
        self._factories = {}
        self._instances = {}
        self.exports_by_format = {}

    def register(self, fmt, factory):
        if fmt in self._factories:  # RACE[a]: two plugins registering the same format both pass...
            raise DuplicatePlugin(fmt)
        self._factories[fmt] = factory  # RACE[a]: ...and the later one silently wins

    def unregister(self, fmt):
        self._factories.pop(fmt, None)  # RACE[b]: removal while formats() iterates the same dict
        self._instances.pop(fmt, None)

    def formats(self):
        return sorted(fmt for fmt in self._factories)  # RACE[b]: "dictionary changed size during iteration"

    def _plugin(self, fmt):
        plugin = self._instances.get(fmt)  # RACE[c]: not built yet for several concurrent callers...
        if plugin is None:
            plugin = self._factories[fmt]()
            self._instances[fmt] = plugin  # RACE[c]: ...each builds and publishes its own instance
        return plugin

    def export(self, fmt, rows):
        out = self._plugin(fmt).render(rows)
        self.exports_by_format[fmt] = self.exports_by_format.get(fmt, 0) + 1  # RACE[d]: lost update
        return out


class JsonPlugin:
    def render(self, rows):
        return json.dumps(rows, sort_keys=True)


class CsvPlugin:
    def __init__(self):
        self.rendered = 0

    def render(self, rows):
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=sorted(rows[0]))
        writer.writeheader()
        self.rendered += 1  # RACE[e]: lost update on the shared plugin instance's counter
        writer.writerows(rows)
        return buf.getvalue()


registry = PluginRegistry()


def register_builtin_plugins():
    for fmt, factory in (("json", JsonPlugin), ("csv", CsvPlugin)):
        registry.register(fmt, factory)


def export_report(fmt, rows):
    """Public entry point: render `rows` in the given format."""
    return registry.export(fmt, rows)


if __name__ == "__main__":
    register_builtin_plugins()
    rows = [{"sku": "A-1", "qty": 3}, {"sku": "B-7", "qty": 1}]
    print(registry.formats())
    registry.unregister("csv")
    registry.register("csv", CsvPlugin)
    print(export_report("json", rows))
    print(export_report("csv", rows).strip().splitlines()[0])
    print(registry.exports_by_format)
