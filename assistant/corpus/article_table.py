"""Where whole article texts live: a SQLite table in the data directory, or a Chroma collection on a shared server.

Quotes are checked against the whole text, so whoever can read a chunk must be
able to read its article: with a local store both sit in the data directory;
with ``FACTDESK_CHROMA_URL`` both sit on the server, so a team sharing the
server shares one corpus and every client can verify any quote.

A row is written with ``complete = 0`` before its chunks and set to 1 after
them, so an interrupted ingest is finished by the next one.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ..errors import StoreError
from .article import Article

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL, outlet TEXT NOT NULL, url TEXT NOT NULL, published TEXT,
    source TEXT NOT NULL, fictional INTEGER NOT NULL, text TEXT NOT NULL,
    chunker TEXT NOT NULL, chunks INTEGER NOT NULL DEFAULT 0,
    complete INTEGER NOT NULL DEFAULT 0, added REAL NOT NULL
);
"""
# The local table's layout, kept as SQLite's user_version. A store without one (made before the marker
# existed) has layout 1 when its table has layout 1's columns.
LAYOUT = 1
REMEDY = "restore it from a backup, or set FACTDESK_HOME to a new folder and ingest again"
_COLUMNS = {
    "id", "title", "outlet", "url", "published", "source", "fictional", "text",
    "chunker", "chunks", "complete", "added",
}
ARTICLES_COLLECTION = "articles"
# The articles collection is read by id and metadata only; Chroma still wants a vector per record.
_NO_VECTOR = [1.0]
_PAGE = 1000


class ArticleTable(Protocol):
    """What the store needs from an article table; both kinds are safe to share between threads."""

    def chunker(self, article_id: str) -> str | None:
        """The chunker an article was stored with, or None when it is not stored at all."""

    def is_complete(self, article_id: str, chunker: str) -> bool: ...

    def chunk_count(self, article_id: str) -> int:
        """How many chunks the article was stored as; 0 when it is not stored."""

    def begin(self, rows: Sequence[tuple[Article, int]], chunker: str) -> None:
        """Write (or replace) each article's row with its chunk count, not yet complete."""

    def finish(self, article_ids: Sequence[str]) -> None:
        """Mark the articles complete: all of their chunks are stored."""

    def get(self, article_id: str) -> Article | None: ...

    def complete_ids(self) -> list[str]:
        """Ids of complete articles, oldest first."""

    def complete_among(self, article_ids: set[str]) -> set[str]:
        """Which of these (non-empty) ids are complete articles: one lookup, for readers' filters."""

    def find(self, prefix: str) -> list[str]:
        """Ids of stored articles that start with ``prefix``."""

    def fingerprint(self) -> str:
        """A digest of the complete articles and their chunkers: it changes whenever the chunk set does."""

    def close(self) -> None: ...


def _digest(rows: list[tuple[str, str]]) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for article_id, chunker in sorted(rows):
        digest.update(f"{article_id}:{chunker}\n".encode())
    return digest.hexdigest()


class SqliteArticleTable:
    """Articles in ``HOME/articles.db``; one connection shared by the process's threads under a lock."""

    def __init__(self, home: Path) -> None:
        self.db = self._open(home / "articles.db")
        self._lock = threading.RLock()

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        """The article table, created in a new store; a damaged file or another layout is refused, never rewritten."""
        try:
            db = sqlite3.connect(path, timeout=30, check_same_thread=False)
            layout = int(db.execute("PRAGMA user_version").fetchone()[0])
            columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is damaged or not a factdesk store ({exc}): {REMEDY}") from None
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

    def expected(self) -> tuple[int, int]:
        """(complete articles, the chunks they have in the index)."""
        with self._lock:
            row = self.db.execute(
                "SELECT COUNT(*), COALESCE(SUM(chunks), 0) FROM articles WHERE complete = 1"
            ).fetchone()
        return int(row[0]), int(row[1])

    def rows(self) -> int:
        with self._lock:
            return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def chunker(self, article_id: str) -> str | None:
        with self._lock:
            row = self.db.execute("SELECT chunker FROM articles WHERE id = ?", (article_id,)).fetchone()
        return str(row[0]) if row else None

    def is_complete(self, article_id: str, chunker: str) -> bool:
        with self._lock:
            row = self.db.execute("SELECT complete, chunker FROM articles WHERE id = ?", (article_id,)).fetchone()
        return bool(row and row[0] and row[1] == chunker)

    def chunk_count(self, article_id: str) -> int:
        with self._lock:
            row = self.db.execute("SELECT chunks FROM articles WHERE id = ?", (article_id,)).fetchone()
        return int(row[0]) if row else 0

    def begin(self, rows: Sequence[tuple[Article, int]], chunker: str) -> None:
        now = time.time()
        with self._lock, self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,0,?)",
                [
                    (
                        a.id, a.title, a.outlet, a.url, a.published, a.source, int(a.fictional), a.text,
                        chunker, chunks, now,
                    )
                    for a, chunks in rows
                ],
            )

    def finish(self, article_ids: Sequence[str]) -> None:
        with self._lock, self.db:
            self.db.executemany("UPDATE articles SET complete = 1 WHERE id = ?", [(i,) for i in article_ids])

    def get(self, article_id: str) -> Article | None:
        with self._lock:
            row = self.db.execute(
                "SELECT id, text, title, outlet, url, published, source, fictional FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
        if row is None:
            return None
        return Article(
            id=row[0], text=row[1], title=row[2], outlet=row[3], url=row[4],
            published=row[5], source=row[6], fictional=bool(row[7]),
        )

    def complete_ids(self) -> list[str]:
        with self._lock:
            rows = self.db.execute("SELECT id FROM articles WHERE complete = 1 ORDER BY added, id").fetchall()
        return [r[0] for r in rows]

    def complete_among(self, article_ids: set[str]) -> set[str]:
        ids = sorted(article_ids)
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self.db.execute(f"SELECT id FROM articles WHERE complete = 1 AND id IN ({marks})", ids).fetchall()
        return {r[0] for r in rows}

    def find(self, prefix: str) -> list[str]:
        with self._lock:
            rows = self.db.execute("SELECT id FROM articles WHERE id LIKE ?", (prefix + "%",)).fetchall()
        return [r[0] for r in rows]

    def fingerprint(self) -> str:
        with self._lock:
            rows = self.db.execute("SELECT id, chunker FROM articles WHERE complete = 1").fetchall()
        return _digest([(r[0], r[1]) for r in rows])

    def close(self) -> None:
        with self._lock:
            self.db.close()


class ChromaArticleTable:
    """Articles as records of a Chroma collection: the text as the document, the rest as metadata."""

    def __init__(self, client: Any) -> None:
        self.collection = client.get_or_create_collection(ARTICLES_COLLECTION, embedding_function=None)

    def _metadata(self, article_id: str) -> dict[str, Any] | None:
        got = self.collection.get(ids=[article_id], include=["metadatas"])
        return dict(got["metadatas"][0]) if got["ids"] else None

    def chunker(self, article_id: str) -> str | None:
        meta = self._metadata(article_id)
        return str(meta["chunker"]) if meta else None

    def is_complete(self, article_id: str, chunker: str) -> bool:
        meta = self._metadata(article_id)
        return bool(meta and meta.get("complete") and meta.get("chunker") == chunker)

    def chunk_count(self, article_id: str) -> int:
        meta = self._metadata(article_id)
        return int(meta["chunks"]) if meta else 0

    def begin(self, rows: Sequence[tuple[Article, int]], chunker: str) -> None:
        now = time.time()
        for start in range(0, len(rows), _PAGE):
            part = rows[start : start + _PAGE]
            self.collection.upsert(
                ids=[a.id for a, _ in part],
                documents=[a.text for a, _ in part],
                embeddings=[_NO_VECTOR for _ in part],
                metadatas=[
                    {
                        "title": a.title, "outlet": a.outlet, "url": a.url, "published": a.published or "",
                        "source": a.source, "fictional": a.fictional, "chunker": chunker, "chunks": chunks,
                        "complete": 0, "added": now,
                    }
                    for a, chunks in part
                ],
            )

    def finish(self, article_ids: Sequence[str]) -> None:
        # Chroma merges updated metadata into the record's, so only the flag changes.
        for start in range(0, len(article_ids), _PAGE):
            part = list(article_ids[start : start + _PAGE])
            self.collection.update(ids=part, metadatas=[{"complete": 1} for _ in part])

    def get(self, article_id: str) -> Article | None:
        got = self.collection.get(ids=[article_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        meta = got["metadatas"][0]
        return Article(
            id=article_id, text=got["documents"][0], title=str(meta["title"]), outlet=str(meta["outlet"]),
            url=str(meta["url"]), published=str(meta["published"]) or None, source=str(meta["source"]),
            fictional=bool(meta["fictional"]),
        )

    def _complete(self) -> list[tuple[str, dict[str, Any]]]:
        rows: list[tuple[str, dict[str, Any]]] = []
        offset = 0
        while True:
            got = self.collection.get(where={"complete": 1}, include=["metadatas"], limit=_PAGE, offset=offset)
            rows += zip(got["ids"], got["metadatas"], strict=True)
            if len(got["ids"]) < _PAGE:
                return rows
            offset += _PAGE

    def complete_among(self, article_ids: set[str]) -> set[str]:
        got = self.collection.get(ids=sorted(article_ids), where={"complete": 1}, include=[])
        return set(got["ids"])

    def complete_ids(self) -> list[str]:
        rows = self._complete()
        return [i for i, _ in sorted(rows, key=lambda r: (float(r[1]["added"]), r[0]))]

    def find(self, prefix: str) -> list[str]:
        # Chroma cannot filter ids by prefix; the ids of a team's corpus fit in memory.
        ids: list[str] = []
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=_PAGE * 10, offset=offset)
            ids += [i for i in got["ids"] if i.startswith(prefix)]
            if len(got["ids"]) < _PAGE * 10:
                return ids
            offset += _PAGE * 10

    def fingerprint(self) -> str:
        return _digest([(i, str(m["chunker"])) for i, m in self._complete()])

    def close(self) -> None:
        pass
