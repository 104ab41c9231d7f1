"""Measure verification on labelled cases, replaying recorded model answers: seconds, no network.

Each case runs the real pipeline (ingest the case corpus into a scratch data
directory, retrieve, judge, aggregate); only the model's answers come from
recordings. A case whose request has no recording (a prompt or schema changed)
is reported as stale, never sent to a live model unless ``--record`` says so.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import RecordingMissingError, UserInputError
from .ingest import ingest
from .llm import LLM
from .settings import Settings
from .store import Store
from .verdict import Label
from .verify import verify

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


class CaseResult(BaseModel):
    id: str
    claim: str
    gold: Label
    predicted: Label | None
    confidence: float = 0.0
    citations: int = 0
    invalid_quotes: int = 0
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
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
    per_label: dict[str, LabelScores]
    confusion: dict[str, dict[str, int]]
    ece: float
    quote_validity: float
    calls_per_case: float
    prompt_tokens_per_case: float
    completion_tokens_per_case: float
    model_seconds_per_case: float


def load_cases(path: Path) -> list[Case]:
    """Cases from JSONL; a malformed line is a user error naming the line."""
    if not path.is_file():
        raise UserInputError(f"{path}: no such case file")
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if number == 1 and '"claim"' not in line:
            continue
        try:
            cases.append(Case.model_validate_json(line))
        except ValidationError as exc:
            raise UserInputError(f"{path} line {number}: {exc.errors()[0]['msg']}") from None
    return cases


def run_cases(cases: list[Case], settings: Settings, root: Path) -> list[CaseResult]:
    """Verify every case against its corpus in a scratch store; the model answers as ``settings`` says."""
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        stores: dict[str, Store] = {}
        # The stores are scratch; the model (and its joined weights) stay in the real data directory.
        llm = LLM(settings)
        for case in cases:
            if case.corpus not in stores:
                store = Store(settings.model_copy(update={"home": Path(scratch) / f"home{len(stores)}"}))
                ingest([str(root / case.corpus)], store)
                stores[case.corpus] = store
            store = stores[case.corpus]
            try:
                verdict = verify(case.claim, store, llm, settings)
            except RecordingMissingError as exc:
                results.append(CaseResult(id=case.id, claim=case.claim, gold=case.label, predicted=None,
                                          error=f"no recording ({exc.request_hash})"))
                continue
            invalid = sum(
                store.article(c.article_id).text[c.start : c.end] != c.quote for c in verdict.citations
            )
            results.append(CaseResult(
                id=case.id, claim=case.claim, gold=case.label, predicted=verdict.label,
                confidence=verdict.confidence, citations=len(verdict.citations), invalid_quotes=invalid,
                calls=verdict.usage.calls, prompt_tokens=verdict.usage.prompt_tokens,
                completion_tokens=verdict.usage.completion_tokens, seconds=verdict.usage.seconds,
            ))
    return results


def expected_calibration_error(pairs: list[tuple[float, bool]], bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by bin size."""
    if not pairs:
        return 0.0
    total = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [(c, ok) for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        if members:
            accuracy = sum(ok for _, ok in members) / len(members)
            confidence = sum(c for c, _ in members) / len(members)
            total += len(members) * abs(accuracy - confidence)
    return total / len(pairs)


def compute(results: list[CaseResult]) -> Metrics:
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
    usage = Counter[str]()
    for r in scored:
        usage.update(calls=r.calls, prompt=r.prompt_tokens, completion=r.completion_tokens)
    return Metrics(
        cases=len(results),
        scored=len(scored),
        stale=[r.id for r in results if r.predicted is None],
        accuracy=sum(r.correct for r in scored) / n,
        macro_f1=sum(s.f1 for s in present) / (len(present) or 1),
        balanced_accuracy=sum(s.recall for s in present) / (len(present) or 1),
        per_label=per_label,
        confusion=confusion,
        ece=expected_calibration_error([(r.confidence, r.correct) for r in scored]),
        quote_validity=1.0 - sum(r.invalid_quotes for r in scored) / citations if citations else 1.0,
        calls_per_case=usage["calls"] / n,
        prompt_tokens_per_case=usage["prompt"] / n,
        completion_tokens_per_case=usage["completion"] / n,
        model_seconds_per_case=sum(r.seconds for r in scored) / n,
    )


def below_thresholds(metrics: Metrics, path: Path) -> list[str]:
    """Each metric under its floor in the thresholds file, as a readable line."""
    floors = json.loads(path.read_text(encoding="utf-8"))
    failures = []
    for name, floor in floors.items():
        value = getattr(metrics, name)
        if value < floor:
            failures.append(f"{name} {value:.3f} is below its threshold {floor:.3f}")
    return failures
