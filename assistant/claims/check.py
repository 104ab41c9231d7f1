"""Check a whole article: extract its claims, verify each factual one against the rest of the corpus."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

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


def resolve_article(target: str, store: Store) -> Article:
    """An article from a file path, or from the store by id (a unique prefix of at least 6 characters)."""
    if Path(target).expanduser().exists():
        loaded = load(target, store.settings.max_file_mb * MB)
        if loaded.failures and not loaded.articles:
            failure = loaded.failures[0]
            raise UserInputError(f"{failure.source}: {failure.reason}")
        if len(loaded.articles) != 1:
            raise UserInputError(f"{target} holds {len(loaded.articles)} articles; give one file or an article id")
        return loaded.articles[0]
    if len(target) >= 6:
        matches = store.find(target)
        if len(matches) == 1:
            return store.article(matches[0])
        if len(matches) > 1:
            raise UserInputError(f"{target} matches {len(matches)} stored articles; give more of the id")
    raise UserInputError(f"{target}: no such file, and no stored article has that id")


def check(
    article: Article, store: Store, llm: LLM, settings: Settings, min_worthiness: float = 0.5,
    max_claims: int | None = None, concurrency: int | None = None,
) -> CheckReport:
    """Extract, then verify factual claims above ``min_worthiness`` (most check-worthy first if capped).

    The claims are verified ``concurrency`` at a time (default: the setting); the report keeps their order.
    """
    started = time.perf_counter()
    with llm.measure() as usage:
        checks = [ClaimCheck(claim=c) for c in extract(llm, article)]
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
    pool = concurrency or settings.concurrency
    verified = in_order(eligible, lambda i: verify(i.claim.text, store, llm, settings, exclude=article.id), pool)
    for item, outcome in verified:
        if isinstance(outcome, FactdeskError):
            raise outcome
        item.verdict = outcome
        usage = usage.plus(outcome.usage)
    counts = Counter(i.verdict.label if i.verdict else "skipped" for i in checks)
    return CheckReport(
        article_id=article.id, title=article.title, outlet=article.outlet, published=article.published,
        url=article.url, checks=checks, counts=dict(counts), usage=usage,
        seconds=round(time.perf_counter() - started, 3),
    )
