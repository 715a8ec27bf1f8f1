# hazard: process-global state changed from threads (redirect_stdout around plugin calls in a pool)
import contextlib
import io
from concurrent.futures import ThreadPoolExecutor


def run_plugin(plugin):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        plugin.main()
    return plugin.name, buf.getvalue()


def run_all(plugins):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run_plugin, plugins))
