"""An evaluation run shown: tables on the terminal, or a markdown report with confusion and reliability PNGs.

matplotlib is an optional extra (``pip install 'factdesk[report]'``); only
``factdesk eval --report`` needs it, and it draws with the Agg backend, so no
display is required.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import ConfigError
from .answers import AnswerMetrics, AnswerResult
from .extraction import ExtractMetrics, ExtractResult
from .runner import EvalRun
from .verification import LABELS, CaseResult, Metrics

CONFUSION_PNG = "confusion.png"
RELIABILITY_PNG = "reliability.png"


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ConfigError("--report needs matplotlib: pip install 'factdesk[report]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def confusion_png(metrics: Metrics, path: Path, title: str) -> None:
    plt = _pyplot()
    grid = [[metrics.confusion[gold][predicted] for predicted in LABELS] for gold in LABELS]
    names = [label.replace("_", " ") for label in LABELS]
    fig, ax = plt.subplots(figsize=(6.4, 5.2), dpi=100)
    image = ax.imshow(grid, cmap="Blues")
    top = max(max(row) for row in grid) or 1
    for i, row in enumerate(grid):
        for j, count in enumerate(row):
            ax.text(j, i, str(count), ha="center", va="center", color="white" if count > top / 2 else "black")
    ax.set_xticks(range(len(names)), names, rotation=20, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"{title}: confusion ({metrics.scored} cases)")
    fig.colorbar(image, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def reliability_png(metrics: Metrics, path: Path, title: str) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.6, 5.2), dpi=100)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    bins = metrics.reliability
    if bins:
        ax.bar([(b.low + b.high) / 2 for b in bins], [b.accuracy for b in bins], width=0.09, alpha=0.35,
               color="tab:blue", label="accuracy per bin")
        ax.plot([b.confidence for b in bins], [b.accuracy for b in bins], marker="o", color="tab:blue",
                label="mean confidence vs accuracy")
        for b in bins:
            ax.annotate(str(b.count), ((b.low + b.high) / 2, b.accuracy), textcoords="offset points",
                        xytext=(0, 4), ha="center", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{title}: reliability (ECE {metrics.ece:.3f})")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return [*lines, ""]


def markdown(run: EvalRun, images: bool = True) -> str:
    lines = [f"# {run.title}", "", f"Written {datetime.now(UTC).isoformat(timespec='seconds')}.", ""]
    lines += [f"- {line}" for line in run.about] + [""]
    m = run.verify
    if m is not None:
        lines += ["## Verification", ""]
        lines += _table(["metric", "value"], [
            ["cases scored", f"{m.scored}/{m.cases}"],
            ["accuracy (95% bootstrap interval)",
             f"{m.accuracy:.3f} ({m.accuracy_interval[0]:.2f}-{m.accuracy_interval[1]:.2f})"],
            ["macro-F1", f"{m.macro_f1:.3f}"],
            ["balanced accuracy", f"{m.balanced_accuracy:.3f}"],
            ["ECE (10 bins)", f"{m.ece:.3f}"],
            ["quote validity (by construction: below 1 is a bug)", f"{m.quote_validity:.3f}"],
            ["citation precision", f"{m.citation_precision:.3f}"],
            ["gold evidence cited (cases with gold evidence)", f"{m.evidence_recall:.3f}"],
            ["LLM calls per case", f"{m.calls_per_case:.1f}"],
            ["tokens per case (prompt + completion)",
             f"{m.prompt_tokens_per_case:.0f} + {m.completion_tokens_per_case:.0f}"],
            ["model seconds per case (recorded)", f"{m.model_seconds_per_case:.1f}"],
        ])
        lines += ["### Per label", ""]
        lines += _table(["label", "precision", "recall", "F1", "support"], [
            [name, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support)]
            for name, s in m.per_label.items()
        ])
        lines += ["### Confusion (rows gold, columns predicted)", ""]
        if images:
            lines += [f"![confusion matrix]({CONFUSION_PNG})", ""]
        grid = [[g, *(str(m.confusion[g][p]) for p in LABELS)] for g in LABELS]
        lines += _table(["gold \\ predicted", *LABELS], grid)
        lines += ["### Reliability", ""]
        if images:
            lines += [f"![reliability diagram]({RELIABILITY_PNG})", ""]
        lines += _table(["confidence bin", "cases", "mean confidence", "accuracy"], [
            [f"{b.low:.1f}-{b.high:.1f}", str(b.count), f"{b.confidence:.2f}", f"{b.accuracy:.2f}"]
            for b in m.reliability
        ])
        lines += ["### Cases", ""]
        lines += _table(["case", "gold", "predicted", "confidence", "citations (gold)", "calls", "claim"], [
            [r.id, r.gold, r.predicted or "stale", f"{r.confidence:.2f}", f"{r.citations} ({r.gold_citations})",
             str(r.calls), r.claim]
            for r in run.verify_results
        ])
    x = run.extract
    if x is not None:
        lines += ["## Extraction", ""]
        lines += _table(["metric", "value"], [
            ["articles scored", f"{x.scored}/{x.articles}"],
            ["claim recall", f"{x.claim_recall:.3f} ({x.gold_claims} gold claims)"],
            ["claim precision", f"{x.claim_precision:.3f} ({x.extracted_claims} extracted)"],
            ["claim F1", f"{x.claim_f1:.3f}"],
            ["span validity (by construction: below 1 is a bug)", f"{x.span_validity:.3f}"],
            ["LLM calls per article", f"{x.calls_per_article:.1f}"],
            ["model seconds per article (recorded)", f"{x.model_seconds_per_article:.1f}"],
        ])
        lines += _table(["case", "article", "gold", "extracted", "gold found", "extracted matching", "invalid spans"], [
            [r.id, r.title, str(r.gold), str(r.predicted), str(r.matched_gold), str(r.matched_predicted),
             str(r.invalid_spans)]
            for r in run.extract_results
        ])
    a = run.answer
    if a is not None:
        lines += ["## Answers", ""]
        lines += _table(["metric", "value"], [
            ["questions scored", f"{a.scored}/{a.cases}"],
            ["correct (every gold fact, or abstained when unanswerable)", f"{a.correct:.3f}"],
            ["fact recall (answerable questions)", f"{a.fact_recall:.3f}"],
            ["answered (answerable questions)", f"{a.answer_rate:.3f}"],
            ["abstained (unanswerable questions)", f"{a.abstention:.3f}"],
            ["gold source cited", f"{a.source_recall:.3f}"],
            ["citation precision", f"{a.citation_precision:.3f}"],
            ["passage validity (by construction: below 1 is a bug)", f"{a.passage_validity:.3f}"],
            ["disputed questions: both sides in the answer's text", f"{a.both_sides_text:.3f}"],
            ["disputed questions: both sides shown (text or the check's quotes)", f"{a.both_sides:.3f}"],
            ["answers flagged by the review", f"{a.flagged:.3f}"],
            ["LLM calls per question", f"{a.calls_per_case:.1f}"],
            ["model seconds per question (recorded)", f"{a.model_seconds_per_case:.1f}"],
        ])
        lines += _table(["case", "question", "facts found", "cited (gold)", "answer"], [
            [r.id, r.question, "stale" if r.stale else f"{r.facts_found}/{r.facts}", f"{r.cited} ({r.cited_gold})",
             " ".join(r.answer.split())]
            for r in run.answer_results
        ])
        disputed = [r for r in run.answer_results if r.sides]
        if disputed:
            lines += ["### Disputed questions", ""]
            lines += _table(["case", "sides", "in the answer's text", "shown (text or check quotes)"], [
                [r.id, str(r.sides), str(r.sides_in_text), str(r.sides_shown)] for r in disputed
            ])
    return "\n".join(lines)


def write_report(run: EvalRun, folder: Path) -> list[Path]:
    """report.md, and the two PNGs when there are verification results; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if run.verify is not None:
        confusion_png(run.verify, folder / CONFUSION_PNG, run.title)
        reliability_png(run.verify, folder / RELIABILITY_PNG, run.title)
        written += [folder / CONFUSION_PNG, folder / RELIABILITY_PNG]
    report = folder / "report.md"
    report.write_text(markdown(run, images=run.verify is not None), encoding="utf-8")
    return [report, *written]


def show_eval(console: Console, results: list[CaseResult], metrics: Metrics) -> None:
    table = Table(title="Cases")
    for column in ("case", "gold", "predicted", "conf", "calls", ""):
        table.add_column(column)
    for r in results:
        mark = "[green]ok[/]" if r.correct else ("[yellow]stale[/]" if r.predicted is None else "[red]wrong[/]")
        table.add_row(r.id, r.gold, r.predicted or "-", f"{r.confidence:.2f}", str(r.calls), mark)
    console.print(table)
    confusion = Table(title="Confusion (rows gold, columns predicted)")
    confusion.add_column("")
    for label in LABELS:
        confusion.add_column(label[:12])
    for gold in LABELS:
        confusion.add_row(gold, *(str(metrics.confusion[gold][p]) for p in LABELS))
    console.print(confusion)
    scores = Table(title="Per label")
    for column in ("label", "precision", "recall", "f1", "support"):
        scores.add_column(column)
    for name, s in metrics.per_label.items():
        scores.add_row(name, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support))
    console.print(scores)
    low, high = metrics.accuracy_interval
    console.print(
        f"accuracy {metrics.accuracy:.3f} (95% interval {low:.2f}-{high:.2f})  macro-F1 {metrics.macro_f1:.3f}  "
        f"balanced accuracy {metrics.balanced_accuracy:.3f}  ECE {metrics.ece:.3f}  "
        f"quote validity {metrics.quote_validity:.3f}  "
        f"citation precision {metrics.citation_precision:.3f}  gold evidence cited {metrics.evidence_recall:.3f}\n"
        f"per case: {metrics.calls_per_case:.1f} LLM calls, {metrics.prompt_tokens_per_case:.0f} prompt + "
        f"{metrics.completion_tokens_per_case:.0f} completion tokens, {metrics.model_seconds_per_case:.1f} s "
        f"in the model (recorded); {metrics.scored}/{metrics.cases} cases scored"
    )


def show_extract(console: Console, results: list[ExtractResult], metrics: ExtractMetrics) -> None:
    table = Table(title="Extraction")
    for column in ("case", "article", "gold", "extracted", "gold found", "matching", "bad spans"):
        table.add_column(column)
    for r in results:
        if r.stale:
            table.add_row(r.id, escape(r.title), str(r.gold), "[yellow]stale[/]", "-", "-", "-")
        else:
            table.add_row(r.id, escape(r.title), str(r.gold), str(r.predicted), str(r.matched_gold),
                          str(r.matched_predicted), str(r.invalid_spans))
    console.print(table)
    console.print(
        f"claim recall {metrics.claim_recall:.3f}  claim precision {metrics.claim_precision:.3f}  "
        f"F1 {metrics.claim_f1:.3f}  span validity {metrics.span_validity:.3f}\n"
        f"per article: {metrics.calls_per_article:.1f} LLM calls, {metrics.model_seconds_per_article:.1f} s in "
        f"the model (recorded); {metrics.scored}/{metrics.articles} articles scored"
    )


def show_answers(console: Console, results: list[AnswerResult], metrics: AnswerMetrics) -> None:
    table = Table(title="Answers")
    for column in ("case", "question", "answerable", "answered", "facts found", "cited (gold)", "flagged"):
        table.add_column(column)
    for r in results:
        if r.stale:
            table.add_row(r.id, escape(r.question), "yes" if r.answerable else "no", "[yellow]stale[/]", "-", "-", "-")
            continue
        mark = "[green]" if r.correct else "[red]"
        table.add_row(r.id, escape(r.question), "yes" if r.answerable else "no",
                      f"{mark}{'yes' if r.answered else 'no'}[/]", f"{r.facts_found}/{r.facts}",
                      f"{r.cited} ({r.cited_gold})", str(len(r.problems)) if r.problems else "")
    console.print(table)
    console.print(
        f"correct {metrics.correct:.3f}  fact recall {metrics.fact_recall:.3f}  answered {metrics.answer_rate:.3f}  "
        f"abstained when unanswerable {metrics.abstention:.3f}\n"
        f"gold source cited {metrics.source_recall:.3f}  citation precision {metrics.citation_precision:.3f}  "
        f"passage validity {metrics.passage_validity:.3f}  answers flagged {metrics.flagged:.3f}\n"
        f"per question: {metrics.calls_per_case:.1f} LLM calls, {metrics.prompt_tokens_per_case:.0f} + "
        f"{metrics.completion_tokens_per_case:.0f} tokens, {metrics.model_seconds_per_case:.1f} s in the model "
        f"(recorded); {metrics.scored}/{metrics.cases} questions scored"
    )


def show_eval_run(console: Console, run: EvalRun) -> None:
    for line in run.about:
        console.print(f"[dim]{escape(line)}[/]")
    if run.verify is not None:
        show_eval(console, run.verify_results, run.verify)
    if run.extract is not None:
        show_extract(console, run.extract_results, run.extract)
    if run.answer is not None:
        show_answers(console, run.answer_results, run.answer)
