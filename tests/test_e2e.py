"""Ingest the bundled corpus and verify claims end to end: with the default stance classifier (no model call),
and with the LLM judge, replaying the embedded model's recorded answers."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.corpus.store import Store
from assistant.llm import LLM
from assistant.settings import Settings
from assistant.verify.verifier import verify
from tests.conftest import CORPUS, RECORDING, ROOT, run_cli

HEADLINE = "The United States has transferred 7,000 ISIS detainees to Iraq."


SEED_FACT = "The United States has transferred 150 detained ISIS fighters from Hasakah, Syria, to Iraq."


@pytest.fixture
def store(isolated: Path, capsys: pytest.CaptureFixture[str]) -> Store:
    code, _, _ = run_cli(["ingest", str(CORPUS)], capsys)
    assert code == 0
    return Store(Settings())


def test_the_classifier_judges_with_verbatim_citations_and_no_model_call(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["verify", HEADLINE, "--json"], capsys)
    assert code == 0, err
    verdict = json.loads(out)
    assert verdict["label"] in ("refuted", "conflicting")
    assert any(j["stance"] == "refutes" and "150" in j["citation"]["quote"] for j in verdict["judgements"]
               if j["citation"])
    assert verdict["model"] == "stance classifier (bundled)"
    assert verdict["usage"]["calls"] == 0
    assert verdict["citations"]
    for citation in verdict["citations"]:
        article = store.article(citation["article_id"])
        assert article.text[citation["start"] : citation["end"]] == citation["quote"]
    for judgement in verdict["judgements"]:
        scores = judgement["scores"]
        assert abs(scores["supported"] + scores["refuted"] + scores["neither"] - 1) < 1e-3 or not judgement["citation"]


def test_the_headline_is_refuted_and_the_seed_fact_supported(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """"Up to 7,000 may be transferred" is a ceiling for the future: it refutes "has transferred 7,000" (a plan
    against an event) and neither supports nor refutes "has transferred 150"."""
    labels = [json.loads(run_cli(["verify", claim, "--json"], capsys)[1])["label"] for claim in (HEADLINE, SEED_FACT)]
    assert labels == ["refuted", "supported"]


def test_a_verify_process_prints_its_whole_verdict_and_exit_code_before_its_quick_exit(store: Store) -> None:
    """The `factdesk` process leaves without freeing its models object by object after a verify: what it printed
    must all be there, and an error still exits non-zero with its one line."""
    command = [sys.executable, "-m", "assistant", "verify"]
    done = subprocess.run([*command, HEADLINE, "--json"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["label"] == "refuted"
    shown = subprocess.run([*command, HEADLINE], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert shown.returncode == 0 and "REFUTED" in shown.stdout and "LLM call(s)" in shown.stdout
    bad = subprocess.run([*command, "x"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and "Traceback" not in bad.stderr


def test_the_seed_articles_headline_fact_is_supported_by_the_outlets_that_state_it(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["verify", SEED_FACT, "--json"], capsys)
    assert code == 0, err
    verdict = json.loads(out)
    assert verdict["label"] in ("supported", "conflicting")
    supporting = [j["citation"] for j in verdict["judgements"] if j["stance"] == "supports"]
    assert any("150" in c["quote"] for c in supporting)
    assert len({c["outlet"] for c in supporting}) >= 2


def test_the_headline_claim_is_refuted_by_several_sources_with_the_llm_judge(
    store: Store, llm_judge: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["verify", HEADLINE, "--json"], capsys)
    assert code == 0, err
    verdict = json.loads(out)
    assert verdict["label"] == "refuted"
    assert 0.5 <= verdict["confidence"] <= 1.0
    refuting = {c["article_id"] for c in verdict["citations"]}
    assert len(refuting) >= 2
    for citation in verdict["citations"]:
        article = store.article(citation["article_id"])
        assert article.text[citation["start"] : citation["end"]] == citation["quote"]
        assert citation["outlet"] == article.outlet and citation["title"] == article.title
    assert verdict["usage"]["calls"] == len(verdict["judgements"]) >= 2
    if not RECORDING:  # recording calls the model for what is missing
        assert verdict["usage"]["replayed"] == verdict["usage"]["calls"]
    assert verdict["usage"]["prompt_tokens"] > 0


def test_the_terminal_view_shows_verdict_quotes_and_sources(
    store: Store, llm_judge: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["verify", HEADLINE], capsys)
    assert code == 0
    assert "REFUTED" in out
    assert "150" in out and "The Meridian Ledger (fictional)" in out
    assert "LLM call(s)" in out


def test_the_terminal_view_shows_what_each_source_states_otherwise(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """The classifier refutes the headline by number; the reader sees both figures, with no model call."""
    code, out, err = run_cli(["verify", HEADLINE, "--no-explain"], capsys)
    assert code == 0, err
    assert any("differs" in line and "7,000" in line and ("150" in line or "230" in line) for line in out.splitlines())
    data = json.loads(run_cli(["verify", HEADLINE, "--json"], capsys)[1])
    assert any(line.startswith("number differs") and "The Meridian Ledger (fictional) says 150" in line
               for line in data["differences"])
    assert any(note["kind"] == "number" and not note["agrees"] for j in data["judgements"] for note in j["details"])


@pytest.mark.parametrize(
    "claim",
    [
        "Marco Rubio welcomed the Iraqi initiative to detain ISIS members in secure facilities.",
        "The first ISIS detainees were moved to Iraq from a detention facility in Hasakah.",
    ],
)
def test_every_citation_is_verbatim_and_sources_are_distinct(store: Store, llm_judge: None, claim: str) -> None:
    settings = Settings()
    verdict = verify(claim, store, LLM(settings), settings)
    assert len({j.article_id for j in verdict.judgements}) == len(verdict.judgements) >= 2
    assert verdict.citations  # the loop below must have something to check
    for citation in verdict.citations:
        assert store.article(citation.article_id).text[citation.start : citation.end] == citation.quote


def test_a_claim_the_corpus_does_not_touch_costs_no_model_call(store: Store) -> None:
    settings = Settings()
    llm = LLM(settings)
    verdict = verify("Copper prices on the London Metal Exchange fell in March.", store, llm, settings)
    assert verdict.label == "not_enough_evidence"
    assert verdict.usage.calls == 0 and verdict.citations == []
