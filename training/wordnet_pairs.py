"""Extract WordNet 3.0's antonym pairs of verbs, adjectives and nouns, its common verb synonyms and its nouns of
people into ``assistant/data/details/antonyms.tsv``, ``synonyms.tsv`` and ``people.tsv``.

    apt-get install wordnet-base && python training/wordnet_pairs.py

The details reader needs to know that "acquitted" contradicts "convicted" and "rose" contradicts "fell", and that
"cut" and "reduced", "began" and "started", or "turned down" and "rejected", tell of one event (a verb with its
particle is kept as one, "turn down"; longer phrases are not), and that "a loss of €3.1m" is no "gain of €3.1m"
(nouns, one word each), and that "41 patients" may be counted as "forty-one people" where "two years" may not.
WordNet holds the first as lexical antonym pointers ("!"), the second as synsets and the third as the lexicographer
file of a noun's commonest sense ("noun.person"); no package on the package index ships its data, so they are read
once from Debian's ``wordnet-base`` files and kept, with WordNet's licence notice, as small TSVs. Two verbs are
synonyms here only where they share a synset among the first ``SENSES`` senses of each (WordNet orders a word's
senses by frequency): "cut" and "reduce" (cut's 2nd sense, reduce's 1st), not "cost" and "be" (be's 13th).
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A synonym must share a synset among the first this many senses of both verbs.
SENSES = 2
NOTICE = """\
# {what} extracted from WordNet 3.0 by training/wordnet_pairs.py.
# WordNet Release 3.0. Copyright 2006 by Princeton University. All rights reserved.
# Permission to use, copy, modify and distribute this software and database and its documentation for any purpose
# and without fee or royalty is hereby granted, provided that you agree to comply with the following copyright
# notice and statements, including the disclaimer, and that the same appear on ALL copies of the software,
# database and documentation, including modifications that you make for internal use or for distribution.
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES,
# EXPRESS OR IMPLIED. The name of Princeton University or Princeton may not be used in advertising or publicity
# pertaining to distribution of the software and/or database. Title to copyright in this software, database and
# any associated documentation shall at all times remain with Princeton University and LICENSEE agrees to preserve
# same.
"""


def synset_records(data_file: Path) -> list[list[str]]:
    """The fields of each synset line of a data.* file (offset, lexicographer file, type, words, pointers, ...),
    its licence lines skipped."""
    return [line.split(" ") for line in data_file.read_text(encoding="latin-1").splitlines()
            if line and not line.startswith(" ")]


def senses(index_file: Path) -> dict[str, list[str]]:
    """Each lemma of an index.* file with its synsets' offsets, commonest sense first."""
    found = {}
    for line in index_file.read_text(encoding="latin-1").splitlines():
        if not line or line.startswith(" "):
            continue
        fields = line.split()
        found[fields[0]] = fields[4 + int(fields[3]) + 2 :]
    return found


def pairs(data_file: Path) -> set[tuple[str, str]]:
    """(word, antonym) for every antonym pointer of a data.* file; lemmas lowercased, spaces for underscores."""
    records = synset_records(data_file)
    synsets = {}
    for fields in records:
        count = int(fields[3], 16)
        synsets[fields[0]] = [fields[4 + 2 * i].split("(")[0].replace("_", " ").lower() for i in range(count)]
    found = set()
    for fields in records:
        words = synsets[fields[0]]
        at = 4 + 2 * int(fields[3], 16)
        for i in range(int(fields[at])):
            symbol, offset, _, source_target = fields[at + 1 + 4 * i : at + 5 + 4 * i]
            if symbol != "!" or offset not in synsets:
                continue
            source, target = int(source_target[:2], 16), int(source_target[2:], 16)
            if source and target:
                found.add((words[source - 1], synsets[offset][target - 1]))
    return found


def synonyms(index_file: Path) -> set[tuple[str, str]]:
    """(verb, verb) pairs, each way once (a < b), that share a synset among the first ``SENSES`` senses of both."""
    members: dict[str, list[str]] = {}
    for lemma, offsets in senses(index_file).items():
        if lemma.count("_") > 1:
            continue  # a verb and its particle ("turn_down") are kept; longer phrases are not read as one verb
        for offset in offsets[:SENSES]:
            members.setdefault(offset, []).append(lemma.replace("_", " "))
    return {(a, b) for words in members.values() for a in words for b in words if a < b}


#: WordNet's lexicographer file of nouns for people ("noun.person").
PERSON_FILE = 18


def people(index_file: Path, data_file: Path) -> list[str]:
    """One-word nouns whose commonest sense is a person ("patient", "skier", "resident"), not those that only may
    be ("party" is first a political organisation)."""
    kinds = {fields[0]: int(fields[1]) for fields in synset_records(data_file)}
    return sorted(lemma for lemma, offsets in senses(index_file).items()
                  if "_" not in lemma and "-" not in lemma and kinds.get(offsets[0]) == PERSON_FILE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path, default=ROOT / "assistant" / "data" / "details")
    args = parser.parse_args()
    rows = sorted({(pos, a, b) for pos in ("verb", "adj", "noun") for a, b in pairs(args.wordnet / f"data.{pos}")
                   if a.count(" ") <= (pos == "verb") and b.count(" ") <= (pos == "verb")})
    notice = NOTICE.format(what="Antonym pairs (verbs, adjectives and nouns)")
    (args.out / "antonyms.tsv").write_text(notice + "".join(f"{pos}\t{a}\t{b}\n" for pos, a, b in rows),
                                           encoding="utf-8")
    same = sorted(synonyms(args.wordnet / "index.verb"))
    (args.out / "synonyms.tsv").write_text(
        NOTICE.format(what=f"Verb synonym pairs (a synset among the first {SENSES} senses of both)")
        + "".join(f"verb\t{a}\t{b}\n" for a, b in same), encoding="utf-8")
    persons = people(args.wordnet / "index.noun", args.wordnet / "data.noun")
    (args.out / "people.tsv").write_text(
        NOTICE.format(what="Nouns whose first sense is a person") + "".join(f"noun\t{w}\n" for w in persons),
        encoding="utf-8")
    print(f"{len(rows)} antonym pairs, {len(same)} synonym pairs, {len(persons)} nouns of people -> {args.out}")


if __name__ == "__main__":
    main()
