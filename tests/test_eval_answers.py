"""Answer metrics: the fact-matching rule, abstention, sources, and a scored run with a scripted model."""

import json
from pathlib import Path

import httpx
import pytest

from assistant.corpus.loaders import load
from assistant.eval.answers import (
    AnswerCase,
    AnswerResult,
    compute_answer,
    fact_found,
    load_answer_cases,
    run_answer_cases,
)
from assistant.llm import LLM
from tests.conftest import ROOT
from tests.test_recorder import Scripted, completion, settings
from tests.test_streaming import chunk, streamed

PLANT = "Valley Tribune (fictional)", "Lindenmoor opens new water treatment plant"
FIRST = "How much did the Lindenmoor water treatment plant cost?"


def said(*pieces: str, prompt_tokens: int) -> httpx.Response:
    """A streamed answer in ``pieces``, ending as a finished stream does."""
    chunks = [chunk(piece) for piece in pieces]
    chunks[-1]["choices"][0]["finish_reason"] = "stop"
    return streamed([*chunks, chunk(usage={"prompt_tokens": prompt_tokens, "completion_tokens": len(pieces)})])


def test_a_fact_is_found_as_whole_words_whatever_the_case_markers_or_digit_commas() -> None:
    assert fact_found("Up to 7000 detainees [2] may be moved.", ["7,000"])
    assert fact_found("Up to 7,000 detainees may be moved.", ["7000"])
    assert fact_found("It cost 12 [1] million euros.", ["12 million"])
    assert fact_found("They will face IRAQI COURTS [3].", ["Iraqi courts"])
    assert not fact_found("The union says 1,500 jobs will go.", ["150"])
    assert not fact_found("A 2.80 euro fare.", ["2.8"])
    assert fact_found("Either 80 or more than 120 firefighters.", ["95", "120"])


def answered(**fields: object) -> AnswerResult:
    base: dict[str, object] = {"id": "q", "question": "?", "answerable": True, "answered": True}
    return AnswerResult(**{**base, **fields})  # type: ignore[arg-type]


def test_metrics_by_hand() -> None:
    m = compute_answer([
        answered(id="a", facts=2, facts_found=2, cited=2, cited_gold=1, source_found=True, calls=1, seconds=4.0),
        answered(id="b", facts=1, facts_found=0, cited=1, cited_gold=0, source_found=False, problems=["x"], calls=1),
        answered(id="c", answerable=False, answered=False, calls=0),
        answered(id="d", answerable=False, answered=True, cited=1, calls=1),  # should have said "do not say"
        answered(id="e", error="no recording (abc)"),
    ])
    assert (m.cases, m.scored, m.stale) == (5, 4, ["e"])
    assert m.correct == pytest.approx(2 / 4)  # a (every fact) and c (abstained)
    assert m.fact_recall == pytest.approx(2 / 3)
    assert (m.answer_rate, m.abstention) == (1.0, 0.5)
    assert m.source_recall == pytest.approx(1 / 2)
    assert m.citation_precision == pytest.approx(1 / 4)  # d's citation counts against it
    assert m.flagged == pytest.approx(1 / 3)
    assert (m.calls_per_case, m.model_seconds_per_case) == (0.75, 1.0)


def test_a_run_scores_the_streamed_answer_against_gold_facts_and_sources(tmp_path: Path) -> None:
    corpus = "corpus/"
    cases = [
        AnswerCase(id="cost", question=FIRST, corpus=corpus,
                   facts=[["12 million"], ["40,000"]], sources=[{"outlet": PLANT[0], "title": PLANT[1]}]),  # type: ignore[list-item]
        AnswerCase(id="followup", question="And when will the old one be demolished?", corpus=corpus,
                   history=[{"question": FIRST, "answer": "It cost 12 million euros [1]."}],  # type: ignore[list-item]
                   answerable=False),
    ]
    rewrite = {"question": "When will the old Lindenmoor water treatment plant be demolished?"}
    endpoint = Scripted(
        said("The plant cost 12 million ", "euros [2][4][99].", prompt_tokens=400),
        httpx.Response(200, json=completion(json.dumps(rewrite))),
        said("Next year [1].", prompt_tokens=380),
    )
    config = settings(tmp_path, "live", cache=False)
    cost, followup = run_answer_cases(cases, config, ROOT, llm=LLM(config, inner=endpoint))
    assert (cost.facts, cost.facts_found, cost.missing) == (2, 1, ["40,000"])
    # Passage 2 is the plant's cost sentence, 4 a sentence of another story, 99 no passage at all.
    assert cost.answered and cost.cited == 2 and cost.cited_gold == 1 and cost.source_found
    assert cost.invalid_passages == 0 and cost.problems == ["[99] is not one of the passages"]
    assert (cost.calls, cost.prompt_tokens) == (1, 400)
    # The follow-up was rewritten before retrieval, and answering an unanswerable question is not correct.
    assert followup.standalone == rewrite["question"] and followup.calls == 2
    assert followup.answered and not followup.correct
    assert len(endpoint.bodies) == 3


def test_the_bundled_questions_name_real_sources_and_cover_follow_ups_and_unanswerable_ones() -> None:
    cases = load_answer_cases(ROOT / "evals" / "cases" / "answer_questions.jsonl")
    assert len(cases) >= 15 and len({c.id for c in cases}) == len(cases)
    assert sum(not c.answerable for c in cases) >= 3 and sum(bool(c.history) for c in cases) >= 2
    for case in cases:
        articles = {(a.outlet, a.title) for a in load(str(ROOT / case.corpus)).articles}
        assert all((s.outlet, s.title) in articles for s in case.sources), case.id
        assert bool(case.facts) == case.answerable and bool(case.sources) == case.answerable, case.id
