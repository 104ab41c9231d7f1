"""Measure verification on labelled cases, replaying recorded model answers: seconds, no network.

Each case runs the real pipeline (ingest the case corpus into a scratch data
directory, retrieve, judge, aggregate); only the model's answers come from
recordings. A case whose request has no recording (a prompt or schema changed)
is reported as stale, never sent to a live model unless ``--record`` says so.

The case file format is in ``cases``; the metrics' arithmetic in ``metrics``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from ..corpus.article import Article
from ..errors import RecordingMissingError, UserInputError
from ..llm import LLM
from ..settings import Settings
from ..verify.verdict import Label, Verdict
from ..verify.verifier import verify
from .cases import CaseCost, ScratchStores, mean_cost, parse_cases, read_case_file
from .metrics import (
    ReliabilityBin,
    binary_balanced_accuracy,
    bootstrap_interval,
    expected_calibration_error,
    reliability_curve,
)

LABELS: tuple[Label, ...] = ("supported", "refuted", "conflicting", "not_enough_evidence")


class GoldEvidence(BaseModel):
    """A sentence that decides a case, in the article with this outlet and title."""

    outlet: str
    title: str
    sentence: str


class Case(BaseModel):
    id: str
    claim: str
    label: Label
    why: str = ""
    corpus: str = "corpus/"
    evidence: list[GoldEvidence] = []


class CaseResult(CaseCost):
    id: str
    claim: str
    gold: Label
    predicted: Label | None
    confidence: float = 0.0
    citations: int = 0
    invalid_quotes: int = 0
    gold_citations: int = 0
    #: Whether some gold evidence sentence was cited; None when the case names no gold evidence.
    evidence_found: bool | None = None
    error: str = ""

    @property
    def correct(self) -> bool:
        return self.predicted == self.gold


class LabelScores(BaseModel):
    precision: float
    recall: float
    f1: float
    support: int


class Metrics(BaseModel):
    cases: int
    scored: int
    stale: list[str]
    accuracy: float
    macro_f1: float
    balanced_accuracy: float
    #: Supported against everything else, the mean of the two recalls (the LLM-AggreFact convention).
    binary_balanced_accuracy: float = 0.0
    #: A 95% bootstrap interval of the binary balanced accuracy (2,000 resamples, seed 0).
    binary_interval: tuple[float, float] = (0.0, 0.0)
    per_label: dict[str, LabelScores]
    confusion: dict[str, dict[str, int]]
    #: A 95% bootstrap interval of the accuracy (2,000 resamples of the scored cases, seed 0).
    accuracy_interval: tuple[float, float] = (0.0, 0.0)
    ece: float
    reliability: list[ReliabilityBin] = []
    quote_validity: float
    citation_precision: float = 1.0
    evidence_recall: float = 1.0
    calls_per_case: float
    prompt_tokens_per_case: float
    completion_tokens_per_case: float
    model_seconds_per_case: float


def load_cases(path: Path) -> list[Case]:
    """Verification cases from JSONL; a malformed line is a user error naming the line."""
    return parse_cases(path, Case, "verify")


def contrast_kinds(path: Path) -> dict[str, tuple[str, str]]:
    """Each case of a contrast split with its row's ``phenomenon`` and ``direction`` (kept, changed, unrelated,
    disputed), which the case format does not carry."""
    rows = (json.loads(line) for _, line in read_case_file(path)[1])
    return {row["id"]: (row["phenomenon"], row["direction"]) for row in rows}


def kept_and_changed(path: Path) -> list[tuple[Case, str, bool]]:
    """The claims of a contrast split whose meaning was kept or changed (its rows' ``direction``), each with its
    gold evidence sentences joined as one window and whether it was kept: what the classifier and the details
    reader are read on alone (``bench/contrast.py --parts``, the suite AUC of ``training/train_stance.py``)."""
    directions = {case_id: direction for case_id, (_, direction) in contrast_kinds(path).items()}
    return [(case, " ".join(gold.sentence for gold in case.evidence), directions[case.id] == "kept")
            for case in load_cases(path) if directions.get(case.id) in ("kept", "changed")]


def gold_spans(case: Case, articles: list[Article]) -> list[tuple[str, int, int]]:
    """(article id, start, end) of each gold evidence sentence; a sentence not in its article is a case error."""
    by_source = {(a.outlet, a.title): a for a in articles}
    spans = []
    for gold in case.evidence:
        article = by_source.get((gold.outlet, gold.title))
        if article is None:
            raise UserInputError(f"case {case.id}: no article {gold.title!r} from {gold.outlet!r} in {case.corpus}")
        at = article.text.find(gold.sentence)
        if at < 0:
            raise UserInputError(f"case {case.id}: {gold.title!r} does not contain the gold sentence "
                                 f"{gold.sentence[:60]!r}")
        spans.append((article.id, at, at + len(gold.sentence)))
    return spans


def score_verdict(
    case_id: str,
    label: Label,
    verdict: Verdict,
    text_of: Callable[[str], str],
    evidence: list[tuple[str, int, int]] | None = None,
) -> CaseResult:
    """The verdict against the gold label; each quote checked against its article, each citation against gold.

    A citation is gold evidence when it lies in a gold sentence's article and
    its span overlaps that sentence. Cases with no gold evidence (not enough
    evidence) have none, so every citation there counts against precision.
    """
    evidence = evidence or []
    citations = verdict.citations
    invalid = sum(text_of(c.article_id)[c.start : c.end] != c.quote for c in citations)
    hits = [
        any(c.article_id == article and c.start < end and start < c.end for article, start, end in evidence)
        for c in citations
    ]
    result = CaseResult(
        id=case_id, claim=verdict.claim, gold=label, predicted=verdict.label, confidence=verdict.confidence,
        citations=len(citations), invalid_quotes=invalid, gold_citations=sum(hits),
        evidence_found=any(hits) if evidence else None,
    )
    result.charge(verdict.usage)
    return result


def stale_result(case_id: str, claim: str, label: Label, exc: RecordingMissingError) -> CaseResult:
    return CaseResult(id=case_id, claim=claim, gold=label, predicted=None, error=f"no recording ({exc.request_hash})")


def run_cases(cases: list[Case], settings: Settings, root: Path) -> list[CaseResult]:
    """Verify every case against its corpus in a scratch store; the model answers as ``settings`` says."""
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        stores = ScratchStores(settings, root, scratch)
        llm = LLM(settings)
        try:
            for case in cases:
                store, articles = stores.get(case.corpus)
                spans = gold_spans(case, articles)
                try:
                    verdict = verify(case.claim, store, llm, settings)
                except RecordingMissingError as exc:
                    results.append(stale_result(case.id, case.claim, case.label, exc))
                    continue
                results.append(score_verdict(case.id, case.label, verdict, stores.texts.__getitem__, spans))
        finally:
            llm.close()
    return results


def compute(results: list[CaseResult], intervals: bool = True) -> Metrics:
    """The metrics of ``results``; ``intervals=False`` skips the bootstrap (for resampling the metrics themselves)."""
    scored = [r for r in results if r.predicted is not None]
    n = len(scored) or 1
    confusion: dict[str, dict[str, int]] = {g: {p: 0 for p in LABELS} for g in LABELS}
    for r in scored:
        assert r.predicted is not None
        confusion[r.gold][r.predicted] += 1
    per_label: dict[str, LabelScores] = {}
    for label in LABELS:
        tp = confusion[label][label]
        predicted = sum(confusion[g][label] for g in LABELS)
        support = sum(confusion[label].values())
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = LabelScores(precision=precision, recall=recall, f1=f1, support=support)
    present = [s for s in per_label.values() if s.support]
    citations = sum(r.citations for r in scored)
    with_gold = [r for r in scored if r.evidence_found is not None]
    calls, prompt_tokens, completion_tokens, seconds = mean_cost(scored)
    pairs = [(r.confidence, r.correct) for r in scored]
    binary = [(r.gold == "supported", r.predicted == "supported") for r in scored]
    return Metrics(
        cases=len(results),
        scored=len(scored),
        stale=[r.id for r in results if r.predicted is None],
        accuracy=sum(r.correct for r in scored) / n,
        accuracy_interval=bootstrap_interval([r.correct for r in scored]) if intervals else (0.0, 0.0),
        macro_f1=sum(s.f1 for s in present) / (len(present) or 1),
        balanced_accuracy=sum(s.recall for s in present) / (len(present) or 1),
        binary_balanced_accuracy=binary_balanced_accuracy(binary),
        binary_interval=bootstrap_interval(binary, binary_balanced_accuracy) if intervals else (0.0, 0.0),
        per_label=per_label,
        confusion=confusion,
        ece=expected_calibration_error(pairs),
        reliability=reliability_curve(pairs),
        quote_validity=1.0 - sum(r.invalid_quotes for r in scored) / citations if citations else 1.0,
        citation_precision=sum(r.gold_citations for r in scored) / citations if citations else 1.0,
        evidence_recall=sum(bool(r.evidence_found) for r in with_gold) / len(with_gold) if with_gold else 1.0,
        calls_per_case=calls,
        prompt_tokens_per_case=prompt_tokens,
        completion_tokens_per_case=completion_tokens,
        model_seconds_per_case=seconds,
    )
