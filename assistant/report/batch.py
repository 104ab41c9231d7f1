"""A run over several articles as one report: a line per article, then the claims a desk should read first."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..claims.check import CheckReport, most_urgent
from ..llm.usage import Usage
from .terminal import check_markdown, counts_line, usage_line


def show_batch(console: Console, reports: list[CheckReport]) -> None:
    table = Table(title=f"{len(reports)} articles checked")
    for column in ("#", "article", "claims", "verdicts", "seconds"):
        table.add_column(column)
    for number, report in enumerate(reports, start=1):
        seconds = "kept" if report.resumed else f"{report.seconds:.0f}"
        table.add_row(str(number), escape(report.title or report.article_id), str(len(report.checks)),
                      escape(counts_line(report)), seconds)
    console.print(table)
    urgent = most_urgent(reports)
    if urgent:
        console.print("\n[bold]Read first:[/] refuted and disputed claims, the most check-worthy first")
    for report, number, item in urgent:
        assert item.verdict is not None
        label = item.verdict.label.replace("_", " ").upper()
        console.print(f"- [bold]{label}[/] ({item.verdict.confidence:.2f}) {escape(item.claim.text)}\n"
                      f"  [dim]{escape(report.title or report.article_id)}, claim {number}, "
                      f"check-worthiness {item.claim.checkworthiness:.2f}[/]")
    fresh = [r for r in reports if not r.resumed]
    calls = sum(r.usage.calls for r in fresh)
    console.print(f"\n[bold]Summary:[/] {sum(len(r.checks) for r in reports)} claims in {len(reports)} articles; "
                  f"{len(reports) - len(fresh)} kept from an earlier run; {calls} LLM call(s) in this run.")


def batch_markdown(reports: list[CheckReport]) -> str:
    """The run for people: the claims to read first, then each article's report."""
    lines = [f"# Fact-check of {len(reports)} articles", ""]
    urgent = most_urgent(reports)
    if urgent:
        lines += ["## Read first", ""]
        for report, number, item in urgent:
            assert item.verdict is not None
            lines.append(f"- **{item.verdict.label.replace('_', ' ').upper()}** ({item.verdict.confidence:.2f}) "
                         f"{item.claim.text} (*{report.title or report.article_id}*, claim {number})")
        lines.append("")
    for report in reports:
        # One level down: each article is a section of the run's report.
        lines += ["#" + line if line.startswith("#") else line for line in check_markdown(report).splitlines()]
        lines.append("")
    total = Usage()
    for report in reports:
        total = total.plus(report.usage)
    lines.append(f"*{usage_line(total)}.*")
    return "\n".join(lines) + "\n"
