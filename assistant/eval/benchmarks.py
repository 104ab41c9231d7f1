"""Public fact-checking benchmarks, read in their own formats and mapped onto factdesk's four labels.

Each reader turns a dataset file into ``BenchItem``s: a claim, the dataset's
label and its factdesk label, and the evidence passages the dataset gives,
each with the source it came from and whether the dataset marks it as
deciding (for citation precision). Label mappings:

============== ================================ =====================================
dataset        dataset label                     factdesk label
============== ================================ =====================================
climate-fever  SUPPORTS / REFUTES                supported / refuted
               DISPUTED                          conflicting
               NOT_ENOUGH_INFO                   not_enough_evidence
factcheck-gpt  true / false (claim factuality)   supported / refuted
               unknown (not enough evidence)     not_enough_evidence
fever-symmetric SUPPORTS / REFUTES               supported / refuted
scifact        entailment / not_entailment       supported / refuted (SciFact's
                                                 SUPPORT / CONTRADICT pairs)
jsonl          see ``GENERIC_LABELS``
============== ================================ =====================================

Two ways to run an item. **Grounded**: the item's evidence is judged directly,
no retrieval: each source (a Wikipedia article, a web page, an abstract) becomes
one article whose sentences are the evidence, and the usual judge, checks and
aggregation give the verdict. **Open**: the evidence of every sampled item is
ingested into one scratch store and each claim is verified by retrieval, as
``factdesk verify`` does, so other items' evidence competes as distractors.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import BaseModel

from ..corpus.article import Article, normalize_text
from ..corpus.chunking import Span, sentences
from ..corpus.ingest import ingest
from ..corpus.store import Store
from ..errors import RecordingMissingError, UserInputError
from ..llm import LLM
from ..settings import Settings
from ..verify.retrieve import Evidence
from ..verify.verdict import Label
from ..verify.verifier import verify, verify_evidence
from .verification import LABELS, CaseResult, score_verdict, stale_result


class Passage(BaseModel):
    """One piece of evidence: its text, where it comes from, and whether the dataset marks it as deciding."""

    text: str
    source: str
    outlet: str
    gold: bool = False


class BenchItem(BaseModel):
    id: str
    claim: str
    label: Label
    original: str
    evidence: list[Passage]


@dataclass(frozen=True)
class Dataset:
    name: str
    default_file: str
    read: Callable[[Path], list[BenchItem]]
    about: str


def _jsonl(path: Path) -> list[dict[str, object]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise UserInputError(f"{path} line {number}: invalid JSON ({exc.msg})") from None
    return rows


CLIMATE_FEVER_LABELS: dict[str, Label] = {
    "SUPPORTS": "supported", "REFUTES": "refuted", "DISPUTED": "conflicting", "NOT_ENOUGH_INFO": "not_enough_evidence",
}


def read_climate_fever(path: Path) -> list[BenchItem]:
    """climate-fever.jsonl: claim_id, claim, claim_label, evidences (5 Wikipedia sentences, each labelled)."""
    items = []
    for row in _jsonl(path):
        evidence = [
            Passage(text=str(e["evidence"]), source=str(e["article"]), outlet="Wikipedia",
                    gold=e.get("evidence_label") in ("SUPPORTS", "REFUTES"))
            for e in row["evidences"]  # type: ignore[attr-defined]
        ]
        label = str(row["claim_label"])
        items.append(BenchItem(id=str(row["claim_id"]), claim=str(row["claim"]), label=CLIMATE_FEVER_LABELS[label],
                               original=label, evidence=evidence))
    return items


FACTCHECK_LABELS: dict[object, Label] = {True: "supported", False: "refuted", "unknown": "not_enough_evidence"}


def read_factcheck(path: Path) -> list[BenchItem]:
    """factcheck-GPT-benchmark.jsonl: responses -> sentences -> claims, each with 5 web snippets and a label.

    Only claims annotated as factual are kept (opinions and non-claims have no
    truth label); a claim's ``unknown`` label means the annotators found not
    enough evidence. A snippet is gold when its stance is not "irrelevant".
    """
    items = []
    for r, row in enumerate(_jsonl(path)):
        for key, sentence in row["sentences"].items():  # type: ignore[attr-defined]
            for i, claim in enumerate(sentence["claims"]):
                worth = sentence["claim_checkworthiness"]
                if i >= len(worth) or worth[i] != "factual":
                    continue
                label = sentence["claims_factuality_label"][i]
                snippets, urls = sentence["auto_evidence"][i], sentence["auto_evidence_url"][i]
                stances = sentence["stance_claim_autoEvid"][i]
                evidence = [
                    Passage(text=text, source=url, outlet=urlparse(url).netloc or url, gold=stance != "irrelevant")
                    for text, url, stance in zip(snippets, urls, stances, strict=True)
                ]
                items.append(BenchItem(id=f"{r}:{key}:{i}", claim=claim, label=FACTCHECK_LABELS[label],
                                       original=str(label), evidence=evidence))
    return items


_PTB = [("-LRB-", "("), ("-RRB-", ")"), ("-LSB-", "["), ("-RSB-", "]"), ("-COLON-", ":"), ("``", '"'), ("''", '"')]


def detokenize(text: str) -> str:
    """FEVER's tokenised Wikipedia text ("Paris , France -LRB- 2010 -RRB- .") as plain text."""
    for token, plain in _PTB:
        text = text.replace(token, plain)
    text = re.sub(r"\s+([.,;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r"\s+('s|n't|'re|'ve|'ll|'d|')\b", r"\1", text)
    return re.sub(r"\s+--\s+", " – ", text).strip()


FEVER_LABELS: dict[str, Label] = {"SUPPORTS": "supported", "REFUTES": "refuted"}


def read_fever_symmetric(path: Path) -> list[BenchItem]:
    """fever_symmetric_{dev,test}.jsonl: id, claim, evidence (one Wikipedia sentence), gold_label."""
    items = []
    for n, row in enumerate(_jsonl(path)):
        label = str(row["gold_label"])
        items.append(BenchItem(
            id=f"{row['id']}-{n}", claim=detokenize(str(row["claim"])), label=FEVER_LABELS[label], original=label,
            evidence=[Passage(text=detokenize(str(row["evidence"])), source="", outlet="Wikipedia", gold=True)],
        ))
    return items


SCIFACT_LABELS: dict[str, Label] = {"entailment": "supported", "not_entailment": "refuted"}


def read_scifact(path: Path) -> list[BenchItem]:
    """dev.tsv: index, sentence1 (the gold rationale sentences), sentence2 (the claim), entailment."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        BenchItem(id=row["index"], claim=row["sentence2"], label=SCIFACT_LABELS[row["entailment"]],
                  original=row["entailment"],
                  evidence=[Passage(text=row["sentence1"], source="", outlet="SciFact abstract", gold=True)])
        for row in rows
    ]


GENERIC_LABELS: dict[str, Label] = {
    **{label: label for label in LABELS},
    "supports": "supported", "support": "supported", "true": "supported", "entailment": "supported",
    "refutes": "refuted", "refute": "refuted", "false": "refuted", "contradiction": "refuted",
    "contradict": "refuted", "disputed": "conflicting", "mixed": "conflicting",
    "not_enough_info": "not_enough_evidence", "nei": "not_enough_evidence", "unverifiable": "not_enough_evidence",
}


def read_jsonl(path: Path) -> list[BenchItem]:
    """Generic JSONL: {"id"?, "claim", "label", "evidence": [text | {"text", "source"?, "gold"?}]}.

    Labels are factdesk's own or a common synonym (``GENERIC_LABELS``, any case);
    evidence without a ``gold`` flag counts as gold.
    """
    items = []
    for n, row in enumerate(_jsonl(path), start=1):
        try:
            raw_label = str(row["label"])
            label = GENERIC_LABELS[raw_label.strip().lower()]
            evidence = []
            for e in row["evidence"]:  # type: ignore[attr-defined]
                e = {"text": e} if isinstance(e, str) else e
                source = str(e.get("source", ""))
                evidence.append(Passage(text=str(e["text"]), source=source, outlet=source or "evidence",
                                        gold=bool(e.get("gold", True))))
            items.append(BenchItem(id=str(row.get("id", n)), claim=str(row["claim"]), label=label,
                                   original=raw_label, evidence=evidence))
        except (KeyError, TypeError, AttributeError) as exc:
            raise UserInputError(f"{path} line {n}: expected claim, label and evidence ({exc})") from None
    return items


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("climate-fever", "climate-fever.jsonl", read_climate_fever, "Climate-FEVER, all 1,535 claims"),
        Dataset("factcheck-gpt", "factcheck-GPT-benchmark.jsonl", read_factcheck,
                "Factcheck-Bench, the 661 factual claims"),
        Dataset("fever-symmetric", "fever_symmetric_dev.jsonl", read_fever_symmetric, "FEVER-Symmetric v0.2"),
        Dataset("scifact", "dev.tsv", read_scifact, "SciFact dev claim-rationale pairs (COVID-Fact's RTE copy)"),
        Dataset("jsonl", "", read_jsonl, "generic JSONL: claim, label, evidence list"),
    )
}


def read_dataset(name: str, path: Path) -> list[BenchItem]:
    """All items of dataset ``name`` from ``path`` (its file, or the folder holding its default file)."""
    if name not in DATASETS:
        raise UserInputError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    dataset = DATASETS[name]
    file = path / dataset.default_file if path.is_dir() and dataset.default_file else path
    if not file.is_file():
        raise UserInputError(f"{file}: no such file for dataset {name}")
    try:
        return dataset.read(file)
    except (KeyError, TypeError, ValueError) as exc:
        raise UserInputError(f"{file}: not in the {name} format ({type(exc).__name__}: {exc})") from None


Split = Literal["validation", "test", "all"]


def split_items(name: str, path: Path, items: list[BenchItem], split: Split) -> list[BenchItem]:
    """The declared validation or test side of a dataset (``evals/README.md`` lists them).

    FEVER-Symmetric has its own files: dev is validation, test is test. Climate-FEVER has no split: claims whose
    id hashes below one half are validation. Factcheck-Bench and SciFact are too small to halve and are test
    data whole. Tuning (thresholds, calibration) reads validation only.
    """
    if split == "all":
        return items
    if name == "fever-symmetric":
        side: Split = "validation" if "dev" in path.name else "test"
        return items if side == split else []
    if name == "climate-fever":
        def side_of(item: BenchItem) -> Split:
            digest = hashlib.sha256(item.id.encode("utf-8")).digest()
            return "validation" if digest[0] < 128 else "test"

        return [item for item in items if side_of(item) == split]
    return items if split == "test" else []


def sample(items: list[BenchItem], limit: int, seed: int) -> list[BenchItem]:
    """A fixed sample balanced over labels: each label's items shuffled with ``seed``, then taken in turn.

    A label with too few items gives its turns to the others. The same items,
    limit and seed always give the same sample.
    """
    rng = random.Random(seed)
    groups: dict[str, list[BenchItem]] = defaultdict(list)
    for item in items:
        groups[item.label].append(item)
    queues = []
    for label in LABELS:
        group = groups.get(label, [])
        rng.shuffle(group)
        queues.append(group)
    chosen: list[BenchItem] = []
    while len(chosen) < min(limit, len(items)):
        for queue in queues:
            if queue and len(chosen) < limit:
                chosen.append(queue.pop(0))
    return chosen


def source_articles(item: BenchItem) -> list[tuple[Article, list[Span], list[Span]]]:
    """One article per evidence source: (article, its sentence spans, the spans of its gold passages)."""
    by_source: dict[tuple[str, str], list[Passage]] = defaultdict(list)
    for passage in item.evidence:
        if normalize_text(passage.text):
            by_source[(passage.outlet, passage.source)].append(passage)
    built = []
    for (outlet, source), passages in by_source.items():
        texts = [normalize_text(p.text) for p in passages]
        article = Article.create("\n\n".join(texts), title=source, outlet=outlet, url=source, fictional=False)
        gold = []
        cursor = 0
        for text, passage in zip(texts, passages, strict=True):
            at = article.text.find(text, cursor)
            cursor = at + len(text)
            if passage.gold:
                gold.append(Span(at, at + len(text)))
        built.append((article, sentences(article.text), gold))
    return built


def grounded_evidence(built: list[tuple[Article, list[Span], list[Span]]]) -> list[Evidence]:
    """Every sentence of every source of an item, as the evidence judged in grounded mode."""
    return [Evidence(article, spans, 1.0 / (1 + rank)) for rank, (article, spans, _) in enumerate(built)]


def _gold(built: list[tuple[Article, list[Span], list[Span]]]) -> list[tuple[str, int, int]]:
    return [(article.id, s.start, s.end) for article, _, gold in built for s in gold]


def run_grounded(items: list[BenchItem], settings: Settings, llm: LLM | None = None) -> list[CaseResult]:
    """Judge each item's own evidence: one model call per evidence source, no retrieval."""
    results = []
    llm = llm or LLM(settings)
    try:
        for item in items:
            built = source_articles(item)
            texts = {article.id: article.text for article, _, _ in built}
            evidence = grounded_evidence(built)
            try:
                verdict = verify_evidence(item.claim, evidence, llm, settings)
            except RecordingMissingError as exc:
                results.append(stale_result(item.id, item.claim, item.label, exc))
                continue
            results.append(score_verdict(item.id, item.label, verdict, texts.__getitem__, _gold(built)))
    finally:
        llm.close()
    return results


def run_open(items: list[BenchItem], settings: Settings, llm: LLM | None = None) -> list[CaseResult]:
    """Ingest the evidence of all items into one scratch store, then verify each claim by retrieval."""
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        built = {item.id: source_articles(item) for item in items}
        corpus = Path(scratch) / "evidence.jsonl"
        with corpus.open("w", encoding="utf-8") as handle:
            for articles in built.values():
                for article, _, _ in articles:
                    record = {"text": article.text, "title": article.title, "outlet": article.outlet,
                              "url": article.url}
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        store = Store(settings.model_copy(update={"home": Path(scratch) / "home"}))
        ingest([str(corpus)], store)
        llm = llm or LLM(settings)
        try:
            for item in items:
                try:
                    verdict = verify(item.claim, store, llm, settings)
                except RecordingMissingError as exc:
                    results.append(stale_result(item.id, item.claim, item.label, exc))
                    continue
                results.append(score_verdict(item.id, item.label, verdict, lambda a: store.article(a).text,
                                             _gold(built[item.id])))
        finally:
            llm.close()
    return results
