"""The classifier judge's logic (windows, stance, citation, vetoes), with a scripted model in place of the weights.

The scripted model scores a window by the phrases it contains, so each test
states exactly what the model "reads"; the shipped model itself is tested in
test_stance.py.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.corpus.article import Article
from assistant.corpus.chunking import Span, sentences
from assistant.verify.aggregate import aggregate
from assistant.verify.classifier import classify, windows
from assistant.verify.retrieve import Evidence
from assistant.verify.stance import Calibration, StanceModel

# Fictional text: invented places and people.
TEXT = (
    "The Ostrava Vale council met on Monday. "
    "It approved the new Kessling tram line. "
    "The line will cost 42 million euros. "
    "Residents of Marrow Street complained about the noise."
)
CALIBRATION = Calibration(sha256="", max_tokens=192, temperature=1.0, support_threshold=0.6, refute_threshold=0.6,
                          confidence_curve=((0.0, 0.1), (1.0, 0.9)))


class ScriptedModel(StanceModel):
    """Probabilities from phrases: a window containing a ``support`` phrase supports, a ``refute`` one refutes."""

    def __init__(self, support: tuple[str, ...] = (), refute: tuple[str, ...] = (),
                 both: tuple[tuple[str, str], ...] = ()) -> None:
        self.calibration = CALIBRATION
        self.support, self.refute, self.both = support, refute, both
        self.seen: list[tuple[str, str]] = []

    def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        self.seen.extend(pairs)
        rows = []
        for _, window in pairs:
            if any(a in window and b in window for a, b in self.both):
                rows.append([0.95, 0.02, 0.03])
            elif any(p in window for p in self.support):
                rows.append([0.8, 0.1, 0.1])
            elif any(p in window for p in self.refute):
                rows.append([0.05, 0.9, 0.05])
            else:
                rows.append([0.1, 0.1, 0.8])
        return np.array(rows, dtype=np.float32).reshape(len(pairs), 3)


def evidence(text: str = TEXT, outlet: str = "The Vale Courier", chosen: list[int] | None = None) -> Evidence:
    article = Article.create(text, title="Council approves tram", outlet=outlet, url="", fictional=True)
    spans = sentences(article.text)
    picked = spans if chosen is None else [spans[i] for i in chosen]
    return Evidence(article, picked, 1.0)


def test_windows_join_each_chosen_sentence_with_its_neighbours() -> None:
    spans = sentences(TEXT)
    found = windows(TEXT, [spans[2]])
    texts = {TEXT[w.start : w.end] for w in found}
    assert texts == {
        "The line will cost 42 million euros.",
        "It approved the new Kessling tram line. The line will cost 42 million euros.",
        "The line will cost 42 million euros. Residents of Marrow Street complained about the noise.",
        "It approved the new Kessling tram line. The line will cost 42 million euros. "
        "Residents of Marrow Street complained about the noise.",
    }
    assert len(found) == len(texts)


def test_windows_at_the_edges_of_an_article_do_not_repeat() -> None:
    spans = sentences(TEXT)
    assert [TEXT[w.start : w.end] for w in windows(TEXT, [spans[0]])] == [
        "The Ostrava Vale council met on Monday.",
        "The Ostrava Vale council met on Monday. It approved the new Kessling tram line.",
    ]


def test_support_spanning_two_sentences_is_found_and_cited_as_both() -> None:
    model = ScriptedModel(both=(("Kessling tram", "42 million"),))
    [judgement] = classify(model, "The Kessling tram line will cost 42 million euros.", [evidence(chosen=[2])],
                           details=False)
    assert judgement.stance == "supports"
    assert judgement.citation is not None
    assert judgement.citation.quote == "It approved the new Kessling tram line. The line will cost 42 million euros."


def test_the_citation_is_the_smallest_window_that_decides_and_is_sliced_from_the_article() -> None:
    model = ScriptedModel(support=("42 million",))
    source = evidence()
    [judgement] = classify(model, "The line costs 42 million euros.", [source])
    citation = judgement.citation
    assert judgement.stance == "supports" and citation is not None
    assert citation.quote == "The line will cost 42 million euros."
    assert source.article.text[citation.start : citation.end] == citation.quote
    assert judgement.scores is not None and judgement.scores.supported == np.float32(0.8)


def test_a_source_whose_best_window_stays_under_the_thresholds_is_irrelevant_without_a_citation() -> None:
    [judgement] = classify(ScriptedModel(), "The tram line was cancelled.", [evidence()])
    assert judgement.stance == "irrelevant"
    assert judgement.citation is None
    assert "no window decides" in judgement.note


def test_refutation_needs_the_refute_threshold() -> None:
    model = ScriptedModel(refute=("42 million",))
    [judgement] = classify(model, "The line costs 90 million euros.", [evidence()])
    assert judgement.stance == "refutes"
    strict = ScriptedModel(refute=("42 million",))
    strict.calibration = replace(CALIBRATION, refute_threshold=0.95)
    assert classify(strict, "The line costs 90 million euros.", [evidence()])[0].stance == "irrelevant"


def test_all_sources_are_scored_in_one_pass_each_with_its_own_windows() -> None:
    model = ScriptedModel(support=("42 million",), refute=("48 million",))
    other = evidence("The Kessling tram line will cost 48 million euros, the Harbour Post learned.", "Harbour Post")
    judgements = classify(model, "The Kessling tram line will cost 42 million euros.", [evidence(), other])
    assert [j.stance for j in judgements] == ["supports", "refutes"]
    assert [j.outlet for j in judgements] == ["The Vale Courier", "Harbour Post"]
    label, _, summary = aggregate(judgements, CALIBRATION)
    assert label == "conflicting"
    assert "1 outlet(s) support and 1 refute" in summary


def test_a_chosen_check_overrules_a_support_that_misses_the_claims_number() -> None:
    model = ScriptedModel(support=("42 million",))
    claim = "The Kessling tram line will cost 45 million euros."
    # The details reader is off: it would refute this claim by its number itself.
    assert classify(model, claim, [evidence()], details=False)[0].stance == "supports"
    [vetoed] = classify(model, claim, [evidence()], vetoes=frozenset({"numbers"}), details=False)
    assert vetoed.stance == "irrelevant"
    assert vetoed.citation is None
    assert vetoed.note.startswith("overruled:")


def test_the_calibrated_confidence_comes_from_the_fitted_curve() -> None:
    model = ScriptedModel(support=("42 million",))
    label, confidence, _ = aggregate(classify(model, "The line costs 42 million euros.", [evidence()], details=False),
                                     CALIBRATION)
    # Raw 0.8 on the curve from (0, 0.1) to (1, 0.9).
    assert (label, confidence) == ("supported", 0.74)
    label, confidence, _ = aggregate(classify(ScriptedModel(), "Unrelated claim about ferries.", [evidence()],
                                              details=False), CALIBRATION)
    # Nothing decides: raw is one minus the strongest stance anywhere (0.1).
    assert (label, confidence) == ("not_enough_evidence", 0.82)


def test_windows_of_an_unlocatable_span_are_the_span_itself() -> None:
    assert windows(TEXT, [Span(4, 20)]) == [Span(4, 20)]


def test_the_classifier_reads_a_date_stated_alike_in_the_claims_words() -> None:
    # "Monday 2 March" and "March 2, 2026" are one date; the classifier is not left to take them for two.
    model = ScriptedModel(support=("March 2, 2026",))
    text = "The Ostrava Vale council approved the Kessling tram line on Monday 2 March. Work starts in May."
    judgement = classify(model, "The Ostrava Vale council approved the Kessling tram line on March 2, 2026.",
                         [evidence(text)], details=True)[0]
    assert any("on March 2, 2026" in window for _, window in model.seen)
    assert not any("Monday 2 March" in window for _, window in model.seen)
    assert judgement.stance == "supports"
