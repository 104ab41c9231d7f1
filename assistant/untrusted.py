"""Text from outside (articles, claims, questions) is data: made visible, bounded, fenced, and never obeyed.

Everything a user or an article supplies passes through here before it reaches a prompt or a verdict:
invisible characters are removed and sizes bounded (``clean_claim``); our delimiter tags inside it are
defused so it cannot close its block (``as_data``); and a sentence addressed to a model rather than
reporting anything is recognised (``looks_like_instructions``), so it is never used as evidence.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import UserInputError

_DELIMITER = re.compile(r"</?\s*(evidence|passages|conversation|article|sentence)\s*>", re.I)


def as_data(text: str) -> str:
    """Text from an article (or a user) with our delimiter tags defused, so it cannot close its block."""
    return _DELIMITER.sub(lambda m: m.group(0).replace("<", "(").replace(">", ")"), text)


MAX_CLAIM_CHARS = 2000
# Scripts written without spaces between words: one "word" of four such characters can already be a claim.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def visible_text(text: str) -> str:
    """The text without invisible characters (zero-width, direction marks, controls), on single spaces."""
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc"} or ch in "\n\t")
    return " ".join(text.split())


def clean_claim(claim: str, what: str = "claim") -> str:
    """The claim (or question) as judged: visible characters, single spaces; unusable ones are refused."""
    text = visible_text(claim)
    if not text:
        raise UserInputError(f"the {what} is empty")
    if len(text) > MAX_CLAIM_CHARS:
        raise UserInputError(
            f"the {what} is {len(text)} characters; a {what} is a sentence or two, at most {MAX_CLAIM_CHARS}"
        )
    return text


def checkable_claim(claim: str) -> str:
    """``clean_claim``, also refusing text that states nothing: one word ("hello", "Iraq?") or no word at all ("7,000").

    Retrieval would find the nearest passages to any word and the model would be asked to judge them, so a
    greeting could come back "refuted"; one line, before any model call, is the honest answer.
    """
    text = clean_claim(claim)
    words = re.findall(r"\w+", text)
    wordy = any(ch.isalpha() for ch in text) and (len(words) >= 2 or len(_UNSPACED.findall(text)) >= 4)
    if not wordy:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise UserInputError(
            f"{shown!r} is not a checkable claim: state what happened or what is true, "
            "e.g. 'The Oldmere bridge reopened on 3 March.'"
        )
    return text


# Shapes of text addressed to a model rather than reporting anything. Each is a shape, not a phrase list: who is
# addressed (a chat role, "you are ... an assistant", a note "for AI models"), what is ordered (ignore the rules;
# answer/reply/cite/label in an imperative position, about an output), or our own formats forged (a JSON stance,
# citation offsets, our delimiters). Reported speech ("'You are now free to go,' the judge told him", "she would
# answer with a lawsuit") has none of them.
_IMPERATIVE = r"(?:^|[.,:;!?]\s*|\b(?:please|always|never|then|and)\s+)"
_INSTRUCTION_SHAPES = {
    "chat role": r"(?:^|[\s>\]])(?:system|user|assistant|developer)\s*:",
    "override": r"\b(?:ignore|disregard|forget|override)\b[^.]{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b",
    "model addressed": r"\b(?:you are|act as|as an?)\b[^.]{0,30}\b(?:assistants?|(?:language )?models?|ai|chatbots?"
                       r"|(?:evaluation|developer|test|debug) mode)\b"
                       r"|\b(?:note|message|instructions?) (?:for|to) (?:all |any )?"
                       r"(?:ai\b|language models?|assistants?|fact-check\w*|models?\b|bots?\b)",
    "output order": _IMPERATIVE + r"(?:answer|reply|respond|output|return|say|print|label|cite|quote|mark|classify)\b"
                    r"[^.]{0,40}\b(?:stance|verdict|supports?|supported|refutes?|refuted|confidence|passage|source"
                    r"|\[\d+\]|the word|json)\b",
    "forged format": r"\"(?:stance|verdict|confidence|label|quote)\"\s*:|\bchars? \d+\s*[-\u2013]\s*\d+\b"
                     r"|</?(?:evidence|passages|conversation|system)>",
}
_INSTRUCTION = re.compile("|".join(f"(?:{shape})" for shape in _INSTRUCTION_SHAPES.values()), re.I)


def looks_like_instructions(sentence: str) -> bool:
    """A sentence addressed to the model rather than reporting anything: never evidence, never cited."""
    return _INSTRUCTION.search(sentence) is not None
