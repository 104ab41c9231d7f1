"""Structured-output negotiation: a refused dialect moves to the next once, and the one that works is remembered."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel

from assistant.errors import ModelError
from assistant.llm import LLM
from assistant.llm.dialects import DialectMemory, refuses_format
from assistant.settings import Settings
from tests.test_recorder import completion

MESSAGES = [{"role": "user", "content": "Capital of France?"}]
LLAMA_SERVER_REFUSAL = (
    "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}"
)


class Capital(BaseModel):
    city: str


def dialect_of(body: dict[str, object]) -> str:
    fmt = body.get("response_format")
    if body.get("tools"):
        return "tools"
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        return "json_schema"
    if isinstance(fmt, dict) and fmt.get("type") == "json_object" and "schema" in fmt:
        return "json_object"
    return "json"


class Server(httpx.BaseTransport):
    """A fake endpoint that takes only some dialects and refuses the others the way real servers do."""

    def __init__(self, takes: set[str], refusal: tuple[int, str] = (500, LLAMA_SERVER_REFUSAL)) -> None:
        self.takes = takes
        self.refusal = refusal
        self.seen: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        dialect = dialect_of(json.loads(request.read()))
        self.seen.append(dialect)
        if dialect not in self.takes:
            status, message = self.refusal
            return httpx.Response(status, json={"error": {"message": message}})
        if dialect == "tools":
            call = {"id": "t1", "type": "function", "function": {"name": "Capital", "arguments": '{"city": "Paris"}'}}
            body = completion("")
            body["choices"][0]["message"] = {"role": "assistant", "content": None, "tool_calls": [call]}  # type: ignore[index]
            body["choices"][0]["finish_reason"] = "tool_calls"  # type: ignore[index]
            return httpx.Response(200, json=body)
        return httpx.Response(200, json=completion('{"city": "Paris"}'))


def live(home: Path, **extra: object) -> Settings:
    return Settings(home=home, base_url="http://127.0.0.1:8011/v1", model="m", record_mode="live",  # type: ignore[arg-type]
                    cache=False, max_retries=3, max_retry_wait=0.01, **extra)  # type: ignore[arg-type]


def test_a_llama_server_refusal_moves_to_its_dialect_once_and_is_not_retried(tmp_path: Path) -> None:
    server = Server(takes={"json_object"})
    llm = LLM(live(tmp_path), inner=server)
    assert llm.structured(Capital, MESSAGES).city == "Paris"
    assert server.seen == ["json_schema", "json_object"]  # the 500 naming response_format was not retried
    assert llm.dialect == "json_object"
    assert llm.structured(Capital, MESSAGES).city == "Paris" and server.seen[2:] == ["json_object"]


def test_the_dialect_that_worked_is_remembered_so_the_next_command_makes_no_failed_request(tmp_path: Path) -> None:
    LLM(live(tmp_path), inner=Server(takes={"tools"}, refusal=(400, "response_format is not supported"))).structured(
        Capital, MESSAGES)
    assert DialectMemory(tmp_path).get("http://127.0.0.1:8011/v1") == "tools"
    again = Server(takes={"tools"}, refusal=(400, "response_format is not supported"))
    assert LLM(live(tmp_path), inner=again).structured(Capital, MESSAGES).city == "Paris"
    assert again.seen == ["tools"]


def test_every_dialect_refused_is_one_error_naming_them_and_the_setting(tmp_path: Path) -> None:
    server = Server(takes=set(), refusal=(422, "unsupported response_format / tools / function calling"))
    with pytest.raises(ModelError) as caught:
        LLM(live(tmp_path), inner=server).structured(Capital, MESSAGES)
    assert server.seen == ["json_schema", "json_object", "tools", "json"]
    message = str(caught.value)
    assert "refused every structured-output dialect" in message and "FACTDESK_STRUCTURED_MODE" in message
    assert "\n" not in message


def test_a_forced_dialect_is_not_negotiated_and_says_how_to_let_it(tmp_path: Path) -> None:
    server = Server(takes={"json_object"})
    with pytest.raises(ModelError, match=r"does not take structured output as json_schema .*STRUCTURED_MODE=auto"):
        LLM(live(tmp_path, structured_mode="json_schema"), inner=server).structured(Capital, MESSAGES)
    assert server.seen == ["json_schema"]


def test_an_error_that_is_not_about_the_format_is_not_negotiated(tmp_path: Path) -> None:
    server = Server(takes=set(), refusal=(400, "this model's maximum context length is 2048 tokens"))
    with pytest.raises(ModelError, match="HTTP 400: this model's maximum context length"):
        LLM(live(tmp_path), inner=server).structured(Capital, MESSAGES)
    assert server.seen == ["json_schema"]


def test_what_counts_as_a_format_refusal() -> None:
    assert refuses_format(500, LLAMA_SERVER_REFUSAL)
    assert refuses_format(400, "Unrecognized request argument: response_format")
    assert not refuses_format(500, "CUDA out of memory")
    assert not refuses_format(429, "response_format rate limit")  # a rate limit is retried, not negotiated
