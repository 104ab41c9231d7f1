"""Contrast pairs at scale: supported training pairs edited so that one detail changes the meaning, or keeps it.

The classifier read "convicted" as support for "acquitted", "a dozen" as a refutation of 12, and a plan as the
event. These pairs teach those details. Each starts from a 3-way *supported* pair of the training side (so the
evidence does state what the claim says) and edits the claim once, with spaCy's parse (the details reader's
verified pipeline) and lemminflect for verb forms:

meaning changed (labels: **refuted** where the evidence contradicts the edit, **not supported** (binary) where
it only fails to say it):
- ``number``: a figure the evidence states, changed (a year by 1-6, an amount by 15-60 %); refuted;
- ``negation``: "not" added to the claim's auxiliary, or its "not" taken away; refuted;
- ``antonym``: a verb or adjective the evidence uses, replaced by its WordNet opposite, inflected alike; refuted;
- ``entity``: a name the evidence states, swapped for another of the same type from another pair; not supported;
- ``roles``: subject and object (both names) swapped ("A beat B" -> "B beat A"); not supported;
- ``plan``: the claim's event made a plan, goal or expectation ("bought" -> "plans to buy"); not supported; and
  the other way round, the claim as said against the *evidence* of its own plan form; not supported;

meaning kept (**supported**):
- ``format``: a figure written another way (2,500,000 / 2.5 million; 12 / twelve / a dozen; 40% / 40 per cent;
  "$3 million" / "$3m"), a date another way ("May 14, 2026" / "14 May 2026");

neither (**not enough evidence**):
- ``topical``: the claim against another pair's evidence that names the same person, place or body but comes from
  another page or group: about the same thing, deciding nothing.

Validation pairs are made from validation pairs only, and names for swaps come from the same side.
"""

from __future__ import annotations

import random
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The number edit of the first contrast pairs, shared: a stated count of at least 10 or a year, never a bound.
from stance_data import _CLAIM_NUMBER as _NUMBER
from stance_data import _editable, _other_number, _states

SUPPORTED, REFUTED, NEI = 0, 1, 2
PHENOMENA = ("number", "negation", "antonym", "entity", "roles", "plan", "format", "topical")
SWAPPABLE = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
_PLANS = [("plans to", "VBZ"), ("planned to", "VBD"), ("is expected to", "VBZ"), ("aims to", "VBZ"),
          ("intends to", "VBZ"), ("may", "MD"), ("is set to", "VBZ"), ("was asked to", "VBD"), ("hopes to", "VBZ")]
_MONTH = ("January|February|March|April|May|June|July|August|September|October|November|December")
_US_DATE = re.compile(rf"\b({_MONTH}) (\d{{1,2}}), (\d{{4}})\b")
_UK_DATE = re.compile(rf"\b(\d{{1,2}}) ({_MONTH}) (\d{{4}})\b")


def _inflect(lemma: str, tag: str) -> str | None:
    from lemminflect import getInflection

    forms = getInflection(lemma, tag=tag)
    return forms[0] if forms else None


def _number_edit(claim: str, evidence: str, rng: random.Random) -> str | None:
    shared = [m for m in _NUMBER.finditer(claim) if _states(evidence, m.group(1)) and _editable(claim, m)]
    if not shared:
        return None
    m = rng.choice(shared)
    return claim[: m.start(1)] + _other_number(m.group(1), rng) + claim[m.end(1) :]


def _negation_edit(doc: Any) -> str | None:
    text = doc.text
    for token in doc:
        if token.dep_ == "neg" and token.lower_ in {"not", "n't"}:
            start, end = token.idx, token.idx + len(token.text)
            if token.lower_ == "n't":
                head = token.nbor(-1) if token.i > 0 else None
                if head is None or head.lower_ in {"ca", "wo", "sha"}:
                    return None
                return text[:start] + text[end:]
            return (text[:start].rstrip() + " " + text[end:].lstrip()).strip()
    for token in doc:
        if token.lower_ in {"is", "was", "are", "were", "has", "had", "have", "will"} and token.dep_ in {"aux",
                                                                                                        "ROOT",
                                                                                                        "auxpass"}:
            end = token.idx + len(token.text)
            return text[:end] + " not" + text[end:]
    for token in doc:
        if token.dep_ == "ROOT" and token.tag_ in {"VBD", "VBZ", "VBP"} and token.lemma_ not in {"be", "have"}:
            aux = {"VBD": "did", "VBZ": "does", "VBP": "do"}[token.tag_]
            return text[: token.idx] + f"{aux} not {token.lemma_}" + text[token.idx + len(token.text) :]
    return None


def _antonym_edit(doc: Any, evidence: str, opposites: dict[str, frozenset[str]], rng: random.Random) -> str | None:
    lowered = evidence.lower()
    options = [t for t in doc if t.pos_ in {"VERB", "ADJ"} and t.lemma_.lower() in opposites
               and t.lower_ in lowered and not any(c.dep_ == "neg" for c in t.children)
               and not (t.i > 0 and t.nbor(-1).lemma_ in {"year", "month", "week", "day"})]
    if not options:
        return None
    token = rng.choice(options)
    other = rng.choice(sorted(opposites[token.lemma_.lower()]))
    form = _inflect(other, token.tag_) if token.pos_ == "VERB" else other
    if not form or form.lower() == token.lower_:
        return None
    if token.text[0].isupper():
        form = form[0].upper() + form[1:]
    return doc.text[: token.idx] + form + doc.text[token.idx + len(token.text) :]


def _entity_edit(doc: Any, evidence: str, pool: dict[str, list[str]], rng: random.Random) -> str | None:
    options = [e for e in doc.ents if e.label_ in SWAPPABLE and e.text in evidence and len(pool[e.label_]) > 20]
    if not options:
        return None
    ent = rng.choice(options)
    for _ in range(10):
        other = rng.choice(pool[ent.label_])
        if other.lower() not in evidence.lower() and other.lower() != ent.text.lower():
            return doc.text[: ent.start_char] + other + doc.text[ent.end_char :]
    return None


def _roles_edit(doc: Any) -> str | None:
    for token in doc:
        if token.dep_ != "ROOT" or token.pos_ != "VERB":
            continue
        subj = [c for c in token.children if c.dep_ == "nsubj"]
        obj = [c for c in token.children if c.dep_ == "dobj"]
        if not subj or not obj:
            return None
        spans = []
        for head in (subj[0], obj[0]):
            ent = next((e for e in doc.ents if e.start <= head.i < e.end and e.label_ in SWAPPABLE), None)
            if ent is None:
                return None
            spans.append(ent)
        a, b = sorted(spans, key=lambda e: e.start_char)
        if a.text.lower() == b.text.lower():
            return None
        t = doc.text
        return t[: a.start_char] + b.text + t[a.end_char : b.start_char] + a.text + t[b.end_char :]
    return None


def _plan_edit(doc: Any, rng: random.Random) -> str | None:
    """The root verb's event as a plan: "X bought Y" -> "X plans to buy Y" (only simple past or present roots)."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ != "VERB" or root.tag_ not in {"VBD", "VBZ"}:
        return None
    if any(c.dep_ in {"aux", "auxpass", "neg"} for c in root.children):
        return None
    if not any(c.dep_.startswith("nsubj") for c in root.children):
        return None
    phrase, _ = rng.choice(_PLANS)
    return doc.text[: root.idx] + f"{phrase} {root.lemma_}" + doc.text[root.idx + len(root.text) :]


def _spelled(value: float, unit_after: str, rng: random.Random) -> str | None:
    if value.is_integer() and 2 <= value <= 20:
        if value == 12 and rng.random() < 0.5:
            return "a dozen"
        return _SMALL[int(value)]
    if value >= 1e6:
        for scale, name, short in ((1e9, "billion", "bn"), (1e6, "million", "m")):
            if value >= scale and (value / scale * 100).is_integer():
                shown = f"{value / scale:g}"
                return f"{shown} {name}" if unit_after or rng.random() < 0.6 else f"{shown}{short}"
    return None


def _format_edit(claim: str, rng: random.Random) -> str | None:
    """The same figure or date written another way."""
    if (m := _US_DATE.search(claim)) is not None:
        return claim[: m.start()] + f"{m.group(2)} {m.group(1)} {m.group(3)}" + claim[m.end() :]
    if (m := _UK_DATE.search(claim)) is not None:
        return claim[: m.start()] + f"{m.group(2)} {m.group(1)}, {m.group(3)}" + claim[m.end() :]
    if (m := re.search(r"(\d+(?:\.\d+)?)\s?(%|per cent|percent)", claim)) is not None:
        new = {"%": rng.choice([" per cent", " percent"]), "per cent": "%", "percent": "%"}[m.group(2)]
        return claim[: m.start()] + m.group(1) + new + claim[m.end() :]
    if (m := re.search(r"(\d+(?:\.\d+)?) (million|billion)\b", claim)) is not None:
        value = float(m.group(1)) * (1e6 if m.group(2) == "million" else 1e9)
        if value.is_integer():
            return claim[: m.start()] + f"{int(value):,}" + claim[m.end() :]
    for m in _NUMBER.finditer(claim):
        if m.start() > 0 and claim[m.start() - 1] in "$€£":
            continue
        value = float(m.group(1).replace(",", ""))
        if "." not in m.group(1) and 1800 <= value <= 2100:
            continue
        words_before = claim[: m.start(1)].split()
        words_after = claim[m.end(1) :].split()
        # Only a count of something: not a title's number ("Student of the Year 2"), a day or a score.
        if not words_after or not words_after[0][:1].islower() or words_after[0] in {"of", "to", "and", "or"}:
            continue
        if words_before and (words_before[-1][:1].isupper() or words_before[-1].lower() in _MONTH.lower()):
            continue
        after = claim[m.end(1) : m.end(1) + 12]
        spelled = _spelled(value, after, rng)
        if spelled:
            return claim[: m.start(1)] + spelled + claim[m.end(1) :]
    return None


def make(pairs: list[Any], rng: random.Random, count: int, pair_type: type) -> list[Any]:
    """About ``count`` edited pairs (``pair_type`` is stance_data.Pair), spread over the phenomena."""
    from assistant.verify.details import antonyms, get_reader

    nlp = get_reader().nlp
    opposites = antonyms()
    candidates = [p for p in pairs if p.label == SUPPORTED and not p.binary and p.kind == "sentence"
                  and 20 < len(p.claim) < 260 and len(p.evidence) < 700]
    rng.shuffle(candidates)
    candidates = candidates[: count * 2]
    docs = list(nlp.pipe([p.claim for p in candidates], batch_size=256))
    pool: dict[str, list[str]] = defaultdict(list)
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        for e in doc.ents:
            if e.label_ in SWAPPABLE:
                pool[e.label_].append(e.text)
                by_name[e.text.lower()].append(i)
    quota = {k: count // len(PHENOMENA) for k in PHENOMENA}
    made: list[Any] = []

    def add(claim: str, evidence: str, label: int, phenomenon: str, group: str, binary: bool = False) -> None:
        made.append(pair_type(claim, evidence, label, f"contrast-{phenomenon}", group, binary=binary))
        quota[phenomenon] -= 1

    for p, doc in zip(candidates, docs, strict=True):
        order = [k for k in PHENOMENA if quota[k] > 0]
        rng.shuffle(order)
        for phenomenon in order[:3]:
            edited: str | None
            if phenomenon == "number":
                if (edited := _number_edit(p.claim, p.evidence, rng)):
                    add(edited, p.evidence, REFUTED, phenomenon, p.group)
            elif phenomenon == "negation":
                if (edited := _negation_edit(doc)):
                    add(edited, p.evidence, REFUTED, phenomenon, p.group)
            elif phenomenon == "antonym":
                if (edited := _antonym_edit(doc, p.evidence, opposites, rng)):
                    add(edited, p.evidence, REFUTED, phenomenon, p.group)
            elif phenomenon == "entity":
                if (edited := _entity_edit(doc, p.evidence, pool, rng)):
                    add(edited, p.evidence, NEI, phenomenon, p.group, binary=True)
            elif phenomenon == "roles":
                if (edited := _roles_edit(doc)):
                    add(edited, p.evidence, NEI, phenomenon, p.group, binary=True)
            elif phenomenon == "plan":
                if (edited := _plan_edit(doc, rng)):
                    if rng.random() < 0.5:
                        add(edited, p.evidence, NEI, phenomenon, p.group, binary=True)
                    else:
                        add(p.claim, edited, NEI, phenomenon, p.group, binary=True)
            elif phenomenon == "format":
                if (edited := _format_edit(p.claim, rng)):
                    add(edited, p.evidence, SUPPORTED, phenomenon, p.group)
            elif phenomenon == "topical":
                names = [e.text.lower() for e in doc.ents if e.label_ in SWAPPABLE]
                others = [j for n in names for j in by_name[n] if candidates[j].group != p.group
                          and candidates[j].claim.lower() != p.claim.lower()]
                if others:
                    j = rng.choice(others)
                    add(p.claim, candidates[j].evidence, NEI, phenomenon, p.group)
        if all(v <= 0 for v in quota.values()):
            break
    return made
