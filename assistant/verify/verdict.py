"""The result of a verification: a label, a confidence and the citations it stands on."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..llm.usage import Usage

Label = Literal["supported", "refuted", "conflicting", "not_enough_evidence"]
Stance = Literal["supports", "refutes", "irrelevant"]


class Citation(BaseModel):
    """A quote from a stored article, with offsets: ``article.text[start:end] == quote``."""

    article_id: str
    outlet: str
    title: str
    published: str | None
    url: str
    quote: str
    start: int
    end: int
    #: The page of a PDF the quote is on (None for other articles).
    page: int | None = None


class StanceScores(BaseModel):
    """The classifier's calibrated probabilities for the window it judged by."""

    supported: float
    refuted: float
    neither: float


#: Below this calibrated confidence a verdict is more likely wrong than right, and says so (the calibration maps
#: were fitted on validation data, so 0.5 is where validation verdicts were right half the time).
TENTATIVE = 0.5


class DetailNote(BaseModel):
    """One slot of the claim set beside the source: a difference (``agrees`` false) or an agreement."""

    kind: str
    claim: str
    source: str
    agrees: bool

    def line(self, who: str = "the source") -> str:
        verb = "agrees" if self.agrees else "differs"
        return f"{self.kind} {verb}: the claim says {self.claim}; {who} says {self.source}"


class SourceJudgement(BaseModel):
    """One article's stance toward the claim, as judged and then checked."""

    article_id: str
    outlet: str
    title: str
    stance: Stance
    confidence: float = Field(ge=0.0, le=1.0)
    comparison: str
    citation: Citation | None = None
    note: str = ""
    #: Set by the classifier judge; the LLM judge states a confidence instead.
    scores: StanceScores | None = None
    #: How many evidence sentences of the article the judge read (the classifier's windows are built from them).
    sentences: int = 0
    #: The details reader's comparison of the claim with the deciding window: differences first, then agreements.
    details: list[DetailNote] = []

    @property
    def differences(self) -> list[DetailNote]:
        return [d for d in self.details if not d.agrees]


class Verdict(BaseModel):
    claim: str
    label: Label
    confidence: float = Field(ge=0.0, le=1.0)
    summary: str
    judgements: list[SourceJudgement]
    model: str
    usage: Usage
    seconds: float
    #: A compound claim's parts, each verified on its own (``parts.split``); empty for a simple claim.
    parts: list[Verdict] = []

    @property
    def tentative(self) -> bool:
        """A label whose confidence is under one half: shown as more likely wrong than right."""
        return self.label != "not_enough_evidence" and self.confidence < TENTATIVE

    @property
    def citations(self) -> list[Citation]:
        return [j.citation for j in self.judgements if j.citation is not None and j.stance != "irrelevant"]
