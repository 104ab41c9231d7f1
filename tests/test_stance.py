"""The shipped stance model: checked before it is loaded, deterministic, and right on plain cases.

The sentences are fictional (invented places and people) and written for
these tests; no benchmark or training item appears here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.corpus.article import Article
from assistant.corpus.chunking import sentences
from assistant.errors import ConfigError
from assistant.verify.classifier import classify
from assistant.verify.retrieve import Evidence
from assistant.verify.stance import (
    MODEL_DIR,
    MODEL_FILE,
    StanceModel,
    evidence_shape,
    get_stance_model,
    load_calibration,
)

CLAIM = "The Dornfeld bridge reopened to traffic in March."


def test_a_model_file_that_does_not_match_its_checksum_is_refused_before_it_is_loaded(tmp_path: Path) -> None:
    shutil.copyfile(MODEL_DIR / "model.json", tmp_path / "model.json")
    data = bytearray((MODEL_DIR / MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(ConfigError, match="sha256"):
        StanceModel(folder=tmp_path)


def test_missing_or_unreadable_metadata_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"model\.json"):
        load_calibration(tmp_path)
    (tmp_path / "model.json").write_text("{not json")
    with pytest.raises(ConfigError, match="unreadable"):
        load_calibration(tmp_path)


def test_the_shipped_calibration_is_a_probability_map() -> None:
    calibration = load_calibration()
    meta = json.loads((MODEL_DIR / "model.json").read_text())
    assert meta["labels"] == ["supported", "refuted", "not_enough_evidence"]
    assert 0 < calibration.support_threshold < 1 and 0 < calibration.refute_threshold < 1
    for curve in (calibration.confidence_curve, *(c for _, c in calibration.shape_curves)):
        ys = [y for _, y in curve]
        assert ys == sorted(ys), "an isotonic map never decreases"
        assert all(0 <= y <= 1 for y in ys)
    # Each map is named by a shape the aggregation can ask for.
    shapes = {evidence_shape(n, s) for n in (1, 2) for s in (1, 2, 4)}
    assert {name for name, _ in calibration.shape_curves} <= shapes


def test_probabilities_sum_to_one_and_do_not_depend_on_the_batch() -> None:
    model = get_stance_model()
    pairs = [(CLAIM, "The Dornfeld bridge reopened to traffic on 3 March after two years of repairs.")]
    alone = model.probabilities(pairs)
    filler = [(CLAIM, "A long unrelated sentence about the harvest festival in Upper Welling " * 5)] * 20
    batched = model.probabilities(filler + pairs)[-1:]
    assert np.allclose(alone.sum(axis=1), 1.0, atol=1e-5)
    assert np.allclose(alone, batched, atol=1e-4)


def test_plain_support_a_changed_figure_and_unrelated_text_are_told_apart() -> None:
    model = get_stance_model()
    claim = "The Kessling water plant will cost 42 million euros."
    probs = model.probabilities([
        (CLAIM, "Traffic returned to the Dornfeld bridge in March, when it reopened after repairs."),
        (claim, "The Kessling water plant will cost 48 million euros, tender documents show."),
        (CLAIM, "The Upper Welling choir performed at the harvest festival on Sunday."),
    ])
    assert probs[0].argmax() == 0, probs[0]
    assert probs[1].argmax() == 1, probs[1]
    assert probs[2].argmax() == 2, probs[2]


@pytest.mark.xfail(strict=True, reason="known miss of the shipped model: a contradiction in other words (closed "
                   "throughout March) reads as support (0.81); see the data card")
def test_a_contradiction_in_other_words_is_not_read_as_support() -> None:
    probs = get_stance_model().probabilities(
        [(CLAIM, "The Dornfeld bridge remained closed to traffic throughout March and April.")])
    assert probs[0, 0] < 0.5, probs[0]


def test_an_empty_batch_costs_nothing() -> None:
    assert get_stance_model().probabilities([]).shape == (0, 3)


def test_the_model_computes_the_same_scores_on_every_cpu() -> None:
    """Scores taken on a CPU with VNNI, where integer products are exact.

    With int8 weights, CPUs without VNNI saturated some sums and moved
    confidences by up to 0.06 (enough to change a citation); the uint8 weights
    of ``training/unsigned_stance.py`` leave nothing to saturate, so only float
    rounding may differ here.
    """
    logits = get_stance_model().logits([
        (CLAIM, "Traffic returned to the Dornfeld bridge in March, when it reopened after repairs."),
        ("The Kessling water plant will cost 42 million euros.",
         "The Kessling water plant will cost 48 million euros, tender documents show."),
        (CLAIM, "The Upper Welling choir performed at the harvest festival on Sunday."),
    ])
    expected = [[2.6945, -1.2486, -1.3371], [-0.2562, 2.2141, -2.0360], [-2.3585, 0.1467, 1.8590]]
    assert np.allclose(logits, expected, atol=0.02), logits.round(4).tolist()


def test_the_details_reader_refutes_the_contradiction_in_other_words_that_the_model_misses() -> None:
    # The raw model's miss above, as a verification reads it: the state said to go on ends the reopening.
    text = ("Dornfeld bridge repairs overrun\n\n"
            "The Dornfeld bridge remained closed to traffic throughout March and April.")
    article = Article.create(text, title="Dornfeld bridge repairs overrun", outlet="The Vale Courier", url="",
                             fictional=True)
    [judged] = classify(get_stance_model(), CLAIM, [Evidence(article, sentences(article.text), 1.0)])
    assert judged.stance == "refutes", judged
    assert any(d.kind == "negation" and not d.agrees for d in judged.details)
