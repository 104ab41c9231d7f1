import pytest

from assistant.checks import name_problem, names, numbers, support_problem

SEED = (
    "The U.S. military stated that the United States has managed to transfer 150 detained ISIS fighters "
    "to a secure location in Iraq, noting that ultimately, up to 7,000 detainees may be transferred."
)


def test_numbers_are_parsed_with_thousands_separators_and_decimals() -> None:
    assert [v for v, _, _ in numbers("7,000 of 12,500.5 items in 2026, U.S. 3rd")] == [7000.0, 12500.5, 2026.0]


@pytest.mark.parametrize(
    ("claim", "problem"),
    [
        ("The United States has transferred 7,000 ISIS detainees to Iraq.", "planned or possible"),
        ("The United States has transferred 150 ISIS detainees to Iraq.", None),
        ("Up to 7,000 detainees may be transferred to Iraq.", None),
        ("The United States has transferred 230 detainees to Iraq.", "does not state the claim's number 230"),
        ("The United States transferred detainees to Iraq.", None),
    ],
)
def test_support_needs_the_claims_number_stated_as_done(claim: str, problem: str | None) -> None:
    found = support_problem(claim, SEED)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_a_number_stated_both_as_done_and_as_plan_can_support() -> None:
    quote = "The army moved 7,000 detainees last week, and up to 7,000 more may follow."
    assert support_problem("The army moved 7,000 detainees.", quote) is None


def test_names_are_capitalised_words_after_the_first() -> None:
    claim = "Marco Rubio welcomed the Iraqi initiative to detain ISIS members in Hasakah."
    assert names(claim) == ["Rubio", "Iraqi", "ISIS", "Hasakah"]


def test_support_needs_the_claims_names_in_the_quote() -> None:
    claim = "Secretary Rubio welcomed the Iraqi initiative."
    assert name_problem(claim, "Rubio's welcome came after talks with Iraq.") is None
    problem = name_problem(claim, "The U.S. military said it moved 150 fighters to a secure location.")
    assert problem == "the quote does not mention Rubio, Iraqi"
    assert support_problem(claim, "The military moved 150 fighters to Iraq.") == "the quote does not mention Rubio"
