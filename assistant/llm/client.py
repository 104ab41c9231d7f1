"""One client for every model call: openai SDK + instructor, over a transport chain.

    openai.OpenAI -> RecordingTransport -> RetryTransport -> HTTP or EmbeddedTransport

Callers ask for a pydantic model back; the chain handles recording, replay,
retries and usage, and every failure leaves as a :class:`ModelError`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from pydantic import BaseModel

from ..errors import ConfigError, FactdeskError, InvalidOutputError, ModelError
from ..settings import Settings
from .dialects import DialectMemory, order, refuses_format
from .embedded import EMBEDDED, EmbeddedTransport
from .guard import refuse_model_requests
from .recorder import RecordingTransport
from .retry import RetryTransport
from .usage import Usage

if TYPE_CHECKING:
    import instructor
    import openai

# openai and instructor take about 2 s to import on a small machine, and a verification by the classifier
# makes no model call: both are imported on the first call, not with this module.

T = TypeVar("T", bound=BaseModel)
EMBEDDED_URL = "http://embedded.invalid/v1"
_MODES = {
    "json_schema": "JSON_SCHEMA",
    # llama.cpp's dialect: instructor's JSON mode (schema in the prompt), plus the schema as a grammar.
    "json_object": "JSON",
    "tools": "TOOLS",
    "json": "JSON",
}


class _FormatRefused(Exception):
    """The endpoint refused the structured-output dialect of a request (see dialects.refuses_format)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


E = TypeVar("E", bound=BaseException)


def _buried(exc: BaseException, kind: type[E]) -> E | None:
    """The first exception of ``kind`` under the SDK's or instructor's wrappers (causes, contexts, args, attempts)."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        stack.extend([current.__cause__, current.__context__])
        stack.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        stack.extend(e for e in getattr(current, "failed_attempts", None) or [] if isinstance(e, BaseException))
    return None


def _root_cause(exc: BaseException) -> FactdeskError | None:
    """Our own error, if one is buried under the SDK's or instructor's wrappers."""
    return _buried(exc, FactdeskError)


class LLM:
    """The seam: build once per command, call :meth:`structured`, read :attr:`usage`."""

    def __init__(self, settings: Settings, inner: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        if settings.record_mode != "replay" and inner is None:
            refuse_model_requests(settings)
        if settings.record_mode == "replay":
            base: httpx.BaseTransport | None = None
        else:
            base = inner or (EmbeddedTransport(settings) if settings.embedded else httpx.HTTPTransport())
            base = RetryTransport(base, settings.max_retries, settings.max_retry_wait)
        identity = endpoint_identity(settings)
        cache = cache_folder(identity, settings) if settings.cache else None
        self.transport = RecordingTransport(
            settings.record_mode, settings.recordings_dir, base, cache, endpoint=identity
        )
        self.base_url = settings.base_url or EMBEDDED_URL
        self._openai: openai.OpenAI | None = None
        self.identity = identity
        self.memory = DialectMemory(settings.home)
        #: The structured-output dialect in use, once one has worked (auto mode finds it; see dialects.py).
        self.dialect: str | None = None if settings.structured_mode == "auto" else settings.structured_mode
        self._clients: dict[str, instructor.Instructor] = {}
        #: Whether the endpoint returned logprobs when asked (None: not asked yet); the LLM judge reads it.
        self.offers_logprobs: bool | None = None

    @property
    def openai(self) -> openai.OpenAI:
        """The SDK client over the transport chain, made on first use."""
        if self._openai is None:
            import openai

            key = self.settings.api_key.get_secret_value() if self.settings.api_key else "not-needed"
            self._openai = openai.OpenAI(
                api_key=key,
                base_url=self.base_url,
                max_retries=0,
                timeout=self.settings.timeout,
                # openai 3.x is built on httpx2 and accepts an httpx client through the same interface.
                http_client=httpx.Client(transport=self.transport, timeout=self.settings.timeout),  # type: ignore[arg-type]
            )
        return self._openai

    def client(self, dialect: str) -> instructor.Instructor:
        if dialect not in self._clients:
            import instructor

            self._clients[dialect] = instructor.from_openai(self.openai, mode=instructor.Mode[_MODES[dialect]])
        return self._clients[dialect]

    @property
    def usage(self) -> Usage:
        return self.transport.usage

    def measure(self) -> AbstractContextManager[Usage]:
        """Count only the calls this thread makes inside a ``with`` block; safe while other threads call too."""
        return self.transport.measure()

    @property
    def endpoint(self) -> str:
        return "embedded" if self.settings.embedded else self.base_url

    def structured(self, response_model: type[T], messages: list[dict[str, str]], max_tokens: int = 768) -> T:
        """The model's answer parsed into ``response_model``, in a dialect the endpoint takes (see dialects.py)."""
        forced = self.settings.structured_mode != "auto"
        candidates: list[str]
        if forced:
            candidates = [self.settings.structured_mode]
        else:
            candidates = order(self.dialect or self.memory.get(self.identity))
        refusals = []
        for dialect in candidates:
            try:
                result = self._structured(dialect, response_model, messages, max_tokens)
            except _FormatRefused as refused:
                if forced:
                    raise ModelError(
                        f"{self.endpoint} does not take structured output as {dialect} (HTTP {refused.status}: "
                        f"{refused.detail}): set FACTDESK_STRUCTURED_MODE=auto"
                    ) from None
                refusals.append(f"{dialect} (HTTP {refused.status})")
                continue
            if self.dialect != dialect:
                self.dialect = dialect
                if self.settings.record_mode != "replay":
                    self.memory.put(self.identity, dialect)
            return result
        raise ModelError(f"{self.endpoint} refused every structured-output dialect: {', '.join(refusals)}; "
                         "set FACTDESK_STRUCTURED_MODE to one it documents")

    def _structured(
        self, dialect: str, response_model: type[T], messages: list[dict[str, str]], max_tokens: int
    ) -> T:
        """One dialect: the answer parsed into ``response_model``, re-asked on invalid output, bounded.

        An answer cut off at ``max_tokens`` is usually a small model looping inside
        a string; at temperature 0 the same request loops again, so the one retry
        samples at temperature 0.5 instead.
        """
        extra: dict[str, Any] = {}
        if dialect == "json_object":
            schema = response_model.model_json_schema()
            extra["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
        temperatures = [self.settings.temperature]
        if self.settings.max_reasks > 0:
            temperatures.append(max(0.5, self.settings.temperature))
        for attempt, temperature in enumerate(temperatures):
            try:
                result: T = self.client(dialect).chat.completions.create(
                    model=self.settings.model,
                    messages=messages,  # type: ignore[arg-type]
                    response_model=response_model,
                    max_retries=self.settings.max_reasks,
                    temperature=temperature,
                    max_tokens=max_tokens,
                    **extra,
                )
                return result
            except _incomplete_output():
                if attempt == len(temperatures) - 1:
                    raise InvalidOutputError(
                        f"the model's answer was cut off at {max_tokens} tokens, {len(temperatures)} times"
                    ) from None
            except Exception as exc:
                status = _status_error(exc)
                if status is not None and refuses_format(status.status_code, _error_message(status)):
                    raise _FormatRefused(status.status_code, _error_message(status)) from None
                raise self._translate(exc) from None
        raise AssertionError("unreachable")

    def stream(self, messages: list[dict[str, str]], max_tokens: int = 400) -> Iterator[str]:
        """The model's free-text answer, piece by piece as it is generated.

        Only the start of a stream can be retried; a stream that breaks later is a
        :class:`ModelError`, and stopping early (Ctrl-C) closes the connection.
        """
        try:
            events = self.openai.chat.completions.create(  # type: ignore[call-overload]
                model=self.settings.model,
                messages=messages,
                temperature=self.settings.temperature,
                max_tokens=max_tokens,
                stream=True,
                stream_options={"include_usage": True},
            )
        except Exception as exc:
            raise self._translate(exc) from None
        finished = False
        try:
            for chunk in events:
                for choice in chunk.choices:
                    finished = finished or choice.finish_reason is not None
                    if choice.delta.content:
                        yield choice.delta.content
        except Exception as exc:
            raise self._translate(exc) from None
        finally:
            events.close()
        if not finished:
            # The SDK ends quietly when a connection drops mid-stream; an answer without its end is not an answer.
            raise ModelError(f"the answer from {self.endpoint} broke off before it ended")

    def list_models(self) -> list[dict[str, Any]]:
        """The endpoint's ``GET /models`` entries as plain dicts (servers add fields such as a context length)."""
        try:
            page = self.openai.models.list()
            return [m.model_dump() for m in page.data]
        except Exception as exc:
            raise self._translate(exc) from None

    def top_logprobs(self, messages: list[dict[str, str]], alternatives: int = 5) -> list[tuple[str, float]]:
        """The first generated token's top alternatives with their log-probabilities; [] when the endpoint has none."""
        try:
            response = self.openai.chat.completions.create(
                model=self.settings.model, messages=messages,  # type: ignore[arg-type]
                max_tokens=1, temperature=0.0, logprobs=True, top_logprobs=alternatives,
            )
        except Exception as exc:
            raise self._translate(exc) from None
        choice = response.choices[0] if response.choices else None
        content = choice.logprobs.content if choice is not None and choice.logprobs is not None else None
        if not content:
            return []
        return [(t.token, t.logprob) for t in content[0].top_logprobs]

    def _translate(self, exc: Exception) -> FactdeskError:
        import openai
        from instructor.core import InstructorRetryException

        own = _root_cause(exc)
        if own is not None:
            return own
        where = self.endpoint
        status = _status_error(exc)
        if status is not None:
            detail = _error_message(status)
            if status.status_code in (401, 403):
                return ConfigError(f"{where} refused the API key ({status.status_code}): set FACTDESK_API_KEY")
            if status.status_code == 404:
                fix = ("set FACTDESK_MODEL to one it serves (factdesk endpoint lists them)" if "model" in detail.lower()
                       else "check FACTDESK_BASE_URL (it usually ends in /v1)")
                return ModelError(f"{where} answered HTTP 404: {detail}: {fix}")
            return ModelError(f"{where} answered HTTP {status.status_code}: {detail}")
        if any(isinstance(e, openai.APITimeoutError | httpx.TimeoutException) for e in _chain(exc)):
            return ModelError(f"{where} did not answer within {self.settings.timeout:g} s: "
                              "raise FACTDESK_TIMEOUT or check the server")
        if any(isinstance(e, openai.APIConnectionError | httpx.TransportError) for e in _chain(exc)):
            return ModelError(f"cannot reach the model endpoint {where}: check FACTDESK_BASE_URL and that the "
                              "server runs")
        if isinstance(exc, InstructorRetryException):
            return InvalidOutputError(
                f"the model's output stayed invalid after {self.settings.max_reasks + 1} attempts: "
                f"{_first_line(str(exc.__cause__ or exc))}"
            )
        return ModelError(f"model call failed: {_first_line(str(exc))}")

    def close(self) -> None:
        if self._openai is not None:
            self._openai.close()


def endpoint_identity(settings: Settings) -> str:
    """Who answers, without secrets: the base URL (no credentials, query or fragment), or the model file's hash.

    It is part of every recording's key and names the response cache, so two
    endpoints never replay each other's answers.
    """
    if settings.base_url:
        url = httpx.URL(settings.base_url.rstrip("/"))
        return str(url.copy_with(username=None, password=None, query=None, fragment=None))
    if settings.gguf:
        return f"gguf:{file_sha256(settings.gguf, settings.home)}"
    return f"embedded:{EMBEDDED.sha256}"


def file_sha256(path: Path, home: Path) -> str:
    """A model file's sha256, computed once per (path, size, mtime) and kept in HOME/models."""
    try:
        st = path.stat()
    except OSError:
        return f"missing:{path}"
    stamp_name = hashlib.blake2b(f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode(), digest_size=8)
    stamp = home / "models" / f"{stamp_name.hexdigest()}.sha256"
    try:
        return stamp.read_text(encoding="utf-8").strip()
    except OSError:
        pass
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(8 << 20):
            digest.update(block)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest.hexdigest() + "\n", encoding="utf-8")
    return digest.hexdigest()


def cache_folder(identity: str, settings: Settings) -> Path:
    """The response cache of one endpoint (see :func:`endpoint_identity`)."""
    return settings.cache_dir / "llm" / hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()


def _incomplete_output() -> type[Exception]:
    from instructor.core import IncompleteOutputException

    return IncompleteOutputException


def _status_error(exc: BaseException) -> openai.APIStatusError | None:
    """The endpoint's HTTP error answer, wherever the SDK or instructor wrapped it."""
    import openai

    return _buried(exc, openai.APIStatusError)


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in out:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def _error_message(error: openai.APIStatusError) -> str:
    """The server's message on one line: whitespace collapsed, a Python traceback's file lines cut, bounded."""
    body: Any = error.body
    text = error.message
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            text = str(inner["message"])
    text = re.split(r'\n\s*File "', text, maxsplit=1)[0]
    return " ".join(text.split())[:300] or "no detail"


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "no detail"
    return line[:300]
