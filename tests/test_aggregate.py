from assistant.verify.aggregate import aggregate
from assistant.verify.stance import Calibration, evidence_shape
from assistant.verify.verdict import Citation, DetailNote, SourceJudgement, StanceScores


def j(outlet: str, stance: str, confidence: float = 0.9, quoted: bool = True, article: str = "") -> SourceJudgement:
    citation = Citation(
        article_id=article or outlet, outlet=outlet, title="t", published=None, url="", quote="q" * 20, start=0, end=20
    )
    return SourceJudgement(
        article_id=article or outlet, outlet=outlet, title="t", stance=stance,  # type: ignore[arg-type]
        confidence=confidence, comparison="", citation=citation if quoted else None,
    )


def test_no_sources_and_only_irrelevant_sources_are_not_enough_evidence() -> None:
    assert aggregate([])[0] == "not_enough_evidence"
    assert aggregate([j("A", "irrelevant"), j("B", "irrelevant")])[0] == "not_enough_evidence"


def test_one_side_wins_and_more_outlets_mean_more_confidence() -> None:
    one = aggregate([j("A", "refutes"), j("B", "irrelevant")])
    three = aggregate([j("A", "refutes"), j("B", "refutes"), j("C", "refutes")])
    assert one[0] == three[0] == "refuted"
    assert three[1] > one[1]
    assert aggregate([j("A", "supports")])[0] == "supported"


def test_disagreeing_outlets_are_conflicting() -> None:
    label, confidence, summary = aggregate([j("A", "supports", 0.8), j("B", "refutes", 0.6)])
    assert label == "conflicting"
    assert confidence == 0.6
    assert "1 source(s) support and 1 refute" in summary


def test_articles_of_one_outlet_are_one_voice() -> None:
    same = aggregate([j("A", "supports", article="a1"), j("A", "supports", article="a2")])
    two = aggregate([j("A", "supports", article="a1"), j("B", "supports", article="b1")])
    assert same[1] < two[1]
    assert "1 independent" in same[2]


def test_a_stance_without_a_verified_quote_does_not_count() -> None:
    assert aggregate([j("A", "supports", quoted=False)])[0] == "not_enough_evidence"


def scored(outlet: str, supported: float, refuted: float, quoted: bool = True) -> SourceJudgement:
    """A judgement with probabilities (the LLM judge scored by logprobs), its stance the likeliest letter."""
    neither = 1.0 - supported - refuted
    best = max(supported, refuted, neither)
    stance = "supports" if best == supported else "refutes" if best == refuted else "irrelevant"
    judged = j(outlet, stance, best, quoted)
    return judged.model_copy(update={"scores": StanceScores(supported=supported, refuted=refuted, neither=neither)})


def test_probabilities_without_a_calibration_give_the_raw_probability_not_constants() -> None:
    assert aggregate([scored("A", 0.7, 0.1), scored("B", 0.55, 0.2)])[:2] == ("supported", 0.7)
    # Nothing decides: one minus the strongest support or refutation anywhere, not the stated judge's 0.6.
    assert aggregate([scored("A", 0.3, 0.1), scored("B", 0.1, 0.05)])[:2] == ("not_enough_evidence", 0.7)
    assert aggregate([scored("A", 0.8, 0.1), scored("B", 0.1, 0.65)])[:2] == ("conflicting", 0.65)


def test_the_confidence_map_is_the_one_fitted_on_evidence_of_the_same_shape() -> None:
    calibration = Calibration(
        sha256="", max_tokens=192, temperature=1.0, support_threshold=0.5, refute_threshold=0.5,
        confidence_curve=((0.0, 0.5), (1.0, 0.5)),
        shape_curves=(("one source, one sentence", ((0.0, 0.9), (1.0, 0.9))),
                      ("several sources, several sentences", ((0.0, 0.2), (1.0, 0.2)))),
    )
    one = scored("A", 0.8, 0.1).model_copy(update={"sentences": 1})
    assert aggregate([one], calibration)[1] == 0.9
    many = [scored(o, 0.8, 0.1).model_copy(update={"sentences": 6}) for o in ("A", "B")]
    assert aggregate(many, calibration)[1] == 0.2
    # A shape without a map of its own (too few validation verdicts) gets the pooled one.
    assert aggregate([scored("A", 0.8, 0.1).model_copy(update={"sentences": 6})], calibration)[1] == 0.5


def test_evidence_shapes() -> None:
    assert evidence_shape(1, 1) == "one source, one sentence"
    assert evidence_shape(1, 5) == "one source, several sentences"
    assert evidence_shape(5, 5) == "several sources, one sentence each"
    assert evidence_shape(4, 24) == "several sources, several sentences"


def test_a_source_that_tells_the_act_only_as_planned_does_not_refute_one_that_tells_it_done() -> None:
    planned = j("B", "refutes", 0.9).model_copy(update={"details": [
        DetailNote(kind="modality", claim="was published (an event)", source="is expected to publish (an expectation)",
                   agrees=False)]})
    told = j("A", "supports", 0.8).model_copy(update={"details": [
        DetailNote(kind="date", claim="26 May", source="Tuesday 26 May", agrees=True)]})
    assert aggregate([told, planned])[0] == "supported"
    # A support that no detail bears out does not outweigh it.
    assert aggregate([j("A", "supports", 0.8), planned])[0] == "conflicting"
    # With nothing telling it done, the plan still refutes the claim that it was done.
    assert aggregate([planned])[0] == "refuted"
    # Another kind of difference still makes the two conflict.
    counted = planned.model_copy(update={"details": [
        DetailNote(kind="number", claim="150 moved", source="7,000 moved", agrees=False)]})
    assert aggregate([told, counted])[0] == "conflicting"
