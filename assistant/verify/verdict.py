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


class Verdict(BaseModel):
    claim: str
    label: Label
    confidence: float = Field(ge=0.0, le=1.0)
    summary: str
    judgements: list[SourceJudgement]
    model: str
    usage: Usage
    seconds: float

    @property
    def citations(self) -> list[Citation]:
        return [j.citation for j in self.judgements if j.citation is not None and j.stance != "irrelevant"]
