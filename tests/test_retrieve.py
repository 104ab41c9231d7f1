from pathlib import Path

import pytest

from assistant.corpus.chunking import Chunk
from assistant.corpus.ingest import ingest
from assistant.corpus.lexical import LexicalIndex, fuse
from assistant.corpus.store import Store
from assistant.settings import Settings
from assistant.verify.retrieve import _diversify, retrieve
from tests.conftest import CORPUS


def test_rank_fusion_rewards_agreement_between_rankings() -> None:
    assert fuse([["a", "b", "c"], ["b", "d"]])[0] == "b"
    assert set(fuse([["a"], ["z"]])) == {"a", "z"}


def test_bm25_matches_numbers_whatever_their_separators() -> None:
    chunks = [
        Chunk("1", "a1", 0, 0, 0, "Up to 7,000 detainees may be moved."),
        Chunk("2", "a2", 0, 0, 0, "The plant serves 40000 residents."),
        Chunk("3", "a3", 0, 0, 0, "Detainees were moved on Wednesday."),
    ]
    index = LexicalIndex.build(chunks)
    assert next(c.id for c in index.search("7000 detainees", 3)) == "1"
    assert next(c.id for c in index.search("40,000 residents", 3)) == "2"
    assert [c.id for c in index.search("detainees", 3, exclude="a1")] == ["3"]
    assert index.search("the of and", 3) == []


def test_one_outlet_cannot_fill_every_slot() -> None:
    outlets = {"a1": "x", "a2": "x", "a3": "x", "b1": "y", "c1": "z"}
    assert _diversify(["a1", "a2", "a3", "b1", "c1"], outlets, 3) == ["a1", "b1", "c1"]
    assert _diversify(["a1", "a2", "b1"], outlets, 3) == ["a1", "a2", "b1"]


def test_retrieval_reads_several_articles_and_excludes_one_on_request(isolated: Path) -> None:
    store = Store(Settings())
    ingest([str(CORPUS)], store)
    claim = "The United States has transferred 7,000 ISIS detainees to Iraq."
    evidence = retrieve(store, claim, sources=4, per_source=3)
    ids = [e.article.id for e in evidence]
    assert len(ids) == len(set(ids)) == 4
    assert all(1 <= len(e.spans) <= 3 for e in evidence)
    for e in evidence:
        assert all(e.article.text[s.start : s.end] == t for s, t in zip(e.spans, e.sentences, strict=True))
    again = retrieve(store, claim, sources=4, per_source=3, exclude=ids[0])
    assert ids[0] not in [e.article.id for e in again]
    assert retrieve(store, "Copper prices on the London Metal Exchange fell.", sources=4, per_source=3) == []


def test_the_bm25_index_is_saved_and_reused_until_the_corpus_changes(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(Settings())
    ingest([str(CORPUS / "articles.jsonl")], store)
    built = store.lexical()
    saved = list((isolated / "lexical").iterdir())
    assert len(saved) == 1

    def no_build(chunks: list[Chunk]) -> LexicalIndex:
        raise AssertionError("the saved index should have been loaded")

    build = LexicalIndex.build
    monkeypatch.setattr(LexicalIndex, "build", no_build)
    loaded = Store(Settings()).lexical()
    assert [c.id for c in loaded.chunks] == [c.id for c in built.chunks]
    assert [c.id for c in loaded.search("7,000 detainees", 4)] == [c.id for c in built.search("7000 detainees", 4)]

    monkeypatch.setattr(LexicalIndex, "build", build)
    extra = tmp_path / "extra.md"
    extra.write_text("# Copper\n\nCopper prices on the London Metal Exchange fell sharply in March.\n")
    ingest([str(extra)], store)
    assert any("Copper" in c.text for c in store.lexical().search("copper prices", 2))
    assert len(list((isolated / "lexical").iterdir())) == 1  # the old corpus's index is pruned


def test_leaving_one_article_out_gives_the_nearest_chunks_of_the_others(isolated: Path) -> None:
    store = Store(Settings())
    ingest([str(CORPUS)], store)
    claim = "The United States has transferred 7,000 ISIS detainees to Iraq."
    everything = store.query(claim, 40)
    for left_out in {h.chunk.article_id for h in everything}:
        expected = [h.chunk.id for h in everything if h.chunk.article_id != left_out][:5]
        assert [h.chunk.id for h in store.query(claim, 5, exclude=left_out)] == expected
