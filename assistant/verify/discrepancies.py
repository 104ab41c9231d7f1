"""Set a claim's details beside a source's, slot by slot: what agrees, what differs, what the source leaves unsaid.

Each claim mention is aligned with the source mention in the same slot: a
quantity with one of the same unit that counts the same thing (or hangs on
the same verb), a date with a date, a name with a name of the same kind, a
verb with the same verb or its opposite. The outcome is typed and worded for
a journalist: ``number: the claim says 7,000 transferred (an event); the
source says up to 7,000 may be moved (a possibility)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher

from .details import (
    CONVERSES,
    DURATIONS,
    MULTIPLY,
    PROSPECTIVE,
    REPORTING,
    TOTALS,
    Details,
    Name,
    Predicate,
    Quantity,
    When,
    antonyms,
    dated,
    folded,
    name_key,
    noun_antonyms,
    opposites,
    people,
    same_verb,
    year_like,
)
from .verdict import DetailNote

#: Verbs too general to say what happened: sharing "be", "have" or "say" is no shared event.
LIGHT_VERBS = frozenset({"be", "have", "do", "say", "tell", "make", "get", "go", "take", "state", "note", "become"})
#: Units of size: like a span of time, a length or a weight is of its verb ("the four-kilometre march ended" is no
#: distance of the nature reserve that "lies 1.5km from the runway").
MEASURES = frozenset({"metre", "kilometre", "centimetre", "millimetre", "mile", "foot", "yard", "inch", "kilogram",
                      "gram", "tonne", "ton", "hectare", "acre", "litre"})
#: Relative tolerance when two exact figures are compared ("2.5bn" against "2,480 million" is no difference);
#: an approximate one ("about", "nearly a third") gets the wider tolerance.
EXACT_TOLERANCE = 0.01
ABOUT_TOLERANCE = 0.1
#: How alike two names of the same kind must be written to be a likely mix-up ("Slovakia" and "Slovenia").
CONFUSABLE = 0.6


def _note(kind: str, claim: str, source: str, agrees: bool) -> DetailNote:
    return DetailNote(kind=kind, claim=claim, source=source, agrees=agrees)


#: Which difference a citation shows first when several windows refute: a figure or a date is the plainest.
KIND_ORDER = ("number", "date", "name", "role", "negation", "antonym", "modality", "direction")


@dataclass
class Comparison:
    differences: list[DetailNote] = field(default_factory=list)
    agreements: list[DetailNote] = field(default_factory=list)
    #: Claim details this text does not state, with their kind: ("number", "7,000"), ("name", "Hasakah").
    unstated: list[tuple[str, str]] = field(default_factory=list)
    #: What the two share: names, quantities or dates, and whether they tell of the same event.
    shared_names: int = 0
    shared_values: int = 0
    #: Dates to the day stated alike ("Sunday 8 March", "March 8"): rarer than a year, so nearly as telling as a figure.
    shared_days: int = 0
    #: Figures stated alike that are the claim's own: exact, or a bound met by a count of the same thing ("more than
    #: 1,400 letters" by "1,412 letters"), not of anyone ("fewer than 1,000 people" is met by any smaller count).
    figures_alike: int = 0
    shared_event: bool = False
    #: Acts of the claim the text tells in no verb of its own ("voted to reject the deal" against "voted ... backed
    #: the deal": "reject" is untold).
    untold_events: int = 0
    #: Whether the two tell of the same verb with the claim's participants named alike: only then can a date differ.
    aligned_event: bool = False
    #: Names of the claim that the window leaves to the rest of its article ("the town" for Lenholm).
    named_elsewhere: int = 0
    #: Whether the claim tells of an event (a verb other than a light one) for a window to share or not.
    claim_event: bool = False
    #: Content words in common (lemmas), for a sentence that names its subject by a pronoun ("He wrote ...").
    shared_words: frozenset[str] = frozenset()
    #: Whether the claim sets two things against each other (``Details.compares``).
    claim_compares: bool = False
    #: The source's wording and the claim's of each figure and date stated alike, as the classifier reads them: the
    #: window is read with the claim's words for them, so the classifier weighs what the reader cannot ("walked out
    #: on Tuesday 17 March" against "on March 17, 2026" read as a different date).
    aligned: list[tuple[str, str]] = field(default_factory=list)

    def in_claim_words(self, canonical: str) -> str:
        """A window's canonical text with each figure and date it states alike in the claim's words."""
        for source, claim in self.aligned:
            # A share is read with its "of" ("70 percent of"), which the other's wording may hold already.
            source, claim = source.removesuffix(" of"), claim.removesuffix(" of")
            if source and claim and source != claim:
                canonical = canonical.replace(source, claim, 1)
        return canonical

    @property
    def about_the_claim(self) -> bool:
        """Whether the text shares anything the claim is about: a name, a figure, a date or the event itself."""
        return bool(self.shared_names or self.shared_values or self.shared_event or self.differences
                    or len(self.shared_words) >= 2)

    @property
    def complete(self) -> bool:
        """Every detail of the claim stated alike, nothing contradicted."""
        return not self.differences and not self.unstated

    @property
    def rank(self) -> int:
        """The rank of this comparison's plainest difference in ``KIND_ORDER`` (len(KIND_ORDER) if none)."""
        return min((KIND_ORDER.index(d.kind) for d in self.differences if d.kind in KIND_ORDER),
                   default=len(KIND_ORDER))

    def unstated_of(self, kinds: frozenset[str]) -> list[str]:
        return [text for kind, text in self.unstated if kind in kinds]


_MODE_WORDS = {"event": "an event", "state": "a state", "future": "in the future", "plan": "a plan", "goal": "a goal",
               "expectation": "an expectation", "request": "a request", "possibility": "a possibility"}


def _said(q: Quantity) -> str:
    return f"{q.phrase} ({_MODE_WORDS[q.mode]})" if q.verb else q.phrase


def _within(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9)


def quantity_agrees(claim: Quantity, source: Quantity) -> bool | None:
    """True when the source's figure bears the claim's out, False when it contradicts it, None when it cannot tell."""
    tolerance = ABOUT_TOLERANCE if "about" in (claim.bound, source.bound) else EXACT_TOLERANCE
    c, s = claim.value, source.value
    bounded = {"exact", "about"}.isdisjoint((claim.bound, source.bound))
    if bounded and (claim.threshold or source.threshold):
        # A qualifying limit is a line drawn, not a count: "firms with fewer than 100 employees" is another line
        # than "fewer than 50", though every firm under 50 is also under 100.
        return claim.bound == source.bound and _within(c, s, EXACT_TOLERANCE)
    if source.bound in ("exact", "about"):
        return {
            "exact": _within(c, s, tolerance), "about": _within(c, s, ABOUT_TOLERANCE),
            "more_than": s > c, "at_least": s >= c, "less_than": s < c, "at_most": s <= c,
        }[claim.bound]
    if claim.bound in ("exact", "about"):
        above = source.bound in ("more_than", "at_least")
        if _within(c, s, tolerance) and source.bound in ("at_least", "at_most"):
            return None
        inside = c > s if source.bound == "more_than" else c >= s if above else c < s if source.bound == "less_than" \
            else c <= s
        return None if inside else False
    same_side = (claim.bound in ("more_than", "at_least")) == (source.bound in ("more_than", "at_least"))
    if same_side:
        return True if _within(c, s, tolerance) or (s >= c if claim.bound in ("more_than", "at_least") else s <= c) \
            else None
    return None


def comparable(claim: Quantity, source: Quantity) -> bool:
    """Whether two figures measure the same thing: the same unit, and the same counted noun, verb or subject."""
    if claim.unit != source.unit:
        return False
    # The same subject's figure on another verb is another figure ("bought him for €12.5m", "sold him for €42m"),
    # unless one verb only links it ("the budget is €2.5bn") or either is said of no verb.
    linked = _linked(claim, source)
    if claim.counted and source.counted:
        # A duration is of its verb: "three years after construction began" is not "treated patients for 100 years".
        # A count of the same noun stays comparable whatever its verb ("nine people were hurt", "twelve people were
        # injured"); requiring the same verb or subject (so that "200,000 accounts were affected" is not
        # contradicted by "the bank has shut 1,870 accounts") cost the answer check one of its disputes between
        # outlets (both sides shown 0.56 -> 0.44), so it was left out.
        # A size may be of one subject told by two verbs ("40,000 litres of diesel escaped", "4,000 litres had
        # leaked").
        return claim.counted == source.counted and (claim.counted not in DURATIONS | MEASURES or linked or (
            claim.counted in MEASURES and bool(claim.subject) and claim.subject == source.subject))
    if {claim.counted, source.counted} & DURATIONS:
        return False  # a span of time is no count of anything else: "three strike days" is not "702" drivers
    if not claim.unit:
        # "children under ten are" is no count of the "312 cases" that "are": a light verb ties a bare count to
        # nothing counted.
        return same_verb(claim.verb, source.verb) and not (
            claim.verb in LIGHT_VERBS and bool(claim.counted) != bool(source.counted))
    return (same_verb(claim.verb, source.verb) and claim.verb not in LIGHT_VERBS) or (
        bool(claim.subject) and claim.subject == source.subject and linked)


#: Verbs whose doer and the one it is done to do it to each other: "A met B" is "B met A".
MUTUAL = frozenset({"meet", "marry", "merge", "talk", "negotiate", "partner", "clash", "play", "face", "fight", "draw",
                    "debate", "collide", "tie", "share", "swap", "trade", "match", "join", "resemble", "equal"})

#: Modes of what is only asked for or hoped, which a refusal does not contradict.
_SOUGHT = frozenset({"request", "goal"})

#: Modes of what someone means to do, not what is expected to be.
INTENDED = frozenset({"plan", "goal", "request"})

#: Pronouns that stand for a person or thing the text named before.
_PERSONAL = frozenset({"he", "she", "it", "they", "we", "i"})

#: Subjects that stand for one named elsewhere: a figure said of "it" may contradict the claim's.
_PRONOUNS = _PERSONAL | frozenset({"this", "that", "which", "who", "these", "those"})


def _own_subject(q: Quantity) -> bool:
    """Whether the parse took a word of the figure itself for its subject ("Three in five backed the deal"): the
    subject is then unsaid."""
    return q.subject.split()[-1] in q.text.lower()


def _same_subject(a: Quantity, b: Quantity, claim: Details, source: Details) -> bool:
    """Whether two figures may be said of one subject: one is unsaid, they match, the claim's is a name (which a
    source may give as "the operator"), or the source names the claim's subject beside its own ("the hospital came
    in under budget" and "the final cost of the hospital was higher"); "passenger numbers fell" is not "shares had
    risen"."""
    if not (a.subject and b.subject) or _role_match(a.subject, b.subject) or a.subject in _named(claim) or (
            _own_subject(a) or _own_subject(b)):
        return True
    # A capital opening the claim is no sign of a name ("Hiring replacement coaches ... cost"); a capital on a later
    # word of it is ("Saltmere Line carried").
    named = re.search(rf"\b{re.escape(a.subject)}\b", claim.text, re.IGNORECASE)
    return bool(named and named.group()[:1].isupper() and (
        named.start() > 0 or any(w[:1].isupper() for w in named.group().split()[1:]))) or bool(
        re.search(rf"\b{re.escape(a.subject.split()[-1])}", source.text.lower()))


def _compare_quantities(claim: Details, source: Details, out: Comparison) -> None:
    # Verbs that the same figure of the same unit or counted noun ties together ("passed a €2.5bn budget by 41
    # votes to 29" and "approved a €2.5bn budget ... by 41 votes to 29"): a bare count on them is the same one.
    tied = {(q.verb, s.verb) for q in claim.quantities for s in source.quantities
            if q.verb and s.verb and s.unit == q.unit and q.counted not in DURATIONS and (
                ((q.unit or q.counted) and s.counted == q.counted) or _told_alike(q, s, claim, source))
            and quantity_agrees(q, s) and _within(q.value, s.value, EXACT_TOLERANCE)}
    for q in claim.quantities:
        if q.derived:
            continue  # the claim's own words state the count and the whole; the share is read for the source's
        # A span of time is of its act, which may be told in another verb that a figure ties to the claim's ("has
        # dropped by 14 per cent over two years", "had fallen by 14 per cent in five years").
        candidates = [s for s in source.quantities if (comparable(q, s) or _between_same_acts(q, s, claim, source) or (
            q.counted in DURATIONS and q.counted == s.counted and q.unit == s.unit and (q.verb, s.verb) in tied))
                      and not _other_parties(q, s, claim, source) and not _multiplied_apart(q, s)]
        # The same figure of the same unit, hung on another verb ("will spend 1.1bn" and "will receive 1.1bn"),
        # states the claim's figure; only a figure of the same thing may contradict it.
        # A bare count agrees only with a count of the same thing ("fewer than 500 homes" is not borne out by "one
        # was killed").
        # A bound is met by many figures: one of another subject ("below €4m" and "had raised €41,000") is not
        # the claim's.
        alike = [s for s in source.quantities if s.unit == q.unit and quantity_agrees(q, s)
                 and (not q.counted or not s.counted or _counts_alike(q, s))
                 and (bool(q.unit) or (q.counted and _counts_alike(q, s)) or same_verb(q.verb, s.verb)
                      or (q.verb, s.verb) in tied or _told_alike(q, s, claim, source))
                 and _of_the_claims(q, s, claim, source, tied) and not _multiplied_apart(q, s)]
        # A figure only intended bears out no figure of what is or was ("plans to recruit 60 drivers" says nothing
        # of "has fewer than 600 drivers"); one expected may ("will cost 42 million euros" for "costs").
        # A figure meant that the source tells as done bears it out: "is seeking 1,200,000 kronor" and "has filed a
        # claim for 1.2m kronor"; "plans to buy it for €5m" and "bought it for €5m". Not a bound, which many figures
        # meet, nor what is only expected ("will appeal against the £8.75m fine" and "fined it £8.75m").
        agreeing = [s for s in candidates + alike if quantity_agrees(q, s)
                    and (_same_mode(q.mode, s.mode) or (q.mode in INTENDED and s.mode == "event"
                                                        and q.bound in ("exact", "about")))
                    and (q.mode in PROSPECTIVE or s.mode not in INTENDED)]
        opposed = [s for s in agreeing if opposites(q.verb, s.verb) or q.refused != s.refused]
        if opposed:
            # "accepted the €35m bid" against "rejected the €35m bid": the figure agrees, the act is the opposite.
            out.differences.append(_note("negation", _said(q), _said(opposed[0]), False))
            continue
        # Or the size of one, done as the other's opposite: "made a profit of £11.3m" against "lost £11.3m".
        undone = [s for s in agreeing if s.measure in noun_antonyms().get(q.measure, ()) or (
            q.measure and not s.measure and s.verb in antonyms().get(q.measure, ())) or (
            s.measure and not q.measure and q.verb in antonyms().get(s.measure, ()))]
        if undone:
            # "an operating profit of €3.1m" against "an operating loss of €3.1m": the figure agrees, what it is
            # the size of is the opposite.
            out.differences.append(_note("antonym", _sized(q), _sized(undone[0]), False))
            continue
        turned = [s for s in agreeing if ((q.direction and s.direction and q.direction != s.direction) or (
            q.bearing and s.bearing and q.bearing != s.bearing)) and _same_subject(q, s, claim, source)]
        if turned:
            # "rose by 12 per cent" against "fell by 12 per cent": the figure agrees, the direction does not.
            out.differences.append(_note("direction", _said(q), _said(turned[0]), False))
            continue
        if agreeing:
            out.agreements.append(_note("number", _said(q), _said(agreeing[0]), True))
            out.aligned.append((agreeing[0].spoken, q.spoken))
            out.shared_values += 1
            match = agreeing[0]
            # A span of time told of another act is stated, not retold: "a two-year rates holiday" and "had fallen
            # in two years" tell of no one event.
            out.figures_alike += ((q.bound in ("exact", "about") and match.bound in ("exact", "about")) or (
                q.counted == match.counted and q.counted not in _ANYONE and q.counted not in people())) and (
                q.counted not in DURATIONS or _one_act(q, match, tied) or CONVERSES.get(q.verb) == match.verb)
            continue
        # Only of the same act: "three men were arrested" overstates no plan that "three men will go on trial".
        mode_only = [s for s in candidates if quantity_agrees(q, s) is not False and _overstates(q.mode, s.mode)
                     and _within(q.value, s.value, EXACT_TOLERANCE)
                     and (not q.verb or not s.verb or same_verb(q.verb, s.verb))]
        if mode_only:
            out.differences.append(_note("modality", _said(q), _said(mode_only[0]), False))
            continue
        # Of the same subject too: "fares rose by 4.6 per cent" is no other figure for "spending on overtime went up
        # by 25 per cent".
        # A bound on people, of another act: "more than a thousand people joined the march" is not contradicted by
        # "about 60 people watched the vote" (an exact count, or one of homes, on another verb may still be).
        # And meant against meant: "plans to take on 60 trainee drivers" is not contradicted by "employs 640
        # drivers".
        contrary = [s for s in candidates if quantity_agrees(q, s) is False and _same_mode(q.mode, s.mode)
                    and (q.mode in INTENDED) == (s.mode in INTENDED)
                    and (s.subject in _PRONOUNS or _same_subject(q, s, claim, source))
                    and (q.bound in ("exact", "about") or q.counted not in _ANYONE or _one_act(q, s, tied))
                    and not _other_role(q, s, tied) and {q.share, s.share} != {"part", "whole"}
                    # Not a sum added to another set against a total ("raised £38,000" and "raised a further
                    # £22,000"), nor the same verb done to another thing ("raise the grant to $75,000" and "raised its
                    # estimate to $1.31 billion").
                    and q.added == s.added
                    and not _done_to_others(q, s)]
        as_year = _as_year(q)
        year = [d for d in source.dates if as_year is not None and d.year == as_year and d.month is None
                and not d.decade]
        if contrary:
            out.differences.append(_note("number", _said(q), _said(contrary[0]), False))
        elif year:
            # "the 2013 album" read as a count of albums, "Prism (2013)" as a date: the same year.
            out.agreements.append(_note("date", q.text, year[0].text, True))
            out.shared_values += 1
            continue
        elif not _small_count(q):
            out.unstated.append(("number", q.text))
        if any(_within(q.value, s.value, EXACT_TOLERANCE) and q.unit == s.unit for s in source.quantities):
            out.shared_values += 1


#: The largest bare count a source may leave unsaid: "the town's two schools" is context a source gives by naming
#: the two ("Ravnsholt School and Eldermyr School"), not the figure a claim turns on.
SMALL_COUNT = 3


def _linked(q: Quantity, s: Quantity) -> bool:
    """Whether two figures hang on the same verb or a synonym, on a verb that only links ("was below €4m"), or on
    none said."""
    return not q.verb or not s.verb or same_verb(q.verb, s.verb) or bool({q.verb, s.verb} & LIGHT_VERBS)


def _one_act(q: Quantity, s: Quantity, tied: set[tuple[str, str]]) -> bool:
    """Whether two figures may hang on one act: linked, or on verbs the same figure ties."""
    return _linked(q, s) or (q.verb, s.verb) in tied


def _of_the_claims(q: Quantity, s: Quantity, claim: Details, source: Details, tied: set[tuple[str, str]]) -> bool:
    """Whether a figure that meets the claim's may be the claim's own, not another that happens to fit.

    A bound is met by many figures: on the same act it must be of the same subject ("below €4m" and "had raised
    €41,000"); on another act, of a subject the source leaves unsaid or names as the claim does (a name the claim
    gives for its subject is no licence there: "is offering at least 1 million kronor" is not met by "a portrait
    accounts for 18.5 million kronor"). A span of time is not held to its verb here, as it is for contradicting
    (``comparable``): the parse hangs "15 days after it ran aground" on "ran" in one text and on "pulled off" in
    the other."""
    if q.bound in ("exact", "about"):
        return True
    if _one_act(q, s, tied):
        return _same_subject(q, s, claim, source)
    # The claim's subject may be the one the source's act is done to: "was pulled off the rocks more than two weeks
    # after" and "Dunholm Salvage refloated the Corra Tide ... 15 days after".
    return not s.subject or s.subject in _PRONOUNS or _own_subject(s) or _role_match(q.subject, s.subject) or any(
        p.lemma == s.verb and _role_match(q.subject, p.patient) for p in source.predicates)


def _told_alike(q: Quantity, s: Quantity, claim: Details, source: Details) -> bool:
    """Whether two bare figures of one value are told of the same thing in other words: the verb of one is the noun
    the other counts ("voted 23-16" and "by 23 votes to 16"), the subject of one is what the other counts ("cases
    climbed to 312" and "confirmed 312 cases"), both went the same way ("cases climbed from 188" and "the total has
    risen from 188"), or both are said of one named ("Lorens Maybury, 41, faces charges" and "Lorens Maybury, 41, is
    charged"). Only for agreeing: an unequal figure told this loosely is no contradiction."""
    if q.unit or s.unit or (q.counted and s.counted) or not _within(q.value, s.value, EXACT_TOLERANCE):
        return False

    def noun(subject: str) -> str:
        return subject.split()[-1] if subject else ""

    # The subject is what a bare figure counts only where the figure is where it went ("cases climbed to 312"), not
    # a part of it ("six workers were taken to hospital, two of them with burns").
    bare, counting = (q, s) if s.counted else (s, q)
    crossed = bool(counting.counted) and (counting.counted == bare.verb or (
        counting.counted == noun(bare.subject) and bool(bare.direction)))
    same_way = bool(q.direction) and q.direction == s.direction and (
        _same_subject(q, s, claim, source) or noun(q.subject) in TOTALS or noun(s.subject) in TOTALS)
    named = not (q.counted or s.counted) and q.subject in _named(claim) and _role_match(q.subject, s.subject)
    return crossed or same_way or named


def _other_role(q: Quantity, s: Quantity, tied: set[tuple[str, str]]) -> bool:
    """Whether a count of the ones who did or underwent the claim's act is set against a count of the same noun
    that another doer's act is only about: "six members were found guilty" and "the board scrapped bonuses for
    eight members" count two groups."""
    return q.subject == q.counted and q.party and not s.party and not _one_act(q, s, tied)


def _named_apart(a: str, b: str) -> bool:
    """Whether two role fillers are both named, neither by a pronoun (which may stand for either), and not alike."""
    return bool(a and b) and not {a, b} & _PRONOUNS and not _role_match(a, b)


def _multiplied_apart(q: Quantity, s: Quantity) -> bool:
    """Whether a multiple told by a verb ("prices have doubled") is of another subject than the other figure
    ("drew twice as many visitors"): a verb's multiple is only of what it multiplied."""
    return MULTIPLY in (q.verb, s.verb) and _named_apart(q.subject, s.subject)


def _sized(q: Quantity) -> str:
    """A figure as what it is the size of ("profit of £11.3m"), or as its verb says it ("lost £11.3m")."""
    return f"{q.measure} of {q.text}" if q.measure else _said(q)


def _done_to_others(q: Quantity, s: Quantity) -> bool:
    """Whether two figures hang on one verb done to two things named apart ("raise the grant to $75,000", "raised
    its estimate to $1.31 billion"); a pronoun may be either."""
    return q.verb == s.verb and _named_apart(q.patient, s.patient)


def _between_same_acts(q: Quantity, s: Quantity, claim: Details, source: Details) -> bool:
    """Whether two spans of time are the time between the same two acts, which each text tells and the parse hangs
    the span on one or the other of: "lifted the notice less than three weeks after issuing it" and "lifted the
    notice on 8 September, 25 days after it was issued"."""
    if q.counted not in DURATIONS or q.counted != s.counted or q.unit != s.unit or not (q.verb and s.verb):
        return False
    acts = {q.verb, s.verb}
    return all(any(same_verb(v, p.lemma) for p in text.predicates) for v in acts for text in (claim, source))


def _small_count(q: Quantity) -> bool:
    return (not q.unit and bool(q.counted) and q.bound == "exact" and q.value <= SMALL_COUNT
            and q.counted not in DURATIONS)


#: Nouns that count anyone: "41 patients" are "forty-one people"; a figure of them may state a count of patients.
_ANYONE = frozenset({"people", "person"})


def _counts_alike(a: Quantity, b: Quantity) -> bool:
    """Whether two figures count the same noun, or one counts people of any kind and both say how many ("41
    patients", "forty-one people"): a bound meets too many figures ("fewer than 20 people", "three trips"), and
    "two people" are no "two-year" holiday."""
    exact = {a.bound, b.bound} <= {"exact", "about"}
    return a.counted == b.counted or (exact and bool({a.counted, b.counted} & _ANYONE)
                                      and all(c in _ANYONE or c in people() for c in (a.counted, b.counted)))


def _other_parties(claim_q: Quantity, source_q: Quantity, claim: Details, source: Details) -> bool:
    """Whether the two figures hang on the same verb done by or to others named ("Brackmoor signed Lindgart, 31"
    is no age of the player Varnhold signed): another event, whose figures cannot contradict the claim's."""
    named_c, named_s = _named(claim), _named(source)

    def differ(a: str, b: str) -> bool:
        return bool(a) and bool(b) and a in named_c and b in named_s and not _role_match(a, b)

    return any(differ(c.agent, p.agent) or differ(c.patient, p.patient)
               for c in claim.predicates if c.lemma == claim_q.verb
               for p in source.predicates if p.lemma == source_q.verb)


def _same_mode(a: str, b: str) -> bool:
    """Whether two modes can state the same fact: an event that happened and one that has not cannot."""
    return "state" in (a, b) or (a in PROSPECTIVE) == (b in PROSPECTIVE)


def _overstates(claim: str, source: str) -> bool:
    """Whether the claim says done what the source says is only planned, hoped, expected or possible. The other
    way round ("plans to buy" against "bought") is no contradiction: the plan was carried out."""
    return claim not in PROSPECTIVE and claim != "state" and source in PROSPECTIVE


#: The season of each month, as news in the northern hemisphere means it ("May 2023" is in "spring 2023").
MONTH_SEASONS = ("winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer", "autumn", "autumn",
                 "autumn", "winter")


def _as_year(q: Quantity) -> int | None:
    """The year a bare figure may be, where the tagger read a year before a noun ("the 2013 album") as a count."""
    return int(q.value) if not q.unit and q.bound == "exact" and year_like(q.text) and q.value == int(q.text) \
        else None


def _date_agrees(a: When, b: When) -> bool | None:
    """False when a part both give differs; True when the source (``b``) gives every part the claim (``a``) gives,
    alike, save a year where both give the day or month; None otherwise ("7 June" is not borne out by "June 2031",
    nor contradicted)."""
    if a.decade or b.decade:
        return _decade_agrees(a, b)
    covered = True
    b_season = b.season or (MONTH_SEASONS[b.month - 1] if b.month and a.season else None)
    for part in ("year", "month", "day", "season"):
        x, y = getattr(a, part), b_season if part == "season" else getattr(b, part)
        if x is not None and y is not None and x != y:
            return False
        # The year is often left to the dateline ("on Thursday 14 May"); a day or month is not.
        if x is not None and y is None and not (part == "year" and (b.month or b.day) and (a.month or a.day)):
            covered = False
    return True if covered and any(getattr(a, p) is not None for p in ("year", "month", "day", "season")) else None


def _decade_agrees(a: When, b: When) -> bool | None:
    """A decade against a date: "the 1970s" is borne out by 1975 and contradicted by 1982; 1975 is not borne out by
    "the 1970s", only not contradicted."""
    if a.year is None or b.year is None:
        return None
    if a.decade and b.decade:
        return a.year == b.year
    if a.decade:
        return a.year <= b.year <= a.year + 9
    return None if b.year <= a.year <= b.year + 9 else False


def _dates_one_event(a: When, b: When) -> bool:
    """Whether two dates may date one event: not when each dates a verb of its own ("rose in January 2026",
    "records began in 1958")."""
    return not (a.verb and b.verb) or same_verb(a.verb, b.verb) or bool({a.verb, b.verb} & LIGHT_VERBS)


#: Verbs that date a life, not an act in it.
_LIFE_EVENTS = frozenset({"bear", "die"})


def _other_life_event(a: When, b: When) -> bool:
    """Whether the source dates a birth or a death and the claim something else: "born June 26, 1980" is no
    graduation on that day. Other verbs are left alike, since a story retells an act in other verbs ("resigned",
    "stepped down"), and so is a lifespan's date hung on another verb ("(1951 - 2004) rowed for ...")."""
    return bool(a.verb and b.verb in _LIFE_EVENTS and a.verb != b.verb)


def _compare_dates(claim: Details, source: Details, out: Comparison) -> None:
    # A source date that bears out one of the claim's dates is that date's event, not another's to contradict:
    # "which had handed the council a petition in January, went to the High Court in June" against "In January it
    # handed the council a petition".
    table = [[_date_agrees(d, s) for s in source.dates] for d in claim.dates]
    matched = {i for row in table for i, v in enumerate(row) if v}
    for d, row in zip(claim.dates, table, strict=True):
        verdicts = [(s, None if v is False and i in matched else v)
                    for i, (s, v) in enumerate(zip(source.dates, row, strict=True))]
        agree = [s for s, v in verdicts if v and not _other_life_event(d, s)]
        if agree:
            out.agreements.append(_note("date", d.text, agree[0].text, True))
            out.aligned.append((agree[0].text, d.text))
            out.shared_values += 1
            out.shared_days += d.day is not None and d.month is not None
        elif contrary := [s for s, v in verdicts if v is False and _dates_one_event(d, s) and not s.relative]:
            # Dates differ all the time in one article (another event, another year); only one about the same
            # event counts against the claim.
            if out.aligned_event:
                out.differences.append(_note("date", d.text, contrary[0].text, False))
            else:
                out.unstated.append(("date", d.text))
        else:
            out.unstated.append(("date", d.text))


def _compare_superlatives(claim: Details, source: Details, out: Comparison) -> None:
    """ "the lowest since records began" against "the highest level since records began": the claim's superlative
    is the opposite of the source's, which does not also use the claim's own."""
    used = {lemma for lemma, _ in source.superlatives}
    for lemma, word in claim.superlatives:
        if lemma in used:
            continue
        opposite = next((w for other, w in source.superlatives if other in antonyms().get(lemma, ())), None)
        if opposite is not None:
            out.differences.append(_note("direction", f"the {word}", f"the {opposite}", False))
            return


def names_match(a: str, b: str) -> bool:
    """The same name written alike, in part ("Varnhagen" in "Ilse Varnhagen") or as an adjective ("Iraqi")."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if set(wa) <= set(wb) or set(wb) <= set(wa):
        return True
    if len(wa) > 1 and len(wb) > 1 and wa[-1] == wb[-1] and (wa[0].startswith(wb[0]) or wb[0].startswith(wa[0])):
        return True  # "Tim Roth" and "Timothy Simon Roth"
    if len(wa) == 1 and len(wb) == 1:
        common = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            common += 1
        return common >= 4 and common >= min(len(a), len(b)) - 1
    return False


def _compare_names(claim: Details, source: Details, context: str, out: Comparison, outlet: str = "") -> None:
    title_key = folded(context)
    headline = title_key.split("\n", 1)[0]
    text_key = folded(source.text)
    # A text that names its subject only by a pronoun ("It is of recent origin") may stand for one name of the
    # claim that it does not spell out: that name counts as shared, not unsaid.
    pronoun = source.pronoun
    # Only a text that is all there is of its source, with no title (a bare snippet), has no other place to name
    # what it describes; a sentence of an article leaves its subject to the article and its title, read above.
    title, _, body = context.partition("\n")
    described = source.described and not title.strip() and bool(body.strip()) and (
        len(body.strip()) <= len(source.text.strip()) + 2)
    for name in _unique(claim.names):
        # A name anywhere in the article is the subject a sentence may leave implicit ("the town", "the
        # company"); a sentence about someone else named in the claim's role is caught with the verbs.
        if any(names_match(name.key, s.key) for s in source.names) or name.key in text_key or name.key in headline:
            out.shared_names += 1
            continue
        if _by_initials(name, source.text):
            out.shared_names += 1
            continue
        if name.key in title_key or _by_head_noun(name, context) or _by_initials(name, context) or (
                outlet and name.key in folded(outlet)):
            out.shared_names += 1
            out.named_elsewhere += 1
            continue
        if _by_surname(name, source) or _by_first_word(name, source):
            out.shared_names += 1
            continue
        # The named-entity tagger types unfamiliar names unevenly (Slovakia an organisation, Slovenia a place),
        # so a mix-up is told by spelling: a name of the source that the claim lacks, written almost alike.
        rivals = [s for s in source.names if not any(names_match(s.key, c.key) for c in claim.names)]
        # Of as many words: "San Diegans" is no misspelling of "San Diego Comic-Con".
        confusable = [s for s in rivals if s.key[:1] == name.key[:1] and len(name.key) >= 4
                      and _one_word_apart(name.key, s.key) and _whole_name(name, claim.text)
                      and SequenceMatcher(None, name.key, s.key).ratio() >= CONFUSABLE]
        if confusable:
            out.differences.append(_note("name", name.text, confusable[0].text, False))
        elif pronoun:
            pronoun = False
            out.shared_names += 1
        elif described and not any(s.label == name.label for s in rivals):
            # "The album was recorded in Harlow", all its source says, may be about the claim's album, unless it
            # names another of the claim name's kind.
            described = False
            out.shared_names += 1
        else:
            out.unstated.append(("name", name.text))


#: Words an organisation's initials leave out ("Bank of England" is BoE or BE, "Harrowdene Valley Railways" HVR).
_LINKING_WORDS = frozenset({"of", "and", "for", "the", "&", "on", "in"})


def _by_initials(name: Name, text: str) -> bool:
    """Whether ``text`` spells out a name the claim gives by its initials: "HVR" for "Harrowdene Valley Railways"."""
    letters = name.text.strip()
    if not (2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()):
        return False
    words = re.findall(r"[\w'’&-]+", text)
    for i, word in enumerate(words):
        if word[:1] != letters[0]:
            continue
        initials = ""
        for w in words[i:]:
            if w.lower() in _LINKING_WORDS and initials:
                continue
            if not w[:1].isupper() or len(initials) == len(letters):
                break
            initials += w[0]
        if initials == letters:
            return True
    return False


def _one_word_apart(a: str, b: str) -> bool:
    """Whether two names of as many words differ in one word: "Quorra Bank" may be put for "Quorra Mills";
    "Solbrekke Ridge School" is another body than "Solbrekke Municipal Council"."""
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and sum(x != y for x, y in zip(wa, wb, strict=True)) == 1


def _whole_name(name: Name, text: str) -> bool:
    """Whether the tagger took all of a name: not "Solveig" cut from "Solveig Pendry", which is no misspelling of
    Slovenia."""
    return not (re.match(r"[ \t]+[A-Z]", text[name.end :]) or re.search(r"[A-Z][\w'’-]*[ \t]+$", text[: name.start]))


def _compare_titles(claim: Details, source: Details, out: Comparison) -> None:
    """The same person in the same post of another place ("the mayor of Dunmerrow" against "Hollin Cray mayor Pia
    Ranveld") is a name mixed up."""
    for c in claim.titles:
        for s in source.titles:
            if c.person.split()[-1] == s.person.split()[-1] and c.role == s.role and not names_match(c.place, s.place):
                out.differences.append(_note("name", c.text, s.text, False))
                return


def _by_surname(name: Name, source: Details) -> bool:
    """Whether the text names the claim's person by surname alone ("Lindqvist also wrote ..." for Marta Lindqvist),
    as a story does after its first mention, where the tagger often misses it. Not where that word is part of
    another person's name in the text ("Ivo Penn" is no mention of Orla Penn)."""
    words = name.text.split()
    if name.label != "PERSON" or len(words) < 2 or len(words[-1]) < 3 or not words[-1][:1].isupper():
        return False
    return _said_alone(words[-1], name, source)


def _said_alone(word: str, name: Name, source: Details) -> bool:
    """Whether ``word``, part of the claim's ``name``, stands in the text outside any other name ("Penn" outside
    "Ivo Penn", "Halvard" outside "Halvard Bank")."""
    for found in re.finditer(rf"(?<![\w'’-]){re.escape(word)}(?![\w-])", source.text):
        inside = [s for s in source.names if s.start <= found.start() and found.end() <= s.end]
        if all(names_match(name.key, s.key) for s in inside):
            return True
    return False


def _bare(word: str) -> str:
    """A word without its possessive: "Kelmere's" -> "Kelmere"."""
    return word.removesuffix("'s").removesuffix("’s")


#: Words that open many names and so do not stand for one alone ("New", "North", "Saint").
_NAME_OPENERS = frozenset({"new", "north", "south", "east", "west", "northern", "southern", "eastern", "western",
                           "upper", "lower", "great", "greater", "old", "saint", "royal", "national", "united",
                           "central", "general", "first", "city", "state", "county", "port", "lake", "mount"})


def _short_form(name: Name) -> str:
    """The word a story shortens an organisation's or a place's name to ("Halvard" for Halvard Foods), or "" where
    the name has one word, is a person's (see ``_by_surname``) or opens with a word that many names share."""
    words = name.text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    first = _bare(words[0]) if words else ""
    if name.label == "PERSON" or len(words) < 2 or len(first) < 4 or not first[:1].isupper() or (
            first.lower() in _NAME_OPENERS):
        return ""
    return first


def _by_first_word(name: Name, source: Details) -> bool:
    """Whether the text names the claim's organisation or place by its first word alone ("Halvard paid up" for
    Halvard Foods). Not where that word opens another name in the text ("Halvard Bank" is no mention of Halvard
    Foods)."""
    first = _short_form(name)
    return bool(first) and _said_alone(first, name, source)


def _by_head_noun(name: Name, context: str) -> bool:
    """Whether an article names the claim's organisation or place by its first word and what it is ("Kelmere's new
    hospital", "the hospital" for Kelmere Valley Hospital), with no other name of that kind in it ("Kelmere General
    Hospital" would be another)."""
    first = _short_form(name)
    head = _bare(name.text.split()[-1])
    if not first or not head[:1].isupper() or not head.isalpha():
        return False
    if not re.search(rf"(?<![\w-]){re.escape(first)}(?![\w-])", context) or not re.search(
            rf"(?<![\w-]){re.escape(head.lower())}(?![\w-])", context):
        return False
    others = re.finditer(rf"((?:[A-Z][\w'’-]*\s+)+){re.escape(head)}(?![\w-])", context)
    own = set(name.key.split())
    return all(own <= set(name_key(f"{m.group(1)}{head}").split()) for m in others)


def _unique(names: tuple[Name, ...]) -> list[Name]:
    seen: dict[str, Name] = {}
    for n in names:
        seen.setdefault(n.key, n)
    return list(seen.values())


#: Nouns a business story uses for one transaction ("approved the purchase", "has not yet approved the deal").
DEAL_NOUNS = frozenset({"deal", "purchase", "takeover", "acquisition", "merger", "buyout", "sale"})


def _role_match(a: str, b: str) -> bool:
    if not (a and b):
        return False
    last_a, last_b = a.split()[-1], b.split()[-1]
    return names_match(a, b) or last_a == last_b or {last_a, last_b} <= DEAL_NOUNS


def _aligned(c: Predicate, s: Predicate) -> bool:
    """Whether two uses of a verb are about the same participants (or name none that differ)."""
    agent = not (c.agent and s.agent) or _role_match(c.agent, s.agent)
    patient = not (c.patient and s.patient) or _role_match(c.patient, s.patient)
    return agent and patient


def _role_alike(a: str, b: str, c: Predicate, s: Predicate) -> bool:
    """Whether ``c``'s filler ``a`` and ``s``'s filler ``b`` of one role may be the same: one is unsaid, they match,
    or one is named in the other's words ("signed the striker Pavo Lindgart" is read as done to "striker" here and
    to "Pavo Lindgart" there; "Lenholm mayor Janek Vossberg" is "the mayor")."""
    return not (a and b) or _role_match(a, b) or a in s.said.lower() or b in c.said.lower()


def _same_participants(c: Predicate, s: Predicate) -> bool:
    """Whether two uses of a verb may be one event: no doer or thing done to that the other text does not name
    ("the hospital opened" is not "a cancer centre is due to open"; "the mayor declared" may be "Lenholm mayor
    Janek Vossberg declared")."""
    # A participant the claim names must be named alike there too: "records began in 1958" is not "work is due to
    # begin in 2027", whose doer is unsaid.
    named = (c.agent and s.agent and _role_alike(c.agent, s.agent, c, s)) or (
        c.patient and s.patient and _role_alike(c.patient, s.patient, c, s))
    return (_role_alike(c.agent, s.agent, c, s) and _role_alike(c.patient, s.patient, c, s)
            and bool(named or not (c.agent or c.patient)))


def _patients_alike(c: Predicate, s: Predicate) -> bool:
    """Whether the two are done to the same thing, or to something unsaid: "sold him to Varnhold" and "Varnhold
    sold 6,300 shirts" are two sales, not one with the roles turned."""
    return c.any_patient or s.any_patient or _role_alike(c.patient, s.patient, c, s)


def _state_of(a: Predicate, b: Predicate) -> bool:
    """Whether ``a`` says of its subject what ``b`` says was done to it ("the library is open", "the library is
    closed", which the parse reads as a passive)."""
    return bool(a.agent) and not a.patient and not b.agent and _role_match(a.agent, b.patient)


def _named(details: Details) -> set[str]:
    return {n.key for n in details.names}


def _phrase(p: Predicate) -> str:
    """The verb with its doer and what it is done to, in the text's own words, and its mode where not an event."""
    mode = f" ({_MODE_WORDS[p.mode]})" if p.mode not in ("event", "state") else ""
    return p.said + mode


def _turned_round(c: Predicate, source: Details) -> list[Predicate]:
    """The source's uses of the claim verb's converse, told with the claim's verb: "the company agreed to buy the
    land from Alstad" as "Alstad agreed to sell the land to the company"."""
    return [replace(s, lemma=c.lemma, agent=s.other, other=s.agent) for s in source.predicates
            if CONVERSES.get(s.lemma) == c.lemma]


def _compare_predicates(claim: Details, source: Details, out: Comparison) -> None:
    for c in claim.predicates:
        # A light verb says what happened through its object ("made his debut", "took control"); without one,
        # or as "be" and "say", it says too little to compare.
        if c.lemma in LIGHT_VERBS and not c.direction and (not c.patient or c.lemma in ("be", "say")):
            continue
        own = [s for s in source.predicates if same_verb(c.lemma, s.lemma)
               and (c.lemma not in LIGHT_VERBS or _role_match(c.patient, s.patient))]
        same = own + _turned_round(c, source)
        # The same verb is the same event for figures, even of other doers: requiring the doers to match lost the
        # answer check's disputes between outlets (both sides shown 0.44 -> 0.11 with a stricter count rule), so
        # it was undone. A date differs only where the participants are alike (``aligned_event``): "the hospital
        # opened on 7 April" is not dated by "a cancer centre is due to open in 2027".
        if same:
            out.shared_event = True
        if any(_same_participants(c, s) for s in same):
            out.aligned_event = True
        swapped = [s for s in same if (c.agent and c.patient and _role_match(c.agent, s.patient)
                                       and _role_match(c.patient, s.agent))
                   or (_patients_alike(c, s) and ((c.agent and _role_match(c.agent, s.other)
                                                   and not _role_match(c.agent, s.agent))
                                                  or (c.other and _role_match(c.other, s.agent)
                                                      and not _role_match(c.other, s.other))))]
        # The one the claim's act is done to doing it, to another ("Ostmere alerted the health unit" against "the
        # company was alerted by the health unit"); not where the act is mutual ("met", "played").
        swapped += [s for s in same if c.agent and c.patient in _named(claim) and _role_match(c.patient, s.agent)
                    and s.patient and not _role_match(c.patient, s.patient) and not _role_match(c.agent, s.agent)
                    and c.lemma not in MUTUAL]
        # The same thing done to the same one by someone else named: "Morberg reported Rudgard" against "Fält
        # reported Rudgard".
        # Not told from the other side, whose doer is the one the source's act was "from": "the club bought him from
        # Ostvang" is another sale of him, not his sale by someone else.
        swapped += [s for s in own if c.patient and _role_match(c.patient, s.patient) and c.agent and s.agent
                    and not _role_match(c.agent, s.agent) and c.agent in _named(claim) and s.agent in _named(source)]
        if swapped:
            out.differences.append(_note("role", _phrase(c), _phrase(swapped[0]), False))
            continue
        # Negation and mode are compared only where a participant is shared: "spending fell" is not the claim's
        # "will spend".
        # The object of a light verb is part of the act, not a participant, where both name a doer: "those who took
        # part" and "Mette Aarflot did not take part" share none ("she had no children" may be the claim's).
        aligned = [s for s in same if (_role_match(c.agent, s.agent) or (
            (c.lemma not in LIGHT_VERBS or not (c.agent and s.agent) or s.agent in _PERSONAL)
            and _role_match(c.patient, s.patient))
                                       or (s.any_patient and s.negated and not (s.agent or s.patient)))
                   and _patients_alike(c, s)
                   # What was found, said or shown must be one thing: "found no structural damage" and "found that
                   # the bridge had not been damaged" are no negation of each other.
                   and (c.lemma not in REPORTING or bool(c.patient and s.patient))]
        # The same verb done to someone else named ("convicted Rudgard" against "convicted Leyhart") cannot
        # support the claim; it is not shown as a difference, since both may be true.
        if any((not c.agent or not s.agent or _role_match(c.agent, s.agent)) and c.patient and s.patient
               and not _role_match(c.patient, s.patient) and c.patient in _named(claim) and s.patient in _named(source)
               for s in same):
            out.unstated.append(("name", c.patient))
        # A text that tells of the event as the claim does somewhere ("signed him on Tuesday" under a headline
        # "to sign him") bears it out, whatever its other mentions say.
        alike = [s for s in aligned if s.negated == c.negated and not _overstates(c.mode, s.mode)]
        bearings = [s for s in alike if c.bearing and s.bearing and c.bearing != s.bearing]
        if bearings:
            # "faces south-east" against "faces north-east": the same act, another way.
            out.differences.append(_note("direction", _phrase(c), _phrase(bearings[0]), False))
        elif alike:
            out.agreements.append(_note("event", _phrase(c), _phrase(alike[0]), True))
        elif aligned:
            s = aligned[0]
            kind = "negation" if s.negated != c.negated else "modality"
            # What is only sought or hoped for is not denied by its not happening: "turned down the trust's bid to
            # stop the work" against "the trust asks the court to halt the work". What is agreed or granted is:
            # "agreed to compensate them" against "refused to compensate them".
            sought = {c.mode, s.mode} & _SOUGHT and (c.mode in PROSPECTIVE) != (s.mode in PROSPECTIVE)
            if kind == "modality" or not sought:
                out.differences.append(_note(kind, _phrase(c), _phrase(s), False))
        contrary = [s for s in source.predicates
                    if opposites(c.lemma, s.lemma, c.lasting or s.lasting) and _aligned(c, s)
                    and (s.agent or s.patient) and (_role_match(c.agent, s.agent) or _role_match(c.patient, s.patient)
                                                    or _state_of(c, s) or _state_of(s, c))]
        for s in contrary:
            out.shared_event = True
            if s.negated == c.negated:
                out.differences.append(_note("negation", _phrase(c), _phrase(s), False))
            else:
                out.agreements.append(_note("event", _phrase(c), _phrase(s), True))
            break
        if not (same or contrary) and c.lemma not in LIGHT_VERBS:
            out.untold_events += 1
        if c.direction:
            turned = [s for s in source.predicates if s.direction and s.direction != c.direction
                      and s.negated == c.negated and (_role_match(c.agent or c.patient, s.agent or s.patient) or (
                          not (c.agent or c.patient or s.agent or s.patient)
                          and opposites(c.lemma, s.lemma)))]
            if turned:
                out.differences.append(_note("direction", _phrase(c), _phrase(turned[0]), False))


def compare(claim: Details, source: Details, context: str = "", published: date | None = None, outlet: str = ""
            ) -> Comparison:
    """The claim's details against one source text's (a sentence or a window of a few).

    ``context`` is the rest of the source's article (its title and text): a name it holds is the subject a
    sentence leaves implicit ("the town" in an article about Lenholm), so it counts as stated; so does a name in
    its ``outlet``'s ("Tressbury Public Radio" on a street in Tressbury). ``published`` is the
    source's publication date, which dates its "on Friday" and "last year"; a claim's own such words are left
    unread, since a claim has no date it was written from.
    """
    claim = replace(claim, dates=tuple(d for d in claim.dates if not d.relative))
    if published is not None:
        source = replace(source, dates=tuple(dated(d, published) for d in source.dates))
    out = Comparison(claim_event=any(p.lemma not in LIGHT_VERBS and p.mode != "state" for p in claim.predicates),
                     claim_compares=claim.compares)
    _compare_predicates(claim, source, out)
    shared_nouns = claim.lemmas & source.lemmas - LIGHT_VERBS
    out.shared_words = frozenset(shared_nouns)
    out.shared_event = out.shared_event and len(shared_nouns) >= 2
    _compare_names(claim, source, context, out, outlet)
    _compare_titles(claim, source, out)
    _compare_quantities(claim, source, out)
    _compare_dates(claim, source, out)
    _compare_superlatives(claim, source, out)
    return out
