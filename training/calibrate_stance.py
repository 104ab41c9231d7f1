"""Fit the stance model's calibration on validation data only, and install the model into assistant/data/stance/.

    python training/calibrate_stance.py --model build/stance

1. Temperature: the one that minimises the negative log-likelihood of the
   held-out train-data validation pairs (sentences and windows).
2. Support and refute thresholds: the pair that maximises binary balanced
   accuracy plus 4-way macro-F1, averaged over the validation sets (FEVER-
   Symmetric dev, the validation half of Climate-FEVER, the train-data
   validation pairs as one-source items, and Fool Me Twice validation claims
   read from five snippets each: ``snippet_items``), running the real judge
   and aggregation.
3. Confidence: an isotonic map from each validation verdict's raw probability
   to whether it was right, one per evidence shape (one source or several, one
   sentence or several: ``aggregate.shape_read``) where the shape has at least
   ``MIN_SHAPE_VERDICTS`` validation verdicts, and a pooled map for the rest.
   The shape maps ship only if they beat the pooled map out of fold (two
   halves of the validation verdicts, each mapped by maps fitted on the other;
   the mean of the validation sets' ECE).

``--refit-confidence`` redoes step 3 alone on the installed model, keeping its
export, temperature and thresholds; ``--refit-thresholds`` redoes steps 2 and 3.

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
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stance_data import NEI, REFUTED, SUPPORTED, Pair, build  # noqa: E402
from unsigned_stance import unsigned  # noqa: E402

from assistant.corpus.article import Article  # noqa: E402
from assistant.corpus.chunking import Span, sentences  # noqa: E402
from assistant.eval.benchmarks import BenchItem, grounded_evidence, read_dataset, source_articles, split_items  # noqa: E402
from assistant.eval.metrics import binary_balanced_accuracy, expected_calibration_error  # noqa: E402
from assistant.verify import classifier  # noqa: E402
from assistant.verify.aggregate import aggregate, shape_read  # noqa: E402
from assistant.verify.classifier import classify  # noqa: E402
from assistant.verify.retrieve import Evidence  # noqa: E402
from assistant.verify.stance import (  # noqa: E402
    MODEL_DIR,
    MODEL_FILE,
    CachedStanceModel,
    StanceModel,
    softmax,
)
from assistant.verify.verdict import Label  # noqa: E402

LABELS: tuple[Label, ...] = ("supported", "refuted", "conflicting", "not_enough_evidence")
TO_LABEL: dict[int, Label] = {SUPPORTED: "supported", REFUTED: "refuted", NEI: "not_enough_evidence"}
#: A validation item: (benchmark item or None, claim, gold label, evidence, gold knows only "supported or not").
Item = tuple[BenchItem | None, str, Label, list[Evidence], bool]
#: An evidence shape gets a confidence map of its own only with at least this many validation verdicts.
MIN_SHAPE_VERDICTS = 100


def write_meta(folder: Path, onnx: Path, calibration: dict[str, object], extra: dict[str, object]) -> None:
    meta = {"sha256": hashlib.sha256(onnx.read_bytes()).hexdigest(), "max_tokens": 192,
            "labels": ["supported", "refuted", "not_enough_evidence"], "calibration": calibration, **extra}
    (folder / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def pair_items(pairs: list[Pair]) -> list[Item]:
    """Train-data validation pairs as one-source items: (None, claim, label, evidence, binary)."""
    out: list[Item] = []
    for p in pairs:
        article = Article.create(p.evidence, title="", outlet="validation", url="", fictional=False)
        spans = sentences(article.text)
        if spans:
            out.append((None, p.claim, TO_LABEL[p.label], [Evidence(article, spans, 1.0)], p.binary))
    return out


#: Snippets per item of the multi-snippet validation set, as Factcheck-Bench gives five search results a claim.
SNIPPETS = 5


def snippet_items(pairs: list[Pair]) -> list[Item]:
    """Fool Me Twice validation claims read from several short sources, most of them beside the point.

    Each claim gives two items, each snippet a source of its own: its gold evidence among four of the other
    sentences retrieved from its page (the claim's label), and five other retrieved sentences without the gold
    (not enough evidence; synthetic, as the set's README warns: a retrieved sentence may still decide it).
    The other three validation sets have few verdicts read from many short, mostly irrelevant snippets.
    """
    out: list[Item] = []
    for p in pairs:
        if p.source != "fm2" or p.kind != "sentence" or len(p.context) < 2 * SNIPPETS - 1:
            continue
        with_gold = [p.evidence, *p.context[: SNIPPETS - 1]]
        without = p.context[SNIPPETS - 1 : 2 * SNIPPETS - 1]
        for label, texts in ((TO_LABEL[p.label], with_gold), ("not_enough_evidence", without)):
            # One article per snippet, read as a benchmark item's sources are (``grounded_evidence``).
            articles = [Article.create(text, title="", outlet=f"snippet {rank + 1}", url="", fictional=False)
                        for rank, text in enumerate(texts)]
            built: list[tuple[Article, list[Span], list[Span]]] = [(a, sentences(a.text), []) for a in articles]
            out.append((None, p.claim, label, grounded_evidence(built), False))
    return out


def bench_items(name: str, path: Path) -> list[Item]:
    items = split_items(name, path, read_dataset(name, path), "validation")
    out: list[Item] = []
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


#: (gold, predicted, raw confidence, binary-only gold, evidence shape) per item.
Verdicts = list[tuple[Label, Label, float, bool, str]]


def run(model: StanceModel, sets: dict[str, list[Item]]
        ) -> dict[str, Verdicts]:
    """The verdicts of each set with the model's calibration (the confidence is raw where it has no maps)."""
    out: dict[str, Verdicts] = {}
    for name, items in sets.items():
        rows = []
        for _, claim, gold, evidence, binary in items:
            judgements = classify(model, claim, evidence)
            label, confidence, _ = aggregate(judgements, model.calibration)
            rows.append((gold, label, confidence, binary, shape_read(judgements)))
        out[name] = rows
    return out


def objective(results: dict[str, Verdicts]) -> tuple[float, dict[str, dict[str, float]]]:
    per: dict[str, dict[str, float]] = {}
    for name, rows in results.items():
        bba = binary_balanced_accuracy([(g == "supported", p == "supported") for g, p, *_ in rows])
        three = [(g, p) for g, p, _, b, _ in rows if not b]
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


Curve = list[tuple[float, float]]


def confidence_maps(results: dict[str, Verdicts]) -> tuple[Curve, dict[str, Curve], dict[str, float]]:
    """The pooled map, the per-shape maps (empty when they lose out of fold), and the out-of-fold figures."""
    rows = [(name, shape, c, g == p) for name, verdicts in results.items() for g, p, c, b, shape in verdicts if not b]

    def fit(part: list[tuple[str, str, float, bool]]) -> tuple[Curve, dict[str, Curve]]:
        shapes = sorted({shape for _, shape, _, _ in part})
        return isotonic([(c, r) for _, _, c, r in part]), {
            shape: isotonic([(c, r) for _, s, c, r in part if s == shape]) for shape in shapes
            if sum(s == shape for _, s, _, _ in part) >= MIN_SHAPE_VERDICTS}

    def mapped(curve: Curve, raw: float) -> float:
        return float(np.interp(raw, [x for x, _ in curve], [y for _, y in curve]))

    halves = [rows[0::2], rows[1::2]]
    pooled_pairs: dict[str, list[tuple[float, bool]]] = {}
    shape_pairs: dict[str, list[tuple[float, bool]]] = {}
    for i, scored in enumerate(halves):
        pooled, per_shape = fit(halves[1 - i])
        for name, shape, c, r in scored:
            pooled_pairs.setdefault(name, []).append((mapped(pooled, c), r))
            shape_pairs.setdefault(name, []).append((mapped(per_shape.get(shape, pooled), c), r))
    out_of_fold: dict[str, float] = {}
    for kind, pairs in (("pooled", pooled_pairs), ("per shape", shape_pairs)):
        for name, scored_pairs in pairs.items():
            out_of_fold[f"{kind}: {name}"] = round(expected_calibration_error(scored_pairs), 4)
        out_of_fold[f"{kind}: mean"] = round(sum(expected_calibration_error(v) for v in pairs.values()) / len(pairs), 4)
    pooled, per_shape = fit(rows)
    if out_of_fold["per shape: mean"] >= out_of_fold["pooled: mean"]:
        per_shape = {}
    return pooled, per_shape, out_of_fold


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


def quantised(fp32: Path, out: Path, per_channel: bool, unsigned_grid: bool = False) -> Path:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weights = QuantType.QUInt8 if unsigned_grid else QuantType.QInt8
    quantize_dynamic(str(fp32), str(out), weight_type=weights, per_channel=per_channel)
    # The signed grid is stored as uint8 (the same numbers), so no CPU saturates its products.
    model = onnx.load(str(out))
    if unsigned(model):
        onnx.save(model, str(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "build" / "stance")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "train-data")
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--pair-items", type=int, default=1500, help="train-data validation pairs used as items")
    parser.add_argument("--export-pairs", type=int, default=2500, help="validation pairs that compare the exports")
    parser.add_argument("--contrast", type=int, default=6000, help="as in training, for the validation edits")
    parser.add_argument("--wide", action="store_true", help="as in training: the contrast pairs of contrast_pairs.py")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--refit-confidence", action="store_true",
                        help="refit only the confidence maps of the installed model")
    parser.add_argument("--refit-thresholds", action="store_true",
                        help="refit the thresholds and the confidence maps of the installed model")
    args = parser.parse_args()
    started = time.time()
    if args.refit_confidence or args.refit_thresholds:
        refit(args)
        return
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    neutral = {"temperature": 1.0, "support_threshold": 0.5, "refute_threshold": 0.5, "confidence_curve": []}
    _, validation, stats = build(args.data, args.benchmarks, contrast=args.contrast, wide=args.wide)

    # Which export ships: the smallest within one point of fp32 on validation pairs (binary and 3-way).
    fp32 = args.model / "stance-fp32.onnx"
    exports = {
        "fp32": fp32,
        "int8 per tensor": quantised(fp32, args.model / "int8-tensor.onnx", per_channel=False),
        "int8 per channel": quantised(fp32, args.model / "int8-channel.onnx", per_channel=True),
        "uint8 per channel": quantised(fp32, args.model / "uint8-channel.onnx", per_channel=True, unsigned_grid=True),
    }
    compare = validation[:: max(1, len(validation) // args.export_pairs)]
    texts = [(p.claim, p.evidence) for p in compare]
    quality: dict[str, dict[str, float]] = {}
    logits: dict[str, np.ndarray] = {}
    for name, path in exports.items():
        scratch = args.model / f"meta-{path.stem}"
        scratch.mkdir(exist_ok=True)
        shutil.copyfile(path, scratch / MODEL_FILE)
        write_meta(scratch, scratch / MODEL_FILE, neutral, {})
        logits[name] = StanceModel(args.threads, scratch).logits(texts)
        quality[name] = {**pair_logit_scores(logits[name], compare), "bytes": path.stat().st_size}
        print(name, json.dumps(quality[name]), flush=True)
    best = quality["fp32"]
    fits = [n for n in ("int8 per channel", "uint8 per channel", "int8 per tensor")
            if best["binary_balanced_accuracy"] - quality[n]["binary_balanced_accuracy"] <= 0.01
            and best["three_way_accuracy"] - quality[n]["three_way_accuracy"] <= 0.01]
    chosen_export = max(fits, key=lambda n: quality[n]["binary_balanced_accuracy"]) if fits else "fp32"
    print("shipping", chosen_export, flush=True)
    target = MODEL_DIR / MODEL_FILE
    shutil.copyfile(exports[chosen_export], target)
    temps = [round(0.5 + 0.05 * i, 2) for i in range(51)]
    temperature = min(temps, key=lambda t: pair_logit_scores(logits[chosen_export], compare, t)["nll"])
    print("temperature", temperature, flush=True)

    write_meta(MODEL_DIR, target, {**neutral, "temperature": temperature}, {})
    model = CachedStanceModel(args.threads, MODEL_DIR)
    sets = validation_sets(args, validation)
    support_t, refute_t, per = fit_thresholds(model, sets)
    curve, shape_curves, out_of_fold = confidence_maps(run(model, sets))
    print("confidence maps, out-of-fold ECE", json.dumps(out_of_fold), flush=True)
    calibration = {"temperature": temperature, "support_threshold": support_t, "refute_threshold": refute_t,
                   "confidence_curve": curve, "shape_curves": shape_curves}
    curve_file = args.model / "curve.json"
    training = json.loads(curve_file.read_text()) if curve_file.exists() else {}
    write_meta(MODEL_DIR, target, calibration, {
        "export": chosen_export,
        "fitted_on": {name: len(items) for name, items in sets.items()} | {"validation pairs": len(compare)},
        "validation": {"exports": quality, "verdicts": per, "confidence_out_of_fold": out_of_fold},
        "training": {"stats": training.get("stats", stats), "stages": training.get("stages", [])},
    })
    print(f"installed {target} and model.json in {time.time() - started:.0f} s", flush=True)


def fit_thresholds(model: StanceModel, sets: dict[str, list[Item]]
                   ) -> tuple[float, float, dict[str, dict[str, float]]]:
    """Step 2: the (support, refute) pair of the grid with the best objective; ``model`` is left set to it."""
    memo: dict[tuple[str, tuple[Span, ...]], list[Span]] = {}
    plain_windows = classifier.windows

    def cached_windows(text: str, picked: list[Span]) -> list[Span]:
        # The grid re-judges the same items hundreds of times; their windows never change.
        key = (text, tuple(picked))
        if key not in memo:
            memo[key] = plain_windows(text, picked)
        return memo[key]

    def with_cal(support: float, refute: float) -> None:
        model.calibration = dataclasses.replace(model.calibration, support_threshold=support, refute_threshold=refute)

    classifier.windows = cached_windows  # type: ignore[assignment]
    try:
        grid = [round(0.1 + 0.05 * i, 2) for i in range(17)]
        found: tuple[float, float, float, dict[str, dict[str, float]]] = (-1.0, 0.5, 0.5, {})
        for s in grid:
            for r in grid:
                with_cal(s, r)
                score, per = objective(run(model, sets))
                if score > found[0]:
                    found = (score, s, r, per)
    finally:
        classifier.windows = plain_windows  # type: ignore[assignment]
    score, support_t, refute_t, per = found
    print("thresholds", support_t, refute_t, round(score, 4), json.dumps(per), flush=True)
    with_cal(support_t, refute_t)
    return support_t, refute_t, per


def validation_sets(args: argparse.Namespace, validation: list[Pair]
                    ) -> dict[str, list[Item]]:
    chosen = validation[:: max(1, len(validation) // args.pair_items)][: args.pair_items]
    return {
        "fever-symmetric dev": bench_items("fever-symmetric", args.benchmarks / "fever-symmetric"
                                           / "fever_symmetric_dev.jsonl"),
        "climate-fever validation half": bench_items("climate-fever", args.benchmarks / "climate-fever"),
        "train-data validation pairs": pair_items(chosen),
        "fool-me-twice snippets": snippet_items(validation),
    }


def refit(args: argparse.Namespace) -> None:
    """Step 3 alone (``--refit-confidence``), or steps 2 and 3 (``--refit-thresholds``), on the installed model.

    Its export and temperature are kept, and the rest of ``model.json`` with them.
    """
    started = time.time()
    _, validation, _ = build(args.data, args.benchmarks, contrast=args.contrast, wide=args.wide)
    model = CachedStanceModel(args.threads, MODEL_DIR)
    model.calibration = dataclasses.replace(model.calibration, confidence_curve=(), shape_curves=())  # raw
    sets = validation_sets(args, validation)
    meta_file = MODEL_DIR / "model.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if args.refit_thresholds:
        support_t, refute_t, per = fit_thresholds(model, sets)
        meta["calibration"] |= {"support_threshold": support_t, "refute_threshold": refute_t}
        meta["validation"]["verdicts"] = per
        meta["fitted_on"] = {name: len(items) for name, items in sets.items()} | {
            "validation pairs": meta["fitted_on"].get("validation pairs", 0)}
    curve, shape_curves, out_of_fold = confidence_maps(run(model, sets))
    print("confidence maps, out-of-fold ECE", json.dumps(out_of_fold), flush=True)
    meta["calibration"] |= {"confidence_curve": curve, "shape_curves": shape_curves}
    meta["validation"]["confidence_out_of_fold"] = out_of_fold
    meta_file.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"refitted {meta_file} in {time.time() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
