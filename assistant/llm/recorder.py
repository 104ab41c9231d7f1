"""Record and replay model calls at the HTTP layer, keyed by a hash of the request.

The key covers the endpoint's identity (its base URL without credentials or
query, or the hash of the model file), the request path and the whole JSON
body in its own order: model, messages, response schema with its properties
in the order the model is asked to write them, and parameters. The body is
what openai and instructor make of our pydantic models, so those three are
pinned in pyproject.toml: a new version may reorder or reword a schema, and
its requests then miss their recordings loudly. Headers are never part of a
recording, so an API key cannot leak into one. In replay mode there is no inner transport at
all: a request without a recording fails loudly and nothing is sent.

A streamed request (``"stream": true``) is passed through as it arrives; its
server-sent events are kept as a list of chunks and replayed as events again.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx

from ..errors import ModelError, RecordingMissingError
from ..settings import RecordMode
from .usage import Usage


def request_key(endpoint: str, path: str, body: dict[str, Any]) -> str:
    """Compact JSON of endpoint, path and body, keys in their own order, hashed: stable across runs and machines.

    Key order is kept on purpose: a schema's property order is the order a
    constrained model writes the fields in, so reordering them is another request.
    """
    canonical = json.dumps({"endpoint": endpoint, "path": path, "body": body}, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).hexdigest()


def sse(chunks: list[dict[str, Any]]) -> bytes:
    """Chunks as the server-sent events of a streamed chat completion, ``[DONE]`` last."""
    events = [f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n" for chunk in chunks]
    return ("".join(events) + "data: [DONE]\n\n").encode("utf-8")


def parse_sse(data: bytes) -> list[dict[str, Any]]:
    """The JSON chunks of a server-sent event stream (comments, ``[DONE]`` and junk skipped)."""
    chunks = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        if line.startswith("data:") and (payload := line[5:].strip()) and payload != "[DONE]":
            try:
                chunks.append(json.loads(payload))
            except ValueError:
                continue
    return chunks


def assembled(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """One chat completion from streamed chunks: the text joined, the usage of the chunk that has it."""
    text = "".join(
        (choice.get("delta") or {}).get("content") or "" for chunk in chunks for choice in chunk.get("choices") or []
    )
    usage = next((c["usage"] for c in reversed(chunks) if isinstance(c.get("usage"), dict)), None)
    return {"choices": [{"message": {"role": "assistant", "content": text}}], "usage": usage}


class _Tee(httpx.SyncByteStream):
    """Pass a stream through unchanged; hand its body on once, when it ends or is closed.

    Clients stop reading at the ``[DONE]`` event and close the response, so the
    hand-over happens on close as well as at the end of the stream.
    """

    def __init__(self, inner: httpx.SyncByteStream, done: Callable[[bytes], None]) -> None:
        self.inner = inner
        self.done: Callable[[bytes], None] | None = done
        self.seen: list[bytes] = []

    def __iter__(self) -> Iterator[bytes]:
        for part in self.inner:
            self.seen.append(part)
            yield part
        self._finish()

    def _finish(self) -> None:
        if self.done is not None:
            done, self.done = self.done, None
            done(b"".join(self.seen))

    def close(self) -> None:
        try:
            self._finish()
        finally:
            self.inner.close()


def _endpoint_path(url: httpx.URL) -> str:
    # The endpoint's base URL is in the identity; this is the call below it ("chat/completions").
    return "/".join(url.path.rstrip("/").split("/")[-2:])


#: A file every looked-up key is appended to, so that keys used by child processes (a chat in a
#: terminal, a command run as a subprocess) count when a test run names the recordings nothing used.
USED_LOG = "FACTDESK_RECORDINGS_USED"


class RecordingTransport(httpx.BaseTransport):
    """Wraps the real transport; counts usage in every mode."""

    #: Every key looked up in this process, so a test run can report recordings nothing used.
    used_keys: ClassVar[set[str]] = set()

    def __init__(
        self, mode: RecordMode, folder: Path, inner: httpx.BaseTransport | None, cache: Path | None = None,
        *, endpoint: str,
    ) -> None:
        if mode != "replay" and inner is None:
            raise ValueError("live and record modes need an inner transport")
        #: Who answers (see ``endpoint_identity``): part of every key, so two endpoints never share a recording.
        self.endpoint = endpoint
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

    def _count(
        self, payload: dict[str, Any], seconds: float, replayed: bool, cached: bool = False,
        scopes: list[Usage] | None = None,
    ) -> None:
        with self._lock:
            self.usage.add(payload, seconds, replayed, cached)
        for scope in self._local.__dict__.get("scopes", []) if scopes is None else scopes:
            scope.add(payload, seconds, replayed, cached)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.read() or b"{}")
        key = request_key(self.endpoint, _endpoint_path(request.url), body)
        with self._lock:
            self.used_keys.add(key)
            if log := os.environ.get(USED_LOG):
                with open(log, "a", encoding="utf-8") as handle:
                    handle.write(key + "\n")
        if self.mode == "replay" or (self.mode == "record" and self.path_for(key).exists()):
            # Record mode keeps what is recorded and calls the model only for what is missing.
            record = _read(self.path_for(key))
            if record is None:
                raise RecordingMissingError(key, str(self.folder))
            return self._answer(record, float(record.get("seconds", 0.0)), replayed=True)
        if self.cache is not None and (record := _read(self.cache / f"{key}.json")) is not None:
            return self._answer(record, 0.0, cached=True)
        assert self.inner is not None
        started = time.perf_counter()
        response = self.inner.handle_request(request)
        if body.get("stream") and response.is_success:
            return self._pass_stream(key, body, response, started)
        response.read()
        seconds = time.perf_counter() - started
        if response.is_success:
            payload = response.json()
            if "/chat/completions" in request.url.path and isinstance(payload, dict) and not payload.get("choices"):
                raise ModelError(f"{self.endpoint} answered with no choices")
            self._count(payload, seconds, replayed=False)
            self._keep(key, body, payload, seconds, complete=_complete(payload.get("choices")))
        return response

    def _keep(
        self, key: str, body: dict[str, Any], payload: dict[str, Any], seconds: float, complete: bool,
        chunks: list[dict[str, Any]] | None = None,
    ) -> None:
        """Save a live answer: as a recording in record mode, in the cache in live mode when it is complete."""
        if self.mode == "record":
            _save(self.folder, key, body, payload, seconds, chunks)
        elif self.cache is not None and complete:
            _save(self.cache, key, body, payload, seconds, chunks)

    def _pass_stream(self, key: str, body: dict[str, Any], response: httpx.Response, started: float) -> httpx.Response:
        """The response streams on to the caller; usage is counted (and recorded) once it has all been read."""
        # Read on another thread than the caller's (never, today); the caller's scopes are the ones to count in.
        scopes = list(self._local.__dict__.get("scopes", []))

        def done(data: bytes) -> None:
            chunks = parse_sse(data)
            seconds = time.perf_counter() - started
            self._count(assembled(chunks), seconds, replayed=False, scopes=scopes)
            # A stream cut short (Ctrl-C, a broken connection) is counted but never recorded.
            if b"data: [DONE]" in data:
                ends = [c for chunk in chunks for c in chunk.get("choices") or [] if c.get("finish_reason")]
                self._keep(key, body, assembled(chunks), seconds, _complete(ends), chunks)

        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(response.status_code, headers=response.headers, stream=_Tee(response.stream, done))

    def _answer(
        self, record: dict[str, Any], seconds: float, replayed: bool = False, cached: bool = False
    ) -> httpx.Response:
        """A saved answer (a recording, or the cache's), counted and served as the endpoint would."""
        self._count(record["response"], seconds, replayed=replayed, cached=cached)
        if "chunks" in record:
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=sse(record["chunks"]))
        return httpx.Response(200, json=record["response"])

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()


def _complete(choices: object) -> bool:
    """Whether every choice finished on its own: a cut-off or empty answer is asked again next time."""
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


def _save(
    folder: Path, key: str, body: dict[str, Any], payload: dict[str, Any], seconds: float,
    chunks: list[dict[str, Any]] | None = None, recorded: str | None = None,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {
        "key": key,
        "recorded": recorded or datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "request": body,
        "response": payload,
    }
    if chunks is not None:
        record["chunks"] = chunks
    # A name of its own per writer: threads and processes may save the same key at once.
    tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
    # Not sorted: the request is kept in the order it was sent, which is the order its key hashes.
    tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(folder / f"{key}.json")
