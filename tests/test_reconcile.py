"""What the details reader does to the classifier's window probabilities, on fictional sentences."""

from __future__ import annotations

import numpy as np

from assistant.verify import reconcile
from assistant.verify.details import get_reader
from assistant.verify.stance import REFUTED, SUPPORTED

STORY = "Harlow port fraud trial ends\n\nA Harlow court convicted Ilse Marrowby. Jonas Keswick was acquitted."


def adjusted(claim: str, window: str, supported: float, refuted: float) -> np.ndarray:
    reader = get_reader()
    found = reconcile.comparisons(reader.read(claim), [reader.read(window)], STORY)
    probs = np.array([[supported, refuted, 1.0 - supported - refuted]])
    return reconcile.adjusted(probs, found)[0]


def test_a_slot_difference_refutes_and_never_supports() -> None:
    out = adjusted("Velmora has shipped 7,000 crates to Tollbury.", "Velmora has shipped 150 crates to Tollbury.",
                   0.8, 0.1)
    assert out[SUPPORTED] == 0.0
    assert out[REFUTED] >= reconcile.REFUTE_FLOOR


def test_a_refutation_of_a_sentence_about_someone_else_in_the_story_is_dropped() -> None:
    # The classifier's "refutes" for a sentence that never names the claim's person is "about something else".
    out = adjusted("Jonas Keswick was found not guilty in the Harlow port trial.",
                   "The Harlow port inquiry began in May 2023, when an auditor reported Ilse Marrowby.", 0.01, 0.97)
    assert out[REFUTED] == 0.0


def test_a_support_sharing_no_detail_nor_the_event_and_naming_the_claims_people_elsewhere_needs_a_sure_classifier(
) -> None:
    # Keswick is named elsewhere in the story, not in the window.
    claim = "Jonas Keswick has signed a contract with the Harlow port."
    window = "The Harlow council voted on 3 February to waive parking fees for six months."
    assert adjusted(claim, window, reconcile.SUPPORT_ALONE - 0.05, 0.1)[SUPPORTED] == 0.0
    assert adjusted(claim, window, reconcile.SUPPORT_ALONE + 0.05, 0.1)[SUPPORTED] > 0.0


def test_a_refutation_of_a_sentence_that_does_not_tell_of_the_claims_event_is_dropped() -> None:
    # Both name Tessel and Quorra, but opening a review says nothing against the day a deal was announced.
    claim = "Quorra Foods announced its deal to buy Tessel Dairy on 14 May."
    window = "The Harlow regulator opened an in-depth review of Quorra's planned purchase of Tessel Dairy on 2 June."
    assert adjusted(claim, window, 0.03, 0.95)[REFUTED] == 0.0
    # The same refutation stands where the sentence tells of the claim's event.
    assert adjusted(claim, "Quorra Foods did not announce a deal for Tessel Dairy.", 0.03, 0.95)[REFUTED] > 0.9


def test_a_window_read_more_against_the_claim_than_for_it_does_not_support_it_once_the_refutation_is_dropped(
) -> None:
    # The refutation is below REFUTE_ALONE and no slot bears it out; the support beneath it does not stand either.
    claim = "The Harlow Quartet is a Velmora film."
    window = "The Harlow Quartet is a Velmora radio comedy that was broadcast between 1981 and 1986."
    out = adjusted(claim, window, 0.3, 0.64)
    assert out[SUPPORTED] == 0.0 and out[REFUTED] == 0.0
    # A window read as more for than against keeps its support.
    assert adjusted(claim, window, 0.64, 0.3)[SUPPORTED] > 0.0


def test_a_window_stating_every_figure_of_a_claim_of_no_event_supports_it_at_the_floor() -> None:
    # Fictional: the Harlow ferry is invented. "Three in ten" is 30 %, which "Of the 40 crew, 12 ..." states.
    out = adjusted("Three in ten of the Harlow ferry's crew are new.", "Of the Harlow ferry's 40 crew, 12 are new.",
                   0.2, 0.2)
    assert out[SUPPORTED] >= reconcile.SUPPORT_FLOOR
    # A window that leaves the figure unsaid does not.
    assert adjusted("Three in ten of the Harlow ferry's crew are new.", "The Harlow ferry's crew are new.",
                    0.2, 0.2)[SUPPORTED] < reconcile.SUPPORT_FLOOR


def test_dates_of_a_comparison_stated_alike_do_not_support_it_at_the_floor() -> None:
    # Both years are in the window, but which way the comparison went is not read from them.
    claim = "The Harlow river peaked lower in 2026 than in the 2019 flood."
    window = "The Harlow river peaked at 4.7 metres in 2026; in the 2019 flood it peaked at 4.1 metres."
    assert adjusted(claim, window, 0.2, 0.3)[SUPPORTED] < reconcile.SUPPORT_FLOOR


def test_every_figure_stated_alike_in_other_verbs_supports_where_the_classifier_sees_nothing_against() -> None:
    # "reported" is not "earned" to the reader, but the sum, the profit and the year are the claim's.
    claim = "Quorra Rail earned an operating profit of 22.5 million pounds in 2025."
    window = "Quorra Rail reported an operating profit of £22.5m for 2025."
    below, above = reconcile.RETOLD_REFUTE - 0.1, reconcile.RETOLD_REFUTE + 0.1
    assert adjusted(claim, window, 0.2, below)[SUPPORTED] == reconcile.SUPPORT_FLOOR
    assert adjusted(claim, window, 0.2, above)[SUPPORTED] < reconcile.SUPPORT_FLOOR
    # A year alone, stated alike in other verbs, is too common to tell one event; a day is not.
    plan = adjusted("Quorra Rail plans to build a museum in 2027.", "Quorra Rail will repaint its depot in 2027.",
                    0.2, below)
    assert plan[SUPPORTED] < reconcile.SUPPORT_FLOOR
    claim = "Thieves raided the Harlow museum in the early hours of March 8, a Sunday."
    window = "Thieves broke into the Harlow museum in the early hours of Sunday 8 March."
    assert adjusted(claim, window, 0.2, below)[SUPPORTED] == reconcile.SUPPORT_FLOOR
    assert adjusted(claim, window, 0.2, above)[SUPPORTED] < reconcile.SUPPORT_FLOOR


def test_a_bound_met_by_a_figure_in_other_verbs_does_not_support_at_the_floor() -> None:
    # Every figure below 1,000 meets "fewer than 1,000": it is not the claim's figure told again.
    claim = "Fewer than 1,000 people joined the march against the Harlow mill's closure."
    window = "Velmora will close the Harlow mill by September, putting 640 people out of work."
    assert adjusted(claim, window, 0.2, reconcile.RETOLD_REFUTE - 0.1)[SUPPORTED] < reconcile.SUPPORT_FLOOR


def test_a_classifier_refutation_of_a_window_that_leaves_the_claims_figure_unsaid_is_dropped() -> None:
    claim = "The Harlow rescue service has 64 volunteers."
    assert adjusted(claim, "The Harlow rescue service has launched an appeal for a new base.", 0.03, 0.95)[
        REFUTED] == 0.0
    # A window that states another figure still refutes.
    assert adjusted(claim, "The Harlow rescue service has 46 volunteers.", 0.03, 0.95)[REFUTED] > 0.9
