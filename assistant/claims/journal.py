"""Checks kept under FACTDESK_HOME as they happen, so a killed batch resumes where it stopped.

One folder per run setting (the model, the judge, the verification settings,
the corpus: ``fingerprint``), one JSON Lines file per article in it: the
extracted claims, then each claim's verdict as it is reached, then the
finished report. Every line is flushed to disk before the next piece of work
starts, so a kill loses at most the claim being verified; a line cut off by
the kill is ignored when the file is read back. A run started again reads the
file and does only what it does not hold: a finished article is reported from
it, an article killed midway keeps its claims and verdicts, and no claim is
verified twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..verify.verdict import Verdict
from .extract import Claim


def fingerprint(settings: dict[str, Any]) -> str:
    """A short stable name for a run setting."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


class ArticleJournal:
    """The check of one article: claims, verdicts by claim number, and the finished report (as JSON)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.claims: list[Claim] | None = None
        self.verdicts: dict[int, Verdict] = {}
        self.report: dict[str, Any] | None = None
        if path.exists():
            self._read()

    def _read(self) -> None:
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                if "claims" in entry:
                    self.claims = [Claim.model_validate(c) for c in entry["claims"]]
                elif "verdict" in entry:
                    self.verdicts[int(entry["claim"])] = Verdict.model_validate(entry["verdict"])
                elif "report" in entry:
                    self.report = entry["report"]
            except (ValueError, KeyError, TypeError, ValidationError):
                continue  # a line cut off by a kill: what it held is done again

    def _append(self, entry: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def keep_claims(self, claims: list[Claim]) -> None:
        self.claims = claims
        self._append({"claims": [c.model_dump() for c in claims]})

    def keep_verdict(self, number: int, verdict: Verdict) -> None:
        self.verdicts[number] = verdict
        self._append({"claim": number, "verdict": verdict.model_dump(mode="json")})

    def keep_report(self, report: dict[str, Any]) -> None:
        self.report = report
        self._append({"report": report})


class Journal:
    """The folder of one run setting: ``HOME/checks/FINGERPRINT/ARTICLE_ID.jsonl``."""

    def __init__(self, home: Path, setting: dict[str, Any]) -> None:
        self.folder = home / "checks" / fingerprint(setting)

    def article(self, article_id: str) -> ArticleJournal:
        return ArticleJournal(self.folder / f"{article_id}.jsonl")
