"""One ``factdesk eval`` run: the case suites (verification, extraction, answers) or a benchmark sample."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel

from ..errors import UserInputError
from ..settings import Settings
from .answers import AnswerMetrics, AnswerResult, compute_answer, load_answer_cases, run_answer_cases
from .benchmarks import DATASETS, Split, read_dataset, run_grounded, run_open, sample, split_items
from .cases import case_files, case_root
from .extraction import ExtractMetrics, ExtractResult, compute_extract, load_extract_cases, run_extract_cases
from .verification import CaseResult, Metrics, compute, load_cases, run_cases

BenchMode = Literal["grounded", "open"]


class EvalRun(BaseModel):
    title: str
    about: list[str]
    verify_results: list[CaseResult] = []
    verify: Metrics | None = None
    extract_results: list[ExtractResult] = []
    extract: ExtractMetrics | None = None
    answer_results: list[AnswerResult] = []
    answer: AnswerMetrics | None = None

    def stale(self) -> list[str]:
        kinds = (self.verify, self.extract, self.answer)
        return [name for metrics in kinds if metrics is not None for name in metrics.stale]

    def metrics(self) -> dict[str, BaseModel]:
        """The metrics of each kind of case that ran, by kind (the sections of ``thresholds.json``)."""
        kinds: dict[str, BaseModel | None] = {"verify": self.verify, "extract": self.extract, "answer": self.answer}
        return {kind: metrics for kind, metrics in kinds.items() if metrics is not None}

    def to_json(self) -> dict[str, Any]:
        """Verification at the top level (``metrics``, ``cases``), extraction under ``extraction``, answers under
        ``answers``."""
        data: dict[str, Any] = {"title": self.title, "about": self.about}
        if self.verify is not None:
            data["metrics"] = self.verify.model_dump()
            data["cases"] = [r.model_dump() for r in self.verify_results]
        if self.extract is not None:
            data["extraction"] = {"metrics": self.extract.model_dump(),
                                  "articles": [r.model_dump() for r in self.extract_results]}
        if self.answer is not None:
            data["answers"] = {"metrics": self.answer.model_dump(),
                               "questions": [r.model_dump() for r in self.answer_results]}
        return data


def _listed(files: list[Path]) -> str:
    return ", ".join(str(f) for f in files)


class _Case(Protocol):
    corpus: str


C = TypeVar("C", bound=_Case)
R = TypeVar("R")


def _each_file(
    files: list[Path], load: Callable[[Path], list[C]], run: Callable[[list[C], Settings, Path], list[R]],
    settings: Settings,
) -> list[R]:
    """One kind's results over its files, each file run against the corpora found beside it or above it."""
    results: list[R] = []
    for file in files:
        cases = load(file)
        results += run(cases, settings, case_root(file, (case.corpus for case in cases)))
    return results


def run_case_files(paths: list[Path], settings: Settings) -> EvalRun:
    """Every case file under ``paths``, each kind through its own runner."""
    files = case_files(paths)
    run = EvalRun(title="factdesk evaluation", about=[f"model: {settings.model}"])
    if files["verify"]:
        run.verify_results = _each_file(files["verify"], load_cases, run_cases, settings)
        run.verify = compute(run.verify_results)
        run.about.append(f"verification: {len(run.verify_results)} cases from {_listed(files['verify'])}")
    if files["extract"]:
        run.extract_results = _each_file(files["extract"], load_extract_cases, run_extract_cases, settings)
        run.extract = compute_extract(run.extract_results)
        run.about.append(f"extraction: {len(run.extract_results)} articles from {_listed(files['extract'])}")
    if files["answer"]:
        run.answer_results = _each_file(files["answer"], load_answer_cases, run_answer_cases, settings)
        run.answer = compute_answer(run.answer_results)
        run.about.append(f"answers: {len(run.answer_results)} questions from {_listed(files['answer'])}")
    return run


def run_benchmark(
    name: str, path: Path, limit: int, seed: int, mode: BenchMode, settings: Settings, split: Split = "all"
) -> EvalRun:
    """A fixed, label-balanced sample of a public dataset's declared side, verified in ``mode``."""
    items = split_items(name, path, read_dataset(name, path), split)
    if not items:
        raise UserInputError(f"{path} has no {split} side for {name} (evals/README.md lists the splits)")
    chosen = sample(items, limit, seed)
    counts = Counter(item.original for item in chosen)
    results = run_grounded(chosen, settings) if mode == "grounded" else run_open(chosen, settings)
    return EvalRun(
        title=f"{name} ({mode})",
        about=[
            f"dataset: {DATASETS[name].about}, read from {path}",
            f"sample: {len(chosen)} of {len(items)} items ({split} side), balanced over labels, seed {seed} "
            f"({', '.join(f'{label} {n}' for label, n in sorted(counts.items()))})",
            f"mode: {mode}; model: {settings.model}",
        ],
        verify_results=results,
        verify=compute(results),
    )
