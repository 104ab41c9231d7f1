"""Model endpoint faults, injected by a real HTTP server on loopback: each is retried within bounds or
fails with one clear error, and no answer is ever made from an invalid response."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pydantic import BaseModel

from assistant.errors import FactdeskError, ModelError
from assistant.llm import LLM
from assistant.settings import Settings
from tests.test_recorder import completion

Reply = Callable[[BaseHTTPRequestHandler], None]


def send(status: int, body: bytes, headers: dict[str, str] | None = None) -> Reply:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)

    return reply


def ok(content: str, **choice: object) -> Reply:
    body = completion(content)
    body["choices"][0].update(choice)  # type: ignore[index]
    return send(200, json.dumps(body).encode())


def truncated(handler: BaseHTTPRequestHandler) -> None:
    body = json.dumps(completion('{"city": "Paris"}')).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body) + 500))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 2])
    handler.wfile.flush()
    handler.close_connection = True


def slow(handler: BaseHTTPRequestHandler) -> None:
    threading.Event().wait(1.5)  # not time.sleep, which the fixture stubs out
    send(200, json.dumps(completion('{"city": "Paris"}')).encode())(handler)


class Endpoint:
    """Answers POSTs from a script of replies; the last reply repeats."""

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.requests = 0
        #: The waits the retry layer asked for (counted, not slept).
        self.waits: list[float] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.requests += 1
                reply = endpoint.script[min(endpoint.requests, len(endpoint.script)) - 1]
                reply(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class City(BaseModel):
    city: str


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[Endpoint]:
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    server = Endpoint()
    # Waits are recorded and counted against the cap but not slept, so the number of attempts is exact.
    monkeypatch.setattr("assistant.llm.retry.time.sleep", server.waits.append)
    yield server
    server.server.shutdown()


def llm_for(url: str, tmp_path: Path) -> LLM:
    settings = Settings(
        home=tmp_path, base_url=url, model="m", record_mode="live", timeout=0.8,  # type: ignore[arg-type]
        max_retries=2, max_retry_wait=MAX_RETRY_WAIT, max_reasks=1,
    )
    return LLM(settings)


GOOD = ok('{"city": "Paris"}')
MAX_RETRY_WAIT = 5.0
FAULTS: list[tuple[str, list[Reply], str | None, int | None]] = [
    # name, script, error expected (None: recovers), requests made (None: as many as the wait cap allows)
    ("429 with Retry-After, then fine", [send(429, b"{}", {"Retry-After": "0"}), GOOD], None, 2),
    ("429 without Retry-After, then fine", [send(429, b"{}"), GOOD], None, 2),
    ("503 then fine", [send(503, b"{}"), GOOD], None, 2),
    ("500 three times", [send(500, b'{"error": {"message": "boom"}}')], "HTTP 500: boom", 3),
    ("429 forever", [send(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "0"})], "HTTP 429", 3),
    ("429 asking for 10 minutes", [send(429, b'{"error": {"message": "later"}}', {"Retry-After": "600"})],
     "HTTP 429", None),
    ("timeout", [slow], "did not answer within 0.8 s", 3),
    ("truncated body", [truncated], "cannot reach the model endpoint", 3),
    ("malformed JSON body", [send(200, b"{not json")], "model endpoint", 1),
    ("JSON violating the schema", [ok('{"town": "Paris"}')], "invalid after 2 attempts", 2),
    ("not JSON content", [ok("Sure! The city is Paris.")], "invalid after 2 attempts", 2),
    ("refusal", [ok(None, message={"role": "assistant", "content": None, "refusal": "I can't help"})],  # type: ignore[arg-type]
     "output stayed invalid after 2 attempts", 2),
    ("empty choice list", [send(200, json.dumps({**completion("{}"), "choices": []}).encode())],
     "answered with no choices", 1),
    ("absurdly long output", [ok('{"city": "' + "Paris " * 2000, finish_reason="length")], "cut off", 2),
    ("404 unknown model", [send(404, b'{"error": {"message": "model m not found"}}')], "HTTP 404", 1),
    ("401 bad key", [send(401, b'{"error": {"message": "bad key"}}')], "refused the API key", 1),
]


@pytest.mark.parametrize(("name", "script", "error", "requests"), FAULTS, ids=[f[0] for f in FAULTS])
def test_injected_fault(
    endpoint: Endpoint, tmp_path: Path, name: str, script: list[Reply], error: str | None, requests: int | None
) -> None:
    endpoint.script = script
    llm = llm_for(endpoint.url, tmp_path)
    started = time.monotonic()
    if error is None:
        assert llm.structured(City, [{"role": "user", "content": "capital of France?"}]).city == "Paris"
    else:
        with pytest.raises(FactdeskError) as caught:
            llm.structured(City, [{"role": "user", "content": "capital of France?"}])
        assert error in str(caught.value)
        assert "\n" not in str(caught.value)
    if requests is not None:
        assert endpoint.requests == requests
    # The waits asked for stay within the cap (a Retry-After of 600 s included); sleeping is stubbed, so the
    # clock measures the requests themselves, each bounded by the 0.8 s timeout.
    assert sum(endpoint.waits) <= MAX_RETRY_WAIT
    assert time.monotonic() - started < 10


def test_connection_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    llm = llm_for(f"http://127.0.0.1:{port}/v1", tmp_path)
    with pytest.raises(ModelError, match="cannot reach the model endpoint"):
        llm.structured(City, [{"role": "user", "content": "capital of France?"}])


def events(*pieces: str, done: bool = True, then_break: bool = False) -> Reply:
    """A streamed answer sent event by event; optionally cut off before it ends."""

    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.end_headers()
        for number, piece in enumerate(pieces, start=1):
            last = number == len(pieces) and done and not then_break
            chunk = {"id": "s", "object": "chat.completion.chunk", "created": 0, "model": "m",
                     "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": "stop" if last else None}]}
            handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            handler.wfile.flush()
        if then_break:
            handler.wfile.write(b"data: {\"choices\": [{\"delta\": {\"cont")
            handler.wfile.flush()
            handler.close_connection = True
            return
        if done:
            handler.wfile.write(b"data: [DONE]\n\n")

    return reply


STREAM_FAULTS: list[tuple[str, list[Reply], str | None, int]] = [
    ("stream: 503 before it starts, then fine", [send(503, b"{}", {"Retry-After": "0"}), events("Par", "is")],
     None, 2),
    ("stream: 429 forever", [send(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "0"})], "HTTP 429", 3),
    ("stream: connection breaks mid-answer", [events("Par", then_break=True)], "broke off before it ended", 1),
    ("stream: ends without its last event", [events("Par", done=False)], "broke off before it ended", 1),
    ("stream: 401 bad key", [send(401, b'{"error": {"message": "bad key"}}')], "refused the API key", 1),
]


@pytest.mark.parametrize(("name", "script", "error", "requests"), STREAM_FAULTS, ids=[f[0] for f in STREAM_FAULTS])
def test_injected_fault_while_streaming(
    endpoint: Endpoint, tmp_path: Path, name: str, script: list[Reply], error: str | None, requests: int | None
) -> None:
    endpoint.script = script
    llm = llm_for(endpoint.url, tmp_path)
    pieces: list[str] = []
    if error is None:
        pieces.extend(llm.stream([{"role": "user", "content": "capital of France?"}]))
        assert "".join(pieces) == "Paris"
    else:
        with pytest.raises(FactdeskError) as caught:
            pieces.extend(llm.stream([{"role": "user", "content": "capital of France?"}]))
        assert error in str(caught.value) and "\n" not in str(caught.value)
    assert endpoint.requests == requests
