"""Fit the stance model's calibration on validation data only, and install the model into assistant/data/stance/.

    python training/calibrate_stance.py --model build/stance

1. Temperature: the one that minimises the negative log-likelihood of the
   held-out train-data validation pairs (sentences and windows).
2. Support and refute thresholds: the pair that maximises binary balanced
   accuracy plus 4-way macro-F1, averaged over the validation sets (FEVER-
   Symmetric dev, the validation half of Climate-FEVER, and the train-data
   validation pairs as one-source items), running the real judge and
   aggregation.
3. Confidence: an isotonic map from each validation verdict's raw probability
   to whether it was right.

It also scores the fp32 and int8 exports on the validation pairs, so the int8
file ships only if it loses at most one point. Test data is never read here.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stance_data import NEI, REFUTED, SUPPORTED, Pair, build  # noqa: E402

from assistant.aggregate import aggregate  # noqa: E402
from assistant.article import Article  # noqa: E402
from assistant.benchmarks import BenchItem, grounded_evidence, read_dataset, source_articles, split_items  # noqa: E402
from assistant.chunking import sentences  # noqa: E402
from assistant.classifier_judge import classify  # noqa: E402
from assistant.evaluate import binary_balanced_accuracy  # noqa: E402
from assistant.retrieval import Evidence  # noqa: E402
from assistant.stance import MODEL_DIR, CachedStanceModel, StanceModel, softmax  # noqa: E402
from assistant.verdict import Label  # noqa: E402

LABELS: tuple[Label, ...] = ("supported", "refuted", "conflicting", "not_enough_evidence")
TO_LABEL: dict[int, Label] = {SUPPORTED: "supported", REFUTED: "refuted", NEI: "not_enough_evidence"}


def write_meta(folder: Path, onnx: Path, calibration: dict[str, object], extra: dict[str, object]) -> None:
    meta = {"sha256": hashlib.sha256(onnx.read_bytes()).hexdigest(), "max_tokens": 192,
            "labels": ["supported", "refuted", "not_enough_evidence"], "calibration": calibration, **extra}
    (folder / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def pair_items(pairs: list[Pair]) -> list[tuple[BenchItem | None, str, Label, list[Evidence], bool]]:
    """Train-data validation pairs as one-source items: (None, claim, label, evidence, binary)."""
    out = []
    for p in pairs:
        article = Article.create(p.evidence, title="", outlet="validation", url="", fictional=False)
        spans = sentences(article.text)
        if spans:
            out.append((None, p.claim, TO_LABEL[p.label], [Evidence(article, spans, 1.0)], p.binary))
    return out


def bench_items(name: str, path: Path) -> list[tuple[BenchItem | None, str, Label, list[Evidence], bool]]:
    items = split_items(name, path, read_dataset(name, path), "validation")
    out = []
    for item in items:
        out.append((item, item.claim, item.label, grounded_evidence(source_articles(item)), False))
    return out


def macro_f1(gold: list[Label], pred: list[Label]) -> float:
    f1s = []
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        support, predicted = gold.count(label), pred.count(label)
        if support:
            prec = tp / predicted if predicted else 0.0
            rec = tp / support
            f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


Verdicts = list[tuple[Label, Label, float, bool]]


def run(model: StanceModel, sets: dict[str, list[tuple[BenchItem | None, str, Label, list[Evidence], bool]]]
        ) -> dict[str, Verdicts]:
    """(gold, predicted, raw confidence, binary-only gold) per item of each set, with the model's calibration."""
    out: dict[str, Verdicts] = {}
    for name, items in sets.items():
        rows = []
        for _, claim, gold, evidence, binary in items:
            label, confidence, _ = aggregate(classify(model, claim, evidence), model.calibration)
            rows.append((gold, label, confidence, binary))
        out[name] = rows
    return out


def objective(results: dict[str, Verdicts]) -> tuple[float, dict[str, dict[str, float]]]:
    per: dict[str, dict[str, float]] = {}
    for name, rows in results.items():
        bba = binary_balanced_accuracy([(g == "supported", p == "supported") for g, p, _, _ in rows])
        three = [(g, p) for g, p, _, b in rows if not b]
        f1 = macro_f1([g for g, _ in three], [p for _, p in three]) if three else 0.0
        per[name] = {"binary_balanced_accuracy": round(bba, 4), "macro_f1": round(f1, 4), "n": len(rows)}
    score = sum(v["binary_balanced_accuracy"] + v["macro_f1"] for v in per.values()) / len(per)
    return score, per


def isotonic(points: list[tuple[float, bool]], bins: int = 20) -> list[tuple[float, float]]:
    """Pool-adjacent-violators over (raw, right) sorted by raw, summarised as at most ``bins`` knots."""
    points = sorted(points)
    blocks: list[list[float]] = []  # [sum of right, count, mean raw]
    for raw, right in points:
        blocks.append([float(right), 1.0, raw])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, n, r = blocks.pop()
            ps, pn, pr = blocks.pop()
            blocks.append([ps + s, pn + n, (pr * pn + r * n) / (pn + n)])
    knots = [(round(r, 4), round(s / n, 4)) for s, n, r in blocks]
    if len(knots) > bins:
        step = len(knots) / bins
        knots = [knots[int(i * step)] for i in range(bins)] + [knots[-1]]
    return [(0.0, knots[0][1]), *knots, (1.0, knots[-1][1])]


def pair_logit_scores(logits: np.ndarray, pairs: list[Pair], temperature: float = 1.0) -> dict[str, float]:
    probs = softmax(logits / temperature)
    labels = np.array([p.label for p in pairs])
    binary = np.array([p.binary for p in pairs])
    nll_three = -np.log(probs[np.arange(len(pairs)), labels] + 1e-9)
    p_sup = np.clip(probs[:, 0], 1e-9, 1 - 1e-9)
    nll_two = -np.where(labels == 0, np.log(p_sup), np.log(1 - p_sup))
    nll = float(np.where(binary, nll_two, nll_three).mean())
    bba = binary_balanced_accuracy(list(zip((labels == 0).tolist(), (probs[:, 0] >= 0.5).tolist(), strict=True)))
    acc3 = float((probs[~binary].argmax(1) == labels[~binary]).mean())
    return {"nll": nll, "binary_balanced_accuracy": bba, "three_way_accuracy": acc3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "build" / "stance")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "train-data")
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--pair-items", type=int, default=1500, help="train-data validation pairs used as items")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    started = time.time()
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    target = MODEL_DIR / "stance-int8.onnx"
    shutil.copyfile(args.model / "stance-int8.onnx", target)
    neutral = {"temperature": 1.0, "support_threshold": 0.5, "refute_threshold": 0.5, "confidence_curve": []}
    _, validation, stats = build(args.data, args.benchmarks)

    # int8 against fp32, and the temperature, on the validation pairs.
    pair_texts = [(p.claim, p.evidence) for p in validation]
    exports = {}
    for name in ("stance-fp32.onnx", "stance-int8.onnx"):
        scratch = args.model / f"meta-{name}"
        scratch.mkdir(exist_ok=True)
        shutil.copyfile(args.model / name, scratch / "stance-int8.onnx")
        write_meta(scratch, scratch / "stance-int8.onnx", neutral, {})
        exports[name] = StanceModel(args.threads, scratch).logits(pair_texts)
    quality = {name: pair_logit_scores(lg, validation) for name, lg in exports.items()}
    print(json.dumps(quality), flush=True)
    logits = exports["stance-int8.onnx"]
    temps = [round(0.5 + 0.05 * i, 2) for i in range(51)]
    temperature = min(temps, key=lambda t: pair_logit_scores(logits, validation, t)["nll"])
    print("temperature", temperature, flush=True)

    write_meta(MODEL_DIR, target, {**neutral, "temperature": temperature}, {})
    model = CachedStanceModel(args.threads, MODEL_DIR)
    chosen = validation[:: max(1, len(validation) // args.pair_items)][: args.pair_items]
    sets = {
        "fever-symmetric dev": bench_items("fever-symmetric", args.benchmarks / "fever-symmetric"
                                           / "fever_symmetric_dev.jsonl"),
        "climate-fever validation half": bench_items("climate-fever", args.benchmarks / "climate-fever"),
        "train-data validation pairs": pair_items(chosen),
    }
    grid = [round(0.3 + 0.05 * i, 2) for i in range(14)]
    best: tuple[float, float, float, dict[str, dict[str, float]]] = (-1.0, 0.5, 0.5, {})
    with_cal: Callable[[float, float], None] = lambda s, r: setattr(  # noqa: E731
        model, "calibration", dataclasses.replace(model.calibration, support_threshold=s, refute_threshold=r))
    for s in grid:
        for r in grid:
            with_cal(s, r)
            score, per = objective(run(model, sets))
            if score > best[0]:
                best = (score, s, r, per)
    _, support_t, refute_t, per = best
    print("thresholds", support_t, refute_t, json.dumps(per), flush=True)
    with_cal(support_t, refute_t)
    results = run(model, sets)
    curve = isotonic([(c, g == p) for rows in results.values() for g, p, c, b in rows if not b])
    calibration = {"temperature": temperature, "support_threshold": support_t, "refute_threshold": refute_t,
                   "confidence_curve": curve}
    curve_file = args.model / "curve.json"
    training = json.loads(curve_file.read_text()) if curve_file.exists() else {}
    write_meta(MODEL_DIR, target, calibration, {
        "fitted_on": {name: len(items) for name, items in sets.items()} | {"validation pairs": len(validation)},
        "validation": {"exports": quality, "verdicts": per},
        "training": {"stats": training.get("stats", stats), "curve": training.get("curve", []),
                     "args": training.get("args", {})},
    })
    print(f"installed {target} and model.json in {time.time() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
