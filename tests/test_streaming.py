"""Streamed answers through the seam: passed through as they arrive, recorded whole, replayed as events."""

import gc
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.errors import ModelError, RecordingMissingError
from assistant.llm import LLM
from assistant.llm.embedded import ModelLock, _LlamaStream, cached_prefix
from assistant.llm.recorder import assembled, parse_sse, sse
from assistant.llm.usage import Usage
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
    lock = ModelLock()
    lock.acquire(1)
    body = {"model": "qwen", "stream": True, "stream_options": {"include_usage": True}}
    events = parse_sse(b"".join(_LlamaStream(FakeLlama(), llama_chunks(), lock, body)))
    assert "".join(e["choices"][0]["delta"]["content"] for e in events[:3]) == "The answer."
    assert all(e["model"] == "qwen" for e in events)
    assert events[-1]["usage"] == {"prompt_tokens": 39, "completion_tokens": 3, "total_tokens": 42,
                                   "prompt_tokens_details": {"cached_tokens": 0}}
    assert not lock.locked()  # another thread could take the model now


def test_the_reused_prompt_prefix_is_counted_apart_from_the_evaluated_tokens() -> None:
    system = [1, 2, 3, 4, 5]
    assert cached_prefix([*system, 9, 9, 7, 7], [*system, 8, 8, 8], prompt_tokens=8) == 5
    assert cached_prefix([], system, prompt_tokens=5) == 0
    assert cached_prefix(system, [*system, 6], prompt_tokens=5) == 4  # the prompt's last token is evaluated again
    usage = Usage()
    usage.add({"usage": {"prompt_tokens": 800, "completion_tokens": 20,
                         "prompt_tokens_details": {"cached_tokens": 600}}}, 1.0, replayed=False)
    assert (usage.prompt_tokens, usage.cached_prompt_tokens, usage.evaluated_prompt_tokens) == (800, 600, 200)


def test_an_embedded_stream_closed_early_releases_the_model_once() -> None:
    lock = ModelLock()
    lock.acquire(1)
    stream = _LlamaStream(FakeLlama(), llama_chunks(), lock, {"stream": True})
    next(iter(stream))
    stream.close()
    other = ModelLock()
    stream.lock = other  # a second close must release nothing, not even a lock taken since
    other.acquire(1)
    stream.close()
    assert other.locked() and not lock.locked()


def test_a_stream_left_open_makes_another_thread_fail_after_the_bound_not_hang() -> None:
    lock = ModelLock()
    lock.acquire(1)
    stream = _LlamaStream(FakeLlama(), llama_chunks(), lock, {"stream": True})
    reading = iter(stream)
    next(reading)  # a caller that stopped reading but still holds the stream
    errors: list[str] = []

    def second_caller() -> None:
        try:
            lock.acquire(0.2)
        except ModelError as exc:
            errors.append(str(exc))

    waiter = threading.Thread(target=second_caller)
    waiter.start()
    waiter.join(5)
    assert not waiter.is_alive() and errors and "stayed busy for 0.2 s" in errors[0]
    stream.close()


def test_the_same_thread_cannot_start_a_second_generation_while_its_stream_is_open() -> None:
    lock = ModelLock()
    lock.acquire(1)
    with pytest.raises(ModelError, match="already generating for this thread"):
        lock.acquire(5)  # refused at once: a re-entrant lock would interleave two answers on one context
    lock.release()
    lock.acquire(1)
    lock.release()


def test_an_unclosed_stream_collected_on_another_thread_releases_the_model() -> None:
    lock = ModelLock()
    lock.acquire(1)
    holder = [_LlamaStream(FakeLlama(), llama_chunks(), lock, {"stream": True})]
    failures: list[BaseException] = []

    def collect() -> None:
        try:
            holder.clear()  # the last reference goes on this thread; __del__ releases here
            gc.collect()
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=collect)
    thread.start()
    thread.join()
    assert failures == [] and not lock.locked()
