"""The verification cases' metrics with 95% bootstrap intervals: where a floor in ``evals/thresholds.json`` goes.

    python bench/case_intervals.py                      # the default judge (the stance classifier)

A floor is set before a change is measured, at the low end of its metric's interval, so that noise alone (which
63 cases leave wide) cannot block a change. Cases are resampled whole (2,000 resamples, seed 0) and every metric
is recomputed on each resample.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = ["verify_corpus.jsonl", "verify_saltmere.jsonl", "verify_brenholt.jsonl", "verify_quillon.jsonl"]
FLOORED = ["accuracy", "macro_f1", "balanced_accuracy", "binary_balanced_accuracy", "quote_validity",
           "citation_precision", "evidence_recall"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="*", type=Path, default=[ROOT / "evals" / "cases" / c for c in CASES])
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from assistant.eval.cases import case_root
    from assistant.eval.metrics import bootstrap_interval
    from assistant.eval.verification import compute, load_cases, run_cases
    from assistant.settings import Settings

    settings = Settings()
    results = []
    for path in args.cases:
        cases = load_cases(path)
        results += run_cases(cases, settings, case_root(path, (c.corpus for c in cases)))
    point = compute(results, intervals=False)
    print(f"judge: {settings.judge}; {len(results)} cases; {args.resamples} resamples, seed {args.seed}")
    print(f"{'metric':<26} {'point':>6} {'95% low':>8} {'95% high':>9}")
    for name in FLOORED:
        low, high = bootstrap_interval(results, lambda sample, n=name: float(getattr(compute(sample, False), n)),
                                       args.resamples, args.seed)
        print(f"{name:<26} {getattr(point, name):>6.3f} {low:>8.3f} {high:>9.3f}")


if __name__ == "__main__":
    main()
