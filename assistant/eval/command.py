"""``factdesk eval``: the case suites or a public benchmark, shown, reported and gated by their floors.

The CLI imports this module only when the command runs, so no other command pays for the eval package.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from ..corpus.store import quiet_chroma
from ..errors import ConfigError, RecordingMissingCasesError, UserInputError
from ..settings import Settings
from .benchmarks import Split
from .metrics import below_thresholds, floors_for_judge, read_thresholds
from .report import show_eval_run, write_report
from .runner import BenchMode, run_benchmark, run_case_files

_SOURCE_TREE = Path(__file__).resolve().parents[2]


def evals_folder() -> Path:
    """``evals/`` of the source tree the package runs from (cases, corpora, recordings, thresholds).

    Found from the package, never from the working directory, so ``factdesk eval`` means the same anywhere.
    """
    folder = _SOURCE_TREE / "evals"
    if not (folder / "cases").is_dir():
        raise ConfigError(f"no evals/ folder beside the package ({folder}): pass --cases, --recordings and "
                          "--thresholds (an installed wheel carries no evaluation cases)")
    return folder


def evaluate(
    settings: Settings,
    out: Console,
    err: Console,
    *,
    cases: list[Path] | None,
    recordings: Path | None,
    record: bool,
    check: bool,
    thresholds: Path | None,
    report: Path | None,
    dataset: str | None,
    path: Path | None,
    limit: int,
    seed: int,
    split: str,
    mode: str,
    as_json: bool,
) -> bool:
    """Run, show and report one evaluation; True when ``check`` found no metric below its floor."""
    if dataset is not None:
        if path is None:
            raise UserInputError("--dataset needs --path, the dataset's file or folder")
        if mode not in ("grounded", "open"):
            raise UserInputError(f"--mode must be grounded or open, not {mode!r}")
        if check:
            raise UserInputError("--check applies to the case suites, not to --dataset")
        if split not in ("validation", "test", "all"):
            raise UserInputError(f"--split must be validation, test or all, not {split!r}")
        folder = recordings or settings.recordings_dir
        if (_SOURCE_TREE / "evals").is_dir() and folder.resolve().is_relative_to(_SOURCE_TREE):
            raise UserInputError(f"{folder}: recordings of a public dataset stay outside the repository; "
                                 "use --recordings or FACTDESK_RECORDINGS")
    else:
        folder = recordings or evals_folder() / "recordings"
    settings = settings.model_copy(update={"record_mode": "record" if record else "replay", "recordings": folder})
    # Read before any case runs, so a bad thresholds file fails at once.
    floors_file = (thresholds or evals_folder() / "thresholds.json") if check else None
    floors = floors_for_judge(read_thresholds(floors_file), settings.judge) if floors_file else {}
    quiet_chroma()
    if dataset is not None:
        assert path is not None
        side: Split = "validation" if split == "validation" else "test" if split == "test" else "all"
        bench_mode: BenchMode = "open" if mode == "open" else "grounded"
        run = run_benchmark(dataset, path, limit, seed, bench_mode, settings, side)
    else:
        run = run_case_files(cases or [evals_folder() / "cases"], settings)
    if as_json:
        print(json.dumps(run.to_json(), indent=2, ensure_ascii=False))
    else:
        show_eval_run(out, run)
    if report is not None:
        for written in write_report(run, report):
            err.print(f"wrote {written}", highlight=False, markup=False)
    if run.stale():
        raise RecordingMissingCasesError(run.stale())
    failures = below_thresholds(run.metrics(), floors, floors_file) if floors_file else []
    for failure in failures:
        err.print(f"eval: {failure}", markup=False)
    return not failures
