"""Extract and check the seed article against the rest of the corpus, replaying the embedded model."""

import json
from pathlib import Path

import pytest

from assistant.corpus.store import Store
from assistant.settings import Settings
from tests.conftest import CORPUS, RECORDING, run_cli

# Extraction replays the embedded model. Most tests here drive the LLM judge's path (its endpoint, its
# recordings); the last ones check with the default classifier, which needs no recording.
llm_judge = pytest.mark.usefixtures("llm_judge")

SEED_OUTLET = "Seed article (outlet unknown)"


@pytest.fixture
def seed_id(isolated: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    store = Store(Settings())
    return next(a.id for a in store.articles() if a.outlet == SEED_OUTLET)


@llm_judge
def test_extract_ties_every_claim_to_its_exact_span(seed_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["extract", seed_id[:10], "--json"], capsys)
    assert code == 0, err
    claims = json.loads(out)
    assert len(claims) >= 4
    text = Store(Settings()).article(seed_id).text
    for claim in claims:
        assert text[claim["start"] : claim["end"]] == claim["source_sentence"]
        assert claim["kind"] in ("fact", "opinion", "prediction")
    assert [c["start"] for c in claims] == sorted(c["start"] for c in claims)
    assert any("150" in c["text"] for c in claims)


@llm_judge
def test_check_verifies_claims_against_the_other_articles(seed_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["check", seed_id, "--json", "--max-claims", "3"], capsys)
    assert code == 0, err
    report = json.loads(out)
    verified = [c for c in report["checks"] if c["verdict"]]
    assert len(verified) == 3
    assert sum(report["counts"].values()) == len(report["checks"])
    for item in verified:
        for judgement in item["verdict"]["judgements"]:
            assert judgement["article_id"] != seed_id
    skipped = [c for c in report["checks"] if not c["verdict"]]
    assert all(c["skipped"] for c in skipped)
    assert report["usage"]["calls"] > 3
    if not RECORDING:  # recording calls the model for what is missing
        assert report["usage"]["replayed"] == report["usage"]["calls"]


@llm_judge
def test_check_as_markdown(seed_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["check", seed_id, "--format", "markdown", "--max-claims", "3"], capsys)
    assert code == 0
    assert out.startswith("# Fact-check: Rubio welcomes Iraqi initiative")
    assert out.count("\n## ") >= 3 and "LLM call(s)" in out


@llm_judge
def test_outlets_that_disagree_on_a_number_give_a_conflicting_verdict(
    seed_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = "The United States has transferred 150 ISIS detainees to Iraq."
    code, out, _ = run_cli(["verify", claim, "--json"], capsys)
    assert code == 0
    verdict = json.loads(out)
    stances = {j["stance"] for j in verdict["judgements"] if j["citation"]}
    assert verdict["label"] == "conflicting"
    assert {"supports", "refutes"} <= stances


def test_the_classifier_check_supports_the_seed_articles_transfer_figure_from_the_outlet_that_states_it(
    seed_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["check", seed_id, "--json", "--max-claims", "3"], capsys)
    assert code == 0, err
    report = json.loads(out)
    transfer = next(c for c in report["checks"] if "150" in c["claim"]["text"] and c["verdict"])
    assert transfer["verdict"]["label"] == "supported"
    backing = [j for j in transfer["verdict"]["judgements"] if j["stance"] == "supports"]
    assert any(j["outlet"] == "The Meridian Ledger (fictional)" and "150" in j["citation"]["quote"] for j in backing)
    # Every model call was the extraction's: the classifier judges without one.
    assert all(c["verdict"]["usage"]["calls"] == 0 for c in report["checks"] if c["verdict"])
    assert report["usage"]["calls"] >= 1


def test_the_classifier_check_does_not_support_a_claim_from_sentences_about_something_else(
    seed_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads(run_cli(["check", seed_id, "--json"], capsys)[1])
    consultations = next(c for c in report["checks"] if "consultations" in c["claim"]["text"])
    assert consultations["verdict"]["label"] != "supported"
