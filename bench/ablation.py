"""Which deterministic checks earn their place beside a judge: each one on and off, validation and test.

    python bench/ablation.py                                   # the classifier, whole sides
    python bench/ablation.py --judge llm --limit 150           # the LLM judge, replaying a recorded sample

With ``--judge llm`` the judge's answers are replayed from ``FACTDESK_RECORDINGS`` (recorded by
``bench/accuracy.py --judge llm --limit N --record`` with the same endpoint settings and ``--limit``): the checks
run after the model has answered, so every configuration reads the same answers and none calls the model.

For each check of ``assistant/verify/vetoes.py`` that can overrule the classifier
("names" and "numbers" veto a support, "refutation" vetoes a refute), the
benchmarks are judged with no check, with that check alone, and with all of
them, in grounded mode. The choice (``classifier.VETOES``) is made on
the validation rows; the test rows are what it is reported with.
"""

from __future__ import annotations

import argparse
import os
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
    parser.add_argument("--judge", choices=["classifier", "llm"], default="classifier")
    parser.add_argument("--limit", type=int, default=0, help="the label-balanced sample of bench/accuracy.py")
    parser.add_argument("--only", nargs="*", help="dataset names to run")
    args = parser.parse_args()

    from assistant.errors import RecordingMissingError
    from assistant.eval.benchmarks import grounded_evidence, read_dataset, sample, source_articles, split_items
    from assistant.eval.metrics import binary_balanced_accuracy
    from assistant.llm import LLM
    from assistant.settings import Settings
    from assistant.verify.aggregate import aggregate
    from assistant.verify.classifier import classify
    from assistant.verify.llm_judge import judge
    from assistant.verify.retrieve import Evidence
    from assistant.verify.stance import CachedStanceModel

    model = CachedStanceModel(2)
    os.environ.setdefault("FACTDESK_RECORD_MODE", "replay")
    llm = LLM(Settings(judge="llm")) if args.judge == "llm" else None  # type: ignore[call-arg]

    def label_of(claim: str, evidence: list[Evidence], vetoes: frozenset[str]) -> str:
        if llm is not None:
            return aggregate([judge(llm, claim, source, vetoes) for source in evidence])[0]
        return aggregate(classify(model, claim, evidence, vetoes), model.calibration)[0]

    print(f"judge: {args.judge}")
    print(f"{'split':<11}{'dataset':<17}{'n':>5}" + "".join(f"{c:>12}" for c in CONFIGS))
    for split in args.splits:
        for name, sides in SETS.items():
            if split not in sides or (args.only and name not in args.only):
                continue
            path = args.benchmarks / sides[split]
            items = split_items(name, path, read_dataset(name, path), split)
            items = sample(items, args.limit, 0) if args.limit else items
            prepared = [(item, grounded_evidence(source_articles(item))) for item in items]
            cells, unrecorded = [], 0
            for vetoes in CONFIGS.values():
                pairs, unrecorded = [], 0
                for item, evidence in prepared:
                    try:
                        label = label_of(item.claim, evidence, vetoes)
                    except RecordingMissingError:
                        unrecorded += 1
                        continue
                    pairs.append((item.label == "supported", label == "supported"))
                cells.append(binary_balanced_accuracy(pairs))
            missing = f"  ({unrecorded} unrecorded, left out)" if unrecorded else ""
            print(f"{split:<11}{name:<17}{len(items) - unrecorded:>5}" + "".join(f"{c * 100:>12.1f}" for c in cells)
                  + missing, flush=True)


if __name__ == "__main__":
    main()
