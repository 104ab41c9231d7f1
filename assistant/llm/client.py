"""One client for every model call: openai SDK + instructor, over a transport chain.

    openai.OpenAI -> RecordingTransport -> RetryTransport -> HTTP or EmbeddedTransport

Callers ask for a pydantic model back; the chain handles recording, replay,
retries and usage, and every failure leaves as a :class:`ModelError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel

from ..errors import ConfigError, FactdeskError, InvalidOutputError, ModelError
from ..settings import Settings
from .embedded import MODEL_SHA256, EmbeddedTransport
from .recorder import RecordingTransport
from .retry import RetryTransport
from .usage import Usage

T = TypeVar("T", bound=BaseModel)
EMBEDDED_URL = "http://embedded.invalid/v1"
_MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
}


def _root_cause(exc: BaseException) -> FactdeskError | None:
    """Our own error, if one is buried under the SDK's or instructor's wrappers."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, FactdeskError):
            return current
        stack.extend([current.__cause__, current.__context__])
        stack.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
    return None


class LLM:
    """The seam: build once per command, call :meth:`structured`, read :attr:`usage`."""

    def __init__(self, settings: Settings, inner: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        if settings.record_mode == "replay":
            base: httpx.BaseTransport | None = None
        else:
            base = inner or (EmbeddedTransport(settings) if settings.embedded else httpx.HTTPTransport())
            base = RetryTransport(base, settings.max_retries, settings.max_retry_wait)
        cache = cache_folder(settings) if settings.cache else None
        self.transport = RecordingTransport(settings.record_mode, settings.recordings_dir, base, cache)
        key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
        self.base_url = settings.base_url or EMBEDDED_URL
        self.openai = openai.OpenAI(
            api_key=key,
            base_url=self.base_url,
            max_retries=0,
            timeout=settings.timeout,
            # openai 3.x is built on httpx2 and accepts an httpx client through the same interface.
            http_client=httpx.Client(transport=self.transport, timeout=settings.timeout),  # type: ignore[arg-type]
        )
        self.client = instructor.from_openai(self.openai, mode=_MODES[settings.structured_mode])

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
        """The model's answer parsed into ``response_model``, re-asked on invalid output, bounded.

        An answer cut off at ``max_tokens`` is usually a small model looping inside
        a string; at temperature 0 the same request loops again, so the one retry
        samples at temperature 0.5 instead.
        """
        temperatures = [self.settings.temperature]
        if self.settings.max_reasks > 0:
            temperatures.append(max(0.5, self.settings.temperature))
        for attempt, temperature in enumerate(temperatures):
            try:
                result: T = self.client.chat.completions.create(
                    model=self.settings.model,
                    messages=messages,  # type: ignore[arg-type]
                    response_model=response_model,
                    max_retries=self.settings.max_reasks,
                    temperature=temperature,
                    max_tokens=max_tokens,
                )
                return result
            except IncompleteOutputException:
                if attempt == len(temperatures) - 1:
                    raise InvalidOutputError(
                        f"the model's answer was cut off at {max_tokens} tokens, {len(temperatures)} times"
                    ) from None
            except Exception as exc:
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

    def _translate(self, exc: Exception) -> FactdeskError:
        own = _root_cause(exc)
        if own is not None:
            return own
        where = self.endpoint
        status = next((e for e in _chain(exc) if isinstance(e, openai.APIStatusError)), None)
        if status is not None:
            detail = _error_message(status)
            if status.status_code in (401, 403):
                return ConfigError(f"{where} refused the API key ({status.status_code}): set FACTDESK_API_KEY")
            return ModelError(f"{where} answered HTTP {status.status_code}: {detail}")
        if any(isinstance(e, openai.APITimeoutError | httpx.TimeoutException) for e in _chain(exc)):
            return ModelError(f"{where} did not answer within {self.settings.timeout:g} s")
        if any(isinstance(e, openai.APIConnectionError | httpx.TransportError) for e in _chain(exc)):
            return ModelError(f"cannot reach the model endpoint {where}")
        if isinstance(exc, InstructorRetryException):
            return InvalidOutputError(
                f"the model's output stayed invalid after {self.settings.max_reasks + 1} attempts: "
                f"{_first_line(str(exc.__cause__ or exc))}"
            )
        return ModelError(f"model call failed: {_first_line(str(exc))}")

    def close(self) -> None:
        self.openai.close()


def cache_folder(settings: Settings) -> Path:
    """The response cache of this endpoint: one folder per base URL, or per embedded model file."""
    if settings.base_url:
        identity = settings.base_url.rstrip("/")
    elif settings.gguf:
        # Your own GGUF: a new file at the same path is another model.
        try:
            st = settings.gguf.stat()
            identity = f"gguf:{settings.gguf.resolve()}:{st.st_size}:{st.st_mtime_ns}"
        except OSError:
            identity = f"gguf:{settings.gguf}"
    else:
        identity = f"embedded:{MODEL_SHA256}"
    return settings.cache_dir / "llm" / hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in out:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def _error_message(error: openai.APIStatusError) -> str:
    body: Any = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return _first_line(str(inner["message"]))
    return _first_line(error.message)


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "no detail"
    return line[:300]
