"""Streamed answers through the seam: passed through as they arrive, recorded whole, replayed as events."""

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.errors import ModelError, RecordingMissingError
from assistant.llm import LLM
from assistant.llm.embedded import _LlamaStream
from assistant.llm.recorder import assembled, parse_sse, sse
from tests.test_recorder import Scripted, settings

MESSAGES = [{"role": "user", "content": "Say hello."}]


def chunk(content: str | None = None, usage: dict[str, int] | None = None) -> dict[str, Any]:
    choices = [] if content is None else [{"index": 0, "delta": {"content": content}, "finish_reason": None}]
    out: dict[str, Any] = {"id": "s1", "object": "chat.completion.chunk", "model": "m", "choices": choices}
    if usage:
        out["usage"] = usage
    return out


HELLO = [chunk("Hel"), chunk("lo "), chunk("there."), chunk(usage={"prompt_tokens": 9, "completion_tokens": 3})]
HELLO[2]["choices"][0]["finish_reason"] = "stop"


def streamed(chunks: list[dict[str, Any]], done: bool = True) -> httpx.Response:
    """A response that arrives one event at a time, as a real stream does."""
    events = [event + b"\n\n" for event in sse(chunks).split(b"\n\n") if event]
    return httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=iter(events if done else events[:-1])
    )


def test_a_stream_is_recorded_whole_and_replayed_piece_by_piece(tmp_path: Path) -> None:
    endpoint = Scripted(streamed(HELLO))
    recorder = LLM(settings(tmp_path, "record"), inner=endpoint)
    assert list(recorder.stream(MESSAGES)) == ["Hel", "lo ", "there."]
    assert endpoint.bodies[0]["stream"] is True
    assert recorder.usage.calls == 1 and recorder.usage.completion_tokens == 3
    record = json.loads(next((tmp_path / "rec").glob("*.json")).read_text())
    assert record["response"]["choices"][0]["message"]["content"] == "Hello there."
    assert len(record["chunks"]) == 4

    replayer = LLM(settings(tmp_path, "replay"))
    assert list(replayer.stream(MESSAGES)) == ["Hel", "lo ", "there."]
    assert replayer.usage.replayed == 1 and replayer.usage.prompt_tokens == 9


def test_a_stream_cut_short_is_an_error_counted_but_never_recorded(tmp_path: Path) -> None:
    recorder = LLM(settings(tmp_path, "record"), inner=Scripted(streamed(HELLO[:2], done=False)))
    pieces: list[str] = []
    with pytest.raises(ModelError, match="broke off"):
        pieces.extend(recorder.stream(MESSAGES))
    assert "".join(pieces) == "Hello "
    assert recorder.usage.calls == 1
    assert not list((tmp_path / "rec").glob("*.json"))
    with pytest.raises(RecordingMissingError):
        list(LLM(settings(tmp_path, "replay")).stream(MESSAGES))


def test_a_stream_the_reader_abandons_is_closed_and_not_recorded(tmp_path: Path) -> None:
    recorder = LLM(settings(tmp_path, "record"), inner=Scripted(streamed(HELLO)))
    pieces = recorder.stream(MESSAGES)
    assert next(pieces) == "Hel"
    pieces.close()  # what Ctrl-C during an answer does
    assert not list((tmp_path / "rec").glob("*.json"))


def test_a_failed_stream_start_is_retried_then_streams(tmp_path: Path) -> None:
    endpoint = Scripted(httpx.Response(503, headers={"retry-after": "0"}), streamed(HELLO))
    llm = LLM(settings(tmp_path, "live", max_retry_wait=1.0), inner=endpoint)
    assert "".join(llm.stream(MESSAGES)) == "Hello there."
    assert len(endpoint.bodies) == 2


def test_sse_helpers_round_trip_and_skip_junk() -> None:
    data = b": keep-alive\n\n" + sse(HELLO) + b"data: {not json\n\n"
    assert parse_sse(data) == HELLO
    assert assembled(HELLO)["choices"][0]["message"]["content"] == "Hello there."
    assert assembled(HELLO)["usage"] == {"prompt_tokens": 9, "completion_tokens": 3}


class FakeLlama:
    n_tokens = 42


def llama_chunks() -> Any:
    for piece in ["The ", "answer", "."]:
        yield {"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "local",
               "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}


def test_the_embedded_stream_speaks_sse_with_usage_and_releases_the_model() -> None:
    lock = threading.RLock()
    lock.acquire()
    body = {"model": "qwen", "stream": True, "stream_options": {"include_usage": True}}
    events = parse_sse(b"".join(_LlamaStream(FakeLlama(), llama_chunks(), lock, body)))
    assert "".join(e["choices"][0]["delta"]["content"] for e in events[:3]) == "The answer."
    assert all(e["model"] == "qwen" for e in events)
    assert events[-1]["usage"] == {"prompt_tokens": 39, "completion_tokens": 3, "total_tokens": 42}
    assert lock.acquire(blocking=False)  # another thread could take the model now


def test_an_embedded_stream_closed_early_releases_the_model() -> None:
    lock = threading.RLock()
    lock.acquire()
    stream = _LlamaStream(FakeLlama(), llama_chunks(), lock, {"stream": True})
    next(iter(stream))
    stream.close()
    stream.close()  # closing twice must not release twice
    released = threading.Thread(target=lambda: results.append(lock.acquire(blocking=False)))
    results: list[bool] = []
    released.start()
    released.join()
    assert results == [True]
