"""Show results to people (rich) and programs (JSON) from the same objects."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from ..answer.answer import Answer, Passage
from ..answer.explanation import Explanation
from ..claims.check import CheckReport
from ..claims.extract import Claim
from ..corpus.ingest import IngestSummary
from ..corpus.store import Hit, Store
from ..llm.usage import Usage
from ..verify.verdict import SourceJudgement, Verdict
from .differences import agreed_kinds, cited, detail_lines, verdict_differences

_LABEL_STYLE = {
    "supported": "bold green",
    "refuted": "bold red",
    "conflicting": "bold yellow",
    "not_enough_evidence": "bold blue",
}


def where(page: int | None, start: int, end: int) -> str:
    """Where a quote sits in its article: the character offsets, and the page for a PDF."""
    return f"p. {page}, chars {start}-{end}" if page is not None else f"chars {start}-{end}"


def verdict_data(verdict: Verdict) -> dict[str, Any]:
    """The verdict as ``--json`` prints it: its fields, and its citations and differences at the top level."""
    data = verdict.model_dump()
    data["citations"] = [c.model_dump() for c in verdict.citations]
    data["differences"] = verdict_differences(verdict)
    return data


def verdict_json(verdict: Verdict) -> str:
    return json.dumps(verdict_data(verdict), indent=2, ensure_ascii=False)


def streamed(console: Console) -> Callable[[str], None]:
    """A writer that shows model text piece by piece as it streams, as written (no markup)."""

    def write(piece: str) -> None:
        console.print(piece, end="", markup=False, highlight=False, soft_wrap=True)
        console.file.flush()

    return write


def usage_line(usage: Usage) -> str:
    replay = f", {usage.replayed} replayed" if usage.replayed else ""
    replay += f", {usage.cached} from the cache" if usage.cached else ""
    reused = f" ({usage.cached_prompt_tokens} of them a reused prefix)" if usage.cached_prompt_tokens else ""
    return (
        f"{usage.calls} LLM call(s){replay}, {usage.prompt_tokens} prompt{reused} + "
        f"{usage.completion_tokens} completion tokens, {usage.seconds:.1f} s in the model"
    )


def batch_row(line: int, verdict: Verdict) -> str:
    """One verified claim of a batch, on one line: input line, label, confidence, the claim, its first source."""
    cited = verdict.citations[0].outlet if verdict.citations else ""
    source = f"  [{cited}]" if cited else ""
    label = verdict.label.upper().replace("_", " ")
    return f"{line:>5}  {label:<20} {verdict.confidence:.2f}  {verdict.claim}{source}"


def show_verdict(console: Console, verdict: Verdict, verbose: bool = False) -> None:
    style = _LABEL_STYLE[verdict.label]
    head = f"[{style}]{verdict.label.upper().replace('_', ' ')}[/]  confidence {verdict.confidence:.2f}"
    if verdict.tentative:
        head += "  [bold]tentative: more likely wrong than right[/]"
    body = f"{head}\n[dim]Claim:[/] {escape(verdict.claim)}\n{escape(verdict.summary)}"
    console.print(Panel(body, title="Verdict", expand=False))
    shown = cited(verdict)
    for number, judgement in enumerate(shown, start=1):
        c = judgement.citation
        assert c is not None
        stance_style = "green" if judgement.stance == "supports" else "red"
        console.print(
            f"[bold][{number}][/] [{stance_style}]{judgement.stance}[/] "
            f"[bold]{escape(c.outlet or 'unknown outlet')}[/], “{escape(c.title)}” ({c.published or 'undated'})"
        )
        console.print(f"    “{escape(c.quote)}”  [dim]{where(c.page, c.start, c.end)}[/]")
        _details(console, judgement, verbose)
        if verbose:
            console.print(f"    [dim]{escape(judgement.comparison)}[/]")
    if verbose:
        for judgement in verdict.judgements:
            if judgement not in shown:
                note = f" ({judgement.note})" if judgement.note else ""
                console.print(f"[dim]- {escape(judgement.outlet or judgement.article_id)}: irrelevant{note}[/]")
                _details(console, judgement, agreements=False)
        console.print(f"[dim]{verdict.model}: {usage_line(verdict.usage)}; {verdict.seconds:.1f} s in all[/]")


def _details(console: Console, judgement: SourceJudgement, agreements: bool) -> None:
    # One unwrapped line per note, so a dispute's two figures stay on one line and grep finds them.
    for note in judgement.details if agreements else judgement.differences:
        line = escape(note.line(judgement.outlet or "the source"))
        console.print(f"    [dim]{line}[/]" if note.agrees else f"    [yellow]{line}[/]", highlight=False,
                      soft_wrap=True)


EXPLANATION_HEADER = "[dim]Why (written by the LLM from the cited sentences, after the verdict):[/]"


def show_explanation_end(console: Console, explanation: Explanation) -> None:
    """After a streamed explanation: what its review found, and its cost, apart from the verdict's."""
    console.print()
    for problem in explanation.problems:
        console.print(f"[yellow]! {escape(problem)}[/]")
    console.print(f"[dim]explanation: {usage_line(explanation.usage)}; {explanation.seconds:.1f} s[/]")


def answer_json(answer: Answer) -> str:
    data = answer.model_dump()
    data["citations"] = [p.model_dump() for p in answer.citations]
    return json.dumps(data, indent=2, ensure_ascii=False)


def _passage(console: Console, passage: Passage, mark: str = "") -> None:
    console.print(
        f"{mark}[bold][{passage.number}][/] [bold]{escape(passage.outlet or 'unknown outlet')}[/], "
        f"“{escape(passage.title)}” ({passage.published or 'undated'})"
    )
    console.print(f"    “{escape(passage.text)}”  [dim]{where(passage.page, passage.start, passage.end)}[/]")


def show_answer(console: Console, answer: Answer, streamed: bool = False) -> None:
    """The answer (unless it was already streamed), what its check found, and the passages it cites."""
    if not streamed:
        console.print(answer.text, markup=False, highlight=False)
    for problem in answer.problems:
        console.print(f"[yellow]! {escape(problem)}[/]")
    show_answer_checks(console, answer)
    if answer.citations:
        console.print("[dim]Sources:[/]")
        for passage in answer.citations:
            _passage(console, passage)


def show_answer_checks(console: Console, answer: Answer) -> None:
    """What the corpus says of each answer sentence: disagreements in full, with the other outlet's own words."""
    if not answer.checks:
        return
    counts = {s: sum(c.status == s for c in answer.checks) for s in ("supported", "disputed", "unsupported")}
    console.print(f"[dim]Checked against the corpus: {counts['supported']} supported, {counts['disputed']} disputed, "
                  f"{counts['unsupported']} unsupported sentence(s).[/]")
    for check in answer.checks:
        if check.status == "disputed":
            console.print(f"[bold yellow]Sources disagree[/] with “{escape(check.sentence)}”:")
            for line in check.differences:
                console.print(f"  [yellow]{escape(line)}[/]", highlight=False, soft_wrap=True)
            for citation in check.disputing + check.supporting:
                side = "disputes" if citation in check.disputing else "supports"
                console.print(f"  {side}: [bold]{escape(citation.outlet or 'unknown outlet')}[/], "
                              f"“{escape(citation.title)}” ({citation.published or 'undated'})")
                place = where(citation.page, citation.start, citation.end)
                console.print(f"    “{escape(citation.quote)}”  [dim]{place}[/]")
        elif check.status == "unsupported":
            console.print(f"[yellow]! no source supports “{escape(check.sentence)}”[/]")


def show_passages(console: Console, answer: Answer) -> None:
    """Every passage the last answer was given; cited ones are starred."""
    if not answer.passages:
        console.print(f"No passage was about “{escape(answer.standalone)}”.")
        return
    console.print(f"[dim]Passages for “{escape(answer.standalone)}” (* cited):[/]")
    for passage in answer.passages:
        _passage(console, passage, "* " if passage.number in answer.cited else "  ")


def show_ingest(console: Console, summary: IngestSummary, store: Store) -> None:
    articles, chunks = store.counts()
    console.print(
        f"Ingested {summary.added} article(s) as {summary.chunks} chunk(s), {summary.unchanged} unchanged, "
        f"{len(summary.failures)} skipped in {summary.seconds:.1f} s "
        f"({summary.chunks_per_second:.1f} chunks/s). Store: {articles} articles, {chunks} chunks."
    )


def ingest_json(summary: IngestSummary, store: Store) -> str:
    articles, chunks = store.counts()
    data: dict[str, Any] = {
        "added": summary.added, "unchanged": summary.unchanged, "chunks": summary.chunks,
        "skipped": [{"source": f.source, "reason": f.reason} for f in summary.failures],
        "seconds": round(summary.seconds, 3), "store": {"articles": articles, "chunks": chunks},
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def hit_record(store: Store, hit: Hit) -> dict[str, Any]:
    article = store.article(hit.chunk.article_id)
    return {
        "score": round(hit.score, 4), "chunk_id": hit.chunk.id, "article_id": article.id,
        "outlet": article.outlet, "title": article.title, "published": article.published,
        "start": hit.chunk.start, "end": hit.chunk.end, "text": hit.chunk.text,
    }


def show_hits(console: Console, records: list[dict[str, Any]]) -> None:
    table = Table(show_lines=True)
    for column in ("score", "source", "passage"):
        table.add_column(column)
    for r in records:
        source = f"{escape(r['outlet'] or '?')}\n“{escape(r['title'])}”\n{r['published'] or ''}"
        table.add_row(f"{r['score']:.3f}", source, escape(r["text"]))
    console.print(table)


def show_claims(console: Console, claims: list[Claim]) -> None:
    table = Table(show_lines=True)
    for column in ("#", "claim", "type", "kind", "worth", "span"):
        table.add_column(column)
    for number, c in enumerate(claims, start=1):
        table.add_row(
            str(number), escape(c.text), c.type, c.kind, f"{c.checkworthiness:.2f}", f"{c.start}-{c.end}"
        )
    console.print(table)


def show_check(console: Console, report: CheckReport, verbose: bool = False) -> None:
    head = f"[bold]{escape(report.title or report.article_id)}[/] {escape(report.outlet)} {report.published or ''}"
    console.print(head)
    for number, item in enumerate(report.checks, start=1):
        console.print(f"\n[bold]Claim {number}[/] [dim](chars {item.claim.start}-{item.claim.end})[/]")
        if item.verdict is None:
            console.print(f"  {escape(item.claim.text)}\n  [dim]skipped: {escape(item.skipped)}[/]")
        else:
            show_verdict(console, item.verdict, verbose)
    counts = ", ".join(f"{n} {label}" for label, n in sorted(report.counts.items()))
    console.print(f"\n[bold]Summary:[/] {len(report.checks)} claims: {counts}. {usage_line(report.usage)}; "
                  f"{report.seconds:.1f} s")


def counts_line(report: CheckReport) -> str:
    """The report's verdict counts for people: "1 refuted, 4 supported"."""
    return ", ".join(f"{n} {label.replace('_', ' ')}" for label, n in sorted(report.counts.items()))


def check_markdown(report: CheckReport) -> str:
    """The same report for people who read it outside a terminal."""
    lines = [f"# Fact-check: {report.title or report.article_id}", ""]
    outlet = report.outlet or "Unknown outlet"
    lines.append(f"{outlet}, {report.published or 'undated'} (article `{report.article_id}`)")
    lines.append("")
    lines += [f"**{len(report.checks)} claims:** {counts_line(report)}.", ""]
    for number, item in enumerate(report.checks, start=1):
        lines.append(f"## {number}. {item.claim.text}")
        lines.append("")
        lines.append(f"> {item.claim.source_sentence}")
        lines.append("")
        if item.verdict is None:
            lines += [f"*Skipped: {item.skipped}.*", ""]
            continue
        v = item.verdict
        lines += [f"**{v.label.replace('_', ' ').upper()}** (confidence {v.confidence:.2f}). {v.summary}", ""]
        for j in cited(v):
            c = j.citation
            assert c is not None
            lines.append(f"- *{j.stance}*: {c.outlet}, \"{c.title}\" ({c.published or 'undated'}): "
                         f"\"{c.quote}\" ({where(c.page, c.start, c.end)})")
            lines += [f"  - {line}" for line in detail_lines(j)]
            if agreed_kinds(j):
                lines.append(f"  - *{agreed_kinds(j)}*")
        lines.append("")
    lines.append(f"*{usage_line(report.usage)}; {report.seconds:.1f} s.*")
    return "\n".join(lines) + "\n"
