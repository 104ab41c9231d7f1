"""Judge one source's stance with the trained classifier: windows of the article, scored, the best one cited.

A window is one evidence sentence, or it with the sentence before and/or
after it, so support that spans two sentences ("The council approved the
plan. It will cost 42 million euros.") is read as one piece. Every window is
scored; the source's stance is that of its best window when the calibrated
probability reaches the threshold fitted on validation data, and the citation
is the smallest window that decides it (within 0.9 of the best score), sliced
from the article by offsets, so it is verbatim by construction.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from ..corpus.chunking import Span, sentences
from . import reconcile
from .details import Details, get_reader
from .discrepancies import Comparison
from .retrieve import Evidence
from .stance import NEITHER, REFUTED, SUPPORTED, StanceModel
from .verdict import Citation, SourceJudgement, StanceScores
from .vetoes import overruling

# A window within this share of the best window's probability may be cited instead, if it is shorter.
CITE_WITHIN = 0.9
# Sentences on either side of a chosen one that a window may take in.
REACH = 1
#: The deterministic checks (``vetoes``) that may overrule the classifier, chosen by ablation on
#: validation data (README, "The checks"): "names" and "numbers" veto a support, "refutation" vetoes a refute.
VETOES: frozenset[str] = frozenset()


def windows(text: str, chosen: list[Span]) -> list[Span]:
    """Each chosen sentence alone and with its neighbours, as spans of ``text``, without repeats."""
    every = sentences(text)
    at = {s.start: i for i, s in enumerate(every)}
    found: dict[tuple[int, int], None] = {}
    for span in chosen:
        i = at.get(span.start)
        if i is None:
            found[(span.start, span.end)] = None
            continue
        for before in range(REACH + 1):
            for after in range(REACH + 1):
                lo, hi = max(0, i - before), min(len(every) - 1, i + after)
                found[(every[lo].start, every[hi].end)] = None
    return [Span(a, b) for a, b in found]


def read_windows(sources: list[tuple[str, list[Span]]]) -> list[list[Details]]:
    """The details of each window of each text, built from its sentences: all of them parsed in one batch (half
    the time of one by one), each once however many windows share it."""
    reader = get_reader()
    parts = []
    for text, spans in sources:
        every = sentences(text)
        parts.append([[(s.start, s.end) for s in every if w.start <= s.start and s.end <= w.end] or [(w.start, w.end)]
                      for w in spans])
    reader.read_all([text[a:b] for (text, _), windows_ in zip(sources, parts, strict=True)
                     for pieces in windows_ for a, b in pieces])
    return [[reader.joined(text, pieces) for pieces in windows_]
            for (text, _), windows_ in zip(sources, parts, strict=True)]


def classify(
    model: StanceModel, claim: str, sources: list[Evidence], vetoes: frozenset[str] = VETOES, details: bool = True
) -> list[SourceJudgement]:
    """One judgement per source, all windows of all sources scored in one pass.

    With ``details`` (the default) the classifier reads claim and windows with every quantity written one way and
    each window's figures and dates that the reader found stated alike in the claim's own words, and the details
    reader's comparison adjusts each window's probabilities (``reconcile``) before a stance is taken; the deciding
    window's differences and agreements go with the judgement.
    """
    spans = [windows(e.article.text, e.spans) for e in sources]
    if details:
        claim_details = get_reader().read(claim)
        read = read_windows([(e.article.text, ws) for e, ws in zip(sources, spans, strict=True)])
        compared = [reconcile.comparisons(claim_details, ds, f"{e.article.title}\n{e.article.text}",
                                          published_on(e.article.published), e.article.outlet)
                    for e, ds in zip(sources, read, strict=True)]
        # Each window is read with the figures and dates it states alike in the claim's words.
        probs = model.probabilities([(claim_details.canonical, c.in_claim_words(d.canonical))
                                     for ds, cs in zip(read, compared, strict=True)
                                     for d, c in zip(ds, cs, strict=True)])
    else:
        probs = model.probabilities([(claim, e.article.text[s.start : s.end])
                                     for e, ws in zip(sources, spans, strict=True) for s in ws])
    judgements = []
    row = 0
    for i, (evidence, ws) in enumerate(zip(sources, spans, strict=True)):
        p = probs[row : row + len(ws)]
        if details:
            found = compared[i]
            judgement = _judgement(model, evidence, ws, reconcile.adjusted(p, found), found, p)
        else:
            judgement = _judgement(model, evidence, ws, p)
        judgements.append(_vetoed(claim, judgement, vetoes) if vetoes else judgement)
        row += len(ws)
    return judgements


def published_on(published: str | None) -> date | None:
    """An article's publication day, where it gives one that can be read ("2026-08-15", "2026-08-15T09:30:00Z"):
    the day its "on Friday" and "last year" are counted from."""
    try:
        return date.fromisoformat((published or "")[:10])
    except ValueError:
        return None


def _judgement(
    model: StanceModel, evidence: Evidence, spans: list[Span], p: np.ndarray,
    found: list[Comparison] | None = None, raw: np.ndarray | None = None,
) -> SourceJudgement:
    """The source's stance from its windows' probabilities ``p`` (adjusted by the details where ``found`` holds
    their comparisons); ``raw`` are the classifier's own, shown as its scores."""
    raw = p if raw is None else raw
    article = evidence.article
    cal = model.calibration
    base = SourceJudgement(article_id=article.id, outlet=article.outlet, title=article.title, stance="irrelevant",
                           confidence=0.0, comparison="", sentences=len(evidence.spans))
    if not len(spans):
        return base.model_copy(update={"note": "no sentence to read"})
    best_sup, best_ref = int(p[:, SUPPORTED].argmax()), int(p[:, REFUTED].argmax())
    sup, ref = float(p[best_sup, SUPPORTED]), float(p[best_ref, REFUTED])
    if sup >= cal.support_threshold and sup >= ref:
        stance, column, best = "supports", SUPPORTED, best_sup
    elif ref >= cal.refute_threshold:
        stance, column, best = "refutes", REFUTED, best_ref
    else:
        scores = StanceScores(supported=sup, refuted=ref, neither=float(p[:, NEITHER].min()))
        note = f"no window decides the claim (best: supported {sup:.2f}, refuted {ref:.2f})"
        if found and (missing := reconcile.unsaid(found)):
            note += f"; it does not state {missing}"
        return base.model_copy(update={"confidence": round(max(0.0, 1 - max(sup, ref)), 3), "scores": scores,
                                       "note": note})
    top = float(p[best, column])
    near = [i for i in range(len(spans)) if p[i, column] >= CITE_WITHIN * top]
    rank = (lambda i: found[i].rank) if found and stance == "refutes" else (lambda i: 0)
    pick = min(near, key=lambda i: (rank(i), spans[i].end - spans[i].start, -p[i, column]))
    span = spans[pick]
    citation = Citation(
        article_id=article.id, outlet=article.outlet, title=article.title, published=article.published,
        url=article.url, quote=article.text[span.start : span.end], start=span.start, end=span.end,
        page=article.page_at(span.start),
    )
    scores = StanceScores(supported=float(raw[best, SUPPORTED]), refuted=float(raw[best, REFUTED]),
                          neither=float(raw[best, NEITHER]))
    comparison = f"classifier: {stance} with probability {top:.2f} ({len(spans)} window(s) read)"
    details = reconcile.notes(found[pick]) if found else []
    if found and float(raw[best, column]) < top:
        # The details reader, not the classifier, decided this stance: its confidence is the reader's own
        # (aggregate reads this prefix).
        what = f"{details[0].kind} differs" if stance == "refutes" else "every detail stated alike"
        comparison = f"{reconcile.DECIDED} {what} ({len(spans)} window(s) read)"
    return base.model_copy(update={"stance": stance, "confidence": round(top, 3), "comparison": comparison,
                                   "citation": citation, "scores": scores, "details": details})


def _vetoed(claim: str, judgement: SourceJudgement, vetoes: frozenset[str]) -> SourceJudgement:
    """The judgement, or "irrelevant" with the reason when a chosen check overrules it."""
    if judgement.citation is None:
        return judgement
    problem = overruling(claim, judgement.stance, judgement.citation.quote, judgement.title, vetoes)
    if not problem:
        return judgement
    return judgement.model_copy(update={"stance": "irrelevant", "citation": None, "note": f"overruled: {problem}"})
