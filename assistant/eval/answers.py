"""Measure answers to questions (``ask`` and the chat) on questions with gold facts and gold sources.

A case names a corpus, a question, optionally the earlier exchanges of a
conversation (then the question is rewritten as the chat rewrites a follow-up),
and what a good answer holds: its facts, each a list of accepted phrasings, and
the articles it should cite. A question the corpus cannot answer is marked
``answerable: false``; the right answer is then "The sources do not say."
A question the outlets answer differently is marked with its ``sides`` (each a
list of accepted phrasings, one per outlet's figure or statement): the
answer shows both sides when every side is found in what the user sees, the
answer's text or the sources' own words quoted by its sentence check.

Matching rule for facts: the answer, without its [n] markers, and each accepted
phrasing are lowercased, their whitespace collapsed and digit-group commas
dropped ("7,000" -> "7000"); a fact is found when one phrasing occurs in the
answer as whole words ("150" is not found in "1500").
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field

from ..answer.answer import answer
from ..answer.conversation import Turn, standalone
from ..errors import RecordingMissingError, UserInputError
from ..llm import LLM
from ..settings import Settings
from .cases import CaseCost, ScratchStores, mean_cost, parse_cases

_MARKERS = re.compile(r"\[\d+\]")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")


class GoldSource(BaseModel):
    """An article a good answer cites, by outlet and title."""

    outlet: str
    title: str


class Exchange(BaseModel):
    """An earlier question and answer of the conversation the case's question follows."""

    question: str
    answer: str


class AnswerCase(BaseModel):
    id: str
    question: str
    corpus: str
    why: str = ""
    history: list[Exchange] = []
    answerable: bool = True
    #: Each fact is a list of accepted phrasings; one of them must be in the answer.
    facts: list[list[str]] = []
    sources: list[GoldSource] = []
    #: For a question the outlets answer differently: each side's accepted phrasings (at least two sides).
    sides: list[list[str]] = []

    @property
    def disputed(self) -> bool:
        return len(self.sides) >= 2


class AnswerResult(CaseCost):
    id: str
    question: str
    standalone: str = ""
    answer: str = ""
    answerable: bool
    answered: bool = False
    facts: int = 0
    facts_found: int = 0
    missing: list[str] = Field(default_factory=list)
    cited: int = 0
    cited_gold: int = 0
    invalid_passages: int = 0
    #: Whether a gold source was cited; None when the case names no gold source.
    source_found: bool | None = None
    #: Disputed questions: how many sides there are, found in the answer's text, and shown (text or check quotes).
    sides: int = 0
    sides_in_text: int = 0
    sides_shown: int = 0
    problems: list[str] = Field(default_factory=list)
    error: str = ""

    @property
    def stale(self) -> bool:
        return bool(self.error)

    @property
    def correct(self) -> bool:
        """Answerable: answered with every gold fact; unanswerable: "the sources do not say"."""
        return self.answered and self.facts_found == self.facts if self.answerable else not self.answered


class AnswerMetrics(BaseModel):
    cases: int
    scored: int
    stale: list[str]
    correct: float
    fact_recall: float
    answer_rate: float
    abstention: float
    source_recall: float
    citation_precision: float
    passage_validity: float
    #: Share of disputed questions whose answer text alone gives every side (what the model writes).
    both_sides_text: float
    #: Share of disputed questions where the user sees every side: the text, or the check's quotes under it.
    both_sides: float
    flagged: float
    calls_per_case: float
    prompt_tokens_per_case: float
    completion_tokens_per_case: float
    model_seconds_per_case: float


def load_answer_cases(path: Path) -> list[AnswerCase]:
    return parse_cases(path, AnswerCase, "answer")


def _normal(text: str) -> str:
    return " ".join(_DIGIT_COMMA.sub("", _MARKERS.sub(" ", text)).lower().split())


def fact_found(answer_text: str, phrasings: list[str]) -> bool:
    """Whether one phrasing of the fact occurs in the answer as whole words (see the module's rule)."""
    said = _normal(answer_text)
    return any(re.search(rf"(?<!\w){re.escape(_normal(p))}(?!\w)", said) for p in phrasings if p.strip())


def run_answer_cases(
    cases: list[AnswerCase], settings: Settings, root: Path, llm: LLM | None = None
) -> list[AnswerResult]:
    """Answer every case's question from its corpus in a scratch store; the model answers as ``settings`` says."""
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        stores = ScratchStores(settings, root, scratch)
        llm = llm or LLM(settings)
        try:
            for case in cases:
                store, articles = stores.get(case.corpus)
                by_source = {(a.outlet, a.title): a.id for a in articles}
                gold_ids = set()
                for source in case.sources:
                    if (source.outlet, source.title) not in by_source:
                        raise UserInputError(f"case {case.id}: no article {source.title!r} from "
                                             f"{source.outlet!r} in {case.corpus}")
                    gold_ids.add(by_source[(source.outlet, source.title)])
                history = [Turn(kind="ask", question=e.question, standalone=e.question, answer=e.answer)
                           for e in case.history]
                before = llm.usage.model_copy()
                try:
                    query = standalone(llm, history, case.question)
                    result = answer(case.question, store, llm, settings, standalone=query)
                except RecordingMissingError as exc:
                    results.append(AnswerResult(id=case.id, question=case.question, answerable=case.answerable,
                                                error=f"no recording ({exc.request_hash})"))
                    continue
                cited = result.citations if result.answered else []
                hits = [p.article_id in gold_ids for p in cited]
                missing = [p[0] for p in case.facts if not (result.answered and fact_found(result.text, p))]
                quoted = " ".join(c.quote for check in result.checks for c in [*check.supporting, *check.disputing])
                in_text = [result.answered and fact_found(result.text, side) for side in case.sides]
                shown = [t or fact_found(quoted, side) for t, side in zip(in_text, case.sides, strict=True)]
                scored = AnswerResult(
                    id=case.id, question=case.question, standalone=result.standalone, answer=result.text,
                    answerable=case.answerable, answered=result.answered, facts=len(case.facts),
                    facts_found=len(case.facts) - len(missing), missing=missing, cited=len(cited),
                    cited_gold=sum(hits),
                    invalid_passages=sum(stores.texts[p.article_id][p.start : p.end] != p.text for p in cited),
                    source_found=any(hits) if gold_ids else None,
                    sides=len(case.sides) if case.disputed else 0, sides_in_text=sum(in_text),
                    sides_shown=sum(shown), problems=result.problems,
                )
                scored.charge(llm.usage.since(before))
                results.append(scored)
        finally:
            llm.close()
    return results


def _share(part: int, whole: int, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def compute_answer(results: list[AnswerResult]) -> AnswerMetrics:
    """Fact recall and sources over answerable questions, abstention over the unanswerable ones."""
    scored = [r for r in results if not r.stale]
    answerable = [r for r in scored if r.answerable]
    unanswerable = [r for r in scored if not r.answerable]
    with_sources = [r for r in answerable if r.source_found is not None]
    answered = [r for r in scored if r.answered]
    disputed = [r for r in scored if r.sides]
    totals = Counter[str]()
    for r in scored:
        totals.update(facts=r.facts if r.answerable else 0, found=r.facts_found if r.answerable else 0,
                      cited=r.cited, gold=r.cited_gold, invalid=r.invalid_passages)
    calls, prompt_tokens, completion_tokens, seconds = mean_cost(scored)
    return AnswerMetrics(
        cases=len(results),
        scored=len(scored),
        stale=[r.id for r in results if r.stale],
        correct=_share(sum(r.correct for r in scored), len(scored), 0.0),
        fact_recall=_share(totals["found"], totals["facts"]),
        answer_rate=_share(sum(r.answered for r in answerable), len(answerable)),
        abstention=_share(sum(not r.answered for r in unanswerable), len(unanswerable)),
        source_recall=_share(sum(bool(r.source_found) for r in with_sources), len(with_sources)),
        citation_precision=_share(totals["gold"], totals["cited"]),
        passage_validity=1.0 - _share(totals["invalid"], totals["cited"], 0.0),
        both_sides_text=_share(sum(r.sides_in_text == r.sides for r in disputed), len(disputed), 0.0),
        both_sides=_share(sum(r.sides_shown == r.sides for r in disputed), len(disputed), 0.0),
        flagged=_share(sum(bool(r.problems) for r in answered), len(answered), 0.0),
        calls_per_case=calls,
        prompt_tokens_per_case=prompt_tokens,
        completion_tokens_per_case=completion_tokens,
        model_seconds_per_case=seconds,
    )
