"""Measure claim extraction on articles whose check-worthy sentences are labelled.

A case names an article (a corpus file or folder and the article's title) and
its gold claims, each with the sentence it comes from and that sentence's
character span. Extraction runs for real, replaying recorded model answers.

Matching rule: an extracted claim matches a gold claim when its span overlaps
the gold sentence's span (extraction ties each claim to one whole sentence, so
this means "the same sentence"); each gold claim and each extracted claim is
matched at most once, in document order. Claim recall is matched gold claims
over gold claims, claim precision matched extracted claims over extracted
claims (of every kind: facts, opinions and predictions alike), span validity
the share of extracted claims whose span is a real sentence of the article and
whose ``source_sentence`` is exactly ``article.text[start:end]``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field

from ..claims.extract import Claim, extract
from ..corpus.article import Article
from ..corpus.chunking import sentences
from ..corpus.loaders import load
from ..errors import RecordingMissingError, UserInputError
from ..llm import LLM
from ..settings import Settings
from .cases import CaseCost, mean_cost, parse_cases


class GoldClaim(BaseModel):
    """A check-worthy claim and its sentence: ``article.text[start:end] == sentence``."""

    sentence: str
    start: int
    end: int
    claim: str = ""


class ExtractCase(BaseModel):
    id: str
    corpus: str
    title: str
    why: str = ""
    claims: list[GoldClaim]


class ExtractedClaim(BaseModel):
    text: str
    start: int
    end: int
    kind: str
    matched: bool


class ExtractResult(CaseCost):
    id: str
    title: str
    gold: int
    predicted: int = 0
    matched_gold: int = 0
    matched_predicted: int = 0
    invalid_spans: int = 0
    claims: list[ExtractedClaim] = Field(default_factory=list)
    error: str = ""

    @property
    def stale(self) -> bool:
        return bool(self.error)


class ExtractMetrics(BaseModel):
    articles: int
    scored: int
    stale: list[str]
    gold_claims: int
    extracted_claims: int
    claim_recall: float
    claim_precision: float
    claim_f1: float
    span_validity: float
    calls_per_article: float
    prompt_tokens_per_article: float
    completion_tokens_per_article: float
    model_seconds_per_article: float


def load_extract_cases(path: Path) -> list[ExtractCase]:
    return parse_cases(path, ExtractCase, "extract")


def case_article(case: ExtractCase, root: Path) -> Article:
    """The case's article, its gold spans checked against the text."""
    loaded = load(str(root / case.corpus))
    matches = [a for a in loaded.articles if a.title == case.title]
    if len(matches) != 1:
        raise UserInputError(f"case {case.id}: {len(matches)} articles titled {case.title!r} in {case.corpus}")
    article = matches[0]
    for gold in case.claims:
        if article.text[gold.start : gold.end] != gold.sentence:
            raise UserInputError(f"case {case.id}: chars {gold.start}-{gold.end} are not {gold.sentence[:60]!r}")
    return article


def match(claims: list[Claim], gold: list[GoldClaim]) -> tuple[list[bool], int]:
    """Which extracted claims match a gold claim, and how many gold claims were matched (one-to-one)."""
    used: set[int] = set()
    matched = []
    for claim in claims:
        hit = next(
            (i for i, g in enumerate(gold) if i not in used and claim.start < g.end and g.start < claim.end), None
        )
        if hit is not None:
            used.add(hit)
        matched.append(hit is not None)
    return matched, len(used)


def span_valid(claim: Claim, article: Article) -> bool:
    spans = {(s.start, s.end) for s in sentences(article.text)}
    return (claim.start, claim.end) in spans and article.text[claim.start : claim.end] == claim.source_sentence


def run_extract_cases(cases: list[ExtractCase], settings: Settings, root: Path) -> list[ExtractResult]:
    """Extract every case's article; the model answers as ``settings`` says."""
    results = []
    llm = LLM(settings)
    try:
        for case in cases:
            article = case_article(case, root)
            before = llm.usage.model_copy()
            try:
                claims = extract(llm, article)
            except RecordingMissingError as exc:
                results.append(ExtractResult(id=case.id, title=case.title, gold=len(case.claims),
                                             error=f"no recording ({exc.request_hash})"))
                continue
            matched, matched_gold = match(claims, case.claims)
            result = ExtractResult(
                id=case.id, title=case.title, gold=len(case.claims), predicted=len(claims),
                matched_gold=matched_gold, matched_predicted=sum(matched),
                invalid_spans=sum(not span_valid(c, article) for c in claims),
                claims=[ExtractedClaim(text=c.text, start=c.start, end=c.end, kind=c.kind, matched=m)
                        for c, m in zip(claims, matched, strict=True)],
            )
            result.charge(llm.usage.since(before))
            results.append(result)
    finally:
        llm.close()
    return results


def compute_extract(results: list[ExtractResult]) -> ExtractMetrics:
    scored = [r for r in results if not r.stale]
    totals = Counter[str]()
    for r in scored:
        totals.update(gold=r.gold, predicted=r.predicted, matched_gold=r.matched_gold,
                      matched_predicted=r.matched_predicted, invalid=r.invalid_spans)
    calls, prompt_tokens, completion_tokens, seconds = mean_cost(scored)
    recall = totals["matched_gold"] / totals["gold"] if totals["gold"] else 0.0
    precision = totals["matched_predicted"] / totals["predicted"] if totals["predicted"] else 0.0
    return ExtractMetrics(
        articles=len(results),
        scored=len(scored),
        stale=[r.id for r in results if r.stale],
        gold_claims=totals["gold"],
        extracted_claims=totals["predicted"],
        claim_recall=recall,
        claim_precision=precision,
        claim_f1=2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        span_validity=1.0 - totals["invalid"] / totals["predicted"] if totals["predicted"] else 1.0,
        calls_per_article=calls,
        prompt_tokens_per_article=prompt_tokens,
        completion_tokens_per_article=completion_tokens,
        model_seconds_per_article=seconds,
    )
