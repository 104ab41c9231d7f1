"""An article's check as one self-contained HTML page: the article with each checked claim highlighted in place.

Rendered with Jinja2 (autoescaped: article text and quotes are data, never
markup; only http and https URLs become links) from ``templates/check_report.html``. The page has no script and
loads nothing: styles are inline, so it opens offline and from an e-mail.
A summary bar across the top counts the verdicts; each highlight links to its
claim's card (verdict, confidence, and the sources' verbatim quotes with
outlet, date and link, and under each quote what the source states otherwise
than the claim, with the kinds of detail it agrees on). On a narrow screen the cards follow the article.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..claims.check import CheckReport, ClaimCheck
from ..corpus.article import Article
from .differences import agreed_kinds, detail_lines

TEMPLATE = Path(__file__).parent / "templates" / "check_report.html"
LABELS = {
    "supported": "Supported",
    "refuted": "Refuted",
    "conflicting": "Disputed by sources",
    "not_enough_evidence": "Not enough evidence",
    "skipped": "Not checked",
}


@dataclass(frozen=True)
class Segment:
    """A run of the article's text; ``claim`` is the number of the checked claim it is, if it is one."""

    text: str
    claim: int | None = None
    label: str = ""


def segments(article: Article, checks: list[ClaimCheck]) -> list[Segment]:
    """The article cut at its claims' spans (in order; a span overlapping an earlier one is not highlighted)."""
    out: list[Segment] = []
    cursor = 0
    numbered = sorted(enumerate(checks, start=1), key=lambda item: item[1].claim.start)
    for number, check in numbered:
        start, end = check.claim.start, check.claim.end
        if start < cursor or end > len(article.text) or start >= end:
            continue
        if start > cursor:
            out.append(Segment(article.text[cursor:start]))
        label = check.verdict.label if check.verdict is not None else "skipped"
        out.append(Segment(article.text[start:end], number, label))
        cursor = end
    if cursor < len(article.text):
        out.append(Segment(article.text[cursor:]))
    return out


@dataclass(frozen=True)
class Page:
    """One article's part of the page; ``prefix`` keeps its anchors apart from the other articles'."""

    report: CheckReport
    segments: list[Segment]
    checks: list[tuple[int, ClaimCheck]]
    counts: dict[str, int]
    shares: dict[str, float]
    prefix: str


def _page(report: CheckReport, article: Article, prefix: str) -> Page:
    total = max(1, len(report.checks))
    counts = {label: report.counts.get(label, 0) for label in LABELS}
    return Page(report, segments(article, report.checks), list(enumerate(report.checks, start=1)), counts,
                {label: 100 * n / total for label, n in counts.items()}, prefix)


def render(report: CheckReport | list[CheckReport], article: Article | list[Article]) -> str:
    """The report page as HTML text: one article, or several one after another (each with its own summary bar)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    reports = report if isinstance(report, list) else [report]
    articles = {a.id: a for a in (article if isinstance(article, list) else [article])}
    environment = Environment(loader=FileSystemLoader(TEMPLATE.parent), autoescape=select_autoescape(["html"]),
                              trim_blocks=True, lstrip_blocks=True)
    template = environment.get_template(TEMPLATE.name)
    pages = [_page(r, articles[r.article_id], f"a{i}-" if len(reports) > 1 else "")
             for i, r in enumerate(reports, start=1)]
    return template.render(
        pages=pages, labels=LABELS, detail_lines=detail_lines, agreed_kinds=agreed_kinds,
        calls=sum(r.usage.calls for r in reports), seconds=sum(r.seconds for r in reports),
    )
