"""Extraction metrics: the span-overlap matching rule, span validity, recall and precision."""

from assistant.claims.extract import Claim
from assistant.corpus.article import Article
from assistant.eval.extraction import ExtractResult, GoldClaim, compute_extract, match, span_valid

ARTICLE = Article.create("Tarnby hired 40 people. The mayor smiled. Work ends in May.", title="t")


def claim(start: int, end: int, source: str | None = None) -> Claim:
    return Claim(text="c", article_id=ARTICLE.id, start=start, end=end,
                 source_sentence=ARTICLE.text[start:end] if source is None else source, type="other", kind="fact",
                 checkworthiness=0.5, reason="r")


def gold(start: int, end: int) -> GoldClaim:
    return GoldClaim(sentence=ARTICLE.text[start:end], start=start, end=end)


def test_a_claim_matches_the_gold_claim_whose_sentence_it_overlaps_once() -> None:
    golds = [gold(0, 23), gold(42, 58)]
    matched, found = match([claim(0, 23), claim(24, 41), claim(0, 23), claim(42, 58)], golds)
    assert matched == [True, False, False, True] and found == 2


def test_span_validity_needs_a_real_sentence_and_its_exact_text() -> None:
    assert span_valid(claim(0, 23), ARTICLE)
    assert not span_valid(claim(0, 10), ARTICLE)  # not a sentence boundary
    assert not span_valid(claim(0, 23, source="Tarnby hired 41 people."), ARTICLE)


def test_recall_precision_and_validity_pool_over_articles_and_skip_stale_ones() -> None:
    m = compute_extract([
        ExtractResult(id="a", title="A", gold=4, predicted=5, matched_gold=3, matched_predicted=3, invalid_spans=1),
        ExtractResult(id="b", title="B", gold=2, predicted=1, matched_gold=1, matched_predicted=1),
        ExtractResult(id="c", title="C", gold=3, error="no recording (x)"),
    ])
    assert (m.articles, m.scored, m.stale) == (3, 2, ["c"])
    assert (m.claim_recall, m.claim_precision) == (4 / 6, 4 / 6)
    assert m.span_validity == 1 - 1 / 6
