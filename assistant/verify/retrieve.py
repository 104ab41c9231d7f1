"""Retrieve evidence for a claim: the nearest chunks, spread over several articles, cut to sentences.

Dense vectors find paraphrases, BM25 finds the exact numbers and names; the
two rankings are fused. One article (or outlet) may hold all of the nearest
chunks, so articles are taken best first, one per outlet before any outlet
gets a second. The sentences most similar to the claim are kept, so prompts
stay short.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..corpus.article import Article
from ..corpus.chunking import Span, is_sentence, sentences
from ..corpus.embedding import get_embedder
from ..corpus.lexical import fuse
from ..corpus.store import Store
from ..untrusted import looks_like_instructions

MIN_SCORE = 0.2


@dataclass(frozen=True)
class Evidence:
    """Sentences of one article chosen for a claim, in document order; ``score`` is 1/(1+rank)."""

    article: Article
    spans: list[Span]
    score: float

    @property
    def sentences(self) -> list[str]:
        return [self.article.text[s.start : s.end] for s in self.spans]


def _diversify(article_ids: list[str], outlets: dict[str, str], limit: int) -> list[str]:
    """Best-first articles, one per outlet first, so no single outlet fills every slot."""
    chosen: list[str] = []
    seen: set[str] = set()
    for article_id in article_ids:
        outlet = outlets[article_id] or article_id
        if outlet not in seen and len(chosen) < limit:
            chosen.append(article_id)
            seen.add(outlet)
    for article_id in article_ids:
        if article_id not in chosen and len(chosen) < limit:
            chosen.append(article_id)
    return sorted(chosen, key=article_ids.index)


def retrieve(
    store: Store,
    claim: str,
    sources: int,
    per_source: int,
    exclude: str | None = None,
    min_score: float = MIN_SCORE,
) -> list[Evidence]:
    """Up to ``sources`` articles, best first, each with up to ``per_source`` sentences.

    Dense and BM25 rankings are fused (reciprocal rank fusion); if no dense hit
    reaches ``min_score`` the corpus does not address the claim and nothing is
    returned, so no model call is spent on it.
    """
    embedder = get_embedder(store.settings.embed_threads)
    claim_vector = embedder.embed([claim])[0]
    hits = store.query(claim, n=sources * 4, exclude=exclude, vector=claim_vector)
    dense = [h for h in hits if h.score >= min_score]
    if not dense:
        return []
    lexical = store.lexical().search(claim, n=sources * 4, exclude=exclude)
    # The dense hits are of complete articles (Store.query); BM25's may include one whose ingest is in progress.
    known = {h.chunk.article_id for h in dense}
    unsure = {c.article_id for c in lexical} - known
    complete = known | store.complete_among(unsure)
    lexical = [c for c in lexical if c.article_id in complete]
    chunks = {h.chunk.id: h.chunk for h in dense} | {c.id: c for c in lexical}
    fused = fuse([[h.chunk.id for h in dense], [c.id for c in lexical]])
    order: list[str] = []
    spans: dict[str, list[Span]] = {}
    for chunk_id in fused:
        chunk = chunks[chunk_id]
        if chunk.article_id not in spans:
            order.append(chunk.article_id)
        spans.setdefault(chunk.article_id, []).append(Span(chunk.start, chunk.end))
    articles = {article_id: store.article(article_id) for article_id in order}
    chosen = _diversify(order, {a: articles[a].outlet.strip().lower() for a in order}, sources)
    evidence = []
    for rank, article_id in enumerate(chosen):
        article = articles[article_id]
        inside = [
            s
            for s in sentences(article.text)
            if any(c.start <= s.start and s.end <= c.end for c in spans[article_id])
            and s.end - s.start >= 20
            and not looks_like_instructions(article.text[s.start : s.end])
        ]
        # Headlines and subheadings (no closing punctuation) are weak evidence; keep them only as a last resort.
        candidates = [s for s in inside if is_sentence(article.text[s.start : s.end])] or inside
        if not candidates:
            continue
        vectors = embedder.embed([article.text[s.start : s.end] for s in candidates])
        scores = vectors @ claim_vector
        picked = np.argsort(-scores)[:per_source]
        chosen_spans = sorted((candidates[i] for i in picked), key=lambda s: s.start)
        evidence.append(Evidence(article, chosen_spans, 1.0 / (1 + rank)))
    return evidence
