from pathlib import Path

import httpx
import pytest

from assistant.errors import ModelError
from assistant.llm import LLM
from assistant.llm.retry import RetryTransport
from tests.test_recorder import MESSAGES, Capital, Scripted, completion, settings


def transport(
    endpoint: httpx.BaseTransport, retries: int = 3, max_wait: float = 60
) -> tuple[RetryTransport, list[float]]:
    slept: list[float] = []
    return RetryTransport(endpoint, retries, max_wait, sleep=slept.append), slept


def test_429_waits_what_retry_after_asks_then_succeeds() -> None:
    endpoint = Scripted(
        httpx.Response(429, headers={"retry-after": "7"}), httpx.Response(200, json=completion("{}"))
    )
    retry, slept = transport(endpoint)
    response = retry.handle_request(httpx.Request("POST", "http://x/v1/chat/completions", json={}))
    assert response.status_code == 200
    assert slept == [7.0]


def test_5xx_is_retried_a_bounded_number_of_times() -> None:
    endpoint = Scripted(*[httpx.Response(503) for _ in range(4)])
    retry, slept = transport(endpoint, retries=3)
    response = retry.handle_request(httpx.Request("POST", "http://x/v1/chat/completions", json={}))
    assert response.status_code == 503
    assert len(endpoint.bodies) == 4 and len(slept) == 3


def test_total_wait_is_capped() -> None:
    endpoint = Scripted(*[httpx.Response(429, headers={"retry-after": "100"}) for _ in range(4)])
    retry, slept = transport(endpoint, retries=3, max_wait=30)
    retry.handle_request(httpx.Request("POST", "http://x/v1/chat/completions", json={}))
    assert sum(slept) == 30


def test_client_errors_are_not_retried() -> None:
    endpoint = Scripted(httpx.Response(400, json={"error": {"message": "bad"}}))
    retry, slept = transport(endpoint)
    assert retry.handle_request(httpx.Request("POST", "http://x/v1/chat/completions", json={})).status_code == 400
    assert slept == []


class Refusing(httpx.BaseTransport):
    calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        raise httpx.ConnectError("connection refused", request=request)


def test_unreachable_endpoint_is_one_clear_model_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("assistant.llm.retry.time.sleep", slept.append)
    refusing = Refusing()
    llm = LLM(settings(tmp_path, "live", max_retries=2, max_retry_wait=60), inner=refusing)
    with pytest.raises(ModelError, match=r"cannot reach the model endpoint http://llm\.test/v1"):
        llm.structured(Capital, MESSAGES)
    assert refusing.calls == 3 and len(slept) == 2


def test_http_error_status_becomes_a_model_error_with_the_server_message(tmp_path: Path) -> None:
    endpoint = Scripted(httpx.Response(404, json={"error": {"message": "model 'm' not found"}}))
    llm = LLM(settings(tmp_path, "live"), inner=endpoint)
    with pytest.raises(ModelError, match="HTTP 404: model 'm' not found"):
        llm.structured(Capital, MESSAGES)
