"""Check-worthiness on public data the project never trained or tuned on (test data; see evals/README.md).

    python bench/checkworthiness.py                 # CheckThat! 2019 MAP (head), Factcheck-Bench F1 (head)
    python bench/checkworthiness.py --llm           # and Factcheck-Bench with the embedded model's kind (minutes)

CheckThat! 2019 Task 1 test (7 transcripts, 7,080 sentences, 136 check-worthy): every sentence is scored by
the check-worthiness head (assistant/claims/checkworthiness.py) and ranked per transcript; the official metric
is MAP over the transcripts (best published run: 0.166). Factcheck-Bench subtask 1 (311 sentences of ChatGPT
answers; "yes" = check-worthy, 277 of them): F1 of the "yes" class, for the head at 0.5 and, with --llm, for
what `extract` keeps as a checkable fact (the model's kind = fact, one call per sentence, as in an article).
Intervals: 2,000 bootstrap resamples (of transcripts for MAP, of sentences for F1), seed --seed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"


def average_precision(scores: list[float], labels: list[int]) -> float:
    order = np.argsort(-np.asarray(scores), kind="stable")
    hits = np.asarray(labels)[order]
    if not hits.sum():
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())


def f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    tp = float((predicted & gold).sum())
    return 2 * tp / max(1.0, float(predicted.sum() + gold.sum()))


def interval(values: np.ndarray, statistic, seed: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    samples = [statistic(rng.integers(0, len(values), len(values))) for _ in range(2000)]
    return float(np.percentile(samples, 2.5)), float(np.percentile(samples, 97.5))


def checkthat(seed: int) -> None:
    from assistant.claims.checkworthiness import scores

    aps = []
    for path in sorted((BENCHMARKS / "checkthat-2019-t1").glob("*.tsv")):
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        labels = [int(r[3]) for r in rows]
        aps.append(average_precision(scores([r[2] for r in rows]), labels))
        print(f"  {path.stem}: {len(rows)} sentences, {sum(labels)} check-worthy, AP {aps[-1]:.3f}", flush=True)
    values = np.asarray(aps)
    low, high = interval(values, lambda idx: values[idx].mean(), seed)
    print(f"CheckThat! 2019 task 1 test: MAP {values.mean():.3f} (95% interval {low:.3f}-{high:.3f} over "
          f"transcripts, n={len(values)} transcripts, 7,080 sentences); best published 0.166")


def factcheck_bench(seed: int, llm: bool) -> None:
    from assistant.claims.checkworthiness import scores

    rows = [json.loads(line) for line in
            (BENCHMARKS / "factcheck-gpt" / "subtask1_sentence_checkworthiness.jsonl").read_text().splitlines()]
    gold = np.array([r["checkworthy"] == "yes" for r in rows])
    head = np.array(scores([r["sentence"] for r in rows])) >= 0.5
    deciders = {"head >= 0.5": head}
    if llm:
        from assistant.claims.extract import judge
        from assistant.llm import LLM
        from assistant.settings import Settings

        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(home=Settings().home, cache=False, record_mode="live",
                                recordings=Path(tmp))  # type: ignore[arg-type]
            model = LLM(settings)
            kinds = [judge(model, r["sentence"]) for r in rows]
            model.close()
        deciders["extract: kind = fact"] = np.array([k == "fact" for k in kinds])
        print("  kinds by gold label: " + ", ".join(
            f"{label} -> " + str({k: sum(1 for r, kk in zip(rows, kinds, strict=True)
                                         if r["checkworthy"] == label and kk == k) for k in set(kinds)})
            for label in sorted({r["checkworthy"] for r in rows})))
    for name, predicted in deciders.items():
        low, high = interval(gold, lambda idx, p=predicted: f1(p[idx], gold[idx]), seed)
        print(f"Factcheck-Bench sentence check-worthiness, {name}: F1 (yes) {f1(predicted, gold):.3f} "
              f"(95% interval {low:.3f}-{high:.3f}, n={len(rows)}, {int(gold.sum())} yes); "
              f"all-yes baseline {f1(np.ones_like(gold), gold):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm", action="store_true", help="also run the embedded model on Factcheck-Bench")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("FACTDESK_RECORD_MODE", "live")
    checkthat(args.seed)
    factcheck_bench(args.seed, args.llm)


if __name__ == "__main__":
    main()
