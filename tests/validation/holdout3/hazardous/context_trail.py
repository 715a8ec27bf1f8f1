# validation: An AI agent's tool threads log every context input to a hash-chained audit trail obtained from a lazily created module-level default, as in provena's MCP server and ContextTrail.
# source: provena commit 9128b570f4c85104b22b2cb2e990f7f63f3a5283 "fix: resolve 7 pre-v1.0 bugs ..." for issues #37 (get_trail() double-checked locking) and #38 "_error_count increment is not thread-safe on free-threaded Python" (code before the commit)
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from typing import Any

_logger = logging.getLogger("provena")


class ContextTrail:
    def __init__(self, storage_path: str = "provena.db", signing_key: str | None = None) -> None:
        self._storage_path = storage_path
        self._records: list[dict[str, Any]] = []
        self._previous_hash = "0" * 64
        self._on_error = None
        self._strict = False
        self._error_count = 0
        self._lock = threading.Lock()

    @property
    def error_count(self) -> int:
        """Number of governance errors encountered during this trail's lifetime."""
        return self._error_count

    def log(self, content: str, source: str) -> dict[str, Any] | None:
        try:
            return self._log_internal(content, source)
        except Exception as exc:
            self._handle_error(exc)
            return None

    def _log_internal(self, content: str, source: str) -> dict[str, Any]:
        if not content:
            raise ValueError("empty context from %s" % source)
        content_hash = hashlib.sha256(content.encode()).hexdigest()
        with self._lock:
            prev_hash = self._previous_hash
            chain_hash = hashlib.sha256((prev_hash + content_hash + source).encode()).hexdigest()
            record_data = {"content_hash": content_hash, "source": source, "chain_hash": chain_hash}
            self._records.append(record_data)
            self._previous_hash = chain_hash
        return record_data

    def _handle_error(self, exc: Exception) -> None:
        self._error_count += 1  # RACE[b]: read-modify-write outside self._lock, errors are lost
        _logger.debug("Provena governance error: %s", exc)
        if self._on_error is not None:
            self._on_error(exc)
        if self._strict:
            raise
        return None

    def health(self) -> dict[str, Any]:
        return {"status": "healthy", "record_count": len(self._records), "errors": self._error_count}


_trail: ContextTrail | None = None


def configure(trail: ContextTrail) -> None:
    """Bind a ContextTrail instance for the MCP server to use."""
    global _trail
    _trail = trail


def get_trail() -> ContextTrail:
    """Return the configured trail, creating a default one if needed."""
    global _trail
    if _trail is None:  # RACE[a]: several tool threads see no trail yet...
        _trail = ContextTrail(  # RACE[a]: ...each builds one; records logged to the losers vanish
            storage_path=os.environ.get("PROVENA_DB", "provena.db"),
            signing_key=os.environ.get("PROVENA_SIGNING_KEY"),
        )
    return _trail


def tool_worker(tool: str, outputs: list[str], seen: dict[int, ContextTrail]) -> None:
    for text in outputs:
        trail = get_trail()
        seen[id(trail)] = trail
        trail.log(text, "tool:" + tool)


if __name__ == "__main__":
    calls = {"search": ["doc %d" % i if i % 3 else "" for i in range(300)],
             "fetch": ["page %d" % i if i % 4 else "" for i in range(300)],
             "calc": ["result %d" % i if i % 5 else "" for i in range(300)]}
    seen: dict[int, ContextTrail] = {}
    threads = [threading.Thread(target=tool_worker, args=(name, outs, seen)) for name, outs in calls.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(get_trail().health()), "trails seen:", len(seen))
