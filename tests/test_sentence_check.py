"""Every answer fact-checked: a one-sided answer is shown with the outlet that disputes it, in its own words.

The corpus (tests/data/kessling.jsonl) is fictional: two invented outlets
give two figures for one plant's cost. The answering model is a scripted
endpoint on loopback that gives only one side, as a small model does; the
check that finds the other side is the real verifier on the real corpus.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from assistant.answer.sentence_check import check_answer, claims_of
from assistant.corpus.store import Store
from assistant.llm import LLM
from assistant.settings import Settings
from tests.conftest import ROOT, run_cli
from tests.test_chat import plain
from tests.test_faults import Endpoint, events

KESSLING = ROOT / "tests" / "data" / "kessling.jsonl"
QUESTION = "How much will the Kessling water treatment plant cost?"
ONE_SIDED = ("The Kessling water treatment plant will cost 42 million euros, according to the council's planning "
             "office. [1]")


@pytest.fixture
def store(isolated: Path, capsys: pytest.CaptureFixture[str]) -> Store:
    assert run_cli(["ingest", str(KESSLING)], capsys)[0] == 0
    return Store(Settings())


@pytest.fixture
def one_sided_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[Endpoint]:
    """An OpenAI-compatible endpoint on loopback that streams the one-sided answer to any question."""
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    server = Endpoint()
    server.script = [events(*re.findall(r"\S+\s*", ONE_SIDED))]
    monkeypatch.setenv("FACTDESK_BASE_URL", server.url)
    monkeypatch.setenv("FACTDESK_MODEL", "scripted")
    monkeypatch.setenv("FACTDESK_RECORD_MODE", "live")
    yield server
    server.server.shutdown()


def test_markers_are_removed_and_sentences_that_state_nothing_are_not_checked() -> None:
    text = "The plant will cost 42 million euros [1]. Yes. The council approved it on Tuesday [2][3]."
    assert [claim for _, _, claim in claims_of(text)] == [
        "The plant will cost 42 million euros.", "The council approved it on Tuesday.",
    ]
    start, end, _ = claims_of(text)[0]
    assert text[start:end] == "The plant will cost 42 million euros [1]."


def test_a_figure_another_outlet_contradicts_is_disputed_with_both_sides_cited(store: Store) -> None:
    settings = Settings()
    [check] = check_answer(ONE_SIDED, store, LLM(settings), settings)
    assert check.status == "disputed"
    assert {c.outlet for c in check.disputing} == {"Harbour Post (fictional)"}
    assert any("48 million euros" in c.quote for c in check.disputing)
    assert any("42 million euros" in c.quote for c in check.supporting)
    assert check.differences == ["number differs: the claim says will cost 42 million euros (in the future); "
                                 "Harbour Post (fictional) says will cost 48 million euros (in the future)"]
    for citation in check.disputing + check.supporting:
        assert store.article(citation.article_id).text[citation.start : citation.end] == citation.quote


def test_a_sentence_the_sources_bear_out_is_supported_and_one_they_never_mention_is_unsupported(store: Store) -> None:
    settings = Settings()
    text = "The Kessling ferry will run every 40 minutes from April. The Kessling plant will have a visitor centre."
    checks = check_answer(text, store, LLM(settings), settings)
    assert [c.status for c in checks] == ["supported", "unsupported"]
    assert checks[0].supporting[0].outlet == "Valley Wire (fictional)"
    assert checks[1].supporting == [] and checks[1].disputing == []


def test_ask_json_carries_each_sentences_status_and_both_citations(
    store: Store, one_sided_model: Endpoint, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["ask", QUESTION, "--json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    assert answer["text"] == ONE_SIDED
    [check] = answer["checks"]
    assert check["status"] == "disputed"
    assert ONE_SIDED[check["start"] : check["end"]].startswith("The Kessling water treatment plant will cost 42")
    quotes = {c["outlet"]: c["quote"] for c in check["disputing"] + check["supporting"]}
    assert "48 million euros" in quotes["Harbour Post (fictional)"]
    assert "42 million euros" in quotes["The Kessling Courier (fictional)"]
    assert all(isinstance(c["start"], int) and c["end"] > c["start"] for c in check["disputing"])
    assert any("42 million euros" in d and "Harbour Post (fictional) says will cost 48 million euros" in d
               for d in check["differences"])
    assert answer["usage"]["calls"] == 1  # the answer; the check costs no model call


def test_the_chat_in_a_terminal_shows_both_figures_and_both_outlets(store: Store, one_sided_model: Endpoint) -> None:
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "NO_COLOR": "1"}
    chat = pexpect.spawn(sys.executable, ["-m", "assistant", "chat"], cwd=str(ROOT), env=env, encoding="utf-8",
                         dimensions=(50, 220), timeout=60, use_poll=True)
    try:
        chat.expect("factdesk>")
        chat.sendline(QUESTION)
        chat.expect("Sources disagree")
        chat.expect("factdesk>")
        shown = plain(chat.before)
        chat.sendline("/quit")
        chat.expect(pexpect.EOF)
    finally:
        chat.close()
    assert "disputes: Harbour Post (fictional)" in shown
    assert "48 million euros" in shown
    assert ("the claim says will cost 42 million euros (in the future); "
            "Harbour Post (fictional) says will cost 48") in shown
    assert "supports: The Kessling Courier (fictional)" in shown
    assert chat.exitstatus == 0


def test_a_disputed_sentence_is_shown_with_what_the_other_outlet_states_otherwise() -> None:
    import io

    from rich.console import Console

    from assistant.answer.answer import Answer
    from assistant.answer.sentence_check import SentenceCheck
    from assistant.llm.usage import Usage
    from assistant.report.terminal import show_answer_checks
    from assistant.verify.verdict import Citation

    line = ("number differs: the claim says will cost 42 million euros; Harbour Post (fictional) says will cost "
            "[48] million euros")
    quote = "The plant will cost 48 million euros."
    citation = Citation(article_id="h", outlet="Harbour Post (fictional)", title="Plant costs", published=None,
                        url="", quote=quote, start=0, end=len(quote))
    check = SentenceCheck(sentence="The plant will cost 42 million euros.", start=0, end=37, status="disputed",
                          disputing=[citation], differences=[line])
    answer = Answer(question="q", standalone="q", text=check.sentence, passages=[], cited=[], answered=True,
                    problems=[], checks=[check], model="m", usage=Usage(), seconds=0.0)
    console = Console(file=io.StringIO(), width=80)
    show_answer_checks(console, answer)
    lines = [text.strip() for text in console.file.getvalue().splitlines()]  # type: ignore[attr-defined]
    assert lines[1].startswith("Sources disagree") and lines[2] == line
