"""A BM25 index over the stored chunks, for the exact words dense vectors blur: numbers, names, rare terms.

Built from Chroma's chunks on first use in a process and rebuilt when the
chunk count changes; 20k chunks index in about a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .chunking import Chunk

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def _normalise(text: str) -> str:
    # "7,000" and "7000" must be the same token.
    return _THOUSANDS.sub("", text)


@dataclass
class LexicalIndex:
    chunks: list[Chunk]
    retriever: Any
    stemmer: Any

    @classmethod
    def build(cls, chunks: list[Chunk]) -> LexicalIndex:
        import bm25s
        import Stemmer

        stemmer = Stemmer.Stemmer("english")
        retriever = bm25s.BM25()
        if chunks:
            tokens = bm25s.tokenize(
                [_normalise(c.text) for c in chunks], stopwords="en", stemmer=stemmer, show_progress=False
            )
            retriever.index(tokens, show_progress=False)
        return cls(chunks, retriever, stemmer)

    def search(self, query: str, n: int, exclude: str | None = None) -> list[Chunk]:
        """Chunks by BM25 score, best first; chunks sharing no term with the query are left out."""
        import bm25s

        if not self.chunks:
            return []
        tokens = bm25s.tokenize([_normalise(query)], stopwords="en", stemmer=self.stemmer, show_progress=False)
        if not tokens.vocab:
            return []
        k = min(len(self.chunks), n * 3)
        indices, scores = self.retriever.retrieve(tokens, k=k, show_progress=False)
        found = [
            self.chunks[int(i)]
            for i, s in zip(indices[0], scores[0], strict=True)
            if s > 0 and self.chunks[int(i)].article_id != exclude
        ]
        return found[:n]


def fuse(rankings: list[list[str]], k: int = 60) -> list[str]:
    """Reciprocal rank fusion: ids ordered by the sum of 1/(k + rank) over the rankings."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])
