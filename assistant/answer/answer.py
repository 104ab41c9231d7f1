"""Answer a question from the corpus: numbered passages in, a streamed answer citing them out.

The passages are sentences of stored articles, so every quote shown under an
answer is the article's own text with its offsets. The answer itself is model
text and untrusted: its [n] markers are checked against the passages it was
given, quotations in it must be found in a cited passage, and numbers must
appear in one, or the answer says what is wrong with it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from pydantic import BaseModel

from ..corpus.store import Store
from ..llm import LLM, Usage
from ..prompts import prompt
from ..settings import Settings
from ..untrusted import as_data, clean_claim
from ..verify.mentions import numbers
from ..verify.quotes import locate
from ..verify.retrieve import retrieve
from .sentence_check import SentenceCheck, check_answer

NOT_IN_SOURCES = "The sources do not say."
_MARKERS = re.compile(r"\[(\d+)\]")
_QUOTED = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")
_NOT_SAID = re.compile(r"\s*(the )?(sources|passages) do(es)? not (say|answer)", re.I)
# Other ways a model says the passages hold no answer, when it does not use the words it was given.
_ABSTAINS = re.compile(
    r"\b(is|are|was|were) not (mentioned|stated|given|specified|reported|provided)\b"
    r"|\b(do|does) not (say|mention|state|specify|provide)\b|\bno (information|mention)\b",
    re.I,
)


def abstains(text: str) -> bool:
    """Whether an answer says the passages do not answer the question.

    "The sources do not say." always does; "the winner is not mentioned in the
    passages" does when it cites nothing ("the ministry did not say when [9]" is an answer).
    """
    if not text or _NOT_SAID.match(text):
        return True
    return _ABSTAINS.search(text) is not None and not _MARKERS.search(text)


class Passage(BaseModel):
    """One numbered sentence of a stored article: ``article.text[start:end] == text``."""

    number: int
    article_id: str
    outlet: str
    title: str
    published: str | None
    url: str
    text: str
    start: int
    end: int
    #: The page of a PDF the passage is on (None for other articles).
    page: int | None = None


class Answer(BaseModel):
    question: str
    standalone: str
    text: str
    passages: list[Passage]
    cited: list[int]
    answered: bool
    problems: list[str]
    #: Each factual sentence of the answer checked against the whole corpus (supported / disputed / unsupported).
    checks: list[SentenceCheck] = []
    model: str
    usage: Usage
    seconds: float

    @property
    def citations(self) -> list[Passage]:
        return [p for p in self.passages if p.number in self.cited]


def passages(store: Store, question: str, settings: Settings) -> list[Passage]:
    """The retrieved sentences, numbered from 1, best source first; none when the corpus is not about it."""
    found: list[Passage] = []
    for evidence in retrieve(store, question, settings.sources, settings.sentences):
        article = evidence.article
        for span in evidence.spans:
            found.append(
                Passage(
                    number=len(found) + 1, article_id=article.id, outlet=article.outlet, title=article.title,
                    published=article.published, url=article.url, text=article.text[span.start : span.end],
                    start=span.start, end=span.end, page=article.page_at(span.start),
                )
            )
    return found


def passage_lines(found: list[Passage]) -> str:
    """Numbered passages under a SOURCE line per article, each text fenced as data."""
    lines: list[str] = []
    previous = None
    for passage in found:
        if passage.article_id != previous:
            previous = passage.article_id
            source = f'{passage.outlet or "unknown outlet"}, "{passage.title or "untitled"}"'
            lines.append(f"SOURCE: {as_data(source)}, {passage.published or 'date unknown'}")
        lines.append(f"[{passage.number}] {as_data(passage.text)}")
    return "\n".join(lines)


def messages(question: str, found: list[Passage]) -> list[dict[str, str]]:
    user = prompt("answer_user").format(question=as_data(question), passages=passage_lines(found))
    return [{"role": "system", "content": prompt("answer_system")}, {"role": "user", "content": user}]


def review(text: str, found: list[Passage]) -> tuple[list[int], list[str]]:
    """The passage numbers an answer cites, and what in it the cited passages do not bear out."""
    numbers_given = {p.number for p in found}
    markers = [int(m) for m in _MARKERS.findall(text)]
    cited = sorted({n for n in markers if n in numbers_given})
    problems = [f"[{n}] is not one of the passages" for n in sorted(set(markers) - numbers_given)]
    if not cited:
        problems.append("the answer cites none of the passages: treat it as unsupported")
        return cited, problems
    cited_text = " ".join(p.text for p in found if p.number in cited)
    for quotation in _QUOTED.findall(text):
        if locate(cited_text, quotation) is None:
            problems.append(f"the quotation \u201c{quotation}\u201d is not in the cited passages")
    # A number may also come from a cited source's title or date, which the prompt shows.
    context = " ".join(f"{p.title} {p.published or ''}" for p in found if p.number in cited)
    stated = {value for value, _, _ in numbers(f"{cited_text} {context}")}
    plain = _MARKERS.sub(" ", text)
    for value, start, end in numbers(plain):
        if value not in stated:
            problems.append(f"{plain[start:end]} is not in the cited passages")
    return cited, problems


def answer(
    question: str,
    store: Store,
    llm: LLM,
    settings: Settings,
    standalone: str | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Answer:
    """Answer ``standalone`` (the question, rewritten if it was a follow-up) from the corpus.

    ``on_text`` receives the answer as it streams. When no passage is about the
    question the answer is :data:`NOT_IN_SOURCES` and no model call is made.
    """
    started = time.perf_counter()
    before = llm.usage.model_copy()
    question = clean_claim(question, "question")
    query = clean_claim(standalone or question, "question")
    found = passages(store, query, settings)
    if not found:
        text = NOT_IN_SOURCES
        if on_text is not None:
            on_text(text)
    else:
        pieces: list[str] = []
        for piece in llm.stream(messages(query, found)):
            pieces.append(piece)
            if on_text is not None:
                on_text(piece)
        text = "".join(pieces).strip()
    answered = not abstains(text)
    cited, problems = review(text, found) if answered else ([], [])
    # Always by the classifier: the check is deterministic, costs no model call and never needs a recording.
    checks = check_answer(text, store, llm, settings.model_copy(update={"judge": "classifier"})) if answered else []
    return Answer(
        question=question, standalone=query, text=text or NOT_IN_SOURCES, passages=found, cited=cited,
        answered=answered, problems=problems, checks=checks, model=f"{settings.model} ({llm.endpoint})",
        usage=llm.usage.since(before), seconds=round(time.perf_counter() - started, 3),
    )
