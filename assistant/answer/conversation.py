"""A conversation: its turns, follow-up questions made standalone, and a log on disk to look back at.

Retrieval needs a question that stands on its own ("and how many were moved so
far?" finds nothing), so a follow-up is rewritten by one small structured call
that sees the recent turns. Each turn is appended to a JSONL file under
``FACTDESK_HOME/conversations`` as soon as it ends, so nothing is lost if the
session is killed.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from ..errors import InvalidOutputError, UserInputError
from ..llm import LLM
from ..prompts import prompt
from ..untrusted import as_data

HISTORY_TURNS = 3
_MARKERS = re.compile(r"\s*\[\d+\]")
# A question that leans on the conversation: it opens with a conjunction or points back with a pronoun.
_LEANS = re.compile(
    r"^\s*(and|but|so|also|then|what about|how about)\b|\b(it|its|they|them|their|he|him|his|she|her|that|those"
    r"|these|there|so far)\b",
    re.I,
)
_WORD = re.compile(r"[^\W\d_]{4,}")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


class Turn(BaseModel):
    """One exchange: a question and its answer, or a /verify and its verdict."""

    kind: Literal["ask", "verify"]
    question: str
    standalone: str
    answer: str
    sources: list[dict[str, object]] = []
    at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class Standalone(BaseModel):
    question: str = Field(description="The last question, rewritten to be understood without the conversation.")


def rewrite_messages(history: list[Turn], question: str) -> list[dict[str, str]]:
    lines = []
    for turn in history[-HISTORY_TURNS:]:
        said = _MARKERS.sub("", turn.answer)
        lines.append(f"Q: {as_data(turn.standalone)}\nA: {as_data(said[:400])}")
    user = prompt("rewrite_user").format(conversation="\n".join(lines), question=as_data(question))
    return [{"role": "system", "content": prompt("rewrite_system")}, {"role": "user", "content": user}]


def standalone(llm: LLM, history: list[Turn], question: str) -> str:
    """``question`` made to stand on its own; the first question of a conversation costs no call."""
    asked = [t for t in history if t.kind == "ask"]
    if not asked:
        return question
    try:
        result = llm.structured(Standalone, rewrite_messages(asked, question), max_tokens=120)
        rewritten = " ".join(result.question.split())
    except InvalidOutputError:
        return question
    # A rewrite that is empty or rambles is worse than the question as asked.
    if not 0 < len(rewritten) <= max(300, 3 * len(question)):
        rewritten = question
    if _LEANS.search(question) and _words(rewritten) <= _words(question):
        # The model gave the question back without what it refers to (a small model often does):
        # carry the last question along, so retrieval and the answer still know the subject.
        rewritten = f"{rewritten} (following: {asked[-1].standalone})"
    return rewritten


class Conversation:
    """The turns of one chat session, appended to their log file as they end."""

    def __init__(self, home: Path, name: str | None = None) -> None:
        self.folder = home / "conversations"
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        self.name = name or f"{stamp}-{secrets.token_hex(3)}"
        self.turns: list[Turn] = []

    @property
    def path(self) -> Path:
        return self.folder / f"{self.name}.jsonl"

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(turn.model_dump_json() + "\n")


def saved(home: Path) -> list[Path]:
    """The conversation logs, oldest first."""
    folder = home / "conversations"
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


def load(home: Path, name: str) -> list[Turn]:
    """The turns of a saved conversation, by name or unique name prefix."""
    matches = [p for p in saved(home) if p.stem == name] or [p for p in saved(home) if p.stem.startswith(name)]
    if len(matches) != 1:
        found = "no" if not matches else f"{len(matches)}"
        raise UserInputError(f"{found} saved conversation(s) match {name!r}: `factdesk conversations` lists them")
    turns = []
    for number, line in enumerate(matches[0].read_text(encoding="utf-8").splitlines(), start=1):
        try:
            turns.append(Turn.model_validate_json(line))
        except ValidationError:
            raise UserInputError(f"{matches[0]} line {number} is not a saved turn") from None
    return turns


def summary(path: Path) -> dict[str, object]:
    """Name, start, number of turns and first question of a saved conversation, for a listing."""
    lines = path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0]) if lines else {}
    return {"name": path.stem, "started": first.get("at", ""), "turns": len(lines), "first": first.get("question", "")}
