"""Run one piece of work per item on a bounded pool of threads, handing results back in input order.

The work is I/O-bound against a remote endpoint (the judge calls), so threads
overlap the waiting; the embedded model serialises its own calls, which keeps
a pool safe there though not faster. A failure of one item is returned as its
result, so the caller decides whether it ends the batch.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..errors import FactdeskError, UserInputError

T = TypeVar("T")
R = TypeVar("R")


def in_order(
    items: Sequence[T], work: Callable[[T], R], concurrency: int
) -> Iterator[tuple[T, R | FactdeskError]]:
    """``(item, work(item))`` in the order of ``items``, at most ``concurrency`` running at once.

    A :class:`FactdeskError` raised by ``work`` is yielded in place of its
    result; any other exception is a bug and propagates. Closing the iterator
    early cancels the items not yet started.
    """

    def guarded(item: T) -> R | FactdeskError:
        try:
            return work(item)
        except FactdeskError as exc:
            return exc

    if concurrency <= 1 or len(items) <= 1:
        for item in items:
            yield item, guarded(item)
        return
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="factdesk")
    futures: list[Future[R | FactdeskError]] = []
    try:
        futures = [pool.submit(guarded, item) for item in items]
        for item, future in zip(items, futures, strict=True):
            yield item, future.result()
    finally:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True)


@dataclass(frozen=True)
class ClaimLine:
    """One line of a claims file: the claim, an optional id to echo, or why the line is unusable."""

    line: int
    claim: str = ""
    id: str | None = None
    error: str = ""


def read_claims(path: str) -> list[ClaimLine]:
    """The claims of a JSONL file (``-`` is stdin): each line ``{"claim": "...", "id": ...}`` or a JSON string.

    Blank lines are skipped; a malformed line becomes a :class:`ClaimLine` with an ``error``, so the
    other lines still run.
    """
    if path == "-":
        text = sys.stdin.read()
    else:
        file = Path(path).expanduser()
        if not file.is_file():
            raise UserInputError(f"{path}: no such file")
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserInputError(f"{path}: cannot read it as UTF-8 text ({exc.__class__.__name__})") from None
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            lines.append(ClaimLine(number, error="invalid JSON"))
            continue
        if isinstance(value, str):
            lines.append(ClaimLine(number, claim=value))
        elif isinstance(value, dict) and isinstance(value.get("claim"), str):
            given = value.get("id")
            lines.append(ClaimLine(number, claim=value["claim"], id=None if given is None else str(given)))
        else:
            lines.append(ClaimLine(number, error='expected a JSON string or an object with a "claim" string'))
    if not lines:
        raise UserInputError(f"{path} holds no claims")
    return lines
