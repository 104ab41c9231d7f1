"""Weigh the classifier's reading of each window against the details reader's: what each kind of difference does.

The classifier reads words and says how likely a window is to support or
refute the claim; the details reader sets the claim's slots beside the
window's (``discrepancies``). Before a source's stance is decided, each
window's two probabilities are adjusted:

- a window that shares nothing the claim is about (no name, figure or date in
  common, not the same event) says nothing about it, whatever the classifier
  read: both probabilities go to zero;
- a window that differs from the claim in a slot (a number, a date, a
  confusable name, negation or an opposite verb, a plan against an event, a
  direction, roles swapped) cannot support it, and refutes it with at least
  ``REFUTE_FLOOR``;
- a window that leaves a figure, date or name of the claim unsaid cannot
  support it (a compound claim is supported only if every part is);
- a classifier refutation that no slot difference bears out stands only at
  ``REFUTE_ALONE`` or above, never for a window that states every detail of
  the claim alike, never for one that leaves a name or a figure of the claim
  unsaid, or a name to the rest of its article (a sentence about someone else
  in the same story, or about something else it has: "launched an appeal"
  says nothing against "has 64 volunteers"), and never for one that does not
  tell of the claim's event ("opened a review" says nothing against
  "announced the deal");
- a window whose refutation is set aside does not support the claim either
  where the classifier read it as more against the claim than for it, unless
  it states every detail of the claim alike, a figure or a date among them;
- a window that agrees with the claim in no detail, does not tell of its
  event and leaves a name of the claim to the rest of its article supports
  it only at ``SUPPORT_ALONE`` or above;
- a window that states every detail of the claim alike, about the same
  event (every act of the claim told in a verb of its own), with a figure or
  a date among them, supports it with at least ``SUPPORT_FLOOR``.

The floors, the thresholds, the rules and which unsaid details block support were chosen on
validation data only (``bench/contrast.py --split validation`` and the
validation sides of the benchmarks; README, "How the details are read").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from .details import Details
from .discrepancies import Comparison, compare
from .stance import REFUTED, SUPPORTED
from .verdict import DetailNote

#: The raw probability a window that differs from the claim in a slot refutes it with, at least.
REFUTE_FLOOR = 0.9
#: A refutation the details do not bear out (no slot differs) stands only at this raw probability or above: the
#: classifier says "refutes" to sentences that are merely about something else.
REFUTE_ALONE = 0.9
#: A support from a window that agrees with the claim in no detail, does not tell of its event and leaves one of its
#: names to the rest of the article ("Strand has signed an extension" against "Varnhold signed Kallsen-Ruiz" in a
#: story that names the coach Strand elsewhere) stands only at this raw probability or above. Limited to such
#: windows because, applied to every window, it cost 0.6 and 0.7 points on FEVER-Symmetric dev and the Climate-FEVER
#: validation half, where the evidence names its subject itself.
SUPPORT_ALONE = 0.6
#: The raw probability with which a window supports a claim whose every detail it states alike, of the same event
#: and with a figure or a date among them, at least: the classifier reads other wording as a difference.
SUPPORT_FLOOR = 0.9
#: The classifier's refutation under which a window stating every detail of the claim alike, a figure or a day among
#: them, supports it though its verbs are not the claim's: "reported an operating profit of £22.5m for 2025" for
#: "earned an operating profit of 22.5 million pounds in 2025", "broke into the museum on Sunday 8 March" for "raided
#: the museum on March 8"; not "refused bail" for "granted bail". A year alone is too common to tell one event
#: ("plans to introduce fees in 2027").
RETOLD_REFUTE = 0.5
#: How a judgement that the details decided says so (``comparison`` begins with it).
DECIDED = "details:"
#: The share of verdicts decided by the details that were right on the contrast suite's validation half
#: (``bench/contrast.py --split validation``): their confidence, since the classifier's calibration maps describe
#: its own probabilities, not the reader's.
DECIDED_CONFIDENCE = {"supported": 0.76, "refuted": 0.84}
#: Kinds of claim detail that a window must state before it may support the claim.
REQUIRED: frozenset[str] = frozenset({"number", "date", "name"})
NAMES: frozenset[str] = frozenset({"name"})
FIGURES: frozenset[str] = frozenset({"number"})


def comparisons(claim: Details, windows: Sequence[Details], context: str, published: date | None = None,
                outlet: str = "") -> list[Comparison]:
    return [compare(claim, window, context, published, outlet) for window in windows]


def adjusted(probs: np.ndarray, found: Sequence[Comparison]) -> np.ndarray:
    """The classifier's probabilities of a source's windows, adjusted by what the details say (module docstring)."""
    out = probs.copy()
    for i, c in enumerate(found):
        if not c.about_the_claim:
            out[i, SUPPORTED] = out[i, REFUTED] = 0.0
        elif c.differences:
            out[i, SUPPORTED] = 0.0
            out[i, REFUTED] = max(out[i, REFUTED], REFUTE_FLOOR)
        else:
            if c.unstated_of(REQUIRED):
                out[i, SUPPORTED] = 0.0
            if c.complete or out[i, REFUTED] < REFUTE_ALONE or c.named_elsewhere or c.unstated_of(NAMES | FIGURES) or (
                    c.claim_event and not c.shared_event):
                # A window the classifier reads as more against the claim than for it does not support it
                # because that refutation was set aside.
                if not _states_figures(c) and probs[i, REFUTED] > probs[i, SUPPORTED]:
                    out[i, SUPPORTED] = 0.0
                out[i, REFUTED] = 0.0
            if c.claim_event and not c.shared_event and not c.agreements and c.named_elsewhere and (
                    out[i, SUPPORTED] < SUPPORT_ALONE):
                out[i, SUPPORTED] = 0.0
            # Of the same event, or told in other verbs ("reported a profit of £22.5m" for "made") where the
            # classifier sees nothing against it.
            retold = bool(c.shared_days or c.figures_alike)
            if _states_figures(c) and ((c.shared_event and not c.untold_events) or not c.claim_event or (
                    probs[i, REFUTED] < RETOLD_REFUTE and retold)):
                out[i, SUPPORTED] = max(out[i, SUPPORTED], SUPPORT_FLOOR)
    return out


def _states_figures(c: Comparison) -> bool:
    """Every detail of the claim stated alike, a figure or a date among them, and not what a comparison compares
    ("peaked lower than in 2015": the dates agree whichever way it went)."""
    return c.complete and not c.claim_compares and any(a.kind in ("number", "date") for a in c.agreements)


def notes(found: Comparison) -> list[DetailNote]:
    """What a judgement shows of its window's comparison: differences first, then agreements."""
    return [*found.differences, *found.agreements]


def unsaid(found: Sequence[Comparison]) -> str:
    """The claim details that no window of a source states, for the note beside "irrelevant"."""
    common = set.intersection(*(set(c.unstated_of(REQUIRED)) for c in found)) if found else set()
    return ", ".join(sorted(common))
