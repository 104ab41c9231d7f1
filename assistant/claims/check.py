"""Check whole articles: extract their claims, verify each factual one against the rest of the corpus.

Several articles make one run (``check_all``): each article's work is kept as
it happens (:mod:`.journal`), so a run killed midway and started again
reports every article exactly once and verifies no claim twice.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..corpus.article import Article
from ..corpus.loaders import MB, load
from ..corpus.store import Store
from ..errors import FactdeskError, UserInputError
from ..llm import LLM
from ..llm.usage import Usage
from ..settings import Settings
from ..verify.batch import in_order
from ..verify.verdict import Verdict
from ..verify.verifier import verify
from .extract import Claim, extract
from .journal import ArticleJournal, Journal

#: Verdicts in the order a desk reads them: what the sources contradict first.
URGENCY = {"refuted": 0, "conflicting": 1, "not_enough_evidence": 2, "supported": 3}


class ClaimCheck(BaseModel):
    claim: Claim
    verdict: Verdict | None = None
    skipped: str = ""


class CheckReport(BaseModel):
    article_id: str
    title: str
    outlet: str
    published: str | None
    url: str = ""
    checks: list[ClaimCheck]
    counts: dict[str, int]
    usage: Usage
    seconds: float
    #: Wall-clock seconds of the two stages (0 for a stage taken from a kept result).
    extract_seconds: float = 0.0
    verify_seconds: float = 0.0
    #: Taken from the kept results of an earlier run of the same command (nothing redone).
    resumed: bool = False


def _from_store(target: str, store: Store) -> Article | None:
    if len(target) < 6:
        return None
    matches = store.find(target)
    if len(matches) > 1:
        raise UserInputError(f"{target} matches {len(matches)} stored articles; give more of the id")
    return store.article(matches[0]) if matches else None


def resolve_articles(targets: list[str], store: Store) -> list[Article]:
    """The articles named by files, folders, URLs or feeds, and stored article ids (a unique prefix of 6+ characters).

    An article named twice is checked once; a target that yields nothing is an error naming it.
    """
    articles: dict[str, Article] = {}
    for target in targets:
        local = Path(target).expanduser().exists()
        stored = None if local or target.startswith(("http://", "https://")) else _from_store(target, store)
        if stored is not None:
            articles.setdefault(stored.id, stored)
            continue
        if not local and not target.startswith(("http://", "https://")):
            raise UserInputError(f"{target}: no such file, and no stored article has that id")
        loaded = load(target, store.settings.max_file_mb * MB)
        if loaded.failures and not loaded.articles:
            failure = loaded.failures[0]
            raise UserInputError(f"{failure.source}: {failure.reason}")
        for article in loaded.articles:
            articles.setdefault(article.id, article)
    return list(articles.values())


def resolve_article(target: str, store: Store) -> Article:
    """One article from a file path, or from the store by id (a unique prefix of at least 6 characters)."""
    articles = resolve_articles([target], store)
    if len(articles) != 1:
        raise UserInputError(f"{target} holds {len(articles)} articles; give one file or an article id")
    return articles[0]


def check(
    article: Article, store: Store, llm: LLM, settings: Settings, min_worthiness: float = 0.0,
    max_claims: int | None = None, concurrency: int | None = None, journal: ArticleJournal | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckReport:
    """Extract, then verify factual claims at least ``min_worthiness`` check-worthy (the most first if capped).

    The claims are verified ``concurrency`` at a time (default: the setting); the report keeps their order.
    With a ``journal``, what it holds is not done again and what is done is kept in it. ``progress`` hears
    (claims verified, claims to verify) after extraction and after each verdict.
    """
    started = time.perf_counter()
    pool = concurrency or settings.concurrency
    # Extraction's calls run on a pool of threads, which a thread's own measure would not see; a check runs
    # one article at a time, so the calls made meanwhile are this extraction's.
    before = llm.usage.model_copy()
    claims = journal.claims if journal is not None else None
    if claims is None:
        claims = extract(llm, article, pool)
        if journal is not None:
            journal.keep_claims(claims)
    usage = llm.usage.since(before)
    extracted = time.perf_counter()
    checks = [ClaimCheck(claim=c) for c in claims]
    eligible = []
    for item in checks:
        if item.claim.kind != "fact":
            item.skipped = f"{item.claim.kind}, not checked as a fact"
        elif item.claim.checkworthiness < min_worthiness:
            item.skipped = f"check-worthiness {item.claim.checkworthiness:.2f} is below {min_worthiness:.2f}"
        else:
            eligible.append(item)
    if max_claims is not None:
        keep = sorted(eligible, key=lambda i: -i.claim.checkworthiness)[:max_claims]
        for item in eligible:
            if item not in keep:
                item.skipped = f"beyond the {max_claims} most check-worthy claims"
        eligible = keep
    numbers = {id(item): number for number, item in enumerate(checks)}
    done = journal.verdicts if journal is not None else {}
    for item in eligible:
        item.verdict = done.get(numbers[id(item)])
    todo = [item for item in eligible if item.verdict is None]
    if progress is not None:
        progress(len(eligible) - len(todo), len(eligible))
    verified = in_order(todo, lambda i: verify(i.claim.text, store, llm, settings, exclude=article.id), pool)
    for item, outcome in verified:
        if isinstance(outcome, FactdeskError):
            raise outcome
        item.verdict = outcome
        if journal is not None:
            journal.keep_verdict(numbers[id(item)], outcome)
        usage = usage.plus(outcome.usage)
        if progress is not None:
            progress(sum(1 for i in eligible if i.verdict is not None), len(eligible))
    counts = Counter(i.verdict.label if i.verdict else "skipped" for i in checks)
    report = CheckReport(
        article_id=article.id, title=article.title, outlet=article.outlet, published=article.published,
        url=article.url, checks=checks, counts=dict(counts), usage=usage,
        seconds=round(time.perf_counter() - started, 3), extract_seconds=round(extracted - started, 3),
        verify_seconds=round(time.perf_counter() - extracted, 3),
    )
    if journal is not None:
        journal.keep_report(report.model_dump(mode="json"))
    return report


def run_setting(settings: Settings, store: Store, min_worthiness: float, max_claims: int | None) -> dict[str, Any]:
    """What a check's result depends on: the same setting resumes a run, any change starts afresh."""
    return {
        "model": settings.model, "base_url": settings.base_url, "gguf": settings.gguf, "judge": settings.judge,
        "details": settings.details, "sources": settings.sources, "sentences": settings.sentences,
        "min_worthiness": min_worthiness, "max_claims": max_claims, "corpus": store.table.fingerprint(),
    }


def check_all(
    articles: list[Article], store: Store, llm: LLM, settings: Settings, min_worthiness: float = 0.0,
    max_claims: int | None = None, concurrency: int | None = None, fresh: bool = False,
    started: Callable[[Article], None] | None = None, progress: Callable[[int, int], None] | None = None,
) -> Iterator[CheckReport]:
    """Each article's report in order, resumed from ``HOME/checks`` where an earlier run of the same setting got to.

    ``fresh`` ignores what was kept (and starts the record again). ``started`` is told of each article before
    its work begins, ``progress`` of its claims (for a progress display).
    """
    journal = Journal(settings.home, run_setting(settings, store, min_worthiness, max_claims))
    for article in articles:
        if started is not None:
            started(article)
        kept = journal.article(article.id)
        if fresh and kept.path.exists():
            kept.path.unlink()
            kept = journal.article(article.id)
        if kept.report is not None:
            yield CheckReport.model_validate({**kept.report, "resumed": True})
            continue
        yield check(article, store, llm, settings, min_worthiness, max_claims, concurrency, kept, progress)


def most_urgent(reports: list[CheckReport], limit: int = 10) -> list[tuple[CheckReport, int, ClaimCheck]]:
    """The claims a desk should read first: refuted, then disputed, each the most check-worthy first."""
    found = [
        (report, number, item) for report in reports for number, item in enumerate(report.checks, start=1)
        if item.verdict is not None and item.verdict.label in ("refuted", "conflicting")
    ]
    found.sort(key=lambda x: (URGENCY[x[2].verdict.label], -x[2].claim.checkworthiness))  # type: ignore[union-attr]
    return found[:limit]
