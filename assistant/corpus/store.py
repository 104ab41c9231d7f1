"""The store: whole article texts and their chunks with vectors, locally or on a shared Chroma server.

Without ``FACTDESK_CHROMA_URL`` both live in the data directory: articles in
SQLite, chunks in an embedded Chroma. With it, both live on the server (see
:mod:`assistant.article_table`) and this machine keeps only caches. Vectors are
always computed here, by factdesk's own embedding model: chunks are upserted
and queries sent with their vectors, so the server never embeds anything.

An article row is written first and marked complete only after all its chunks
are stored; chunk ids are content-derived, so re-running an interrupted ingest
upserts the same ids and never duplicates.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from ..errors import ConfigError, StoreError, StoreUnavailableError
from ..settings import Settings
from . import remote
from .article import Article
from .article_table import REMEDY, ArticleTable, ChromaArticleTable, SqliteArticleTable
from .chunking import Chunk
from .embedding import MiniLMEmbeddingFunction, get_embedder
from .lexical import LexicalIndex

COLLECTION = "chunks"
LOCK_WAIT = 30.0
_PAGE = 5000


@dataclass(frozen=True)
class Hit:
    """A chunk returned by a query, with its cosine similarity to the query."""

    chunk: Chunk
    score: float


def chroma_client(settings: Settings) -> Any:
    """A Chroma client: the server at ``settings.chroma_url``, or the embedded one in the data directory."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    options = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url is None:
        return chromadb.PersistentClient(path=str(settings.home / "chroma"), settings=options)
    url = urlsplit(settings.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"FACTDESK_CHROMA_URL must look like http://host:8000, not {settings.chroma_url!r}")
    port = url.port or (443 if url.scheme == "https" else 8000)
    return chromadb.HttpClient(host=url.hostname, port=port, ssl=url.scheme == "https", settings=options)


class Store:
    """Open (creating if needed) the article table and the chunk index; safe to share between threads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.home
        self.remote = settings.chroma_url is not None
        self._lock = threading.RLock()
        self._client: Any = None
        self._collection: Any = None
        self._articles: ArticleTable | None = None
        self._lexical: LexicalIndex | None = None
        self._lexical_count = -1
        try:
            self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.home, 0o700)
            if not self.remote:
                db_path, index = self.home / "articles.db", self.home / "chroma" / "chroma.sqlite3"
                if not db_path.exists() and index.is_file() and index.stat().st_size:
                    raise StoreError(f"{db_path} is missing but the vector index {index.parent} exists: {REMEDY}")
                self._articles = SqliteArticleTable(self.home)
        except OSError as exc:
            what = "it is a file, not a folder" if self.home.is_file() else exc.strerror or str(exc)
            raise StoreError(f"cannot open the data directory {self.home} ({what}): set FACTDESK_HOME to a folder "
                             "you can write to") from None

    @property
    def where(self) -> str:
        """Where the chunks live, for messages."""
        return f"the Chroma server {self.settings.chroma_url}" if self.remote else str(self.home / "chroma")

    @property
    def db(self) -> Any:
        """The local SQLite connection (a local store only)."""
        if not isinstance(self.table, SqliteArticleTable):
            raise AttributeError("a store on a Chroma server has no local article database")
        return self.table.db

    def _open(self) -> None:
        # Chroma costs a second or two to open, so it is opened on first use.
        with self._lock:
            if self._collection is not None:
                return
            if not self.remote:
                self._check_index_exists()
            try:
                if self.remote:
                    self._open_remote()
                else:
                    self._client = chroma_client(self.settings)
                    self._collection = self._client.get_or_create_collection(
                        COLLECTION,
                        embedding_function=MiniLMEmbeddingFunction(self.settings.embed_threads),  # type: ignore[arg-type]
                        configuration={"hnsw": {"space": "cosine"}},
                    )
            except (ConfigError, StoreUnavailableError):
                self._collection = None
                raise
            except Exception as exc:  # chromadb raises many kinds; all mean the same to a user
                self._collection = None
                why = remote.reason(exc) if self.remote else None
                if why is not None:
                    raise StoreUnavailableError(str(self.settings.chroma_url), why) from None
                reason = " ".join(str(exc).split()).split(". ")[-1]  # Chroma's last sentence says what is wrong
                raise StoreError(f"cannot open the vector index in {self.where} ({reason}): {REMEDY}") from None
            if not self.remote:
                self._check_index_complete()

    def _open_remote(self) -> None:
        """The server's two collections, each call retried while the server is unavailable (see .remote)."""
        url = str(self.settings.chroma_url)
        self._client = remote.call(url, lambda: chroma_client(self.settings))
        remote.harden(self._client)
        chunks = remote.call(url, lambda: self._client.get_or_create_collection(
            COLLECTION,
            embedding_function=MiniLMEmbeddingFunction(self.settings.embed_threads),  # type: ignore[arg-type]
            configuration={"hnsw": {"space": "cosine"}},
        ))
        table = remote.call(url, lambda: ChromaArticleTable(self._client))
        table.collection = remote.Guarded(table.collection, url)
        self._collection = remote.Guarded(chunks, url)
        self._articles = table

    def _check_index_exists(self) -> None:
        # Chroma would silently start an empty index here, and every stored article would look complete.
        index = self.home / "chroma" / "chroma.sqlite3"
        articles, _ = self._sqlite.expected()
        if articles and not (index.is_file() and index.stat().st_size):
            raise StoreError(
                f"the vector index {index.parent} is missing or empty but {articles} article(s) are stored in "
                f"{self.home / 'articles.db'}: {REMEDY}"
            )

    def _check_index_complete(self) -> None:
        # An interrupted ingest leaves extra chunks (re-run ingest to finish); fewer means the index lost
        # some. A writer may change both between the two reads: a real loss is still there when re-read.
        articles, expected = self._sqlite.expected()
        count = int(self._collection.count())
        if count < expected:
            articles, expected = self._sqlite.expected()
            count = int(self._collection.count())
        if count < expected or (count and not self._sqlite.rows()):
            self._collection = None
            raise StoreError(
                f"the vector index {self.home / 'chroma'} holds {count} chunk(s) but {self.home / 'articles.db'} "
                f"lists {articles} complete article(s) with {expected}: one of them was damaged or replaced; {REMEDY}"
            )

    @property
    def _sqlite(self) -> SqliteArticleTable:
        assert isinstance(self._articles, SqliteArticleTable)
        return self._articles

    @property
    def collection(self) -> Any:
        """The Chroma collection of chunks."""
        self._open()
        return self._collection

    @property
    def table(self) -> ArticleTable:
        """The article table (local SQLite, or the server's articles collection)."""
        if self._articles is None:
            self._open()
        assert self._articles is not None
        return self._articles

    @contextmanager
    def writing(self, wait: float | None = None) -> Iterator[None]:
        """Hold the data directory's write lock: one writer at a time on this machine, readers unaffected.

        On a shared server writers on different machines are not serialised; they need not be,
        since every write is an idempotent upsert of content-derived ids.
        """
        wait = LOCK_WAIT if wait is None else wait
        handle = open(self.home / "write.lock", "w")  # noqa: SIM115 (held across the yield)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    message = (
                        f"another factdesk process is writing to {self.home} (waited {wait:g} s); "
                        "try again when it ends"
                    )
                    raise StoreError(message) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def is_complete(self, article_id: str, chunker: str) -> bool:
        return self.table.is_complete(article_id, chunker)

    def add(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray, chunker: str) -> None:
        """Store an article and its chunks; safe to repeat after a crash at any point."""
        self.add_many([(article, chunks, vectors)], chunker)

    def add_many(self, entries: Sequence[tuple[Article, Sequence[Chunk], np.ndarray]], chunker: str) -> None:
        """Store several articles with their chunks in a few large writes; complete only once all are in."""
        collection = self.collection  # opened (and checked) before anything is written
        stale = [a.id for a, _, _ in entries if self.table.chunker(a.id) not in (None, chunker)]
        # Rows are marked incomplete before stale chunks go, so a crash in between cannot look like a damaged index.
        self.table.begin([(article, len(chunks)) for article, chunks, _ in entries], chunker)
        for article_id in stale:
            collection.delete(where={"article_id": article_id})
        rows = [(article, c, v) for article, chunks, vectors in entries for c, v in zip(chunks, vectors, strict=True)]
        for start in range(0, len(rows), _PAGE):
            part = rows[start : start + _PAGE]
            self.collection.upsert(
                ids=[c.id for _, c, _ in part],
                documents=[c.text for _, c, _ in part],
                embeddings=[v for _, _, v in part],
                metadatas=[self._metadata(a, c) for a, c, _ in part],
            )
        self.table.finish([article.id for article, _, _ in entries])

    @staticmethod
    def _metadata(article: Article, chunk: Chunk) -> dict[str, str | int]:
        return {
            "article_id": article.id, "index": chunk.index, "start": chunk.start, "end": chunk.end,
            "outlet": article.outlet, "title": article.title, "published": article.published or "",
        }

    def article(self, article_id: str) -> Article:
        found = self.table.get(article_id)
        if found is None:
            raise StoreError(f"article {article_id} is not in the store")
        return found

    def articles(self) -> list[Article]:
        return [self.article(i) for i in self.table.complete_ids()]

    def find(self, prefix: str) -> list[str]:
        """Ids of stored articles starting with ``prefix``."""
        return self.table.find(prefix)

    def complete_among(self, article_ids: set[str]) -> set[str]:
        """Which of these articles are complete (their chunks and text all stored), in one lookup."""
        return self.table.complete_among(article_ids) if article_ids else set()

    def counts(self) -> tuple[int, int]:
        """(complete articles, chunks in the index)."""
        return len(self.table.complete_ids()), int(self.collection.count())

    def query(
        self, text: str, n: int, exclude: str | None = None, vector: np.ndarray | None = None
    ) -> list[Hit]:
        """The ``n`` chunks nearest to ``text`` (or its ``vector``, when the caller has it); ``exclude`` leaves one
        article out."""
        total = self.collection.count()
        if total == 0:
            return []
        if vector is None:
            vector = get_embedder(self.settings.embed_threads).embed([text])[0]
        # A "$ne" filter makes Chroma scan every chunk's metadata (1.8 s a query at 100k chunks); asking for as
        # many more neighbours as the left-out article has chunks, then dropping those, gives the same top n.
        extra = self.table.chunk_count(exclude) if exclude else 0
        with self._lock:  # milliseconds, next to seconds of model time: not worth trusting every client's threading
            result = self.collection.query(
                query_embeddings=[vector], n_results=min(n + extra, total),
                include=["documents", "metadatas", "distances"],
            )
        # A colleague's ingest may have stored an article's chunks but not yet its completion flag (nor, on a
        # server, all of its text): readers never see such an article. One lookup for the hits' articles.
        complete = self.complete_among({str(meta["article_id"]) for meta in result["metadatas"][0]})
        hits = []
        for cid, doc, meta, dist in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        ):
            if (exclude and meta["article_id"] == exclude) or meta["article_id"] not in complete:
                continue
            chunk = Chunk(cid, str(meta["article_id"]), int(meta["index"]), int(meta["start"]), int(meta["end"]), doc)
            hits.append(Hit(chunk, 1.0 - float(dist)))
        return hits[:n]

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk, read in pages (a server limits the size of one answer)."""
        chunks: list[Chunk] = []
        offset = 0
        while True:
            got = self.collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            chunks += [
                Chunk(cid, str(m["article_id"]), int(m["index"]), int(m["start"]), int(m["end"]), doc)
                for cid, doc, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            ]
            if len(got["ids"]) < _PAGE:
                return chunks
            offset += _PAGE

    def lexical(self) -> LexicalIndex:
        """The BM25 index of all chunks: kept in memory, saved under HOME/lexical, rebuilt when the corpus changes."""
        with self._lock:
            count = int(self.collection.count())
            if self._lexical is not None and count == self._lexical_count:
                return self._lexical
            # Read the fingerprint before the chunks: a write landing in between makes the next query rebuild.
            folder = self.home / "lexical" / f"{self.table.fingerprint()}-{count}"
            index = LexicalIndex.load(folder)
            if index is None:
                index = LexicalIndex.build(self.all_chunks())
                if index.chunks:
                    _prune(folder.parent)
                    index.save(folder)
            self._lexical, self._lexical_count = index, count
            return index

    def close(self) -> None:
        """Release the article table and the Chroma client (its SQLite handles); the store reopens on next use."""
        if self._articles is not None:
            self._articles.close()
        with self._lock:
            if self._client is not None and hasattr(self._client, "close"):
                self._client.close()
            self._client = self._collection = None


def _prune(folder: Path) -> None:
    """Forget saved lexical indexes of earlier corpora: only the newest is ever loaded."""
    if folder.is_dir():
        for old in folder.iterdir():
            shutil.rmtree(old, ignore_errors=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def quiet_chroma() -> None:
    """Chroma logs telemetry and migration chatter at INFO; users need none of it."""
    for name in ("chromadb", "chromadb.telemetry"):
        logging.getLogger(name).setLevel(logging.ERROR)


def data_dir_size(home: Path) -> int:
    return sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
