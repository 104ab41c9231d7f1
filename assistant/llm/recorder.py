"""Record and replay model calls at the HTTP layer, keyed by a hash of the request.

The key covers the endpoint path and the whole JSON body: model, messages,
response schema and parameters. Headers are never part of a recording, so an
API key cannot leak into one. In replay mode there is no inner transport at
all: a request without a recording fails loudly and nothing is sent.
"""

from __future__ import annotations

import hashlib
import json
import time
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

    def __init__(self, mode: RecordMode, folder: Path, inner: httpx.BaseTransport | None) -> None:
        if mode != "replay" and inner is None:
            raise ValueError("live and record modes need an inner transport")
        self.mode = mode
        self.folder = folder
        self.inner = None if mode == "replay" else inner
        self.usage = Usage()

    def path_for(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.read() or b"{}")
        key = request_key(_endpoint_path(request.url), body)
        self.used_keys.add(key)
        if self.mode == "replay" or (self.mode == "record" and self.path_for(key).exists()):
            # Record mode keeps what is recorded and calls the model only for what is missing.
            return self._replay(key)
        assert self.inner is not None
        started = time.perf_counter()
        response = self.inner.handle_request(request)
        response.read()
        seconds = time.perf_counter() - started
        if response.is_success:
            payload = response.json()
            self.usage.add(payload, seconds, replayed=False)
            if self.mode == "record":
                self._save(key, body, payload, seconds)
        return response

    def _replay(self, key: str) -> httpx.Response:
        path = self.path_for(key)
        if not path.exists():
            raise RecordingMissingError(key, str(self.folder))
        record = json.loads(path.read_text(encoding="utf-8"))
        self.usage.add(record["response"], float(record.get("seconds", 0.0)), replayed=True)
        return httpx.Response(200, json=record["response"])

    def _save(self, key: str, body: dict[str, Any], payload: dict[str, Any], seconds: float) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        record = {
            "key": key,
            "recorded": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(seconds, 3),
            "request": body,
            "response": payload,
        }
        tmp = self.path_for(key).with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(self.path_for(key))

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()
