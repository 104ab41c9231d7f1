"""The ``factdesk`` command line: each command is a thin layer over the library."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

from . import __version__
from .errors import ConfigError, FactdeskError, UserInputError
from .settings import Settings, load_settings
from .untrusted import checkable_claim, clean_claim, visible_text

if TYPE_CHECKING:
    from .answer.explanation import Explanation
    from .corpus.store import Store
    from .verify.verdict import Verdict

# Each command imports what it runs when it runs: `factdesk --help` and a mistyped option load no store, no
# model client and no eval package (bench/startup.py times it).

app = typer.Typer(
    name="factdesk",
    help="Check claims against your own article collection, with quotes you can trace.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show each source's reasoning and the LLM usage.")]
ConcurrencyOpt = Annotated[
    int | None,
    typer.Option("--concurrency", "-j", min=1, max=64, help="Claims verified at once (default FACTDESK_CONCURRENCY)."),
]


def _settings() -> Settings:
    try:
        return load_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise ConfigError(f"invalid setting FACTDESK_{where.upper()}: {first['msg']}") from None


#: The stores a command opened, closed when it ends (a test runs many commands in one process).
_opened: list[Store] = []
#: Set by a command that only read (one `verify`): once its output is flushed and its stores closed, the process
#: leaves without the interpreter freeing spaCy's pipeline, the classifier and Chroma object by object (0.3 s of
#: a 2.9 s verify, measured). Nothing is written then, so nothing is lost.
_read_only: list[bool] = []


def _store(settings: Settings) -> Store:
    from .corpus.store import Store, quiet_chroma

    quiet_chroma()
    store = Store(settings)
    _opened.append(store)
    return store


def _require_articles(store: Store) -> None:
    if store.counts()[0] == 0:
        raise UserInputError(f"no articles are stored in {store.home}: run `factdesk ingest PATH` first")


def _version(value: bool) -> None:
    if value:
        out.print(f"factdesk {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """factdesk: a fact-checking assistant that runs offline on an embedded model."""


@app.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders or URLs (.txt, .md, .html, .jsonl; an RSS or Atom feed).")
    ],
    as_json: JsonOpt = False,
    max_items: Annotated[int, typer.Option("--max-items", min=1, help="A feed: at most this many entries.")] = 50,
    since: Annotated[
        str | None, typer.Option("--since", help="A feed: only entries published on or after DATE (YYYY-MM-DD).")
    ] = None,
    delay: Annotated[
        float, typer.Option("--delay", min=0.0, help="A feed: seconds between two page fetches.")
    ] = 1.0,
) -> None:
    """Add articles to the store; unchanged articles are skipped without re-embedding."""
    from .corpus.feeds import FeedOptions
    from .corpus.ingest import ingest as run_ingest
    from .report.terminal import ingest_json, show_ingest

    try:
        after = date.fromisoformat(since) if since else None
    except ValueError:
        raise UserInputError(f"--since must be a date such as 2026-03-01, not {since!r}") from None
    feed = FeedOptions(cap=max_items, since=after, delay=delay)
    settings = _settings()
    store = _store(settings)
    if as_json:
        summary = run_ingest(paths, store, feed=feed)
    else:
        with Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True,
        ) as progress:
            fetching = progress.add_task("fetching feed entries", total=None, visible=False)
            task = progress.add_task("embedding chunks", total=None)
            summary = run_ingest(
                paths, store, lambda done, total: progress.update(task, completed=done, total=total), feed,
                lambda done, total, _: progress.update(fetching, completed=done, total=total, visible=True),
            )
    for failure in summary.failures:
        err.print(f"skipped {failure.source}: {failure.reason}", highlight=False, markup=False)
    if as_json:
        print(ingest_json(summary, store))
    else:
        show_ingest(out, summary, store)
    if summary.failures and (summary.named_failed or not (summary.added or summary.unchanged)):
        raise typer.Exit(UserInputError.exit_code)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=50, help="How many passages.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Show the stored passages nearest to a query, with their sources."""
    from .report.terminal import hit_record, show_hits

    query = visible_text(query)
    if not query:
        raise UserInputError("the query is empty")
    settings = _settings()
    store = _store(settings)
    records = [hit_record(store, h) for h in store.query(query, limit)]
    if as_json:
        print(json.dumps(records, indent=2, ensure_ascii=False))
    elif not records:
        out.print("No passages stored yet: run `factdesk ingest PATH` first.")
    else:
        show_hits(out, records)


@app.command()
def verify(
    claim: Annotated[str | None, typer.Argument(help="The claim to check, in quotes.")] = None,
    as_json: JsonOpt = False,
    verbose: VerboseOpt = False,
    file: Annotated[
        str | None, typer.Option("--file", "-f", help="Verify every claim of a JSONL file (- for stdin).")
    ] = None,
    concurrency: ConcurrencyOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="terminal, or claimreview (schema.org JSON-LD).")] = "terminal",
    explain: Annotated[
        bool | None,
        typer.Option("--explain/--no-explain",
                     help="After the verdict, the LLM explains it from the cited sentences (default FACTDESK_EXPLAIN: "
                          "on in a terminal with an endpoint set, off for --json and the embedded model)."),
    ] = None,
) -> None:
    """Judge a claim against the stored articles: verdict, confidence and verbatim citations."""
    from .llm import LLM
    from .report.terminal import show_verdict, usage_line, verdict_data
    from .verify.verifier import verify as run_verify

    if fmt not in ("terminal", "claimreview"):
        raise UserInputError(f"--format must be terminal or claimreview, not {fmt!r}")
    if file is not None and fmt != "terminal":
        raise UserInputError("--format claimreview takes one claim, not --file")
    if explain and (file is not None or fmt != "terminal"):
        raise UserInputError("--explain explains one verdict, on the terminal or in --json; not --file or claimreview")
    if file is not None:
        if claim is not None:
            raise UserInputError("give one claim or --file, not both")
        _verify_file(file, as_json, verbose, concurrency)
        return
    if claim is None:
        raise UserInputError("give a claim to verify, in quotes, or --file CLAIMS.jsonl")
    claim = checkable_claim(claim)
    settings = _settings()
    store = _store(settings)
    _require_articles(store)
    llm = LLM(settings)
    try:
        verdict = run_verify(claim, store, llm, settings)
    finally:
        llm.close()
    _read_only.append(True)
    explaining = fmt == "terminal" and (
        explain if explain is not None else settings.explains(for_a_person=out.is_terminal and not as_json))
    if fmt == "claimreview":
        from .report.claimreview import claim_review

        print(json.dumps(claim_review(verdict, settings), indent=2, ensure_ascii=False))
    elif as_json:
        data = verdict_data(verdict)
        if explaining:
            explained = _explanation(verdict, settings, None, required=True)
            data["explanation"] = explained.model_dump(exclude={"passages"}) if explained else None
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        show_verdict(out, verdict, verbose)
        if not verbose:
            out.print(f"[dim]{usage_line(verdict.usage)}; {verdict.seconds:.1f} s[/]")
        if explaining:
            _explanation(verdict, settings, out, required=bool(explain) or settings.explain == "on")


def _explanation(verdict: Verdict, settings: Settings, console: Console | None, required: bool) -> Explanation | None:
    """The LLM's explanation of a verdict, streamed to ``console`` when given, its cost shown apart.

    Asked for (``--explain``, ``FACTDESK_EXPLAIN=on``), a failure is the command's error; by default (``auto``) the
    verdict already shown stands and one line says why there is no explanation.
    """
    from .answer.explanation import cited_passages, explain
    from .llm import LLM
    from .report.terminal import EXPLANATION_HEADER, show_explanation_end, streamed

    if not cited_passages(verdict):
        return None
    llm = LLM(settings)
    if console is not None:
        console.print(EXPLANATION_HEADER)
    try:
        result = explain(verdict, llm, on_text=streamed(console) if console is not None else None)
    except KeyboardInterrupt:
        if console is None:
            raise
        console.print("\n[dim](explanation stopped)[/]")
        return None
    except FactdeskError as exc:
        if required or console is None:
            raise
        console.print(f"[dim]No explanation: {escape(str(exc))}[/]")
        return None
    finally:
        llm.close()
    if console is not None and result is not None:
        show_explanation_end(console, result)
    return result


def _verify_file(path: str, as_json: bool, verbose: bool, concurrency: int | None) -> None:
    """Verify each claim of a JSONL file on a bounded pool; one result per line, in input order, then a summary.

    A malformed line or unusable claim gets a one-line warning and the others still run (exit 2 at the end);
    an endpoint failure ends the batch, since every later claim would meet it too.
    """
    from .llm import LLM, Usage
    from .report.terminal import batch_row, show_verdict, usage_line, verdict_data
    from .verify.batch import ClaimLine, in_order, read_claims
    from .verify.verifier import verify as run_verify

    lines = read_claims(path)
    settings = _settings()
    store = _store(settings)
    _require_articles(store)
    llm = LLM(settings)
    labels: Counter[str] = Counter()
    bad = 0
    total = Usage()
    started = time.perf_counter()

    def work(item: ClaimLine) -> Verdict:
        if item.error:
            raise UserInputError(item.error)
        return run_verify(item.claim, store, llm, settings)

    try:
        for item, outcome in in_order(lines, work, concurrency or settings.concurrency):
            head = {"line": item.line, **({"id": item.id} if item.id is not None else {})}
            if isinstance(outcome, UserInputError):
                bad += 1
                err.print(f"{path} line {item.line}: {outcome.message}", highlight=False, markup=False)
                if as_json:
                    print(json.dumps({**head, "error": outcome.message}, ensure_ascii=False), flush=True)
                continue
            if isinstance(outcome, FactdeskError):
                raise outcome
            labels[outcome.label] += 1
            total = total.plus(outcome.usage)
            if as_json:
                print(json.dumps({**head, **verdict_data(outcome)}, ensure_ascii=False), flush=True)
            elif verbose:
                show_verdict(out, outcome, verbose)
            else:
                out.print(batch_row(item.line, outcome), highlight=False, markup=False, soft_wrap=True)
    finally:
        llm.close()
    counts = ", ".join(f"{n} {label.replace('_', ' ')}" for label, n in labels.most_common())
    totals = (
        f"{len(lines)} claim(s): {counts or 'none verified'}{f', {bad} bad line(s)' if bad else ''}; "
        f"{usage_line(total)}; {time.perf_counter() - started:.1f} s"
    )
    (err if as_json else out).print(totals, highlight=False, markup=False, soft_wrap=True)
    if bad:
        raise typer.Exit(UserInputError.exit_code)


@app.command()
def extract(
    article: Annotated[str, typer.Argument(help="A file, or the id of a stored article.")],
    as_json: JsonOpt = False,
) -> None:
    """List an article's check-worthy claims, each with the exact span it comes from."""
    from .claims.check import resolve_article
    from .claims.extract import extract as run_extract
    from .llm import LLM
    from .report.terminal import show_claims, usage_line

    settings = _settings()
    store = _store(settings)
    source = resolve_article(article, store)
    llm = LLM(settings)
    try:
        claims = run_extract(llm, source, settings.concurrency)
    finally:
        llm.close()
    if as_json:
        print(json.dumps([c.model_dump() for c in claims], indent=2, ensure_ascii=False))
    else:
        show_claims(out, claims)
        out.print(f"[dim]{usage_line(llm.usage)}[/]")


@app.command()
def check(
    targets: Annotated[
        list[str], typer.Argument(help="Files, folders, URLs or feeds, and ids of stored articles.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One article's report per line (JSON Lines), printed as each finishes.")
    ] = False,
    fmt: Annotated[
        str, typer.Option("--format", help="terminal, markdown, html, or claimreview (schema.org JSON-LD).")
    ] = "terminal",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report (html, markdown, claimreview) to a file.")
    ] = None,
    min_worthiness: Annotated[
        float, typer.Option("--min-worthiness", min=0.0, max=1.0, help="Verify claims at least this check-worthy.")
    ] = 0.0,
    max_claims: Annotated[
        int | None, typer.Option("--max-claims", min=1, help="Verify at most this many per article.")
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Check again what an earlier run of the same command already checked.")
    ] = False,
    verbose: VerboseOpt = False,
    concurrency: ConcurrencyOpt = None,
) -> None:
    """Extract articles' claims and verify each against the rest of the corpus; a stopped run resumes."""
    from .claims.check import check_all, resolve_articles
    from .llm import LLM
    from .report.batch import batch_markdown, show_batch
    from .report.terminal import check_markdown, show_check

    if fmt not in ("terminal", "markdown", "html", "claimreview"):
        raise UserInputError(f"--format must be terminal, markdown, html or claimreview, not {fmt!r}")
    if output is not None and (fmt == "terminal" or as_json):
        raise UserInputError("--output writes --format html, markdown or claimreview")
    if output is not None and not output.parent.is_dir():
        raise UserInputError(f"--output {output}: no such folder {output.parent}")
    settings = _settings()
    store = _store(settings)
    articles = resolve_articles(targets, store)
    _require_articles(store)
    llm = LLM(settings)
    reports = []
    try:
        with Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            "ETA", TimeRemainingColumn(), console=err, transient=True, disable=len(articles) < 2,
        ) as progress:
            task = progress.add_task("checking articles", total=len(articles))
            found = 0
            for report in check_all(articles, store, llm, settings, min_worthiness, max_claims, concurrency, fresh):
                reports.append(report)
                found += len(report.checks)
                progress.update(task, advance=1, description=f"checking articles, {found} claims found")
                if as_json:
                    print(report.model_dump_json(), flush=True)
    finally:
        llm.close()
    if as_json:
        return
    if fmt == "terminal":
        if len(reports) == 1:
            show_check(out, reports[0], verbose)
        else:
            show_batch(out, reports)
        return
    if fmt == "claimreview":
        from .report.claimreview import check_reviews

        reviews = [review for report in reports for review in check_reviews(report, settings)]
        text = json.dumps(reviews, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        from .report.html import render

        text = render(reports, articles)
    else:
        text = check_markdown(reports[0]) if len(reports) == 1 else batch_markdown(reports)
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}", highlight=False, markup=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on; beyond this machine needs --token.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option("--token", help="Access token every request must carry ('auto' makes one and prints it); "
                                     "default FACTDESK_SERVE_TOKEN."),
    ] = None,
) -> None:
    """The desk in a browser: verify, check, ask and the corpus as local web pages."""
    from .serve.security import loopback, new_token

    settings = _settings()
    if token is None and settings.serve_token is not None:
        token = settings.serve_token.get_secret_value()
    if token == "auto":
        token = new_token()
    if token is not None and len(token) < 16:
        raise UserInputError("--token must be at least 16 characters (or 'auto')")
    if not loopback(host) and token is None:
        raise UserInputError(f"--host {host} lets other machines in: give --token VALUE (or --token auto, or "
                             "FACTDESK_SERVE_TOKEN)")
    import uvicorn

    from .serve.app import create_app

    web = create_app(settings, token)
    shown = "localhost" if loopback(host) else host
    link = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    err.print(f"factdesk serving {settings.home} at {link} (Ctrl-C stops)", highlight=False, markup=False)
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    as_json: JsonOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Answer a question from the stored articles, citing the passages it uses."""
    from .answer.answer import answer as run_answer
    from .answer.conversation import Conversation, Turn
    from .llm import LLM
    from .report.terminal import answer_json, show_answer, streamed, usage_line

    question = clean_claim(question, "question")
    settings = _settings()
    store = _store(settings)
    _require_articles(store)
    llm = LLM(settings)

    try:
        result = run_answer(question, store, llm, settings, on_text=None if as_json else streamed(out))
    finally:
        llm.close()
    Conversation(settings.home).add(
        Turn(kind="ask", question=question, standalone=result.standalone, answer=result.text,
             sources=[p.model_dump() for p in result.citations])
    )
    if as_json:
        print(answer_json(result))
        return
    out.print()
    show_answer(out, result, streamed=True)
    if verbose:
        out.print(f"[dim]{result.model}: {usage_line(result.usage)}; {result.seconds:.1f} s in all[/]")


@app.command()
def chat() -> None:
    """Talk with your articles: answers cite passages; /verify, /sources, /ingest and /help inside."""
    from .chat import ChatSession
    from .chat import run as run_chat
    from .llm import LLM

    settings = _settings()
    store = _store(settings)
    llm = LLM(settings)
    try:
        run_chat(ChatSession(settings, store, llm, out))
    finally:
        llm.close()


@app.command()
def conversations(
    name: Annotated[str | None, typer.Argument(help="A saved conversation's name (or prefix) to show.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List saved conversations, or show one."""
    from .answer.conversation import load, saved, summary

    home = _settings().home
    if name is None:
        rows = [summary(path) for path in saved(home)]
        if as_json:
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        elif not rows:
            out.print("No saved conversations yet: `factdesk chat` starts one.")
        for row in rows if not as_json else []:
            out.print(f"{row['name']}  {row['turns']} turn(s)  {row['first']}", markup=False, highlight=False)
        return
    turns = load(home, name)
    if as_json:
        print(json.dumps([t.model_dump() for t in turns], indent=2, ensure_ascii=False))
        return
    for turn in turns:
        mark = "/verify " if turn.kind == "verify" else ""
        out.print(f"[bold]> {mark}{escape(turn.question)}[/]  [dim]{turn.at}[/]")
        out.print(turn.answer, markup=False, highlight=False)
        for source in turn.sources:
            quote = escape(str(source.get("text") or source.get("quote")))
            out.print(f"    [dim]{escape(str(source.get('outlet')))}: “{quote}”[/]")


@app.command("eval")
def evaluate(
    cases: Annotated[
        list[Path] | None, typer.Option("--cases", help="Case files or folders (JSONL); default the cases in evals/.")
    ] = None,
    recordings: Annotated[
        Path | None,
        typer.Option("--recordings", help="Recorded model answers; default evals/recordings, or for --dataset "
                     "FACTDESK_RECORDINGS (outside the repository)."),
    ] = None,
    record: Annotated[bool, typer.Option("--record", help="Call the model for cases not yet recorded.")] = False,
    check_thresholds: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a metric is below its threshold.")
    ] = False,
    thresholds: Annotated[
        Path | None, typer.Option("--thresholds", help="Metric floors (JSON); default evals/thresholds.json.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write report.md with confusion and reliability PNGs here.")
    ] = None,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="A public benchmark by name (evals/README.md lists them).")
    ] = None,
    path: Annotated[Path | None, typer.Option("--path", help="The dataset's file or folder.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Dataset items to sample.")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the dataset sample.")] = 0,
    split: Annotated[
        str, typer.Option("--split", help="The dataset's declared side (evals/README.md): validation, test or all.")
    ] = "all",
    mode: Annotated[
        str, typer.Option("--mode", help="grounded: judge the dataset's evidence; open: ingest it and retrieve.")
    ] = "grounded",
    as_json: JsonOpt = False,
) -> None:
    """Measure verification and extraction on labelled cases, replaying recorded answers (offline, seconds)."""
    from .eval.command import evaluate as run_evaluation

    passed = run_evaluation(
        _settings(), out, err, cases=cases, recordings=recordings, record=record, check=check_thresholds,
        thresholds=thresholds, report=report, dataset=dataset, path=path, limit=limit, seed=seed, split=split,
        mode=mode, as_json=as_json,
    )
    if not passed:
        raise typer.Exit(1)


@app.command()
def endpoint(as_json: JsonOpt = False) -> None:
    """Check the configured model endpoint: reachable, model, structured output, streaming, logprobs, context."""
    from .llm.probe import probe

    result = probe(_settings())
    if as_json:
        print(json.dumps(result.model_dump(), indent=2, ensure_ascii=False))
    else:
        for line in result.capabilities:
            mark = {True: "[green]ok[/]  ", False: "[red]no[/]  ", None: "[dim]--[/]  "}[line.ok]
            fix = f"  [yellow]({escape(line.fix)})[/]" if line.fix and not line.ok else ""
            out.print(f"{mark}{line.name:<18} {escape(line.detail)}{fix}", highlight=False)
    if not result.usable:
        raise typer.Exit(4)


@app.command()
def articles(as_json: JsonOpt = False) -> None:
    """List the stored articles."""
    store = _store(_settings())
    rows = [
        {"id": a.id, "outlet": a.outlet, "title": a.title, "published": a.published, "url": a.url,
         "chars": len(a.text),
         "fictional": a.fictional, "source": a.source}
        for a in store.articles()
    ]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        out.print(f"{r['id']}  {r['published'] or '----------'}  {r['outlet'] or '?'}: {r['title']}", highlight=False)


def _quiet_libraries() -> None:
    """No library's log line reaches the terminal (instructor logs every failed attempt): our one-line errors say it.

    FACTDESK_DEBUG=1 lets them through.
    """
    if not os.environ.get("FACTDESK_DEBUG"):
        logging.disable(logging.CRITICAL)


def run() -> None:
    """The commands, with our errors as one line on stderr and a documented exit code; in-process (tests) too."""
    _quiet_libraries()
    _read_only.clear()
    try:
        app()
    except FactdeskError as exc:
        err.print(f"error: {exc.message}", highlight=False, markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("FACTDESK_DEBUG"):
            raise
        message = f"internal error: {type(exc).__name__}: {exc} (FACTDESK_DEBUG=1 shows the traceback)"
        err.print(message, highlight=False, markup=False)
        sys.exit(70)
    finally:
        while _opened:
            _opened.pop().close()


def main() -> None:
    """Entry point of the `factdesk` process: :func:`run`, then a quick exit after a command that only read."""
    try:
        run()
    except SystemExit as exc:
        if not (_read_only and isinstance(exc.code, int | None)):
            raise
        code = exc.code or 0
    else:
        code = 0
        if not _read_only:
            return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
