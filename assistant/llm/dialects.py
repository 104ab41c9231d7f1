"""Structured-output dialects, and which one an endpoint speaks (found once, then remembered).

OpenAI-compatible servers differ in how they take a response schema:

- ``json_schema``: OpenAI's ``response_format: {"type": "json_schema", ...}`` (OpenAI, vLLM, Ollama, the
  embedded model);
- ``json_object``: llama.cpp's ``{"type": "json_object", "schema": ...}``, grammar-constrained (llama.cpp's server);
- ``tools``: one forced function call whose parameters are the schema;
- ``json``: the schema in the prompt, the answer validated by pydantic and re-asked (any chat endpoint).

With ``FACTDESK_STRUCTURED_MODE=auto`` (the default) the first dialect is
tried, and a refusal that names the response format (HTTP 400 or 422, or a
500 whose message says so, as llama.cpp's server answers) moves to the next,
each at most once. The one that worked is written to ``HOME/endpoints.json``
under the endpoint's identity, so later commands go straight to it.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import httpx

#: In the order tried.
DIALECTS = ("json_schema", "json_object", "tools", "json")
#: Words that show a refusal is about the request's shape, not its content or the server's health.
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "tool_choice", "tools", "function", "grammar")
_lock = threading.Lock()


def refuses_format(status: int, message: str) -> bool:
    """Whether an HTTP error answer says the endpoint does not take this structured-output dialect."""
    text = message.lower()
    return status in (400, 422, 500, 501) and any(word in text for word in _FORMAT_WORDS)


def response_refuses_format(response: httpx.Response) -> bool:
    """The same test on a raw response (the retry layer must not retry such a 500)."""
    if response.status_code not in (400, 422, 500, 501):
        return False
    try:
        body = response.read()
    except httpx.HTTPError:
        return False
    return refuses_format(response.status_code, body.decode("utf-8", errors="replace"))


class DialectMemory:
    """``HOME/endpoints.json``: endpoint identity -> the dialect that worked there."""

    def __init__(self, home: Path) -> None:
        self.path = home / "endpoints.json"

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, str) and v in DIALECTS} if isinstance(data, dict) else {}

    def get(self, endpoint: str) -> str | None:
        return self._read().get(endpoint)

    def put(self, endpoint: str, dialect: str) -> None:
        with _lock:
            known = self._read()
            if known.get(endpoint) == dialect:
                return
            known[endpoint] = dialect
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".endpoints.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            tmp.replace(self.path)


def order(remembered: str | None) -> list[str]:
    """The dialects to try: the remembered one first, then the others in their usual order."""
    return [remembered, *(d for d in DIALECTS if d != remembered)] if remembered else list(DIALECTS)
