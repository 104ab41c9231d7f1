"""Which deterministic checks earn their place beside the classifier: each one on and off, validation and test.

    python bench/ablation.py

For each check of ``assistant/verify/vetoes.py`` that can overrule the classifier
("names" and "numbers" veto a support, "refutation" vetoes a refute), the
benchmarks are judged with no check, with that check alone, and with all of
them, in grounded mode. The choice (``classifier.VETOES``) is made on
the validation rows; the test rows are what it is reported with.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import SETS  # noqa: E402

CONFIGS: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "names": frozenset({"names"}),
    "numbers": frozenset({"numbers"}),
    "refutation": frozenset({"refutation"}),
    "all": frozenset({"names", "numbers", "refutation"}),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--splits", nargs="*", default=["validation", "test"])
    args = parser.parse_args()

    from assistant.eval.benchmarks import grounded_evidence, read_dataset, source_articles, split_items
    from assistant.eval.metrics import binary_balanced_accuracy
    from assistant.verify.aggregate import aggregate
    from assistant.verify.classifier import classify
    from assistant.verify.stance import CachedStanceModel

    model = CachedStanceModel(2)
    print(f"{'split':<11}{'dataset':<17}{'n':>5}" + "".join(f"{c:>12}" for c in CONFIGS))
    for split in args.splits:
        for name, sides in SETS.items():
            if split not in sides:
                continue
            path = args.benchmarks / sides[split]
            items = split_items(name, path, read_dataset(name, path), split)
            prepared = [(item, grounded_evidence(source_articles(item))) for item in items]
            cells = []
            for vetoes in CONFIGS.values():
                pairs = []
                for item, evidence in prepared:
                    label, _, _ = aggregate(classify(model, item.claim, evidence, vetoes), model.calibration)
                    pairs.append((item.label == "supported", label == "supported"))
                cells.append(binary_balanced_accuracy(pairs))
            print(f"{split:<11}{name:<17}{len(items):>5}" + "".join(f"{c * 100:>12.1f}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
