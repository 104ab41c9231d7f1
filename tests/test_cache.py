"""Nothing is computed twice: an identical LLM request to the same endpoint (live mode), or an unchanged article's
embeddings."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import pytest

from assistant.corpus.embedding import Embedder
from assistant.corpus.ingest import ingest
from assistant.corpus.store import Store
from assistant.errors import ModelError
from assistant.llm import LLM
from assistant.settings import Settings
from tests.test_recorder import MESSAGES, Capital, Scripted, completion, settings
from tests.test_streaming import HELLO, streamed
from tests.test_streaming import MESSAGES as SAY_HELLO


def live(home: Path) -> Settings:
    """Live mode against a fake endpoint, with the response cache on (tests run with it off)."""
    return settings(home, "live", cache=True)


def paris(**choice: object) -> httpx.Response:
    body = completion('{"city": "Paris"}')
    body["choices"][0].update(choice)  # type: ignore[index]
    return httpx.Response(200, json=body)


def test_the_same_request_is_answered_from_the_cache_and_costs_nothing(tmp_path: Path) -> None:
    endpoint = Scripted(paris())
    first = LLM(live(tmp_path), inner=endpoint)
    assert first.structured(Capital, MESSAGES).city == "Paris"
    again = LLM(live(tmp_path), inner=Scripted())  # a later process; the endpoint must not be asked
    assert again.structured(Capital, MESSAGES).city == "Paris"
    assert again.usage.calls == again.usage.cached == 1
    assert (again.usage.prompt_tokens, again.usage.seconds) == (0, 0.0)
    assert len(endpoint.bodies) == 1
    saved = list((tmp_path / "cache").rglob("*.json"))
    assert len(saved) == 1 and "sk-secret-123" not in saved[0].read_text()


def test_another_question_another_endpoint_or_the_cache_off_all_ask_the_model(tmp_path: Path) -> None:
    LLM(live(tmp_path), inner=Scripted(paris())).structured(Capital, MESSAGES)
    other = Scripted(paris())
    LLM(live(tmp_path), inner=other).structured(Capital, [{"role": "user", "content": "And Lyon?"}])
    assert len(other.bodies) == 1
    elsewhere = Scripted(paris())
    moved = live(tmp_path).model_copy(update={"base_url": "http://other.test/v1"})
    LLM(moved, inner=elsewhere).structured(Capital, MESSAGES)
    assert len(elsewhere.bodies) == 1
    off = Scripted(paris())
    LLM(settings(tmp_path, "live", cache=False), inner=off).structured(Capital, MESSAGES)
    assert len(off.bodies) == 1


def test_a_cut_off_answer_is_not_cached(tmp_path: Path) -> None:
    endpoint = Scripted(paris(finish_reason="length"), paris())
    llm = LLM(live(tmp_path), inner=endpoint)
    assert llm.structured(Capital, MESSAGES).city == "Paris"
    saved = list((tmp_path / "cache").rglob("*.json"))
    assert len(saved) == 1 and json.loads(saved[0].read_text())["request"]["temperature"] == 0.5


def test_record_and_replay_modes_leave_the_cache_alone(tmp_path: Path) -> None:
    LLM(settings(tmp_path, "record", cache=True), inner=Scripted(paris())).structured(Capital, MESSAGES)
    LLM(settings(tmp_path, "replay", cache=True)).structured(Capital, MESSAGES)
    assert not (tmp_path / "cache").exists()


def test_unchanged_articles_are_never_embedded_again(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.md").write_text("# Bridge\n\nThe old bridge over the Elm river reopened on Monday after repairs.")
    (folder / "b.md").write_text("# Plant\n\nThe water plant in Millbrook will open in March, officials said.")
    store = Store(Settings())
    ingest([str(folder)], store)
    embedded: list[str] = []
    original = Embedder.embed

    def counting(self: Embedder, texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(Embedder, "embed", counting)
    assert ingest([str(folder)], store).unchanged == 2 and embedded == []
    (folder / "b.md").write_text("# Plant\n\nThe water plant in Millbrook will open in April, officials said.")
    summary = ingest([str(folder)], store)
    assert (summary.added, summary.unchanged) == (1, 1)
    assert embedded and all("April" in text for text in embedded)


def test_a_streamed_answer_is_cached_whole_and_streamed_again(tmp_path: Path) -> None:
    first = LLM(live(tmp_path), inner=Scripted(streamed(HELLO)))
    assert list(first.stream(SAY_HELLO)) == ["Hel", "lo ", "there."]
    again = LLM(live(tmp_path), inner=Scripted())
    assert list(again.stream(SAY_HELLO)) == ["Hel", "lo ", "there."]
    assert again.usage.cached == 1 and again.usage.completion_tokens == 0
    cut = LLM(settings(tmp_path / "cut", "live", cache=True), inner=Scripted(streamed(HELLO[:2], done=False)))
    with pytest.raises(ModelError):
        list(cut.stream(SAY_HELLO))
    assert not (tmp_path / "cut" / "cache").exists()
