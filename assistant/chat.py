"""The terminal chat: questions answered from the corpus as they stream, plus /verify, /sources, /ingest.

:class:`ChatSession` does the work for one line of input and prints to a rich
console, so it can be driven by a test as well as by the prompt loop in
:func:`run`, which adds line editing and history when the input is a terminal.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console

from .answer.answer import Answer, answer
from .answer.conversation import Conversation, Turn, standalone
from .answer.explanation import cited_passages, explain
from .corpus.ingest import ingest
from .corpus.store import Store
from .errors import FactdeskError, UserInputError
from .llm import LLM
from .report.terminal import (
    EXPLANATION_HEADER,
    show_answer,
    show_explanation_end,
    show_ingest,
    show_passages,
    show_verdict,
    streamed,
)
from .settings import Settings
from .untrusted import checkable_claim
from .verify.verifier import verify

PROMPT = "factdesk> "
HELP = """Ask a question about your articles, or use a command:
  /verify CLAIM   check a claim against the corpus and show the verdict
  /sources        the passages behind the last answer (* = cited)
  /ingest PATH    add articles (files, folders, URLs) without leaving
  /help           this help
  /quit           leave (or Ctrl-D; Ctrl-C stops an answer, or leaves at the prompt)"""


class ChatSession:
    """One conversation against one store and model."""

    def __init__(self, settings: Settings, store: Store, llm: LLM, console: Console) -> None:
        self.settings = settings
        self.store = store
        self.llm = llm
        self.console = console
        self.conversation = Conversation(settings.home)
        self.last: Answer | None = None

    def handle(self, line: str) -> bool:
        """Carry out one line of input; False when the user asked to leave."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            self.ask(line)
            return True
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        if command in ("/quit", "/exit", "/q"):
            return False
        if command == "/help":
            self.console.print(HELP, markup=False, highlight=False)
        elif command == "/verify":
            self.verify(rest)
        elif command == "/sources":
            if self.last is None:
                self.console.print("No answer yet: ask a question first.")
            else:
                show_passages(self.console, self.last)
        elif command == "/ingest":
            self.ingest(rest)
        else:
            raise UserInputError(f"unknown command {command}: /help lists the commands")
        return True

    def ask(self, question: str) -> Answer:
        query = standalone(self.llm, self.conversation.turns, question)
        if query != question:
            self.console.print(f"(searching for: {query})", style="dim", markup=False, highlight=False)

        result = answer(question, self.store, self.llm, self.settings, standalone=query, on_text=streamed(self.console))
        self.console.print()
        show_answer(self.console, result, streamed=True)
        self.last = result
        self.conversation.add(
            Turn(kind="ask", question=question, standalone=result.standalone, answer=result.text,
                 sources=[p.model_dump() for p in result.citations])
        )
        return result

    def verify(self, claim: str) -> None:
        if not claim:
            raise UserInputError("usage: /verify CLAIM")
        verdict = verify(checkable_claim(claim), self.store, self.llm, self.settings)
        show_verdict(self.console, verdict)
        said = f"{verdict.label} (confidence {verdict.confidence:.2f}): {verdict.summary}"
        self.conversation.add(
            Turn(kind="verify", question=claim, standalone=verdict.claim, answer=said,
                 sources=[c.model_dump() for c in verdict.citations])
        )
        if self.settings.explains(for_a_person=self.console.is_terminal) and cited_passages(verdict):
            # After the verdict, which is saved first: a failure here is this line's error, and the turn is kept.
            self.console.print(EXPLANATION_HEADER)
            explanation = explain(verdict, self.llm, on_text=streamed(self.console))
            if explanation is not None:
                show_explanation_end(self.console, explanation)

    def ingest(self, rest: str) -> None:
        paths = shlex.split(rest)
        if not paths:
            raise UserInputError("usage: /ingest PATH [PATH...]")
        summary = ingest(paths, self.store)
        for failure in summary.failures:
            self.console.print(f"skipped {failure.source}: {failure.reason}", markup=False, highlight=False)
        show_ingest(self.console, summary, self.store)


def _lines(history: Path) -> Iterator[str]:
    """Lines typed at a prompt with editing and history, or read from a pipe; ends on Ctrl-D or Ctrl-C."""
    if not sys.stdin.isatty():
        yield from (line.rstrip("\n") for line in sys.stdin)
        return
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    history.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    session: PromptSession[str] = PromptSession(history=FileHistory(str(history)))
    while True:
        try:
            yield session.prompt(PROMPT)
        except (EOFError, KeyboardInterrupt):
            return


def run(session: ChatSession) -> None:
    """The prompt loop: one line at a time until /quit, Ctrl-D or Ctrl-C at the prompt."""
    console = session.console
    console.print(
        f"factdesk chat: {session.store.counts()[0]} article(s) stored. /help for commands, /quit to leave.",
        markup=False, highlight=False,
    )
    if session.store.counts()[0] == 0:
        console.print("No articles are stored yet: /ingest PATH adds some.", markup=False)
    for line in _lines(session.settings.home / "chat_history"):
        try:
            if not session.handle(line):
                break
        except FactdeskError as exc:
            console.print(f"error: {exc}", style="red", markup=False, highlight=False)
        except KeyboardInterrupt:
            console.print("\n(answer interrupted)", style="dim", markup=False)
    console.print(f"Conversation saved to {session.conversation.path}", markup=False, highlight=False)
