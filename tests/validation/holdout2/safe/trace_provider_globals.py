# validation: Reduced copy of the OpenTelemetry Python API's global tracer-provider functions, which application start-up code and instrumented libraries call from any thread.
# source: opentelemetry-python (open-telemetry/opentelemetry-python) PR #2182 "Fix race in set_tracer_provider" (fixes issue #2181); code read from opentelemetry-api/src/opentelemetry/trace/__init__.py and util/_once.py at commit 78672025f7fb49737356e5c50f7cb33992a3da55
# mode: library
# safe: the global provider is written only inside Once.do_once (lock plus re-check of _done) and the proxy provider is created at import time
import logging
import os
from threading import Lock

logger = logging.getLogger(__name__)

OTEL_PYTHON_TRACER_PROVIDER = "OTEL_PYTHON_TRACER_PROVIDER"


class Once:
    """Execute a function exactly once and block all callers until the function returns"""

    def __init__(self):
        self._lock = Lock()
        self._done = False

    def do_once(self, func):
        # fast path, try to avoid locking
        if self._done:
            return False

        with self._lock:
            if not self._done:
                func()
                self._done = True
                return True
        return False


class Tracer:
    def __init__(self, provider, instrumenting_module_name):
        self.provider = provider
        self.instrumenting_module_name = instrumenting_module_name


class TracerProvider:
    def __init__(self, label="sdk"):
        self.label = label

    def get_tracer(self, instrumenting_module_name, instrumenting_library_version=None, schema_url=None):
        return Tracer(self, instrumenting_module_name)


class ProxyTracerProvider(TracerProvider):
    def get_tracer(self, instrumenting_module_name, instrumenting_library_version=None, schema_url=None):
        if _TRACER_PROVIDER:
            return _TRACER_PROVIDER.get_tracer(
                instrumenting_module_name, instrumenting_library_version, schema_url
            )
        return Tracer(self, instrumenting_module_name)


def _load_provider(provider_env_var, provider):
    # stands in for the entry-point lookup of the provider named in the environment
    return TracerProvider(label=os.environ[provider_env_var])


_TRACER_PROVIDER_SET_ONCE = Once()
_TRACER_PROVIDER = None
_PROXY_TRACER_PROVIDER = ProxyTracerProvider()


def get_tracer(instrumenting_module_name, instrumenting_library_version=None,
               tracer_provider=None, schema_url=None):
    """Returns a `Tracer` for use by the given instrumentation library."""
    if tracer_provider is None:
        tracer_provider = get_tracer_provider()
    return tracer_provider.get_tracer(
        instrumenting_module_name, instrumenting_library_version, schema_url
    )


def _set_tracer_provider(tracer_provider, log):
    def set_tp():
        global _TRACER_PROVIDER  # pylint: disable=global-statement
        _TRACER_PROVIDER = tracer_provider

    did_set = _TRACER_PROVIDER_SET_ONCE.do_once(set_tp)

    if log and not did_set:
        logger.warning("Overriding of current TracerProvider is not allowed")


def set_tracer_provider(tracer_provider):
    """Sets the current global TracerProvider object.

    This can only be done once, a warning will be logged if any furter attempt
    is made.
    """
    _set_tracer_provider(tracer_provider, log=True)


def get_tracer_provider():
    """Gets the current global TracerProvider object."""
    if _TRACER_PROVIDER is None:
        # if a global tracer provider has not been set either via code or env
        # vars, return a proxy tracer provider
        if OTEL_PYTHON_TRACER_PROVIDER not in os.environ:
            return _PROXY_TRACER_PROVIDER

        tracer_provider = _load_provider(OTEL_PYTHON_TRACER_PROVIDER, "tracer_provider")
        _set_tracer_provider(tracer_provider, log=False)
    # _TRACER_PROVIDER will have been set by one thread
    return _TRACER_PROVIDER


if __name__ == "__main__":
    early = get_tracer("checkout.startup")
    set_tracer_provider(TracerProvider(label="app"))
    set_tracer_provider(TracerProvider(label="late"))  # logs a warning, keeps "app"
    tracer = get_tracer("checkout.payments")
    print("provider in use:", tracer.provider.label)
    print("early tracer provider type:", type(early.provider).__name__)
