"""Retrieve evidence for a claim: the nearest chunks, spread over several articles, cut to sentences.

One article may hold all of the nearest chunks; taking the best article first
and then the next best *other* article gives the judge several voices. The
sentences most similar to the claim are kept, so prompts stay short.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .article import Article
from .chunking import Span, sentences
from .embedding import get_embedder
from .store import Store

MIN_SCORE = 0.2


@dataclass(frozen=True)
class Evidence:
    """Sentences of one article chosen for a claim, in document order."""

    article: Article
    spans: list[Span]
    score: float

    @property
    def sentences(self) -> list[str]:
        return [self.article.text[s.start : s.end] for s in self.spans]


def _is_sentence(text: str) -> bool:
    return text.rstrip("\"'”’)").endswith((".", "!", "?", ":"))


def retrieve(
    store: Store,
    claim: str,
    sources: int,
    per_source: int,
    exclude: str | None = None,
    min_score: float = MIN_SCORE,
) -> list[Evidence]:
    """Up to ``sources`` articles, best first, each with up to ``per_source`` sentences."""
    hits = [h for h in store.query(claim, n=sources * 4, exclude=exclude) if h.score >= min_score]
    by_article: dict[str, list[Span]] = {}
    best: dict[str, float] = {}
    for hit in hits:
        if hit.chunk.article_id not in by_article and len(by_article) >= sources:
            continue
        by_article.setdefault(hit.chunk.article_id, []).append(Span(hit.chunk.start, hit.chunk.end))
        best[hit.chunk.article_id] = max(best.get(hit.chunk.article_id, -1.0), hit.score)
    if not by_article:
        return []
    embedder = get_embedder(store.settings.embed_threads)
    claim_vector = embedder.embed([claim])[0]
    evidence = []
    for article_id, chunk_spans in by_article.items():
        article = store.article(article_id)
        inside = [
            s
            for s in sentences(article.text)
            if any(c.start <= s.start and s.end <= c.end for c in chunk_spans) and s.end - s.start >= 20
        ]
        # Headlines and subheadings (no closing punctuation) are weak evidence; keep them only as a last resort.
        candidates = [s for s in inside if _is_sentence(article.text[s.start : s.end])] or inside
        if not candidates:
            continue
        vectors = embedder.embed([article.text[s.start : s.end] for s in candidates])
        scores = vectors @ claim_vector
        order = np.argsort(-scores)[:per_source]
        chosen = sorted((candidates[i] for i in order), key=lambda s: s.start)
        evidence.append(Evidence(article, chosen, best[article_id]))
    return sorted(evidence, key=lambda e: -e.score)
