"""``factdesk endpoint``: what the configured model endpoint can do, one line per capability.

Each check makes one small real request through the same seam as every
other command (live, never recorded or cached), so what it reports is what
``verify`` and ``ask`` will meet: reachable, the model listed, a
structured-output dialect that works (found and remembered, as in auto mode),
streaming, token log-probabilities and the context length when the server
tells it. A failure says what to set.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from pydantic import BaseModel, Field

from ..errors import ConfigError, FactdeskError
from ..settings import Settings
from . import LLM

_CONTEXT_KEYS = ("context_length", "max_model_len", "n_ctx", "context_window", "max_context_length", "n_ctx_train")
_ASK = [
    {"role": "system", "content": "Answer in JSON."},
    {"role": "user", "content": "Is water wet? Answer yes or no."},
]


class ProbeAnswer(BaseModel):
    answer: str = Field(max_length=20)


class Capability(BaseModel):
    """One line of the probe: ``ok`` is None when the check could not run (an earlier one failed)."""

    name: str
    ok: bool | None
    detail: str
    fix: str = ""
    seconds: float = 0.0


class ProbeResult(BaseModel):
    endpoint: str
    model: str
    dialect: str | None
    capabilities: list[Capability]

    @property
    def usable(self) -> bool:
        """Reachable and able to give structured output: what extract and the LLM judge need."""
        return all(c.ok for c in self.capabilities if c.name in ("reachable", "structured output"))


def _context_length(entry: dict[str, Any]) -> int | None:
    for source in (entry, entry.get("meta") or {}, entry.get("details") or {}):
        if isinstance(source, dict):
            for key in _CONTEXT_KEYS:
                if isinstance(source.get(key), int) and source[key] > 0:
                    return int(source[key])
    return None


def _fix_for(exc: FactdeskError, settings: Settings) -> str:
    text = exc.message
    if "API key" in text:
        return "set FACTDESK_API_KEY"
    if "404" in text and "model" in text.lower():
        return "set FACTDESK_MODEL to a model the endpoint lists"
    if "cannot reach" in text or "did not answer" in text or "404" in text:
        return "check FACTDESK_BASE_URL (the server's address, usually ending in /v1) and that the server runs"
    if isinstance(exc, ConfigError):
        return "see the message"
    return "set FACTDESK_STRUCTURED_MODE to a dialect the server documents" if "structured" in text else ""


def probe(settings: Settings, inner: httpx.BaseTransport | None = None) -> ProbeResult:
    """Run every check against the endpoint ``settings`` name (live; nothing recorded or cached)."""
    live = settings.model_copy(update={"record_mode": "live", "cache": False, "max_retries": 0})
    llm = LLM(live, inner=inner)
    side: list[Capability] = []
    try:
        lines = [_reachable(llm, live, side), *side]
        if lines[0].ok:
            lines.append(_structured(llm, live))
            lines.append(_streaming(llm, live))
            lines.append(_logprobs(llm, live))
        else:
            lines += [Capability(name=n, ok=None, detail="not checked: the endpoint is not reachable")
                      for n in ("structured output", "streaming", "log-probabilities")]
    finally:
        llm.close()
    return ProbeResult(endpoint=llm.endpoint, model=live.model, dialect=llm.dialect, capabilities=lines)


def _timed(started: float) -> float:
    return round(time.perf_counter() - started, 2)


def _reachable(llm: LLM, settings: Settings, lines: list[Capability]) -> Capability:
    """Reachable (GET /models), and as side lines the model listed and the context length."""
    started = time.perf_counter()
    try:
        listed = llm.list_models()
    except FactdeskError as exc:
        return Capability(name="reachable", ok=False, detail=exc.message, fix=_fix_for(exc, settings),
                          seconds=_timed(started))
    seconds = _timed(started)
    ids = [str(m.get("id")) for m in listed]
    if settings.model in ids:
        lines.append(Capability(name="model listed", ok=True, detail=settings.model))
    elif ids:
        shown = ", ".join(ids[:3]) + (" …" if len(ids) > 3 else "")
        lines.append(Capability(name="model listed", ok=False, detail=f"{settings.model} is not listed ({shown}); "
                                "a server with one model may answer to any name",
                                fix=f"set FACTDESK_MODEL={ids[0]} if requests fail"))
    else:
        lines.append(Capability(name="model listed", ok=False, detail="the endpoint lists no models"))
    entry = next((m for m in listed if str(m.get("id")) == settings.model), listed[0] if len(listed) == 1 else {})
    context = settings.context if settings.embedded else _context_length(entry)
    lines.append(Capability(name="context length", ok=context is not None,
                            detail=f"{context} tokens" if context else "not reported by the server"))
    return Capability(name="reachable", ok=True, detail=f"{llm.endpoint} ({len(ids)} model(s) listed)",
                      seconds=seconds)


def _structured(llm: LLM, settings: Settings) -> Capability:
    started = time.perf_counter()
    try:
        llm.structured(ProbeAnswer, _ASK, max_tokens=40)
    except FactdeskError as exc:
        return Capability(name="structured output", ok=False, detail=exc.message, fix=_fix_for(exc, settings),
                          seconds=_timed(started))
    how = "forced by FACTDESK_STRUCTURED_MODE" if settings.structured_mode != "auto" else "found and remembered"
    return Capability(name="structured output", ok=True, detail=f"{llm.dialect} ({how})", seconds=_timed(started))


def _streaming(llm: LLM, settings: Settings) -> Capability:
    started = time.perf_counter()
    try:
        pieces = list(llm.stream([{"role": "user", "content": "Say hello."}], max_tokens=8))
    except FactdeskError as exc:
        return Capability(name="streaming", ok=False, detail=exc.message, fix=_fix_for(exc, settings),
                          seconds=_timed(started))
    return Capability(name="streaming", ok=bool(pieces), detail=f"{len(pieces)} piece(s)", seconds=_timed(started))


def _logprobs(llm: LLM, settings: Settings) -> Capability:
    started = time.perf_counter()
    try:
        tokens = llm.top_logprobs([{"role": "user", "content": "Say yes."}])
    except FactdeskError as exc:
        return Capability(name="log-probabilities", ok=False, detail=exc.message, seconds=_timed(started))
    if not tokens:
        return Capability(name="log-probabilities", ok=False, detail="the endpoint returned none",
                          fix="the LLM judge's logprob scoring needs them; the default classifier judge does not",
                          seconds=_timed(started))
    return Capability(name="log-probabilities", ok=True, detail=f"top {len(tokens)} alternatives per token",
                      seconds=_timed(started))
