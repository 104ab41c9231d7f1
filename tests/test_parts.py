"""Compound claims split into simple ones along their parse, on fictional sentences (invented towns and people)."""

from __future__ import annotations

import pytest

from assistant.verify.parts import split


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
