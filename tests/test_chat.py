"""The chat, driven for real through a pseudo-terminal, and its commands one by one."""

import io
import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
from rich.console import Console

from assistant.chat import ChatSession
from assistant.corpus.store import Store
from assistant.errors import UserInputError
from assistant.llm import LLM
from assistant.settings import Settings
from tests.conftest import CORPUS, RECORDING, ROOT, run_cli
from tests.test_e2e import HEADLINE

# These tests drive the LLM judge's path (its endpoint, its recordings); the classifier's path is tested in
# test_e2e, test_classifier and test_sentence_check.
pytestmark = pytest.mark.usefixtures("llm_judge")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FIRST = "What did the U.S. military say about the ISIS detainees?"
FOLLOW_UP = "And how many were moved so far?"


def plain(text: str) -> str:
    """Terminal output without its escape sequences (styles, cursor moves)."""
    return ANSI.sub("", text)


@pytest.fixture
def store(isolated: Path, capsys: pytest.CaptureFixture[str]) -> Store:
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    return Store(Settings())


def test_a_real_chat_session_in_a_terminal(store: Store, isolated: Path) -> None:
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "NO_COLOR": "1"}
    chat = pexpect.spawn(
        sys.executable, ["-m", "assistant", "chat"], cwd=str(ROOT), env=env, encoding="utf-8",
        dimensions=(50, 220), timeout=900 if RECORDING else 60, use_poll=True,  # poll: no 1,024-descriptor limit
    )
    try:
        chat.expect("6 article\\(s\\) stored")
        chat.expect("factdesk>")
        chat.sendline(FIRST)
        chat.expect("Sources:")
        chat.expect("factdesk>")
        sources = plain(chat.before)
        assert re.search(r"\[\d+\] ", sources)
        chat.sendline(FOLLOW_UP)
        chat.expect(r"\(searching for: ([^)]*)\)")
        assert "detainee" in chat.match.group(1).lower()
        chat.expect("factdesk>")
        follow_up = plain(chat.before)
        chat.sendline(f"/verify {HEADLINE}")
        chat.expect("REFUTED")
        chat.expect("factdesk>")
        chat.sendline("/quit")
        chat.expect("Conversation saved to (\\S+)")
        chat.expect(pexpect.EOF)
    finally:
        chat.close()
    assert chat.exitstatus == 0
    assert "Traceback" not in sources + follow_up and "error:" not in sources + follow_up
    assert any(number in follow_up for number in ("150", "230"))
    logs = list((isolated / "conversations").glob("*.jsonl"))
    turns = [json.loads(line) for line in logs[0].read_text().splitlines()]
    assert [t["kind"] for t in turns] == ["ask", "ask", "verify"]
    assert turns[1]["question"] == FOLLOW_UP and turns[1]["standalone"] != FOLLOW_UP
    assert turns[0]["sources"] and turns[2]["answer"].startswith("refuted")
    assert (isolated / "chat_history").read_text().count("+") >= 4  # prompt_toolkit kept the lines typed


def session(store: Store) -> tuple[ChatSession, io.StringIO]:
    text = io.StringIO()
    settings = Settings()
    return ChatSession(settings, store, LLM(settings), Console(file=text, width=200)), text


def test_commands_without_a_model(store: Store, tmp_path: Path) -> None:
    chat, text = session(store)
    assert chat.handle("/help") and "/verify CLAIM" in text.getvalue()
    assert chat.handle("/sources") and "No answer yet" in text.getvalue()
    with pytest.raises(UserInputError, match="unknown command /bogus"):
        chat.handle("/bogus")
    with pytest.raises(UserInputError, match="usage: /verify"):
        chat.handle("/verify   ")
    article = tmp_path / "note.md"
    article.write_text("# Fictional note\n\nThe fictional town of Brackwater opened a library on 3 May 2026.\n")
    assert chat.handle(f"/ingest {article}") and "7 articles" in text.getvalue()
    assert chat.handle("   ")
    assert not chat.handle("/quit")


def test_a_question_the_corpus_does_not_cover_is_answered_honestly(store: Store) -> None:
    chat, text = session(store)
    result = chat.ask("Which sourdough starter do bakers in Lyon prefer?")
    assert result.text == "The sources do not say." and chat.llm.usage.calls == 0
    chat.handle("/sources")
    assert "No passage was about" in text.getvalue()
    assert len(chat.conversation.turns) == 1
