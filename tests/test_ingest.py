from pathlib import Path

import pytest

from assistant.corpus.chunking import CHUNKER_VERSION, chunk
from assistant.corpus.ingest import ingest
from assistant.corpus.loaders import load
from assistant.corpus.store import Store
from assistant.errors import StoreError
from assistant.settings import Settings
from tests.conftest import CORPUS


def snapshot(store: Store) -> tuple[int, list[str]]:
    ids = sorted(store.collection.get(include=[])["ids"])
    return store.counts()[0], ids


def test_ingest_twice_adds_nothing_the_second_time(isolated: Path) -> None:
    store = Store(Settings())
    first = ingest([str(CORPUS)], store)
    assert first.added == 6 and first.chunks >= 6 and not first.failures
    before = snapshot(store)
    second = ingest([str(CORPUS)], store)
    assert (second.added, second.chunks, second.unchanged) == (0, 0, 6)
    assert snapshot(store) == before
    assert len(before[1]) == len(set(before[1])) == first.chunks


def test_stored_chunks_point_into_stored_article_text(isolated: Path) -> None:
    store = Store(Settings())
    ingest([str(CORPUS)], store)
    got = store.collection.get(include=["documents", "metadatas"])
    for doc, meta in zip(got["documents"], got["metadatas"], strict=True):
        article = store.article(str(meta["article_id"]))
        assert article.text[int(meta["start"]) : int(meta["end"])] == doc


def test_an_interrupted_ingest_is_completed_without_duplicates(isolated: Path) -> None:
    settings = Settings()
    store = Store(settings)
    article = load(str(CORPUS / "articles.jsonl")).articles[0]
    chunks = chunk(article.id, article.text, settings.chunk_chars)
    # Simulate a crash after the article row and half of its chunks were written.
    with store.db:
        store.db.execute(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,0,0)",
            (article.id, article.title, article.outlet, article.url, article.published, article.source, 0,
             article.text, f"{CHUNKER_VERSION}:{settings.chunk_chars}", len(chunks)),
        )
    half = chunks[: len(chunks) // 2]
    store.collection.upsert(ids=[c.id for c in half], documents=[c.text for c in half],
                            metadatas=[Store._metadata(article, c) for c in half])
    summary = ingest([str(CORPUS)], store)
    assert summary.added == 6
    count, ids = snapshot(store)
    assert count == 6 and len(ids) == len(set(ids))
    assert {c.id for c in chunks} <= set(ids)


def test_search_ranks_the_relevant_article_first(isolated: Path) -> None:
    store = Store(Settings())
    ingest([str(CORPUS)], store)
    hits = store.query("water treatment plant opening", 3)
    assert store.article(hits[0].chunk.article_id).outlet == "Valley Tribune (fictional)"
    assert hits[0].score > hits[-1].score


def test_a_second_writer_gets_a_clear_error(isolated: Path) -> None:
    store = Store(Settings())
    other = Store(Settings())
    with store.writing(), pytest.raises(StoreError, match="another factdesk process is writing"), other.writing(0.3):
        pass


def test_data_directory_is_private(isolated: Path) -> None:
    Store(Settings())
    assert (isolated.stat().st_mode & 0o077) == 0


def test_a_new_chunk_size_rechunks_and_a_crash_midway_is_completed(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest([str(CORPUS)], Store(Settings()))
    monkeypatch.setenv("FACTDESK_CHUNK_CHARS", "300")
    settings = Settings()
    store = Store(settings)
    article = store.articles()[0]
    # Killed just after re-chunking began: the row is marked incomplete first, then its old chunks go.
    with store.db:
        store.db.execute("UPDATE articles SET complete = 0 WHERE id = ?", (article.id,))
    store.collection.delete(where={"article_id": article.id})
    reopened = Store(settings)  # fewer chunks than before, but no complete article lacks any: opens
    assert ingest([str(CORPUS)], reopened).added == 6
    count, ids = snapshot(reopened)
    assert count == 6 and set(ids) == {c.id for a in reopened.articles() for c in chunk(a.id, a.text, 300)}
