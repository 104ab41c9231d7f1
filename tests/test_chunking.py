import time

from assistant.corpus.article import Article
from assistant.corpus.chunking import chunk, chunk_id, sentences

TEXT = (
    "U.S. Admiral Brad Cooper said: \"We are coordinating closely.\" The group moved 150 fighters.\n\n"
    "Strict Monitoring\n\n"
    "Mr. Smith arrived at 3 p.m. on Jan. 5. He left at 4.30 and said no more. Is that all? Yes!"
)


def test_sentence_spans_index_the_text_and_keep_abbreviations_whole() -> None:
    spans = sentences(TEXT)
    parts = [TEXT[s.start : s.end] for s in spans]
    assert parts[0] == 'U.S. Admiral Brad Cooper said: "We are coordinating closely."'
    assert parts[1] == "The group moved 150 fighters."
    assert parts[2] == "Strict Monitoring"
    assert parts[3].startswith("Mr. Smith arrived at 3 p.m. on Jan. 5.")
    assert "Is that all?" in parts
    assert parts[-1] == "Yes!"
    for s in spans:
        assert TEXT[s.start : s.end] == TEXT[s.start : s.end].strip()


def test_chunks_are_sentence_aligned_slices_of_the_text() -> None:
    text = " ".join(f"Sentence number {i} reports a fact about item {i}." for i in range(60))
    chunks = chunk("a1", text, max_chars=200)
    assert len(chunks) > 5
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert c.text.endswith(".")
        assert len(c.text) <= 200
    covered = " ".join(c.text for c in chunks)
    assert covered == text
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_an_over_long_sentence_is_split_at_spaces() -> None:
    text = "word " * 400
    chunks = chunk("a1", text.strip(), max_chars=300)
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    assert sum(len(c.text.split()) for c in chunks) == 400


def test_ids_are_content_derived_and_stable() -> None:
    a = Article.create("One fact here. Another fact there.")
    b = Article.create("One fact here. Another fact there.\n\n")
    c = Article.create("One fact here. A different fact there.")
    assert a.id == b.id != c.id
    assert [x.id for x in chunk(a.id, a.text)] == [x.id for x in chunk(b.id, b.text)]
    assert chunk_id(a.id, 0, 5) != chunk_id(c.id, 0, 5)
    assert chunk_id(a.id, 0, 5) != chunk_id(a.id, 0, 6)


def test_a_megabyte_line_of_sentences_is_split_in_linear_time() -> None:
    # Each sentence end used to copy and rescan the text before it: 1 MB on one line took minutes.
    text = ("The council said it rose. Mr. Grey agreed at 3 p.m. today. " * 18000)[: 1024 * 1024]
    started = time.perf_counter()
    chunks = chunk("a", text, 600)
    assert time.perf_counter() - started < 10
    assert max(len(c.text) for c in chunks) <= 600 and len(chunks) > 1700
    assert "Mr. Grey agreed at 3 p.m. today." in chunks[0].text
