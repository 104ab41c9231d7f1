"""Measure verification on labelled cases, replaying recorded model answers: seconds, no network.

Each case runs the real pipeline (ingest the case corpus into a scratch data
directory, retrieve, judge, aggregate); only the model's answers come from
recordings. A case whose request has no recording (a prompt or schema changed)
is reported as stale, never sent to a live model unless ``--record`` says so.

Case files are JSONL. The first line may be a header naming the format, its
version and the kind of case the file holds::

    {"format": "factdesk-cases", "version": 2, "kind": "verify"}

A file without a header holds verification cases (version 1). Each kind has
its own module with a loader, a runner and its metrics: ``verify`` here,
``extract`` in ``evaluate_extract``; a new kind adds a module and a branch
in the ``eval`` command.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ValidationError

from .article import Article
from .errors import RecordingMissingError, UserInputError
from .ingest import ingest
from .llm import LLM, Usage
from .settings import Settings
from .store import Store
from .verdict import Label, Verdict
from .verify import verify

LABELS: tuple[Label, ...] = ("supported", "refuted", "conflicting", "not_enough_evidence")
CASE_FORMAT = "factdesk-cases"
CASE_VERSION = 2
CaseKind = Literal["verify", "extract", "answer"]
KINDS: tuple[CaseKind, ...] = ("verify", "extract", "answer")
CaseT = TypeVar("CaseT", bound=BaseModel)
T = TypeVar("T")


class CaseFileHeader(BaseModel):
    format: Literal["factdesk-cases"]
    version: int
    kind: CaseKind = "verify"


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


class CaseCost(BaseModel):
    """What one case cost the model, from the recorded usage."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def charge(self, usage: Usage) -> None:
        self.calls, self.prompt_tokens = usage.calls, usage.prompt_tokens
        self.completion_tokens, self.seconds = usage.completion_tokens, usage.seconds


def mean_cost(results: Sequence[CaseCost]) -> tuple[float, float, float, float]:
    """Calls, prompt tokens, completion tokens and model seconds per case, averaged over ``results``."""
    n = len(results) or 1
    return (
        sum(r.calls for r in results) / n,
        sum(r.prompt_tokens for r in results) / n,
        sum(r.completion_tokens for r in results) / n,
        sum(r.seconds for r in results) / n,
    )


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


class ReliabilityBin(BaseModel):
    """One bin of the reliability curve: cases whose confidence lies in [low, high)."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


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


def read_case_file(path: Path) -> tuple[CaseKind, list[tuple[int, str]]]:
    """The file's kind (from its header, else ``verify``) and its case lines with their line numbers."""
    if not path.is_file():
        raise UserInputError(f"{path}: no such case file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserInputError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    kind: CaseKind = "verify"
    if rows:
        try:
            first = json.loads(rows[0][1])
        except json.JSONDecodeError:
            first = None
        if isinstance(first, dict) and "format" in first:
            try:
                header = CaseFileHeader.model_validate(first)
            except ValidationError as exc:
                raise UserInputError(f"{path} line {rows[0][0]}: bad header: {exc.errors()[0]['msg']}") from None
            if header.version > CASE_VERSION:
                raise UserInputError(f"{path}: case format version {header.version} is newer than {CASE_VERSION}")
            kind = header.kind
            rows = rows[1:]
    return kind, rows


def case_files(paths: Iterable[Path]) -> dict[CaseKind, list[Path]]:
    """Case files by kind: each path is a file, or a folder whose ``*.jsonl`` files are taken in name order."""
    found: dict[CaseKind, list[Path]] = {kind: [] for kind in KINDS}
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            raise UserInputError(f"{path}: no case files (*.jsonl)")
        for file in files:
            found[read_case_file(file)[0]].append(file)
    return found


def parse_cases(path: Path, model: type[CaseT], kind: CaseKind) -> list[CaseT]:
    """The cases of one file as ``model``; a malformed line is a user error naming the line."""
    found, rows = read_case_file(path)
    if found != kind:
        raise UserInputError(f"{path}: holds {found} cases, not {kind} cases")
    cases = []
    for number, line in rows:
        try:
            cases.append(model.model_validate_json(line))
        except ValidationError as exc:
            raise UserInputError(f"{path} line {number}: {exc.errors()[0]['msg']}") from None
    if not cases:
        raise UserInputError(f"{path}: no cases in the file")
    return cases


def load_cases(path: Path) -> list[Case]:
    """Verification cases from JSONL; a malformed line is a user error naming the line."""
    return parse_cases(path, Case, "verify")


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


class ScratchStores:
    """One scratch store per case corpus, ingested on first use and dropped with the run.

    The stores are scratch; the model (and its joined weights) stay in the real data directory.
    """

    def __init__(self, settings: Settings, root: Path, scratch: str) -> None:
        self.settings, self.root, self.scratch = settings, root, Path(scratch)
        self.stores: dict[str, tuple[Store, list[Article]]] = {}
        self.texts: dict[str, str] = {}

    def get(self, corpus: str) -> tuple[Store, list[Article]]:
        if corpus not in self.stores:
            home = {"home": self.scratch / f"home{len(self.stores)}", "chroma_url": None}
            store = Store(self.settings.model_copy(update=home))
            ingest([str(self.root / corpus)], store)
            self.stores[corpus] = (store, store.articles())
            self.texts.update((a.id, a.text) for a in self.stores[corpus][1])
        return self.stores[corpus]


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


def reliability_curve(pairs: list[tuple[float, bool]], bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width confidence bins (the last one includes 1.0), each with its mean confidence and accuracy."""
    curve = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [(c, ok) for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        if members:
            curve.append(ReliabilityBin(
                low=low, high=high, count=len(members),
                confidence=sum(c for c, _ in members) / len(members),
                accuracy=sum(ok for _, ok in members) / len(members),
            ))
    return curve


def bootstrap_interval(
    items: Sequence[T], statistic: Callable[[list[T]], float] | None = None, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of ``statistic`` (default: the share of true items, the accuracy) over
    resamples of the cases: how much n cases can tell."""
    if not items:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(items)
    measure = statistic or (lambda sample: sum(bool(x) for x in sample) / n)
    values = sorted(measure(rng.choices(items, k=n)) for _ in range(resamples))
    return (values[int(0.025 * resamples)], values[int(0.975 * resamples) - 1])


def binary_balanced_accuracy(pairs: Sequence[tuple[bool, bool]]) -> float:
    """Mean of the recall of "supported" and of "not supported", from (gold supported, predicted supported)."""
    positives = [p for g, p in pairs if g]
    negatives = [not p for g, p in pairs if not g]
    recalls = [sum(side) / len(side) for side in (positives, negatives) if side]
    return sum(recalls) / len(recalls) if recalls else 0.0


def expected_calibration_error(pairs: list[tuple[float, bool]], bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by bin size."""
    if not pairs:
        return 0.0
    curve = reliability_curve(pairs, bins)
    return sum(b.count * abs(b.accuracy - b.confidence) for b in curve) / len(pairs)


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
    with_gold = [r for r in scored if r.evidence_found is not None]
    calls, prompt_tokens, completion_tokens, seconds = mean_cost(scored)
    pairs = [(r.confidence, r.correct) for r in scored]
    binary = [(r.gold == "supported", r.predicted == "supported") for r in scored]
    return Metrics(
        cases=len(results),
        scored=len(scored),
        stale=[r.id for r in results if r.predicted is None],
        accuracy=sum(r.correct for r in scored) / n,
        accuracy_interval=bootstrap_interval([r.correct for r in scored]),
        macro_f1=sum(s.f1 for s in present) / (len(present) or 1),
        balanced_accuracy=sum(s.recall for s in present) / (len(present) or 1),
        binary_balanced_accuracy=binary_balanced_accuracy(binary),
        binary_interval=bootstrap_interval(binary, binary_balanced_accuracy),
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


def read_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """The floors per case kind, ``{"verify": {"accuracy": 0.5}, "extract": {...}}``, checked before any case runs.

    A flat mapping (version 1) holds verification floors.
    """
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read the thresholds ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserInputError(f"{path}: the thresholds are not valid JSON ({exc})") from None
    if isinstance(floors, dict) and floors and not any(isinstance(v, dict) for v in floors.values()):
        floors = {"verify": floors}
    valid = isinstance(floors, dict) and all(
        isinstance(kind, dict) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in kind.values())
        for kind in floors.values()
    )
    if not valid:
        example = '{"verify": {"accuracy": 0.5}}'
        raise UserInputError(f"{path}: thresholds must map a case kind to metric floors, as in {example}")
    return {kind: {name: float(v) for name, v in kind_floors.items()} for kind, kind_floors in floors.items()}


def below_thresholds(metrics: dict[str, BaseModel], floors: dict[str, dict[str, float]], path: Path) -> list[str]:
    """Each metric under its floor, as a readable line; kinds that did not run are skipped."""
    failures = []
    for kind, kind_floors in floors.items():
        if kind not in metrics:
            continue
        for name, floor in kind_floors.items():
            value = getattr(metrics[kind], name, None)
            if not isinstance(value, int | float):
                raise UserInputError(f"{path}: {kind} has no metric {name!r}")
            if value < floor:
                failures.append(f"{kind} {name} {value:.3f} is below its threshold {floor:.3f}")
    return failures
