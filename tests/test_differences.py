"""Each source's differences from the claim, shown wherever a verdict is: the terminal, --json, the check reports.

The verdicts are built by hand with the details reader's notes (fictional
outlets and figures), so these tests need no model and no corpus.
"""

from __future__ import annotations

import io

from rich.console import Console

from assistant.claims.check import CheckReport, ClaimCheck
from assistant.claims.extract import Claim
from assistant.llm.usage import Usage
from assistant.report.differences import agreed_kinds, detail_lines, verdict_differences
from assistant.report.terminal import check_markdown, show_check, show_verdict, verdict_data
from assistant.verify.verdict import Citation, DetailNote, SourceJudgement, Verdict

CLAIM = "The Ostrand ferry pier in Vellmar will cost 42 million euros."
COST = ("number differs: the claim says will cost 42 million euros; "
        "Harbour Post (fictional) says will cost 48 million euros")
TIMING = "date agrees: the claim says in 2027; Harbour Post (fictional) says in 2027"
IGNORED = "name differs: the claim says Vellmar; Dunmore Gazette (fictional) says Ostbrück"


def judgement(outlet: str, stance: str, notes: list[DetailNote], quote: str = "") -> SourceJudgement:
    citation = None
    if quote:
        citation = Citation(article_id=outlet, outlet=outlet, title=f"{outlet} on the pier", published="2026-02-01",
                            url="https://example.org/pier", quote=quote, start=0, end=len(quote))
    return SourceJudgement(article_id=outlet, outlet=outlet, title=f"{outlet} on the pier", stance=stance,  # type: ignore[arg-type]
                           confidence=0.8, comparison="fictional comparison", citation=citation, details=notes)


def verdict() -> Verdict:
    harbour = judgement("Harbour Post (fictional)", "refutes", [
        DetailNote(kind="number", claim="will cost 42 million euros", source="will cost 48 million euros",
                   agrees=False),
        DetailNote(kind="date", claim="in 2027", source="in 2027", agrees=True),
    ], "The Vellmar pier will cost 48 million euros in 2027, the Harbour Post has learned.")
    courier = judgement("Kessling Courier (fictional)", "supports", [
        DetailNote(kind="number", claim="will cost 42 million euros", source="42 million euros", agrees=True),
    ], "The pier's budget is 42 million euros.")
    gazette = judgement("Dunmore Gazette (fictional)", "irrelevant", [
        DetailNote(kind="name", claim="Vellmar", source="Ostbrück", agrees=False),
    ])
    return Verdict(claim=CLAIM, label="conflicting", confidence=0.6, summary="The fictional outlets disagree.",
                   judgements=[harbour, courier, gazette], model="m", usage=Usage(), seconds=0.1)


def shown(v: Verdict, verbose: bool) -> str:
    console = Console(file=io.StringIO(), width=100)
    show_verdict(console, v, verbose)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def test_lines_name_the_outlet_and_the_agreements_are_given_in_brief() -> None:
    harbour, courier, gazette = verdict().judgements
    assert detail_lines(harbour) == [COST]
    assert detail_lines(harbour, agreements=True) == [COST, TIMING]
    assert agreed_kinds(harbour) == "agrees on date" and agreed_kinds(gazette) == ""
    assert detail_lines(courier) == []
    assert verdict_differences(verdict()) == [COST]  # the irrelevant source is not a reason for the verdict


def test_the_terminal_shows_each_cited_sources_differences_and_with_verbose_its_agreements() -> None:
    plain = shown(verdict(), verbose=False)
    lines = [line.strip() for line in plain.splitlines()]
    assert lines.index(COST) == lines.index(next(v for v in lines if v.startswith("“The Vellmar pier"))) + 1
    assert "agrees" not in plain and "Ostbrück" not in plain
    verbose = [line.strip() for line in shown(verdict(), verbose=True).splitlines()]
    assert COST in verbose and TIMING in verbose
    assert any("42 million euros" in line and "Kessling Courier (fictional) says 42 million euros" in line
               for line in verbose)
    # An irrelevant source is listed with --verbose, with what it states otherwise.
    assert verbose.index(IGNORED) == verbose.index(next(v for v in verbose if v.startswith("- Dunmore Gazette"))) + 1


def test_markup_in_a_note_is_printed_as_text() -> None:
    v = verdict()
    v.judgements[0].details[0].source = "[bold]48[/bold] million euros"
    assert "says [bold]48[/bold] million euros" in shown(v, verbose=False)


def test_json_carries_the_notes_per_judgement_and_the_difference_lines_at_the_top() -> None:
    data = verdict_data(verdict())
    assert data["differences"] == [COST]
    assert data["judgements"][0]["details"][0] == {"kind": "number", "claim": "will cost 42 million euros",
                                                   "source": "will cost 48 million euros", "agrees": False}


def report() -> CheckReport:
    text = f"Fictional. {CLAIM}"
    claim = Claim(text=CLAIM, article_id="a", start=11, end=len(text), source_sentence=CLAIM, type="event",
                  kind="fact", checkworthiness=0.9, reason="fictional")
    return CheckReport(article_id="a", title="The Vellmar pier (fictional)", outlet="Valley Wire (fictional)",
                       published=None, checks=[ClaimCheck(claim=claim, verdict=verdict())],
                       counts={"conflicting": 1}, usage=Usage(), seconds=0.1)


def test_the_check_report_shows_the_differences_in_the_terminal_and_in_markdown() -> None:
    console = Console(file=io.StringIO(), width=100)
    show_check(console, report())
    assert COST in [line.strip() for line in console.file.getvalue().splitlines()]  # type: ignore[attr-defined]
    markdown = check_markdown(report()).splitlines()
    cited = markdown.index(next(line for line in markdown if line.startswith("- *refutes*: Harbour Post")))
    assert markdown[cited + 1 : cited + 3] == [f"  - {COST}", "  - *agrees on date*"]
    assert "Ostbrück" not in "\n".join(markdown)
