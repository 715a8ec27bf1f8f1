# validation: Reduced copy of the OpenTelemetry Python API's global tracer-provider functions, which application start-up code and instrumented libraries call from any thread.
# source: opentelemetry-python (open-telemetry/opentelemetry-python) issue #2181 "Race condition in `set_tracer_provider()`", PR #2182 "Fix race in set_tracer_provider" (commit 78672025f7fb49737356e5c50f7cb33992a3da55); code read from opentelemetry-api/src/opentelemetry/trace/__init__.py at that commit's parent
# mode: library
import logging
import os

logger = logging.getLogger(__name__)

OTEL_PYTHON_TRACER_PROVIDER = "OTEL_PYTHON_TRACER_PROVIDER"


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


_TRACER_PROVIDER = None
_PROXY_TRACER_PROVIDER = None


def get_tracer(instrumenting_module_name, instrumenting_library_version=None,
               tracer_provider=None, schema_url=None):
    """Returns a `Tracer` for use by the given instrumentation library."""
    if tracer_provider is None:
        tracer_provider = get_tracer_provider()
    return tracer_provider.get_tracer(
        instrumenting_module_name, instrumenting_library_version, schema_url
    )


def set_tracer_provider(tracer_provider):
    """Sets the current global TracerProvider object.

    This can only be done once, a warning will be logged if any furter attempt
    is made.
    """
    global _TRACER_PROVIDER  # pylint: disable=global-statement

    if _TRACER_PROVIDER is not None:  # RACE[a]: two threads both find no provider installed yet
        logger.warning("Overriding of current TracerProvider is not allowed")
        return

    _TRACER_PROVIDER = tracer_provider  # RACE[a]: both install theirs; the first caller's provider is silently replaced


def get_tracer_provider():
    """Gets the current global TracerProvider object."""
    # pylint: disable=global-statement
    global _TRACER_PROVIDER
    global _PROXY_TRACER_PROVIDER

    if _TRACER_PROVIDER is None:  # RACE[b]: checked while another thread may be installing a provider
        # if a global tracer provider has not been set either via code or env
        # vars, return a proxy tracer provider
        if OTEL_PYTHON_TRACER_PROVIDER not in os.environ:
            if not _PROXY_TRACER_PROVIDER:  # RACE[c]: several threads find no proxy yet
                _PROXY_TRACER_PROVIDER = ProxyTracerProvider()  # RACE[c]: each creates its own proxy, so callers get different provider objects
            return _PROXY_TRACER_PROVIDER

        _TRACER_PROVIDER = _load_provider(OTEL_PYTHON_TRACER_PROVIDER, "tracer_provider")  # RACE[b]: overwrites a provider another thread installed after the check
    return _TRACER_PROVIDER


if __name__ == "__main__":
    early = get_tracer("checkout.startup")
    set_tracer_provider(TracerProvider(label="app"))
    set_tracer_provider(TracerProvider(label="late"))  # logs a warning, keeps "app"
    tracer = get_tracer("checkout.payments")
    print("provider in use:", tracer.provider.label)
    print("early tracer provider type:", type(early.provider).__name__)
