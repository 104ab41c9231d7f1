"""The store: article texts in SQLite, their chunks and vectors in Chroma.

Article texts are kept whole so any quote can be checked verbatim. An article
row is written first and marked complete only after all its chunks are in
Chroma; chunk ids are content-derived, so re-running an interrupted ingest
upserts the same ids and never duplicates.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .article import Article
from .chunking import Chunk
from .embedding import MiniLMEmbeddingFunction, get_embedder
from .errors import StoreError
from .lexical import LexicalIndex
from .settings import Settings

COLLECTION = "chunks"
# The store's layout, kept in articles.db as SQLite's user_version. A store without one (made before the
# marker existed) has layout 1 when its table has layout 1's columns.
LAYOUT = 1
LOCK_WAIT = 30.0
_REMEDY = "restore it from a backup, or set FACTDESK_HOME to a new folder and ingest again"
_COLUMNS = {
    "id", "title", "outlet", "url", "published", "source", "fictional", "text",
    "chunker", "chunks", "complete", "added",
}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL, outlet TEXT NOT NULL, url TEXT NOT NULL, published TEXT,
    source TEXT NOT NULL, fictional INTEGER NOT NULL, text TEXT NOT NULL,
    chunker TEXT NOT NULL, chunks INTEGER NOT NULL DEFAULT 0,
    complete INTEGER NOT NULL DEFAULT 0, added REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Hit:
    """A chunk returned by a query, with its cosine similarity to the query."""

    chunk: Chunk
    score: float


class Store:
    """Open (creating if needed) the data directory's article table and chunk index."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.home
        try:
            self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.home, 0o700)
        except OSError as exc:
            what = "it is a file, not a folder" if self.home.is_file() else exc.strerror or str(exc)
            raise StoreError(f"cannot open the data directory {self.home} ({what}): set FACTDESK_HOME to a folder "
                             "you can write to") from None
        db_path, index = self.home / "articles.db", self.home / "chroma" / "chroma.sqlite3"
        if not db_path.exists() and index.is_file() and index.stat().st_size:
            raise StoreError(f"{db_path} is missing but the vector index {index.parent} exists: {_REMEDY}")
        self.db = self._open_db(db_path)
        self._collection: Any = None
        self._lexical: LexicalIndex | None = None

    @staticmethod
    def _open_db(path: Path) -> sqlite3.Connection:
        """The article table, created in a new store; a damaged file or another layout is refused, never rewritten."""
        try:
            db = sqlite3.connect(path, timeout=30)
            layout = int(db.execute("PRAGMA user_version").fetchone()[0])
            columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is damaged or not a factdesk store ({exc}): {_REMEDY}") from None
        if layout > LAYOUT:
            db.close()
            raise StoreError(
                f"{path} has store layout {layout}, from a newer factdesk; this version reads layout {LAYOUT}: "
                "upgrade factdesk, or set FACTDESK_HOME to another folder"
            )
        if columns and columns != _COLUMNS:
            db.close()
            missing = ", ".join(sorted(_COLUMNS - columns)) or "none"
            raise StoreError(
                f"{path} has an older or unknown store layout (columns missing: {missing}) that cannot be "
                "migrated safely: move the folder aside, or set FACTDESK_HOME to a new folder, and ingest again"
            )
        try:
            if not columns:
                db.executescript(_SCHEMA)
            if layout < LAYOUT:
                db.execute(f"PRAGMA user_version = {LAYOUT}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot write to {path} ({exc}): check the folder's permissions and free space") from None
        return db

    @property
    def collection(self) -> Any:
        """The Chroma collection, opened on first use (it costs a second or two)."""
        if self._collection is None:
            os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            index = self.home / "chroma"
            articles, expected = self._expected()
            # Chroma would silently start an empty index here, and every stored article would look complete.
            sqlite_file = index / "chroma.sqlite3"
            if articles and not (sqlite_file.is_file() and sqlite_file.stat().st_size):
                raise StoreError(
                    f"the vector index {index} is missing or empty but {articles} article(s) are stored in "
                    f"{self.home / 'articles.db'}: {_REMEDY}"
                )
            try:
                client = chromadb.PersistentClient(
                    path=str(index), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
                )
                collection = client.get_or_create_collection(
                    COLLECTION,
                    embedding_function=MiniLMEmbeddingFunction(self.settings.embed_threads),  # type: ignore[arg-type]
                    configuration={"hnsw": {"space": "cosine"}},
                )
                count = int(collection.count())
                # An interrupted ingest leaves extra chunks (re-run ingest to finish); fewer means the index lost
                # some. A writer may change both between the two reads: a real loss is still there when re-read.
                if count < expected:
                    articles, expected = self._expected()
                    count = int(collection.count())
            except Exception as exc:  # chromadb raises many kinds; all mean the same to a user
                reason = " ".join(str(exc).split()).split(". ")[-1]  # Chroma's last sentence says what is wrong
                raise StoreError(f"cannot open the vector index in {index} ({reason}): {_REMEDY}") from None
            if count < expected or (count and not self._rows()):
                raise StoreError(
                    f"the vector index {index} holds {count} chunk(s) but {self.home / 'articles.db'} lists "
                    f"{articles} complete article(s) with {expected}: one of them was damaged or replaced; {_REMEDY}"
                )
            self._collection = collection
        return self._collection

    def _expected(self) -> tuple[int, int]:
        """(complete articles, the chunks they have in the index)."""
        row = self.db.execute("SELECT COUNT(*), COALESCE(SUM(chunks), 0) FROM articles WHERE complete = 1").fetchone()
        return int(row[0]), int(row[1])

    def _rows(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    @contextmanager
    def writing(self, wait: float | None = None) -> Iterator[None]:
        """Hold the data directory's write lock: one writer at a time, readers unaffected."""
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
        row = self.db.execute(
            "SELECT complete, chunker FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return bool(row and row[0] and row[1] == chunker)

    def add(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray, chunker: str) -> None:
        """Store an article and its chunks; safe to repeat after a crash at any point."""
        collection = self.collection  # opened (and checked) before anything is written
        stale = self.db.execute("SELECT chunker FROM articles WHERE id = ?", (article.id,)).fetchone()
        if stale and stale[0] != chunker:
            with self.db:  # incomplete before its chunks go, so a crash in between cannot look like a damaged index
                self.db.execute("UPDATE articles SET complete = 0 WHERE id = ?", (article.id,))
            collection.delete(where={"article_id": article.id})
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,0,?)",
                (
                    article.id, article.title, article.outlet, article.url, article.published,
                    article.source, int(article.fictional), article.text, chunker, len(chunks), time.time(),
                ),
            )
        if chunks:
            collection.upsert(
                ids=[c.id for c in chunks],
                documents=[c.text for c in chunks],
                embeddings=[v for v in vectors],
                metadatas=[self._metadata(article, c) for c in chunks],
            )
        with self.db:
            self.db.execute("UPDATE articles SET complete = 1 WHERE id = ?", (article.id,))

    @staticmethod
    def _metadata(article: Article, chunk: Chunk) -> dict[str, str | int]:
        return {
            "article_id": article.id, "index": chunk.index, "start": chunk.start, "end": chunk.end,
            "outlet": article.outlet, "title": article.title, "published": article.published or "",
        }

    def article(self, article_id: str) -> Article:
        row = self.db.execute(
            "SELECT id, text, title, outlet, url, published, source, fictional FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"article {article_id} is not in the store")
        return Article(
            id=row[0], text=row[1], title=row[2], outlet=row[3], url=row[4],
            published=row[5], source=row[6], fictional=bool(row[7]),
        )

    def articles(self) -> list[Article]:
        ids = [r[0] for r in self.db.execute("SELECT id FROM articles WHERE complete = 1 ORDER BY added, id")]
        return [self.article(i) for i in ids]

    def counts(self) -> tuple[int, int]:
        """(complete articles, chunks in the index)."""
        articles = self.db.execute("SELECT COUNT(*) FROM articles WHERE complete = 1").fetchone()[0]
        return int(articles), int(self.collection.count())

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
        where = {"article_id": {"$ne": exclude}} if exclude else None
        result = self.collection.query(
            query_embeddings=[vector], n_results=min(n, total), where=where,
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        for cid, doc, meta, dist in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        ):
            chunk = Chunk(cid, str(meta["article_id"]), int(meta["index"]), int(meta["start"]), int(meta["end"]), doc)
            hits.append(Hit(chunk, 1.0 - float(dist)))
        return hits

    def all_chunks(self) -> list[Chunk]:
        got = self.collection.get(include=["documents", "metadatas"])
        return [
            Chunk(cid, str(m["article_id"]), int(m["index"]), int(m["start"]), int(m["end"]), doc)
            for cid, doc, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def lexical(self) -> LexicalIndex:
        """The BM25 index of all chunks, rebuilt when chunks were added or removed."""
        if self._lexical is None or len(self._lexical.chunks) != self.collection.count():
            self._lexical = LexicalIndex.build(self.all_chunks())
        return self._lexical

    def close(self) -> None:
        self.db.close()


def quiet_chroma() -> None:
    """Chroma logs telemetry and migration chatter at INFO; users need none of it."""
    for name in ("chromadb", "chromadb.telemetry"):
        logging.getLogger(name).setLevel(logging.ERROR)


def data_dir_size(home: Path) -> int:
    return sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
