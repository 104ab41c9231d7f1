"""Record and replay model calls at the HTTP layer, keyed by a hash of the request.

The key covers the endpoint path and the whole JSON body: model, messages,
response schema and parameters. Headers are never part of a recording, so an
API key cannot leak into one. In replay mode there is no inner transport at
all: a request without a recording fails loudly and nothing is sent.

In live mode the same key addresses a response cache (``HOME/cache``): a
request identical to one already answered by the same endpoint (same model,
prompt, evidence, schema, temperature) is answered from it, so no claim is
judged twice against the same evidence. Only complete answers are cached.

The transport is shared by every thread of a command: totals are kept under a
lock, and :meth:`RecordingTransport.measure` counts one thread's calls alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx

from ..errors import RecordingMissingError
from ..settings import RecordMode
from .usage import Usage


def request_key(path: str, body: dict[str, Any]) -> str:
    """Canonical JSON (sorted keys) of path and body, hashed: stable across runs and machines."""
    canonical = json.dumps({"path": path, "body": body}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).hexdigest()


def _endpoint_path(url: httpx.URL) -> str:
    # Only the last two segments ("chat/completions"): the same call to another base URL replays too.
    return "/".join(url.path.rstrip("/").split("/")[-2:])


class RecordingTransport(httpx.BaseTransport):
    """Wraps the real transport; counts usage in every mode."""

    #: Every key looked up in this process, so a test run can report recordings nothing used.
    used_keys: ClassVar[set[str]] = set()

    def __init__(
        self, mode: RecordMode, folder: Path, inner: httpx.BaseTransport | None, cache: Path | None = None
    ) -> None:
        if mode != "replay" and inner is None:
            raise ValueError("live and record modes need an inner transport")
        self.mode = mode
        self.folder = folder
        self.inner = None if mode == "replay" else inner
        self.cache = cache if mode == "live" else None
        self.usage = Usage()
        self._lock = threading.Lock()
        self._local = threading.local()

    def path_for(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    @contextmanager
    def measure(self) -> Iterator[Usage]:
        """Count the calls this thread makes inside the block (the totals still count everything)."""
        scopes: list[Usage] = self._local.__dict__.setdefault("scopes", [])
        usage = Usage()
        scopes.append(usage)
        try:
            yield usage
        finally:
            scopes.remove(usage)
            usage.seconds = round(usage.seconds, 3)

    def _count(self, payload: dict[str, Any], seconds: float, replayed: bool, cached: bool = False) -> None:
        with self._lock:
            self.usage.add(payload, seconds, replayed, cached)
        for scope in self._local.__dict__.get("scopes", []):
            scope.add(payload, seconds, replayed, cached)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.read() or b"{}")
        key = request_key(_endpoint_path(request.url), body)
        with self._lock:
            self.used_keys.add(key)
        if self.mode == "replay" or (self.mode == "record" and self.path_for(key).exists()):
            # Record mode keeps what is recorded and calls the model only for what is missing.
            return self._replay(key)
        if self.cache is not None and (cached := _read(self.cache / f"{key}.json")) is not None:
            self._count(cached["response"], 0.0, replayed=False, cached=True)
            return httpx.Response(200, json=cached["response"])
        assert self.inner is not None
        started = time.perf_counter()
        response = self.inner.handle_request(request)
        response.read()
        seconds = time.perf_counter() - started
        if response.is_success:
            payload = response.json()
            self._count(payload, seconds, replayed=False)
            if self.mode == "record":
                _save(self.folder, key, body, payload, seconds)
            elif self.cache is not None and _complete(payload):
                _save(self.cache, key, body, payload, seconds)
        return response

    def _replay(self, key: str) -> httpx.Response:
        record = _read(self.path_for(key))
        if record is None:
            raise RecordingMissingError(key, str(self.folder))
        self._count(record["response"], float(record.get("seconds", 0.0)), replayed=True)
        return httpx.Response(200, json=record["response"])

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()


def _complete(payload: dict[str, Any]) -> bool:
    """Whether every choice finished on its own: a cut-off or empty answer is asked again next time."""
    choices = payload.get("choices")
    return isinstance(choices, list) and bool(choices) and all(
        isinstance(c, dict) and c.get("finish_reason") in ("stop", "tool_calls") for c in choices
    )


def _read(path: Path) -> dict[str, Any] | None:
    """A saved record, or None when there is none (or it is unreadable, e.g. half-written by a killed process)."""
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record.get("response"), dict) else None


def _save(folder: Path, key: str, body: dict[str, Any], payload: dict[str, Any], seconds: float) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "key": key,
        "recorded": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "request": body,
        "response": payload,
    }
    # A name of its own per writer: threads and processes may save the same key at once.
    tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(folder / f"{key}.json")
