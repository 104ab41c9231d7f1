"""Check an answer sentence by sentence against the whole corpus: supported, disputed or unsupported.

A small model asked to give every side of a disagreement often gives one. So
after the answer is written, each of its factual sentences goes through the
verifier, against every outlet that addresses it, not only the passages it
cited: a sentence another outlet contradicts is "disputed" and the answer is
shown with that outlet's own words and citation; a sentence no source
supports is "unsupported". This is deterministic work on the model's text,
so it holds where the prompt does not, and with the classifier judge it
costs no model call.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from ..corpus.chunking import sentences
from ..corpus.store import Store
from ..errors import UserInputError
from ..llm import LLM
from ..settings import Settings
from ..untrusted import checkable_claim
from ..verify.verdict import Citation
from ..verify.verifier import verify

SentenceStatus = Literal["supported", "disputed", "unsupported"]
_MARKERS = re.compile(r"\s*\[\d+\]")


class SentenceCheck(BaseModel):
    """One sentence of an answer, as checked: ``answer[start:end]`` is the sentence with its markers."""

    sentence: str
    start: int
    end: int
    status: SentenceStatus
    supporting: list[Citation] = []
    disputing: list[Citation] = []
    #: What the disputing sources state otherwise, one sentence each naming the outlet: both figures of a dispute.
    differences: list[str] = []


def claims_of(text: str) -> list[tuple[int, int, str]]:
    """(start, end, claim) for each sentence of an answer that states something checkable, markers removed."""
    found = []
    for span in sentences(text):
        claim = _MARKERS.sub("", text[span.start : span.end]).strip()
        try:
            found.append((span.start, span.end, checkable_claim(claim)))
        except UserInputError:
            continue
    return found


def check_answer(text: str, store: Store, llm: LLM, settings: Settings) -> list[SentenceCheck]:
    """Each checkable sentence of ``text`` verified against the corpus, in order."""
    checks = []
    # The check reads more outlets than a verification does: a disagreement ranked fifth must still be found.
    wide = settings.model_copy(update={"sources": min(12, 2 * settings.sources)})
    for start, end, claim in claims_of(text):
        verdict = verify(claim, store, llm, wide)
        supporting = [j.citation for j in verdict.judgements if j.stance == "supports" and j.citation]
        refuting = [j for j in verdict.judgements if j.stance == "refutes" and j.citation]
        disputing = [j.citation for j in refuting if j.citation]
        differences = [note.line(j.outlet or "the source") for j in refuting for note in j.differences]
        status: SentenceStatus = "disputed" if disputing else "supported" if supporting else "unsupported"
        checks.append(SentenceCheck(sentence=claim, start=start, end=end, status=status, supporting=supporting,
                                    disputing=disputing, differences=differences))
    return checks
