"""The arithmetic of measurement: balanced accuracy, ranking (ROC AUC), calibration error, reliability bins,
bootstrap intervals, and the floors of ``evals/thresholds.json`` that a run must stay above.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from ..errors import UserInputError

T = TypeVar("T")


class ReliabilityBin(BaseModel):
    """One bin of the reliability curve: cases whose confidence lies in [low, high)."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


def reliability_curve(pairs: list[tuple[float, bool]], bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width confidence bins (the last one includes 1.0), each with its mean confidence and accuracy."""
    curve = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [(c, ok) for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        if members:
            curve.append(ReliabilityBin(
                low=low, high=high, count=len(members),
                confidence=sum(c for c, _ in members) / len(members),
                accuracy=sum(ok for _, ok in members) / len(members),
            ))
    return curve


def bootstrap_interval(
    items: Sequence[T], statistic: Callable[[list[T]], float] | None = None, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of ``statistic`` (default: the share of true items, the accuracy) over
    resamples of the cases: how much n cases can tell."""
    if not items:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(items)
    measure = statistic or (lambda sample: sum(bool(x) for x in sample) / n)
    values = sorted(measure(rng.choices(items, k=n)) for _ in range(resamples))
    return (values[int(0.025 * resamples)], values[int(0.975 * resamples) - 1])


def binary_balanced_accuracy(pairs: Sequence[tuple[bool, bool]]) -> float:
    """Mean of the recall of "supported" and of "not supported", from (gold supported, predicted supported)."""
    positives = [p for g, p in pairs if g]
    negatives = [not p for g, p in pairs if not g]
    recalls = [sum(side) / len(side) for side in (positives, negatives) if side]
    return sum(recalls) / len(recalls) if recalls else 0.0


def roc_auc(pairs: Sequence[tuple[float, bool]]) -> float:
    """The chance that a random positive scores above a random negative (ties count half), from (score, positive):
    how well a score ranks one kind above the other whatever threshold is later put on it."""
    positives = [s for s, positive in pairs if positive]
    negatives = [s for s, positive in pairs if not positive]
    if not positives or not negatives:
        return 0.5
    ranked = sorted(negatives)
    above = 0.0
    for score in positives:
        below, ties = bisect_left(ranked, score), bisect_right(ranked, score) - bisect_left(ranked, score)
        above += below + ties / 2
    return above / (len(positives) * len(negatives))


def expected_calibration_error(pairs: list[tuple[float, bool]], bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by bin size."""
    if not pairs:
        return 0.0
    curve = reliability_curve(pairs, bins)
    return sum(b.count * abs(b.accuracy - b.confidence) for b in curve) / len(pairs)


def read_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """The floors per case kind, ``{"verify": {"accuracy": 0.5}, "extract": {...}}``, checked before any case runs.

    A flat mapping (version 1) holds verification floors.
    """
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read the thresholds ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserInputError(f"{path}: the thresholds are not valid JSON ({exc})") from None
    if isinstance(floors, dict) and floors and not any(isinstance(v, dict) for v in floors.values()):
        floors = {"verify": floors}
    valid = isinstance(floors, dict) and all(
        isinstance(kind, dict) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in kind.values())
        for kind in floors.values()
    )
    if not valid:
        example = '{"verify": {"accuracy": 0.5}}'
        raise UserInputError(f"{path}: thresholds must map a case kind to metric floors, as in {example}")
    return {kind: {name: float(v) for name, v in kind_floors.items()} for kind, kind_floors in floors.items()}


def floors_for_judge(floors: dict[str, dict[str, float]], judge: str) -> dict[str, dict[str, float]]:
    """The floors that gate a run with this judge: a ``verify:<judge>`` section replaces ``verify`` for it.

    Each judge is a different model with its own failure modes, so each has floors measured on itself before a
    change; ``verify`` alone holds for any judge without a section of its own.
    """
    chosen = {kind: kind_floors for kind, kind_floors in floors.items() if ":" not in kind}
    if f"verify:{judge}" in floors:
        chosen["verify"] = floors[f"verify:{judge}"]
    return chosen


def below_thresholds(metrics: dict[str, BaseModel], floors: dict[str, dict[str, float]], path: Path) -> list[str]:
    """Each metric under its floor, as a readable line; kinds that did not run are skipped."""
    failures = []
    for kind, kind_floors in floors.items():
        if kind not in metrics:
            continue
        for name, floor in kind_floors.items():
            value = getattr(metrics[kind], name, None)
            if not isinstance(value, int | float):
                raise UserInputError(f"{path}: {kind} has no metric {name!r}")
            if value < floor:
                failures.append(f"{kind} {name} {value:.3f} is below its threshold {floor:.3f}")
    return failures
