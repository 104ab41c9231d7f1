"""Case files: JSONL with an optional header naming the format, its version and the kind of case it holds::

    {"format": "factdesk-cases", "version": 2, "kind": "verify"}

A file without a header holds verification cases (version 1). Each kind has its own module with a loader, a
runner and its metrics (``verification``, ``extraction``, ``answers``); a new kind adds a module and a branch in
``runner``. Corpora named by a case are found beside its file or above it, never from the working directory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ValidationError

from ..corpus.article import Article
from ..corpus.ingest import ingest
from ..corpus.store import Store
from ..errors import UserInputError
from ..llm import Usage
from ..settings import Settings

CASE_FORMAT = "factdesk-cases"
CASE_VERSION = 2
CaseKind = Literal["verify", "extract", "answer"]
KINDS: tuple[CaseKind, ...] = ("verify", "extract", "answer")
CaseT = TypeVar("CaseT", bound=BaseModel)


class CaseFileHeader(BaseModel):
    format: Literal["factdesk-cases"]
    version: int
    kind: CaseKind = "verify"


class CaseCost(BaseModel):
    """What one case cost the model, from the recorded usage."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def charge(self, usage: Usage) -> None:
        self.calls, self.prompt_tokens = usage.calls, usage.prompt_tokens
        self.completion_tokens, self.seconds = usage.completion_tokens, usage.seconds


def mean_cost(results: Sequence[CaseCost]) -> tuple[float, float, float, float]:
    """Calls, prompt tokens, completion tokens and model seconds per case, averaged over ``results``."""
    n = len(results) or 1
    return (
        sum(r.calls for r in results) / n,
        sum(r.prompt_tokens for r in results) / n,
        sum(r.completion_tokens for r in results) / n,
        sum(r.seconds for r in results) / n,
    )


def read_case_file(path: Path) -> tuple[CaseKind, list[tuple[int, str]]]:
    """The file's kind (from its header, else ``verify``) and its case lines with their line numbers."""
    if not path.is_file():
        raise UserInputError(f"{path}: no such case file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserInputError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    kind: CaseKind = "verify"
    if rows:
        try:
            first = json.loads(rows[0][1])
        except json.JSONDecodeError:
            first = None
        if isinstance(first, dict) and "format" in first:
            try:
                header = CaseFileHeader.model_validate(first)
            except ValidationError as exc:
                raise UserInputError(f"{path} line {rows[0][0]}: bad header: {exc.errors()[0]['msg']}") from None
            if header.version > CASE_VERSION:
                raise UserInputError(f"{path}: case format version {header.version} is newer than {CASE_VERSION}")
            kind = header.kind
            rows = rows[1:]
    return kind, rows


def case_files(paths: Iterable[Path]) -> dict[CaseKind, list[Path]]:
    """Case files by kind: each path is a file, or a folder whose ``*.jsonl`` files are taken in name order."""
    found: dict[CaseKind, list[Path]] = {kind: [] for kind in KINDS}
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            raise UserInputError(f"{path}: no case files (*.jsonl)")
        for file in files:
            found[read_case_file(file)[0]].append(file)
    return found


def parse_cases(path: Path, model: type[CaseT], kind: CaseKind) -> list[CaseT]:
    """The cases of one file as ``model``; a malformed line is a user error naming the line."""
    found, rows = read_case_file(path)
    if found != kind:
        raise UserInputError(f"{path}: holds {found} cases, not {kind} cases")
    cases = []
    for number, line in rows:
        try:
            cases.append(model.model_validate_json(line))
        except ValidationError as exc:
            raise UserInputError(f"{path} line {number}: {exc.errors()[0]['msg']}") from None
    if not cases:
        raise UserInputError(f"{path}: no cases in the file")
    return cases


class ScratchStores:
    """One scratch store per case corpus, ingested on first use and dropped with the run.

    The stores are scratch; the model (and its joined weights) stay in the real data directory.
    """

    def __init__(self, settings: Settings, root: Path, scratch: str) -> None:
        self.settings, self.root, self.scratch = settings, root, Path(scratch)
        self.stores: dict[str, tuple[Store, list[Article]]] = {}
        self.texts: dict[str, str] = {}

    def get(self, corpus: str) -> tuple[Store, list[Article]]:
        if corpus not in self.stores:
            home = {"home": self.scratch / f"home{len(self.stores)}", "chroma_url": None}
            store = Store(self.settings.model_copy(update=home))
            ingest([str(self.root / corpus)], store)
            self.stores[corpus] = (store, store.articles())
            self.texts.update((a.id, a.text) for a in self.stores[corpus][1])
        return self.stores[corpus]


def case_root(case_file: Path, corpora: Iterable[str]) -> Path:
    """The folder a case file's corpora are relative to: the nearest one above the file that holds them all.

    For ``evals/cases/verify.jsonl`` naming ``corpus/`` and ``evals/corpora/saltmere-fire/`` that is the project
    root; the working directory never matters.
    """
    wanted = set(corpora)
    for folder in case_file.resolve().parents:
        if all((folder / corpus).exists() for corpus in wanted):
            return folder
    missing = ", ".join(sorted(wanted))
    raise UserInputError(f"{case_file}: its corpora ({missing}) are not found beside the case file or above it")
