"""A verdict explained in words: one streamed LLM call over the verdict's own cited sentences, after the verdict.

The verdict is the classifier's; the explanation puts it into sentences a
reader can follow. It is model text and untrusted: the model sees only the
cited sentences (fenced as data) and the verdict, must cite the sentences as
[n], and is reviewed as an answer is (markers that name no sentence, and
quotations or numbers the cited sentences lack), with what is wrong shown
under it. A verdict without citations has nothing to explain from: no call.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel

from ..llm import LLM, Usage
from ..prompts import prompt
from ..untrusted import as_data
from ..verify.verdict import Verdict
from .answer import Passage, passage_lines, review

#: Enough for three short sentences with their markers; a model that runs on is cut here.
MAX_TOKENS = 220
_LABELS = {"supported": "supported", "refuted": "refuted", "conflicting": "conflicting (the sources disagree)",
           "not_enough_evidence": "not enough evidence"}


class Explanation(BaseModel):
    text: str
    #: The verdict's cited sentences as the model saw them, numbered from 1.
    passages: list[Passage]
    cited: list[int]
    problems: list[str]
    usage: Usage
    seconds: float


def cited_passages(verdict: Verdict) -> list[Passage]:
    """The verdict's citations as numbered passages, one per distinct quote, in the verdict's order."""
    found: dict[tuple[str, int, int], Passage] = {}
    for c in verdict.citations:
        key = (c.article_id, c.start, c.end)
        if key not in found:
            found[key] = Passage(number=len(found) + 1, article_id=c.article_id, outlet=c.outlet, title=c.title,
                                 published=c.published, url=c.url, text=c.quote, start=c.start, end=c.end,
                                 page=c.page)
    return list(found.values())


def messages(verdict: Verdict, found: list[Passage]) -> list[dict[str, str]]:
    stated = f"{_LABELS[verdict.label]}, confidence {verdict.confidence:.2f}"
    user = prompt("explain_user").format(sentences=passage_lines(found), claim=as_data(verdict.claim),
                                         verdict=stated)
    return [{"role": "system", "content": prompt("explain_system")}, {"role": "user", "content": user}]


def explain(verdict: Verdict, llm: LLM, on_text: Callable[[str], None] | None = None) -> Explanation | None:
    """The explanation, streamed to ``on_text``; None (and no call) when the verdict cites nothing."""
    found = cited_passages(verdict)
    if not found:
        return None
    started = time.perf_counter()
    before = llm.usage.model_copy()
    pieces: list[str] = []
    for piece in llm.stream(messages(verdict, found), max_tokens=MAX_TOKENS):
        pieces.append(piece)
        if on_text is not None:
            on_text(piece)
    text = "".join(pieces).strip()
    cited, problems = review(text, found)
    return Explanation(text=text, passages=found, cited=cited, problems=problems, usage=llm.usage.since(before),
                       seconds=round(time.perf_counter() - started, 3))
