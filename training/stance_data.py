"""Training and validation pairs for the stance classifier, built from the public sets in shared/train-data.

Every pair is (claim, evidence, label, binary): label 0 supported, 1 refuted,
2 not enough evidence; ``binary`` pairs only know "supported or not" and are
trained with a two-way loss (refuted and not-enough-evidence together), never
as refuted.

Two granularities, because the verifier scores *windows* of an article, not
single sentences:

- **sentence** pairs, as the sets give them;
- **window** pairs built from them: the evidence sentence placed among 2-4
  other sentences (from the same Wikipedia page where the set has one, else
  from other items), keeping its label; and the same window *without* the
  evidence sentence, labelled not enough evidence.

Validation is held out by group (premise, page, case, claim, 5-row group), as
each set's README asks, and every item whose claim or evidence also appears in
a public benchmark's test file is dropped, so the benchmarks stay unseen.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED, REFUTED, NEI = 0, 1, 2
NLI = {"entailment": SUPPORTED, "contradiction": REFUTED, "neutral": NEI}
FEVER = {"SUPPORTS": SUPPORTED, "REFUTES": REFUTED, "NOT ENOUGH INFO": NEI}
VALIDATION_SHARE = 0.06

# How many pairs each set gives at most, and so its weight in the mix. Rule-generated sets (ConjNLI's 15k,
# Breaking NLI) and MED are capped low: they teach templates more than reading.
CAPS = {
    "vitaminc-real": 16000, "vitaminc-synthetic": 5000, "fever-nli": 7000, "mnli": 7000, "mnli-mm": 3000,
    "snli": 5000, "cad": 4000, "scitail": 3400, "fm2": 2600, "factcg": 2100, "conjnli": 1200,
    "breaking-nli": 800, "med": 800,
}
# Window pairs made per set from its sentence pairs (each gives a with-evidence and a without-evidence pair).
WINDOW_SOURCES = {"vitaminc-real": 4500, "vitaminc-synthetic": 1000, "fever-nli": 1500, "mnli": 1200, "fm2": 2600}


@dataclass
class Pair:
    claim: str
    evidence: str
    label: int
    source: str
    group: str
    binary: bool = False
    kind: str = "sentence"
    context: list[str] = field(default_factory=list, repr=False)


_PTB = [("-LRB-", "("), ("-RRB-", ")"), ("-LSB-", "["), ("-RSB-", "]"), ("-COLON-", ":"), ("``", '"'), ("''", '"')]


def detokenize(text: str) -> str:
    """Tokenised text ("Paris , France ( 2010 ) .") as plain text."""
    for token, plain in _PTB:
        text = text.replace(token, plain)
    text = text.replace("\ufffd", " ")
    text = re.sub(r"\s+([.,;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[$])\s+", r"\1", text)
    text = re.sub(r"\s+('s|n't|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    return " ".join(text.split())


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _tsv(path: Path, header: bool = True, encoding: str = "utf-8") -> Iterator[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if header:
            next(rows)
        yield from rows


def _jsonl(lines: Iterator[str] | list[str]) -> Iterator[dict[str, object]]:
    for line in lines:
        if line.strip():
            yield json.loads(line)


def read_all(root: Path) -> list[Pair]:
    """Every usable pair of every set, before deduplication and capping."""
    pairs: list[Pair] = []
    for split in ("dev", "test"):
        s1 = (root / "snli" / f"s1.{split}").read_text(encoding="utf-8").splitlines()
        s2 = (root / "snli" / f"s2.{split}").read_text(encoding="utf-8").splitlines()
        labels = (root / "snli" / f"labels.{split}").read_text(encoding="utf-8").splitlines()
        for p, h, lab in zip(s1, s2, labels, strict=True):
            pairs.append(Pair(detokenize(h), detokenize(p), NLI[lab.strip()], "snli", "snli:" + _norm(p)))
    mnli_seen = set()
    for row in _tsv(root / "mnli-dev-matched" / "mnli_development_set_number_of_correct_responses.txt"):
        premise, hypothesis, label = row[1], row[2], row[3]
        mnli_seen.add((_norm(premise), _norm(hypothesis)))
        pairs.append(Pair(hypothesis, premise, NLI[label], "mnli", "mnli:" + _norm(premise)))
    for name in ("binary-MNLI-dev.txt", "binary-MNLI-test.txt"):
        for row in _tsv(root / "docnli-binary" / name, header=False):
            label, premise, hypothesis = row[0], row[1], row[2]
            if (_norm(premise), _norm(hypothesis)) in mnli_seen:
                continue
            pairs.append(Pair(hypothesis, premise, SUPPORTED if label == "entailment" else NEI, "mnli-mm",
                              "mnli:" + _norm(premise), binary=label != "entailment"))
    for name in ("binary-FEVER-NLI-dev.txt", "binary-FEVER-NLI-test.txt"):
        for row in _tsv(root / "docnli-binary" / name, header=False):
            label, premise, hypothesis = row[0], detokenize(row[1]), detokenize(row[2])
            pairs.append(Pair(hypothesis, premise, SUPPORTED if label == "entailment" else NEI, "fever-nli",
                              "fever:" + _norm(hypothesis), binary=label != "entailment"))
    for zname, source in (("vitaminc_real", "vitaminc-real"), ("vitaminc_synthetic", "vitaminc-synthetic")):
        with zipfile.ZipFile(root / "vitaminc" / f"{zname}.zip") as archive:
            lines = archive.open(f"{zname}/test.jsonl").read().decode("utf-8").splitlines()
        for row in _jsonl(lines):
            pairs.append(Pair(detokenize(str(row["claim"])), detokenize(str(row["evidence"])),
                              FEVER[str(row["label"])], source, "page:" + str(row["page"]).lower()))
    for split in ("dev", "test"):
        for row in _jsonl((root / "scitail" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()):
            e = row["gold_label"] == "E"
            pairs.append(Pair(str(row["sentence2"]), str(row["sentence1"]), SUPPORTED if e else NEI, "scitail",
                              "scitail:" + _norm(str(row["sentence2"])), binary=not e))
    for split in ("train", "dev", "test"):
        for n, row in enumerate(_tsv(root / "cad-snli" / f"{split}.tsv")):
            pairs.append(Pair(row[1], row[0], NLI[row[2]], "cad", f"cad:{split}:{n // 5}"))
    for split in ("dev", "test"):
        for row in _jsonl((root / "fool-me-twice" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()):
            gold = [str(e["text"]) for e in row["gold_evidence"]]  # type: ignore[attr-defined]
            retrieved = [str(e["text"]) for e in row["retrieved_evidence"]]  # type: ignore[attr-defined]
            gold_norm = {_norm(g) for g in gold}
            pairs.append(Pair(str(row["text"]), " ".join(gold), FEVER[str(row["label"])], "fm2",
                              "page:" + str(row["wikipedia_page"]).lower(),
                              context=[r for r in retrieved if _norm(r) not in gold_norm]))
    for row in _jsonl((root / "factcg-cg2c-doc" / "CG2C_doc.json").read_text(encoding="utf-8").splitlines()):
        claim = str(row["text_b"][0])  # type: ignore[index]
        ok = int(row["orig_label"]) == 1  # type: ignore[call-overload]
        pairs.append(Pair(claim, str(row["text_a"]), SUPPORTED if ok else NEI, "factcg", "factcg:" + _norm(claim),
                          binary=not ok, kind="document"))
    for row in _tsv(root / "conjnli" / "adversarial_train_15k.tsv", encoding="utf-8-sig"):
        pairs.append(Pair(row[1], row[0], NLI[row[2]], "conjnli", "conj:" + _norm(row[0])))
    with zipfile.ZipFile(root / "breaking-nli" / "breaking_nli_dataset.zip") as archive:
        lines = archive.open("data/dataset.jsonl").read().decode("utf-8").splitlines()
    for row in _jsonl(lines):
        pairs.append(Pair(str(row["sentence2"]), str(row["sentence1"]), NLI[str(row["gold_label"])], "breaking-nli",
                          "snli:" + _norm(str(row["sentence1"]))))
    for row in _tsv(root / "med" / "MED.tsv"):
        e = row[15] == "entailment"
        pairs.append(Pair(row[9], row[8], SUPPORTED if e else NEI, "med", "med:" + _norm(row[8]), binary=not e))
    return pairs


def benchmark_texts(benchmarks: Path) -> set[str]:
    """Normalised claims and evidence of the public benchmarks, so that no training pair repeats one."""
    texts: set[str] = set()
    for name in ("fever_symmetric_dev.jsonl", "fever_symmetric_test.jsonl"):
        for row in _jsonl((benchmarks / "fever-symmetric" / name).read_text(encoding="utf-8").splitlines()):
            texts.add(_norm(detokenize(str(row["claim"]))))
            texts.add(_norm(detokenize(str(row["evidence"]))))
    for row in _jsonl((benchmarks / "climate-fever" / "climate-fever.jsonl").read_text(encoding="utf-8").splitlines()):
        texts.add(_norm(str(row["claim"])))
        for e in row["evidences"]:  # type: ignore[attr-defined]
            texts.add(_norm(str(e["evidence"])))
    for row in _tsv(benchmarks / "scifact-dev-rte" / "dev.tsv"):
        texts.add(_norm(row[2]))
    for row in _jsonl((benchmarks / "factcheck-gpt" / "subtask4_claim_factuality.jsonl")
                      .read_text(encoding="utf-8").splitlines()):
        texts.add(_norm(str(row["claim"])))
    texts.discard("")
    return texts


def is_validation(group: str) -> bool:
    digest = hashlib.sha256(group.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < VALIDATION_SHARE


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", text) if len(s) > 15]


def windows(pairs: list[Pair], rng: random.Random, per_source: dict[str, int]) -> list[Pair]:
    """Window pairs: the evidence among 2-4 other sentences (same page where known), and the window without it."""
    by_group: dict[str, list[str]] = defaultdict(list)
    pool: list[str] = []
    for p in pairs:
        if p.kind == "sentence" and len(p.evidence) < 400:
            by_group[p.group].append(p.evidence)
            pool.append(p.evidence)
    made: list[Pair] = []
    for source, count in per_source.items():
        candidates = [p for p in pairs if p.source == source and p.kind == "sentence"]
        rng.shuffle(candidates)
        for p in candidates[:count]:
            near = list(dict.fromkeys(p.context + [e for e in by_group[p.group] if _norm(e) != _norm(p.evidence)]))
            rng.shuffle(near)
            others = near[: rng.randint(2, 4)]
            while len(others) < 2:
                others.append(rng.choice(pool))
            position = rng.randint(0, len(others))
            with_evidence = [*others[:position], p.evidence, *others[position:]]
            made.append(Pair(p.claim, " ".join(with_evidence), p.label, p.source + "+window", p.group,
                             binary=p.binary, kind="window"))
            # Without its evidence the window no longer decides the claim. Same-page sentences about the claim's
            # subject make this the hard case: related text that neither supports nor refutes.
            made.append(Pair(p.claim, " ".join(others), NEI, p.source + "-window", p.group, kind="window"))
    return made


_CLAIM_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w]|[.,]\d)")
_AUXILIARY = re.compile(r"(?<!must )(?<!should )(?<!could )(?<!might )\b(is|was|are|were|will)\b(?! not\b|n't)")
# "more than 300" stays true for 313: a bound is not edited.
_BOUND = re.compile(r"(more|less|fewer|greater|higher|lower) than|over|under|at least|at most|nearly|about|around"
                    r"|up to|almost|approximately|roughly|some|exceed\w*|top\w*|below|above", re.I)


def _states(evidence: str, number: str) -> bool:
    return re.search(rf"(?<![\w.,]){re.escape(number)}(?![\w]|[.,]\d)", evidence) is not None


def _editable(claim: str, match: re.Match[str]) -> bool:
    """A count of at least 10 or a year, given as a value, not as a bound ("more than 300")."""
    value = float(match.group(1).replace(",", ""))
    before = claim[max(0, match.start(1) - 16) : match.start(1)]
    return value >= 10 and _BOUND.search(before) is None


def _other_number(text: str, rng: random.Random) -> str:
    """A different value of the same shape: a year moves by 1-6, a count or amount by 15-60% (never equal)."""
    value = float(text.replace(",", ""))
    if "." not in text and 1800 <= value <= 2100:
        return str(int(value) + rng.choice([-6, -4, -3, -2, -1, 1, 2, 3, 5]))
    factor = rng.choice([0.4, 0.55, 0.7, 0.85, 1.15, 1.3, 1.5, 1.6])
    new = value * factor
    if "." in text:
        shown = f"{new:.{len(text.split('.')[1])}f}"
    else:
        new = max(1, round(new)) if round(new) != value else int(value) + 1
        shown = f"{int(new):,}" if "," in text else str(int(new))
    return shown if shown != text else str(int(value) + 2)


def contrasts(pairs: list[Pair], rng: random.Random, count: int) -> list[Pair]:
    """Refuted pairs made from supported ones by one minimal edit of the claim, the contradiction news claims meet.

    - the claim's number that the evidence states, changed (42 million -> 48 million; 2019 -> 2017);
    - the claim's auxiliary negated ("was elected" -> "was not elected").
    Only 3-way supported pairs are edited, so the evidence does state what the edit contradicts.
    """
    made: list[Pair] = []
    candidates = [p for p in pairs if p.label == SUPPORTED and not p.binary and p.kind == "sentence"]
    rng.shuffle(candidates)
    numbered = negated = 0
    for p in candidates:
        if numbered < count * 2 // 3:
            shared = [m for m in _CLAIM_NUMBER.finditer(p.claim)
                      if _states(p.evidence, m.group(1)) and _editable(p.claim, m)]
            if shared:
                m = rng.choice(shared)
                claim = p.claim[: m.start(1)] + _other_number(m.group(1), rng) + p.claim[m.end(1) :]
                made.append(Pair(claim, p.evidence, REFUTED, "contrast-number", p.group))
                numbered += 1
                continue
        if negated < count // 3 and (aux := _AUXILIARY.search(p.claim)):
            claim = p.claim[: aux.end()] + " not" + p.claim[aux.end() :]
            made.append(Pair(claim, p.evidence, REFUTED, "contrast-negation", p.group))
            negated += 1
        if numbered >= count * 2 // 3 and negated >= count // 3:
            break
    return made


def build(
    root: Path, benchmarks: Path, seed: int = 0, contrast: int = 0, wide: bool = False
) -> tuple[list[Pair], list[Pair], dict[str, object]]:
    """(train, validation, stats): deduplicated, decontaminated, capped, with window pairs added.

    ``wide``: the contrast pairs of ``contrast_pairs`` (eight phenomena, read with the details reader's parse)
    instead of the number and negation edits, and SNLI's "contradiction" trained only as "not supported": there it
    often means another scene, not a claim the evidence refutes.
    """
    rng = random.Random(seed)
    raw = read_all(root)
    if wide:
        for p in raw:
            if p.source == "snli" and p.label == REFUTED:
                p.binary = True
    banned = benchmark_texts(benchmarks)
    seen: dict[tuple[str, str], int] = {}
    conflicts: set[tuple[str, str]] = set()
    kept: list[Pair] = []
    dropped_bench = 0
    for p in raw:
        key = (_norm(p.claim), _norm(p.evidence))
        if key[0] in banned or key[1] in banned:
            dropped_bench += 1
            continue
        if key in seen:
            if seen[key] != p.label:
                conflicts.add(key)
            continue
        seen[key] = p.label
        kept.append(p)
    kept = [p for p in kept if (_norm(p.claim), _norm(p.evidence)) not in conflicts]
    by_source: dict[str, list[Pair]] = defaultdict(list)
    for p in kept:
        by_source[p.source].append(p)
    capped: list[Pair] = []
    for source, items in sorted(by_source.items()):
        rng.shuffle(items)
        capped.extend(items[: CAPS[source]])
    train = [p for p in capped if not is_validation(p.group)]
    validation = [p for p in capped if is_validation(p.group)]
    # Windows are built within each side, from that side's sentences only, so no sentence crosses the split.
    train += windows(train, rng, WINDOW_SOURCES)
    validation += windows(validation, rng, {s: max(60, n // 12) for s, n in WINDOW_SOURCES.items()})
    if contrast and wide:
        from contrast_pairs import make

        train += make(train, rng, contrast, Pair)
        validation += make(validation, rng, max(400, contrast // 12), Pair)
    elif contrast:
        train += contrasts(train, rng, contrast)
        validation += contrasts(validation, rng, max(60, contrast // 12))
    rng.shuffle(train)
    stats = {
        "raw": len(raw), "dropped_benchmark_overlap": dropped_bench, "label_conflicts": len(conflicts),
        "after_dedup": len(kept), "train": len(train), "validation": len(validation),
        "train_by_source": _count(train), "validation_by_source": _count(validation),
        "train_labels": _count(train, "label"),
    }
    return train, validation, stats


def _count(pairs: list[Pair], attr: str = "source") -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for p in pairs:
        counts[str(getattr(p, attr))] += 1
    return dict(sorted(counts.items()))


if __name__ == "__main__":
    import sys

    here = Path(__file__).resolve().parent.parent
    tr, va, st = build(Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "shared" / "train-data",
                       here.parent / "shared" / "benchmarks")
    print(json.dumps(st, indent=1))
    for p in tr[:5]:
        print(p.label, p.source, "|", p.claim, "|", p.evidence[:200])
