"""Compound claims split into simple ones along their parse, on fictional sentences (invented towns and people)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.verify.parts import split
from tests.conftest import run_cli


def test_coordinated_clauses_become_parts_that_keep_their_subject() -> None:
    assert split("The Harlow council passed a €2.5bn budget by 41 votes to 29 and left the income tax rate at 4.5 "
                 "per cent.") == [
        "The Harlow council passed a €2.5bn budget by 41 votes to 29.",
        "The Harlow council left the income tax rate at 4.5 per cent.",
    ]


def test_an_aside_about_a_name_is_a_claim_of_its_own() -> None:
    assert split("Police searched the Keswater offices in August 2023, and Ilse Marrowby, who had run the port "
                 "since 2015, resigned the following month.") == [
        "Police searched the Keswater offices in August 2023.",
        "Ilse Marrowby had run the port since 2015.",
        "Ilse Marrowby resigned the following month.",
    ]


@pytest.mark.parametrize("claim", [
    "The Velmora firm has shipped 7,000 crates to Tollbury.",
    "The firm that won the Tollbury contract said it would hire 40 people and open a depot.",
    "Quorra Mills bought Tessel Bakeries.",
])
def test_a_claim_of_one_clause_is_left_whole(claim: str) -> None:
    assert split(claim) == [claim]


@pytest.mark.parametrize("claim", ["The Velmora firm has shipped 7,000 crates to Tollbury.", "Quorra bought Tessel."])
def test_a_claim_that_cannot_join_clauses_is_not_parsed(claim: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing would wait for the pipeline, which otherwise loads beside retrieval; "7,000" joins nothing."""
    def no_reader() -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr("assistant.verify.parts.get_reader", no_reader)
    assert split(claim) == [claim]


HARLOW = """Harlow council approves new ferry terminal

Harlow town council approved a new ferry terminal on the Keswater estuary on Tuesday.

The terminal will cost 42 million euros and open in 2028.

Council leader Ilse Marrowby said the vote was the most important of her term.

(Fictional article written for the factdesk tests: the outlet, the places and the people named are invented.)
"""
COURIER = """Keswater ferry plan wins approval

The Harlow council's vote on Tuesday cleared the way for a ferry terminal on the Keswater estuary.

Ilse Marrowby, who has led the council since 2019, called it a historic day.

(Fictional article written for the factdesk tests: the outlet, the places and the people named are invented.)
"""


@pytest.fixture
def ferry_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "harlow.md").write_text(HARLOW, encoding="utf-8")
    (folder / "courier.md").write_text(COURIER, encoding="utf-8")
    code, _, err = run_cli(["ingest", str(folder)], capsys)
    assert code == 0, err
    return folder


def test_a_compound_claim_is_refuted_by_its_one_changed_part(
    ferry_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["verify", "Harlow town council approved a new ferry terminal on Tuesday, and Ilse "
                              "Marrowby, who has led the council since 2017, called it a historic day.", "--json"],
                             capsys)
    assert code == 0, err
    verdict = json.loads(out)
    assert [p["claim"] for p in verdict["parts"]] == [
        "Harlow town council approved a new ferry terminal on Tuesday.",
        "Ilse Marrowby has led the council since 2017.",
        "Ilse Marrowby called it a historic day.",
    ]
    assert verdict["parts"][1]["label"] == "refuted"
    assert verdict["label"] == "refuted"
    assert any(d["kind"] == "date" and not d["agrees"] for j in verdict["judgements"] for d in j["details"])
