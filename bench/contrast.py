"""The contrast suite: claims that turn on one detail, per phenomenon and direction, through the real verifier.

    python bench/contrast.py --split validation            # tune on this half only
    python bench/contrast.py --split validation-b          # and on the later topics (also -c, -e; -d figures only)
    python bench/contrast.py --split test                  # report with this one
    FACTDESK_DETAILS=false python bench/contrast.py ...    # the classifier without the details reader
    python bench/contrast.py --split validation --parts    # each part alone on the claims' own evidence (seconds)

Each claim is verified against its topic's store of several fictional articles (``evals/contrast/``), as a user's
claim is: retrieval, the classifier, the details reader, aggregation. Binary balanced accuracy is "supported"
against the rest (95% interval: 2,000 bootstrap resamples of the cases, seed 0); per phenomenon, the share right
in each direction (meaning kept: supported; meaning changed: not supported; unrelated: not supported; disputed
between outlets: conflicting).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    splits = ["validation", "validation-b", "validation-c", "validation-d", "validation-e", "validation-disputes",
              "test"]
    parser.add_argument("--split", choices=splits,
                        default="validation",
                        help="validation-b (topics 13-16), validation-c (17-19), validation-d (20-23) and "
                             "validation-e (24-27): written later, each measured once before any rule was tuned on "
                             "them; validation-d is read as figures only; validation-disputes (28-31): outlets that "
                             "disagree, whose disputed claims are right when read as conflicting")
    parser.add_argument("--suite", type=Path, default=ROOT / "evals" / "contrast")
    parser.add_argument("--show", action="store_true", help="print every case that came out wrong")
    parser.add_argument("--dump", type=Path, help="write each case's verdict here (JSON Lines), to study thresholds")
    parser.add_argument("--parts", action="store_true",
                        help="no verification: the classifier and the details reader each alone on every kept or "
                             "changed claim's own evidence sentences, to see which part tells them apart")
    args = parser.parse_args()
    if args.parts:
        parts_alone(args.suite / f"{args.split}.jsonl", args.split)
        return

    from assistant.eval.cases import case_root
    from assistant.eval.metrics import binary_balanced_accuracy, bootstrap_interval
    from assistant.eval.verification import compute, contrast_kinds, load_cases, run_cases
    from assistant.settings import Settings

    path = args.suite / f"{args.split}.jsonl"
    kinds = contrast_kinds(path)
    settings = Settings()
    cases = load_cases(path)
    started = time.perf_counter()
    results = run_cases(cases, settings, case_root(path, (c.corpus for c in cases)))
    seconds = time.perf_counter() - started
    metrics = compute(results)
    binary = [(r.gold == "supported", r.predicted == "supported") for r in results]
    low, high = bootstrap_interval(binary, binary_balanced_accuracy)
    print(f"contrast suite, {args.split} half: {len(results)} claims; details reader "
          f"{'on' if settings.details else 'off'}; {seconds / max(1, len(results)):.2f} s per claim")
    print(f"binary balanced accuracy {100 * metrics.binary_balanced_accuracy:.1f} ({100 * low:.1f}-{100 * high:.1f});"
          f" 3-way accuracy {100 * metrics.accuracy:.1f}")
    table: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for r in results:
        phenomenon, direction = kinds[r.id]
        # A claim the outlets dispute is read right only as conflicting: both figures shown, neither confirmed.
        right = r.predicted == "conflicting" if direction == "disputed" else (
            (r.predicted == "supported") == (r.gold == "supported"))
        table[phenomenon][direction].append(right)
    directions = ["kept", "changed", "unrelated"]
    disputed = any("disputed" in cells for cells in table.values())
    directions += ["disputed"] if disputed else []
    print("| phenomenon | kept: supported | changed: not supported | unrelated: not supported |"
          + (" disputed: conflicting |" if disputed else ""))
    print("|---|---|---|---|" + ("---|" if disputed else ""))
    for phenomenon in sorted(table):
        cells = []
        for direction in directions:
            right = table[phenomenon].get(direction, [])
            cells.append(f"{100 * sum(right) / len(right):.0f} ({sum(right)}/{len(right)})" if right else "")
        print(f"| {phenomenon} | " + " | ".join(cells) + " |")
    by_label = defaultdict(lambda: defaultdict(int))
    for r in results:
        by_label[r.gold][r.predicted] += 1
    print("gold -> predicted:", {g: dict(p) for g, p in by_label.items()})
    for label in ("supported", "refuted"):
        shown = [r for r in results if r.predicted == label]
        if shown:
            right = sum(r.gold == label for r in shown)
            print(f"{label} verdicts: {len(shown)}, right {right} ({100 * right / len(shown):.1f}%), mean confidence "
                  f"{sum(r.confidence for r in shown) / len(shown):.2f}")
    if args.dump:
        args.dump.write_text("".join(json.dumps({"id": r.id, "gold": r.gold, "predicted": r.predicted,
                                                 "confidence": r.confidence, "phenomenon": kinds[r.id][0],
                                                 "direction": kinds[r.id][1]}) + "\n" for r in results))
    if args.show:
        for r in results:
            if (r.predicted == "supported") != (r.gold == "supported"):
                print(f"- {r.id} [{'/'.join(kinds[r.id])}] gold {r.gold}, got {r.predicted}: {r.claim}")


def parts_alone(path: Path, split: str) -> None:
    """The classifier and the details reader, each alone, on each kept or changed claim and its gold evidence
    sentences read as one window (the reader with the first one's article as context, as the verifier gives it): no
    retrieval, no other outlet, no rule between them.

    The classifier's ROC AUC (its probability of "supported", kept claims over changed ones) says how much it tells
    them apart at all, whatever threshold is put on it: a new classifier must raise it before any rule can use it.
    The reader's share of changed claims with a difference found, and of kept claims with one found (a false
    difference) or with every detail stated alike, say what the rules have to work with.
    """
    from assistant.corpus.article import Article
    from assistant.corpus.loaders import load_file, walk
    from assistant.eval.cases import case_root
    from assistant.eval.metrics import binary_balanced_accuracy, bootstrap_interval, roc_auc
    from assistant.eval.verification import contrast_kinds, kept_and_changed
    from assistant.verify.classifier import published_on
    from assistant.verify.details import get_reader
    from assistant.verify.discrepancies import Comparison, compare
    from assistant.verify.stance import SUPPORTED, get_stance_model

    read = kept_and_changed(path)
    phenomena = {case_id: phenomenon for case_id, (phenomenon, _) in contrast_kinds(path).items()}
    root = case_root(path, (case.corpus for case, _, _ in read))
    stores: dict[str, dict[tuple[str, str], Article]] = {}
    for corpus in {case.corpus for case, _, _ in read}:
        stores[corpus] = {(a.outlet, a.title): a for file in walk(root / corpus) for a in load_file(file).articles}
    probs = get_stance_model().probabilities([(case.claim, window) for case, window, _ in read])
    reader = get_reader()
    claims = reader.read_all([case.claim for case, _, _ in read])
    windows = reader.read_all([window for _, window, _ in read])
    found = []
    for (case, _, _), c, w in zip(read, claims, windows, strict=True):
        # What the verifier gives the reader beside a window: its article's title and text, day and outlet.
        article = stores[case.corpus][(case.evidence[0].outlet, case.evidence[0].title)]
        found.append(compare(c, w, f"{article.title}\n{article.text}", published_on(article.published),
                             article.outlet))
    kept = [k for _, _, k in read]
    scored = [(float(p[SUPPORTED]), k) for p, k in zip(probs, kept, strict=True)]
    low, high = bootstrap_interval(scored, roc_auc)
    argmax = [(k, int(p.argmax()) == SUPPORTED) for p, k in zip(probs, kept, strict=True)]
    print(f"contrast suite, {split} half, each part alone on the claims' own evidence: {sum(kept)} kept, "
          f"{len(kept) - sum(kept)} changed claims")
    print(f"classifier: ROC AUC of P(supported), kept over changed, {roc_auc(scored):.3f} ({low:.3f}-{high:.3f}); "
          f"its most likely label, binary balanced accuracy {100 * binary_balanced_accuracy(argmax):.1f}")

    def share(hits: list[bool]) -> str:
        return f"{100 * sum(hits) / len(hits):.0f} ({sum(hits)}/{len(hits)})" if hits else ""

    print("| phenomenon | P(supported), kept | P(supported), changed | changed: difference found | "
          "kept: difference found | kept: every detail alike |")
    print("|---|---|---|---|---|---|")
    table: dict[str, list[tuple[bool, float, Comparison]]] = defaultdict(list)
    for (case, _, _), (p, k), c in zip(read, scored, found, strict=True):
        table[phenomena[case.id]].append((k, p, c))
    every = [item for items in table.values() for item in items]
    for phenomenon, items in [*sorted(table.items()), ("all", every)]:
        sup = {side: [p for k, p, _ in items if k == side] for side in (True, False)}
        means = [f"{sum(v) / len(v):.2f}" if v else "" for v in (sup[True], sup[False])]
        print(f"| {phenomenon} | {means[0]} | {means[1]} | "
              f"{share([bool(c.differences) for k, _, c in items if not k])} | "
              f"{share([bool(c.differences) for k, _, c in items if k])} | "
              f"{share([c.complete for k, _, c in items if k])} |")


if __name__ == "__main__":
    main()
