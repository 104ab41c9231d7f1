import json
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel

from assistant.errors import ModelError, RecordingMissingError
from assistant.llm import LLM
from assistant.llm.recorder import USED_LOG, request_key
from assistant.settings import Settings


class Capital(BaseModel):
    city: str


def completion(content: str) -> dict[str, object]:
    return {
        "id": "c1", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 5, "total_tokens": 16},
    }


class Scripted(httpx.BaseTransport):
    """A fake endpoint answering from a list; it remembers every request body."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.bodies: list[dict[str, object]] = []
        self.headers: list[httpx.Headers] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.read()))
        self.headers.append(request.headers)
        return self.answers.pop(0)


def settings(tmp_path: Path, mode: str, **extra: object) -> Settings:
    return Settings(
        home=tmp_path, record_mode=mode, recordings=tmp_path / "rec", base_url="http://llm.test/v1",  # type: ignore[arg-type]
        api_key="sk-secret-123", model="m", **extra,  # type: ignore[arg-type]
    )


MESSAGES = [{"role": "user", "content": "Capital of France?"}]


def test_record_then_replay_gives_the_same_result_without_the_network(tmp_path: Path) -> None:
    endpoint = Scripted(httpx.Response(200, json=completion('{"city": "Paris"}')))
    recorder = LLM(settings(tmp_path, "record"), inner=endpoint)
    assert recorder.structured(Capital, MESSAGES).city == "Paris"
    files = list((tmp_path / "rec").glob("*.json"))
    assert len(files) == 1
    saved = files[0].read_text()
    assert "sk-secret-123" not in saved and "authorization" not in saved.lower()
    assert endpoint.headers[0]["authorization"] == "Bearer sk-secret-123"

    replayer = LLM(settings(tmp_path, "replay"))
    assert replayer.transport.inner is None
    assert replayer.structured(Capital, MESSAGES).model_dump() == {"city": "Paris"}
    assert replayer.usage.calls == 1 and replayer.usage.replayed == 1
    assert (replayer.usage.prompt_tokens, replayer.usage.completion_tokens) == (11, 5)


def test_record_mode_calls_the_model_only_for_what_is_not_recorded(tmp_path: Path) -> None:
    first = Scripted(httpx.Response(200, json=completion('{"city": "Paris"}')))
    LLM(settings(tmp_path, "record"), inner=first).structured(Capital, MESSAGES)
    second = Scripted(httpx.Response(200, json=completion('{"city": "Rome"}')))
    again = LLM(settings(tmp_path, "record"), inner=second)
    assert again.structured(Capital, MESSAGES).city == "Paris"
    assert second.bodies == [] and again.usage.replayed == 1
    assert again.structured(Capital, [{"role": "user", "content": "Capital of Italy?"}]).city == "Rome"
    assert len(second.bodies) == 1 and len(list((tmp_path / "rec").glob("*.json"))) == 2


def test_replay_miss_names_the_request_hash_and_how_to_record(tmp_path: Path) -> None:
    llm = LLM(settings(tmp_path, "replay"))
    with pytest.raises(RecordingMissingError) as caught:
        llm.structured(Capital, [{"role": "user", "content": "never recorded"}])
    assert caught.value.request_hash in str(caught.value)
    assert "FACTDESK_RECORD_MODE=record" in str(caught.value)


def test_request_key_covers_endpoint_messages_schema_and_parameters() -> None:
    body = {"model": "m", "messages": MESSAGES, "temperature": 0, "response_format": {"type": "json_schema"}}
    key = request_key("http://llm.test/v1", "chat/completions", body)
    assert key == request_key("http://llm.test/v1", "chat/completions", json.loads(json.dumps(body)))
    for change in ({"model": "n"}, {"temperature": 0.5}, {"messages": []}, {"response_format": {}}):
        assert request_key("http://llm.test/v1", "chat/completions", {**body, **change}) != key
    assert request_key("http://other.test/v1", "chat/completions", body) != key
    assert request_key("http://llm.test/v2", "chat/completions", body) != key


def test_request_key_keeps_the_schema_property_order() -> None:
    """The property order is the order a grammar-constrained model writes the fields in: another request."""
    schema = {"properties": {"stance": {"type": "string"}, "reason": {"type": "string"}}}
    swapped = {"properties": dict(reversed(schema["properties"].items()))}
    body = {"model": "m", "response_format": {"type": "json_schema", "json_schema": {"schema": schema}}}
    other = {"model": "m", "response_format": {"type": "json_schema", "json_schema": {"schema": swapped}}}
    assert request_key("e", "chat/completions", body) != request_key("e", "chat/completions", other)


def test_two_endpoints_never_replay_each_others_recordings(tmp_path: Path) -> None:
    endpoint = Scripted(httpx.Response(200, json=completion('{"city": "Paris"}')))
    LLM(settings(tmp_path, "record"), inner=endpoint).structured(Capital, MESSAGES)
    elsewhere = settings(tmp_path, "replay").model_copy(update={"base_url": "http://other.test/proxy/v1"})
    with pytest.raises(RecordingMissingError):
        LLM(elsewhere).structured(Capital, MESSAGES)
    assert LLM(settings(tmp_path, "replay")).structured(Capital, MESSAGES).city == "Paris"


def test_endpoint_identity_drops_credentials_and_query() -> None:
    from assistant.llm.client import endpoint_identity

    with_secrets = Settings(base_url="http://user:pw@llm.test:8080/v1/?api-key=s3cret")  # type: ignore[call-arg]
    identity = endpoint_identity(with_secrets)
    assert "pw" not in identity and "s3cret" not in identity and "user" not in identity
    assert identity.startswith("http://llm.test:8080/v1")


def test_invalid_output_is_re_asked_then_fails_cleanly(tmp_path: Path) -> None:
    bad = [httpx.Response(200, json=completion('{"town": "Paris"}')) for _ in range(3)]
    endpoint = Scripted(*bad)
    llm = LLM(settings(tmp_path, "live", max_reasks=2), inner=endpoint)
    with pytest.raises(ModelError, match="invalid after 3 attempts"):
        llm.structured(Capital, MESSAGES)
    assert len(endpoint.bodies) == 3


def test_a_re_ask_that_succeeds_returns_the_valid_answer(tmp_path: Path) -> None:
    endpoint = Scripted(
        httpx.Response(200, json=completion("not json at all")),
        httpx.Response(200, json=completion('{"city": "Lyon"}')),
    )
    llm = LLM(settings(tmp_path, "live"), inner=endpoint)
    assert llm.structured(Capital, MESSAGES).city == "Lyon"
    assert llm.usage.calls == 2


def test_every_key_looked_up_is_logged_for_the_run_even_from_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = Scripted(httpx.Response(200, json=completion('{"city": "Paris"}')))
    LLM(settings(tmp_path, "record"), inner=endpoint).structured(Capital, MESSAGES)
    log = tmp_path / "used.txt"
    monkeypatch.setenv(USED_LOG, str(log))
    LLM(settings(tmp_path, "replay")).structured(Capital, MESSAGES)
    (recorded,) = (tmp_path / "rec").glob("*.json")
    assert log.read_text().split() == [recorded.stem]
