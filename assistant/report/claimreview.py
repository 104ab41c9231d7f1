"""Verdicts as schema.org ClaimReview JSON-LD: the markup fact-checkers publish and search engines read.

Our four labels map to a 1-5 rating scale and a rating text:

| label | ratingValue | alternateName |
|---|---|---|
| supported | 5 | Supported |
| conflicting | 3 | Disputed by sources |
| refuted | 1 | Refuted |
| not_enough_evidence | (none) | Not enough evidence |

A verdict with not enough evidence is not a rating on the scale, so it gets
the text alone. The calibrated confidence and the number of sources go in
``ratingExplanation``. ``reviewBody`` is the summary followed by each cited
source's differences from the claim, one line each (the details reader's,
naming the outlet). Each verbatim quote a verdict rests on is a
``citation``: the source article (headline, outlet as publisher, date, URL)
with the quoted sentence as its ``text``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from ..claims.check import CheckReport
from ..settings import Settings
from ..verify.verdict import Citation, Verdict
from .differences import verdict_differences

RATINGS: dict[str, tuple[int | None, str]] = {
    "supported": (5, "Supported"),
    "conflicting": (3, "Disputed by sources"),
    "refuted": (1, "Refuted"),
    "not_enough_evidence": (None, "Not enough evidence"),
}


def _organization(name: str) -> dict[str, Any]:
    return {"@type": "Organization", "name": name}


def _source(citation: Citation) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "NewsArticle", "headline": citation.title or "untitled",
                            "text": citation.quote}
    if citation.outlet:
        work["publisher"] = _organization(citation.outlet)
    if citation.published:
        work["datePublished"] = citation.published
    if citation.url:
        work["url"] = citation.url
    return work


def _rating(verdict: Verdict) -> dict[str, Any]:
    value, name = RATINGS[verdict.label]
    sources = len({j.article_id for j in verdict.judgements if j.stance != "irrelevant"})
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": name,
        "ratingExplanation": f"{verdict.summary} Confidence {verdict.confidence:.2f}; {sources} source(s) weighed.",
    }
    if value is not None:
        rating.update(ratingValue=value, bestRating=5, worstRating=1)
    return rating


def claim_review(
    verdict: Verdict, settings: Settings, number: int = 1, appearance: dict[str, Any] | None = None,
    today: str | None = None,
) -> dict[str, Any]:
    """One ClaimReview for one verdict; ``appearance`` is the article the claim was found in, when known."""
    key = hashlib.sha256(verdict.claim.encode("utf-8")).hexdigest()[:16]
    url = f"{settings.review_url.rstrip('#')}#claim-{number}" if settings.review_url else f"urn:factdesk:claim:{key}"
    claim: dict[str, Any] = {"@type": "Claim", "text": verdict.claim}
    if appearance:
        claim["appearance"] = [appearance]
        if appearance.get("datePublished"):
            claim["datePublished"] = appearance["datePublished"]
        if appearance.get("publisher"):
            claim["author"] = appearance["publisher"]
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": verdict.claim,
        "itemReviewed": claim,
        "reviewRating": _rating(verdict),
        "reviewBody": "\n".join([verdict.summary, *verdict_differences(verdict)]),
        "author": _organization(settings.review_author),
        "datePublished": today or datetime.now(UTC).date().isoformat(),
    }
    cited = [_source(c) for c in verdict.citations]
    if cited:
        review["citation"] = cited
    return review


def check_reviews(report: CheckReport, settings: Settings, today: str | None = None) -> list[dict[str, Any]]:
    """A ClaimReview for each verified claim of an article's check, the article as where the claim appeared."""
    appearance: dict[str, Any] = {"@type": "NewsArticle", "headline": report.title or "untitled"}
    if report.url:
        appearance["url"] = report.url
    if report.outlet:
        appearance["publisher"] = _organization(report.outlet)
    if report.published:
        appearance["datePublished"] = report.published
    verified = [c.verdict for c in report.checks if c.verdict is not None]
    return [claim_review(v, settings, n, appearance, today) for n, v in enumerate(verified, start=1)]
