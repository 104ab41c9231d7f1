"""What each source states otherwise than the claim, as sentences a person reads: shared by every report.

The verifier's details reader compares the claim with the window a source was
judged by, slot by slot (number, date, name, negation, modality, direction,
role, event). Reports give the differences in full, naming the outlet, so a
reader sees both sides of a dispute without opening the article; agreements
are given in brief, or in full where asked (``verify --verbose``).
"""

from __future__ import annotations

from ..verify.verdict import SourceJudgement, Verdict


def detail_lines(judgement: SourceJudgement, agreements: bool = False) -> list[str]:
    """The details reader's differences (and agreements, when asked) as sentences that name the outlet."""
    who = judgement.outlet or "the source"
    return [note.line(who) for note in (judgement.details if agreements else judgement.differences)]


def agreed_kinds(judgement: SourceJudgement) -> str:
    """The agreements in brief, for reports that give differences in full: "agrees on number, event"."""
    kinds = list(dict.fromkeys(note.kind for note in judgement.details if note.agrees))
    return f"agrees on {', '.join(kinds)}" if kinds else ""


def cited(verdict: Verdict) -> list[SourceJudgement]:
    """The judgements a verdict cites: those with a quote that are not irrelevant."""
    return [j for j in verdict.judgements if j.citation is not None and j.stance != "irrelevant"]


def verdict_differences(verdict: Verdict) -> list[str]:
    """Each cited source's differences from the claim, one sentence each, naming the source."""
    return [line for judgement in cited(verdict) for line in detail_lines(judgement)]
