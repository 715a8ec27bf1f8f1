# validation: An asyncio reporting service renders each report in asyncio.to_thread and instantiates the output-format plugin (csv, json) on first use from a module-level plugin registry.
# source: written blind from a description (holdout batch, 2026-12-05)
import asyncio
import json
import time

_FACTORIES = {}
_INSTANCES = {}
plugins_started = 0


def plugin(name):
    def register(cls):
        _FACTORIES[name] = cls
        return cls
    return register


@plugin("csv")
class CsvExporter:
    def __init__(self):
        global plugins_started
        time.sleep(0.002)  # opens templates, warms caches
        plugins_started += 1  # RACE[b]: plugin constructors on different threads lose increments

    def render(self, rows):
        return "\n".join(",".join(map(str, r)) for r in rows)


@plugin("json")
class JsonExporter(CsvExporter):
    def render(self, rows):
        return json.dumps(rows)


def get_plugin(name, registry=_INSTANCES):
    if name not in registry:  # RACE[a]: several report threads find the plugin missing at once...
        registry[name] = _FACTORIES[name]()  # RACE[a]: ...each builds its own instance and the later store wins
    return registry[name]


def _export(report):
    exporter = get_plugin(report["format"])
    return exporter.render(report["rows"])


def render_report(report):
    body = _export(report)
    return report["id"], len(body)


async def main():
    reports = [
        {"id": n, "format": "csv" if n % 2 else "json", "rows": [[n, i, i * n] for i in range(5)]}
        for n in range(16)
    ]
    results = await asyncio.gather(*(asyncio.to_thread(render_report, r) for r in reports))
    print("rendered:", dict(results))
    print("plugin instances:", sorted(_INSTANCES), "constructors run:", plugins_started)


if __name__ == "__main__":
    asyncio.run(main())
