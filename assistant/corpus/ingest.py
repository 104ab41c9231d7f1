"""Ingest: load -> chunk -> embed -> store, skipping articles already stored unchanged."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LoadError
from .chunking import CHUNKER_VERSION, chunk
from .embedding import get_embedder
from .feeds import FeedOptions
from .loaders import MB, load
from .store import Store

Progress = Callable[[int, int], None]


@dataclass
class IngestSummary:
    """What an ingest did; failures are files or lines that were skipped."""

    added: int = 0
    unchanged: int = 0
    chunks: int = 0
    failures: list[LoadError] = field(default_factory=list)
    seconds: float = 0.0
    named_failed: bool = False  # a file or URL named on the command line (not found in a folder) failed

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds > 0 else 0.0


def ingest(
    targets: Sequence[str], store: Store, progress: Progress | None = None, feed: FeedOptions | None = None,
    on_entry: Callable[[int, int, str], None] | None = None,
) -> IngestSummary:
    """Ingest every article under ``targets`` (a feed: its linked pages, as ``feed`` allows); unchanged ones cost
    no embedding."""
    started = time.perf_counter()
    summary = IngestSummary()
    articles = []
    for target in targets:
        loaded = load(target, store.settings.max_file_mb * MB, feed, on_entry)
        summary.failures.extend(loaded.failures)
        if loaded.failures and not loaded.skips and not Path(target).expanduser().is_dir():
            summary.named_failed = True
        articles.extend(loaded.articles)
    chunker = f"{CHUNKER_VERSION}:{store.settings.chunk_chars}"
    seen: set[str] = set()
    todo = []
    for article in articles:
        if article.id in seen or store.is_complete(article.id, chunker):
            summary.unchanged += 1
        else:
            todo.append(article)
        seen.add(article.id)
    if todo:
        embedder = get_embedder(store.settings.embed_threads)
        plans = [(a, chunk(a.id, a.text, store.settings.chunk_chars)) for a in todo]
        total = sum(len(c) for _, c in plans)
        done = 0
        with store.writing():
            for article, chunks in plans:
                vectors = embedder.embed([c.text for c in chunks])
                store.add(article, chunks, vectors, chunker)
                summary.added += 1
                summary.chunks += len(chunks)
                done += len(chunks)
                if progress:
                    progress(done, total)
    summary.seconds = time.perf_counter() - started
    return summary
