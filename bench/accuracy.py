"""Held-out accuracy of the verifier on the public benchmarks: one table, numbers with 95% intervals.

    python bench/accuracy.py                                  # the classifier on every test side, full sets
    python bench/accuracy.py --split validation               # the validation sides (what tuning saw)
    python bench/accuracy.py --judge llm --limit 40 --record  # the LLM judge on a sample (needs the model)

Each dataset's declared test side (``evals/README.md``: FEVER-Symmetric test,
the test half of Climate-FEVER, Factcheck-Bench and SciFact whole) is run in
grounded mode: the item's own evidence, no retrieval, through the same judge
and aggregation as ``factdesk verify``. Binary balanced accuracy is supported
against the rest (the LLM-AggreFact convention); "4-way" is accuracy over
factdesk's four labels. ``--limit`` takes a label-balanced sample (seed 0)
instead of the whole side.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETS = {
    "fever-symmetric": {"validation": "fever-symmetric/fever_symmetric_dev.jsonl",
                        "test": "fever-symmetric/fever_symmetric_test.jsonl"},
    "climate-fever": {"validation": "climate-fever", "test": "climate-fever"},
    "factcheck-gpt": {"test": "factcheck-gpt"},
    "scifact": {"test": "scifact-dev-rte"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--split", choices=["validation", "test"], default="test")
    parser.add_argument("--judge", choices=["classifier", "llm"], default="classifier")
    parser.add_argument("--limit", type=int, default=0, help="a label-balanced sample of this size (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", help="dataset names to run")
    parser.add_argument("--record", action="store_true", help="LLM judge: call the model where not recorded")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    from assistant.eval.benchmarks import read_dataset, run_grounded, sample, split_items
    from assistant.eval.verification import compute
    from assistant.settings import Settings

    os.environ.setdefault("FACTDESK_RECORD_MODE", "record" if args.record else "replay")
    settings = Settings(judge=args.judge)  # type: ignore[call-arg]
    rows = []
    print(f"judge: {args.judge}; split: {args.split}; seed {args.seed}; 95% intervals: 2,000 bootstrap resamples")
    print(f"{'dataset':<17}{'n':>6}  {'binary bal. acc. (95%)':<24}{'4-way acc.':>11}{'macro-F1':>10}"
          f"{'ECE':>7}{'s/item':>8}")
    for name, sides in SETS.items():
        if (args.only and name not in args.only) or args.split not in sides:
            continue
        path = args.benchmarks / sides[args.split]
        items = split_items(name, path, read_dataset(name, path), args.split)
        if args.limit:
            items = sample(items, args.limit, args.seed)
        started = time.perf_counter()
        metrics = compute(run_grounded(items, settings))
        per_item = (time.perf_counter() - started) / max(1, len(items))
        low, high = metrics.binary_interval
        print(f"{name:<17}{metrics.scored:>6}  {metrics.binary_balanced_accuracy * 100:5.1f} "
              f"({low * 100:4.1f}-{high * 100:4.1f}){'':<8}{metrics.accuracy * 100:>10.1f}"
              f"{metrics.macro_f1 * 100:>10.1f}{metrics.ece:>7.3f}{per_item:>8.3f}", flush=True)
        rows.append({"dataset": name, "split": args.split, "judge": args.judge, "seconds_per_item": per_item,
                     **metrics.model_dump(exclude={"reliability"})})
    if rows:
        mean = sum(r["binary_balanced_accuracy"] for r in rows) / len(rows)
        print(f"{'mean':<17}{'':>6}  {mean * 100:5.1f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
