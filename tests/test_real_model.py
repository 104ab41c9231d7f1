"""The real embedded path, with a real (small) model: llama.cpp loaded through EmbeddedTransport, no fakes.

Qwen2.5-Coder-0.5B-Instruct (``.[realmodel]``, 456 MB, joined and hash-checked
like the default model) answers one structured question and one streamed one.
Its answers are poor; what is tested is the plumbing: the JSON parses into the
schema, the stream arrives in pieces and ends, the model's lock is released,
and a prompt prefix llama.cpp reuses is counted as cached.

Skipped when llama-cpp-python or the small model is not installed;
``FACTDESK_REQUIRE_REAL_MODEL=1`` (CI sets it) turns the skip into a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from assistant.llm import LLM
from assistant.llm.embedded import EmbeddedTransport
from assistant.settings import Settings

pytestmark = [pytest.mark.real_model, pytest.mark.usefixtures("allow_model_requests")]


def real_settings(home: Path, gguf: Path) -> Settings:
    return Settings(home=home, gguf=gguf, record_mode="live", cache=False, context=2048,  # type: ignore[arg-type]
                    threads=2, max_reasks=1)


class Town(BaseModel):
    name: str = Field(max_length=60)
    country: str = Field(max_length=60)


QUESTION = [
    {"role": "system", "content": "You answer in JSON. Fictional places are fine."},
    {"role": "user", "content": "Name a town and its country."},
]


def test_a_structured_answer_from_the_real_model_parses_into_the_schema(small_gguf: Path, isolated: Path) -> None:
    llm = LLM(real_settings(isolated, small_gguf))
    town = llm.structured(Town, QUESTION, max_tokens=80)
    assert isinstance(town, Town) and town.name.strip() and town.country.strip()
    assert llm.usage.calls >= 1 and llm.usage.prompt_tokens > 0 and llm.usage.replayed == 0
    assert not EmbeddedTransport._lock.locked()


def test_a_streamed_answer_arrives_in_pieces_ends_and_releases_the_model(small_gguf: Path, isolated: Path) -> None:
    llm = LLM(real_settings(isolated, small_gguf))
    messages = [{"role": "system", "content": "Answer in one short sentence."},
                {"role": "user", "content": "What is a harbour?"}]
    pieces = list(llm.stream(messages, max_tokens=40))
    assert len(pieces) > 3 and "".join(pieces).strip()
    assert not EmbeddedTransport._lock.locked()
    assert llm.usage.completion_tokens > 0


def test_a_stream_dropped_half_read_gives_the_model_back(small_gguf: Path, isolated: Path) -> None:
    llm = LLM(real_settings(isolated, small_gguf))
    messages = [{"role": "user", "content": "Count from one to fifty in words."}]
    stream = llm.stream(messages, max_tokens=120)
    next(stream)
    assert EmbeddedTransport._lock.locked()
    stream.close()  # the generator closes the HTTP stream, which releases the model
    assert not EmbeddedTransport._lock.locked()
    town = llm.structured(Town, QUESTION, max_tokens=80)  # and the next call is not blocked
    assert town.name


def test_a_reused_prompt_prefix_is_reported_as_cached(small_gguf: Path, isolated: Path) -> None:
    llm = LLM(real_settings(isolated, small_gguf))
    system = {"role": "system", "content": "You are a careful assistant for a fictional town archive. " * 8}
    llm.structured(Town, [system, {"role": "user", "content": "Name a town."}], max_tokens=80)
    before = llm.usage.model_copy()
    llm.structured(Town, [system, {"role": "user", "content": "Name another town."}], max_tokens=80)
    second = llm.usage.since(before)
    assert second.cached_prompt_tokens > 50
    assert 0 < second.evaluated_prompt_tokens < second.prompt_tokens


def test_greedy_grammar_decoding_picks_the_tokens_llama_cpp_would_and_mostly_skips_the_vocabulary_pass(
    small_gguf: Path,
) -> None:
    from llama_cpp import Llama

    from assistant.llm.embedded import llama_class
    from assistant.llm.greedy_grammar import GreedyGrammarSampler

    schema = {"type": "object", "required": ["towns"], "properties": {"towns": {"type": "array", "items": {
        "type": "object", "required": ["name", "residents"],
        "properties": {"name": {"type": "string"}, "residents": {"type": "integer"}}}}}}
    text = ("Velmora is a fictional harbour town of 8,400 people. Kestrel Bay, a fictional village "
            "nearby, has 1,200 residents.")
    messages = [{"role": "system", "content": "Answer in JSON."},
                {"role": "user", "content": f"List the towns in this text and their residents: {text}"}]
    answers, samplers = [], []
    for kind in (Llama, llama_class()):
        llama = kind(model_path=str(small_gguf), n_ctx=1024, n_threads=2, seed=0, verbose=False)
        result = llama.create_chat_completion(messages, temperature=0.0, max_tokens=120,
                                              response_format={"type": "json_object", "schema": schema})
        answers.append(result["choices"][0]["message"]["content"])
        samplers.append(llama._sampler)
    assert answers[0] == answers[1]
    assert "Velmora" in answers[1]
    fast = samplers[1]
    assert isinstance(fast, GreedyGrammarSampler) and not isinstance(samplers[0], GreedyGrammarSampler)
    assert fast.fast > fast.full > 0  # the grammar did refuse some best tokens, and most were allowed


def test_a_new_process_loads_the_saved_state_of_a_prompt_it_starts_like(
    small_gguf: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = {"role": "system", "content": "You keep the records of a fictional harbour town, Velmora. " * 6}
    first = LLM(real_settings(isolated, small_gguf))
    first.structured(Town, [system, {"role": "user", "content": "Name a town."}], max_tokens=80)
    states = sorted((isolated / "models" / "prefixes").glob("*.state"))
    assert len(states) == 1
    monkeypatch.setattr(EmbeddedTransport, "_loaded", {})  # what a new process starts with: no model loaded
    second = LLM(real_settings(isolated, small_gguf))
    second.structured(Town, [system, {"role": "user", "content": "Name a town by the sea."}], max_tokens=80)
    assert second.usage.cached_prompt_tokens > 50  # the system prompt came from the file, not evaluated again
    assert 0 < second.usage.evaluated_prompt_tokens < second.usage.prompt_tokens
    (llama,) = EmbeddedTransport._loaded.values()
    assert llama.prefixes.loaded == 1 and llama.prefixes.saved == 0  # the key was taken; nothing saved twice


def test_an_unreadable_saved_state_is_dropped_and_the_prompt_evaluated_from_scratch(
    small_gguf: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = {"role": "system", "content": "You keep the records of a fictional river town, Ostrava Minor. " * 6}
    LLM(real_settings(isolated, small_gguf)).structured(
        Town, [system, {"role": "user", "content": "Name a town."}], max_tokens=80)
    (state,) = (isolated / "models" / "prefixes").glob("*.state")
    state.write_bytes(b"not a llama.cpp state")
    monkeypatch.setattr(EmbeddedTransport, "_loaded", {})
    llm = LLM(real_settings(isolated, small_gguf))
    town = llm.structured(Town, [system, {"role": "user", "content": "Name another town."}], max_tokens=80)
    assert town.name and llm.usage.cached_prompt_tokens == 0
    assert state.is_file() and state.read_bytes() != b"not a llama.cpp state"  # replaced by a good one
