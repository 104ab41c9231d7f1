"""``factdesk endpoint`` and refused endpoints: one line per capability, one line per failure, documented exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.llm.dialects import DialectMemory
from assistant.llm.probe import probe
from assistant.settings import Settings
from tests.conftest import ROOT
from tests.test_dialects import Server, dialect_of
from tests.test_faults import Endpoint, send
from tests.test_recorder import completion


class FullServer(Server):
    """Takes llama.cpp's dialect only; lists its model with a context length; streams; gives logprobs."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"object": "list", "data": [
                {"id": "m", "object": "model", "owned_by": "me", "meta": {"n_ctx_train": 32768}}]})
        body = json.loads(request.read())
        if body.get("stream"):
            events = [{"id": "s", "object": "chat.completion.chunk", "created": 0, "model": "m",
                       "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": f}]}
                      for p, f in (("Hel", None), ("lo.", "stop"))]
            data = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=data.encode())
        if body.get("logprobs"):
            answer = completion("Yes")
            top = [{"token": t, "logprob": lp, "bytes": None} for t, lp in (("Yes", -0.1), ("No", -2.4))]
            answer["choices"][0]["logprobs"] = {"content": [  # type: ignore[index]
                {"token": "Yes", "logprob": -0.1, "bytes": None, "top_logprobs": top}]}
            return httpx.Response(200, json=answer)
        dialect = dialect_of(body)
        self.seen.append(dialect)
        if dialect not in self.takes:
            return httpx.Response(500, json={"error": {"message": f"response_format {dialect} not allowed"}})
        return httpx.Response(200, json=completion('{"answer": "yes"}'))


def test_the_probe_reports_each_capability_and_remembers_the_dialect(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, base_url="http://127.0.0.1:8011/v1", model="m")  # type: ignore[call-arg]
    result = probe(settings, inner=FullServer(takes={"json_object"}))
    lines = {c.name: c for c in result.capabilities}
    assert lines["reachable"].ok and lines["model listed"].ok
    assert lines["structured output"].ok and lines["structured output"].detail.startswith("json_object")
    assert lines["streaming"].ok and lines["log-probabilities"].ok
    assert lines["context length"].detail == "32768 tokens"
    assert result.usable and result.dialect == "json_object"
    assert DialectMemory(tmp_path).get("http://127.0.0.1:8011/v1") == "json_object"


def test_an_unreachable_endpoint_is_one_failed_line_with_the_fix_and_the_rest_not_checked(tmp_path: Path) -> None:
    class Down(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused")

    settings = Settings(home=tmp_path, base_url="http://127.0.0.1:9/v1", model="m")  # type: ignore[call-arg]
    result = probe(settings, inner=Down())
    reachable = result.capabilities[0]
    assert reachable.name == "reachable" and reachable.ok is False and "FACTDESK_BASE_URL" in reachable.fix
    assert [c.ok for c in result.capabilities[1:]] == [None, None, None] and not result.usable


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[Endpoint]:
    """test_faults' loopback server, without its stubbed sleep: these tests run real processes."""
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    server = Endpoint()
    yield server
    server.server.shutdown()


def factdesk(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """A real ``factdesk`` process: its whole stderr is what a user sees (library logging included)."""
    environment = dict(os.environ, PYTHONPATH=str(ROOT), FACTDESK_RECORD_MODE="live", FACTDESK_MAX_RETRIES="0",
                       **env)
    return subprocess.run([sys.executable, "-m", "assistant", *args], env=environment, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


ARTICLE = "Fictional: the Vellmar town council voted on Monday to close the Ostrand ferry pier in 2027.\n"


@pytest.mark.parametrize(
    ("reply", "code", "says"),
    [
        (send(401, b'{"error": {"message": "bad key"}}'), 3, "refused the API key (401): set FACTDESK_API_KEY"),
        (send(404, b'{"error": {"message": "model m not found"}}'), 4, "404: model m not found: set FACTDESK_MODEL"),
        (None, 4, "cannot reach the model endpoint"),
    ],
    ids=["401", "404-model", "unreachable"],
)
def test_a_refused_endpoint_is_one_line_and_the_documented_exit_code(
    endpoint: Endpoint, tmp_path: Path, reply: object, code: int, says: str
) -> None:
    article = tmp_path / "vellmar.txt"
    article.write_text(ARTICLE)
    url = endpoint.url if reply is not None else "http://127.0.0.1:9/v1"
    endpoint.script = [reply] if reply is not None else []  # type: ignore[list-item]
    done = factdesk(["extract", str(article)], FACTDESK_BASE_URL=url, FACTDESK_MODEL="m")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == code, done.stderr
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], done.stderr
