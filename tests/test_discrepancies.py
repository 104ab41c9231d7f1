"""Claim against source, slot by slot, on fictional sentences (invented towns, firms and people)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.verify.details import Name, Quantity, get_reader
from assistant.verify.discrepancies import Comparison, compare


def compared(claim: str, source: str) -> Comparison:
    reader = get_reader()
    return compare(reader.read(claim), reader.read(source))


def differences(claim: str, source: str) -> list[str]:
    return [d.kind for d in compared(claim, source).differences]


@pytest.mark.parametrize(("claim", "source", "kind"), [
    ("Velmora has shipped 7,000 crates to Tollbury.", "Up to 7,000 crates may be shipped to Tollbury.", "modality"),
    ("Velmora has shipped 7,000 crates to Tollbury.", "Velmora has shipped 150 crates to Tollbury.", "number"),
    ("The Dunfield court convicted Ilse Marrowby.", "The Dunfield court acquitted Ilse Marrowby.", "negation"),
    ("The Ostervik council raised parking fees.", "The Ostervik council did not raise parking fees.",
     "negation"),
    ("Quorra Mills bought Tessel Bakeries.", "Tessel Bakeries bought Quorra Mills.", "role"),
    ("The Keswater bridge reopened on 3 March.", "The Keswater bridge reopened on 2 March.", "date"),
    ("The Harlow minister visited Slovakia.", "The Harlow minister visited Slovenia.", "name"),
    ("Rents in Ostervik rose by 4 per cent.", "Rents in Ostervik fell by 4 per cent.", "direction"),
    ("The Tollbury council has built the new pool.", "The Tollbury council plans to build a new pool.",
     "modality"),
    ("Keswater lent eight pumps to the neighbouring town of Harlow.",
     "The neighbouring town of Harlow also lent Keswater eight pumps.", "role"),
    ("Tollbury Athletic have signed the striker Ilse Marrowby from Velmora.",
     "Velmora have signed the striker Ilse Marrowby, 31, from Tollbury Athletic.", "role"),
    ("Auditor Ilse Marrowby reported Jonas Keswick to the Harlow fraud unit.",
     "Auditor Petra Lund reported Jonas Keswick to the Harlow fraud unit.", "role"),
    ("Tollbury Athletic accepted Velmora's €35m bid.", "Tollbury Athletic rejected a €35m bid from Velmora.",
     "negation"),
    ("The Keswater flood scheme approved in 2019 has been built.",
     "A flood scheme for Keswater was approved in 2019 but has not yet been built.", "negation"),
    ("The Harlow hospital came in 11 per cent under its original budget.",
     "The final cost of the Harlow hospital was 11 per cent higher than the original budget.", "direction"),
    # The side after what is counted, and the comparative of what was done.
    # A qualifying limit is a line drawn: another line differs, though every firm under 50 is under 100.
    ("The Keswater grant goes only to firms with fewer than 100 employees.",
     "The Keswater grant goes only to firms with fewer than 50 employees.", "number"),
    ("Velmora Town finished three places above Tollbury Rovers.",
     "Velmora Town finished ninth, three places below Tollbury Rovers.", "direction"),
    ("The Keswater ferry carried fewer passengers in 2025 than in 2024.",
     "The Keswater ferry carried 1.2 million passengers in 2025, up from 1.1 million in 2024.", "direction"),
])
def test_a_changed_detail_is_a_typed_difference(claim: str, source: str, kind: str) -> None:
    assert kind in differences(claim, source)


@pytest.mark.parametrize(("claim", "source"), [
    ("Twelve boats were damaged in Keswater.", "A dozen boats were damaged in Keswater."),
    ("The Quorra terminal will cost €2.5bn.", "The Quorra terminal will cost 2.5 billion euros."),
    ("Quorra Mills bought Tessel Bakeries.", "Tessel Bakeries was bought by Quorra Mills."),
    ("The Dunfield court acquitted Ilse Marrowby.", "The Dunfield court did not convict Ilse Marrowby."),
    ("More than 100 volunteers searched the Harlow Fen.", "About 140 volunteers searched the Harlow Fen."),
    ("More than 100 volunteers searched the Harlow Fen.", "More than 140 volunteers searched the Harlow Fen."),
    ("The Quorra terminal costs 42 million euros.", "The Quorra terminal will cost 42 million euros."),
    # A purpose or a decision taken is not a plan the claim overstates.
    ("Velmora paid Tollbury 4.5 million pounds to settle the case.",
     "Velmora settled the case, paying Tollbury £4.5m."),
    ("Insurers estimate the Keswater damage at 38 million dollars.", "Insurers put the Keswater damage at $38m."),
    # A plan carried out: the claim's plan is no contradiction of the source's event.
    ("Quorra Mills plans to buy Tessel Bakeries.", "Quorra Mills bought Tessel Bakeries."),
    # A limit on another act is no direction of the claim's.
    ("The Keswater ferry carried fewer passengers in 2025.",
     "The Keswater ferry will publish every contract above €50,000 online."),
])
def test_the_same_fact_in_other_words_differs_in_nothing(claim: str, source: str) -> None:
    assert differences(claim, source) == []


@pytest.mark.parametrize(("claim", "source"), [
    # Another thing's date on the same verb: a cancer centre's opening does not date the hospital's.
    ("The Dunfield hospital opened to patients on 7 April 2026.",
     "A cancer centre beside the Dunfield hospital is due to open to patients in early 2027."),
    ("The Harlow regulator opened its review of the Tessel deal on 2 June 2026.",
     "Tessel opened a second production line in Harlow in 2021."),
    # A duration is of its own verb; an age is not a duration.
    ("The Velmora infirmary treated patients for more than 100 years.",
     "The Keswater hospital opened three years after construction began."),
    ("The Velmora infirmary treated patients for more than 100 years.",
     "The first patient, a 71-year-old woman from Harlow, was admitted at 7.12am."),
])
def test_another_events_figure_or_date_is_no_difference(claim: str, source: str) -> None:
    assert differences(claim, source) == []


@pytest.mark.parametrize(("claim", "source", "kind"), [
    ("The Velmora port inquiry began in spring 2023.", "The Velmora port inquiry began in October 2023.", "date"),
    # A year alone is not borne out by a day and month of another year's sentence.
    ("Tessel Dairy was founded in 1926.", "The Marrowby family, which founded Tessel in 1962, owns the firm.", "date"),
    ("The Marrowby family will keep a stake in Tessel Dairy.", "The Marrowby family will not keep any shares.",
     "negation"),
])
def test_a_detail_written_otherwise_still_differs(claim: str, source: str, kind: str) -> None:
    assert kind in differences(claim, source)


@pytest.mark.parametrize(("claim", "source"), [
    ("The Velmora port inquiry began in spring 2023.", "The Velmora port inquiry started in May 2023."),
    ("Funding for the Dunfield museum was reduced by a quarter.", "Funding for the Dunfield museum was cut by 25%."),
])
def test_a_synonym_or_a_month_of_the_season_agrees(claim: str, source: str) -> None:
    reader = get_reader()
    found = compare(reader.read(claim), reader.read(source))
    assert found.complete and found.shared_event and found.agreements


def test_a_date_differs_for_the_same_doer_named_with_a_title() -> None:
    assert differences("Keswater's mayor declared a state of emergency on 1 March.",
                       "Keswater mayor Ilse Marrowby declared a state of emergency on Sunday 1 February.") == ["date"]


def test_another_sale_by_the_buyer_is_not_the_roles_turned_round() -> None:
    assert differences("Tollbury Athletic sold Ilse Marrowby to Velmora for €42m.",
                       "Velmora sold 6,300 replica shirts.") == []


def test_a_source_about_something_else_is_not_about_the_claim() -> None:
    reader = get_reader()
    found = compare(reader.read("The Keswater bridge reopened on 3 March."),
                    reader.read("The Harlow choir sang at the autumn fair."))
    assert not found.about_the_claim


def test_a_figure_or_name_the_source_leaves_unsaid_is_listed() -> None:
    reader = get_reader()
    found = compare(reader.read("Velmora shipped 150 crates to Tollbury."),
                    reader.read("The shipment left the Velmora depot on Monday."))
    assert ("number", "150") in found.unstated
    assert ("name", "Tollbury") in found.unstated


def test_a_pronoun_may_stand_for_one_unsaid_name_of_the_claim() -> None:
    reader = get_reader()
    # Fictional: Orla Penn and Ivo Strand are invented.
    alone = compare(reader.read("Orla Penn founded the Keswater rowing club in 1978."),
                    reader.read("She founded the Keswater rowing club in 1978."))
    assert not alone.unstated_of(frozenset({"name"})) and not alone.differences
    # One pronoun, two names: the second is still unsaid, so the sentence cannot support the pair.
    pair = compare(reader.read("Orla Penn and Ivo Strand founded the Keswater rowing club in 1978."),
                   reader.read("She founded the Keswater rowing club in 1978."))
    assert len(pair.unstated_of(frozenset({"name"}))) == 1
    # A sentence that names its subject gives no such allowance.
    named = compare(reader.read("Orla Penn founded the Keswater rowing club in 1978."),
                    reader.read("The mayor founded the Keswater rowing club in 1978."))
    assert named.unstated_of(frozenset({"name"})) == ["Orla Penn"]


def test_a_person_named_by_surname_alone_is_named() -> None:
    # Fictional: Marta Lindqvist, Orla and Ivo Penn are invented; the tagger misses this surname alone.
    found = compared("Marta Lindqvist started her career as a rower in 1990.",
                     "Lindqvist started her career as a rower in 1990.")
    assert not found.unstated_of(frozenset({"name"}))
    # The surname inside another person's name is someone else.
    other = compared("Orla Penn opened the Tollbury library.", "Ivo Penn opened the Tollbury library.")
    assert other.unstated_of(frozenset({"name"})) == ["Orla Penn"]


@pytest.mark.parametrize(("claim", "source"), [
    # Each end of a period is a date: the second is stated.
    ("Orla Penn died on October 9, 2004.", "Orla Penn (March 3, 1951 \u2212 October 9, 2004) rowed for Keswater."),
    ("The Tollbury bypass was finished in January 2003.",
     "Crews worked on the Tollbury bypass from May 2002 to January 2003."),
    # A decade is borne out by a year inside it and by the same decade.
    ("The Harlow mill was built in the 1880s.", "The Harlow mill was built in 1884."),
    ("The Velmora choir first toured abroad in the early 1960's.",
     "The Velmora choir first toured abroad between the late 1950s and early 1960s."),
])
def test_a_date_inside_a_period_or_a_decade_agrees(claim: str, source: str) -> None:
    found = compared(claim, source)
    assert any(a.kind == "date" for a in found.agreements) and not found.differences


def test_a_year_outside_the_decade_differs() -> None:
    assert differences("The Harlow mill was built in the 1880s.", "The Harlow mill was built in 1891.") == ["date"]


def test_a_pronoun_after_an_opening_phrase_stands_for_the_claims_person_and_is_about_her() -> None:
    # Fictional: Orla Penn is invented. "club secretary" is no one the pronoun could be besides her.
    found = compared("Orla Penn founded the Keswater rowing club in 1978.",
                     "As club secretary, she founded the Keswater rowing club in 1978.")
    assert not found.unstated_of(frozenset({"name"}))
    other_words = compared("Orla Penn acted in films.", "She played the lead in the stage version of Tollbury Nights.")
    assert other_words.about_the_claim


def test_a_total_said_to_be_a_figure_counts_what_follows_its_of() -> None:
    # "The number of boats damaged was 12" counts boats, damaged: another outlet's nine differs, its twelve agrees.
    claim = "The number of boats damaged in Keswater harbour on Sunday was 12."
    assert differences(claim, "Nine boats were damaged in Keswater harbour on Sunday.") == ["number"]
    assert differences(claim, "Twelve boats were damaged in Keswater harbour on Sunday.") == []


def test_a_form_of_address_is_no_part_of_the_name() -> None:
    # Fictional: Dr Orla Penn is invented.
    found = compared("A Keswater hydrologist, Dr Penn, said the river rose.",
                     "The river rose, said hydrologist Orla Penn of Keswater University.")
    assert not found.unstated_of(frozenset({"name"}))


def test_an_organisation_named_by_its_first_word_is_named() -> None:
    # Fictional: Quorra Mills and Quorra Bank are invented.
    found = compared("Quorra Mills paid €40m for the Tessel bakery.", "Quorra paid €40m for the Tessel bakery.")
    assert not found.unstated_of(frozenset({"name"})) and found.shared_names == 2
    # The first word opening another name is another organisation.
    other = compared("Quorra Mills paid €40m for the Tessel bakery.", "Quorra Bank paid €40m for the Tessel bakery.")
    assert other.shared_names == 1 and "name" in [d.kind for d in other.differences]


def test_an_article_may_name_the_claims_organisation_by_place_and_kind() -> None:
    # Fictional: Keswater and its hospitals are invented. The sentence says "the hospital"; its article says whose.
    reader = get_reader()
    claim = reader.read("Keswater Valley Hospital employs 900 nurses.")
    sentence = reader.read("The hospital employs 900 nurses.")
    article = "Inside Keswater's new hospital\n\nThe hospital employs 900 nurses."
    found = compare(claim, sentence, article)
    assert not found.unstated_of(frozenset({"name"})) and found.named_elsewhere == 1
    # An article that names another hospital of the place is not about this one.
    rival = "Keswater General Hospital hires nurses\n\nThe hospital employs 900 nurses."
    assert compare(claim, sentence, rival).unstated_of(frozenset({"name"})) == ["Keswater Valley Hospital"]


def test_a_share_of_a_stated_whole_agrees_with_the_share() -> None:
    # "Of the 400 flats, 100 ..." states a quarter; another share differs from no figure of it.
    found = compared("A quarter of the flats in the Tollbury tower are empty.",
                     "Of the 400 flats in the Tollbury tower, 100 are empty.")
    assert any(a.kind == "number" for a in found.agreements) and not found.unstated_of(frozenset({"number"}))
    assert compared("One in four of the Velmora ferry's crew are new.",
                    "Eleven of the Velmora ferry's 44 crew are new.").agreements


def test_something_under_way_is_no_plan_overstated() -> None:
    # Fictional firms. "is being bought" is neither done nor only agreed: an agreement to buy does not contradict it.
    assert "modality" not in differences("Tessel Bakeries is being bought by Quorra Mills.",
                                         "Quorra Mills has agreed to buy Tessel Bakeries.")
    assert "modality" in differences("Quorra Mills has bought Tessel Bakeries.",
                                     "Quorra Mills has agreed to buy Tessel Bakeries.")


def test_bringing_something_in_is_the_opposite_of_doing_away_with_it() -> None:
    assert differences("The Ostervik council introduced a tourist tax.",
                       "The Ostervik council scrapped its tourist tax.") == ["negation"]


def test_a_figure_of_the_same_verb_done_to_someone_else_named_is_no_difference() -> None:
    # Fictional clubs and players. Another club's signing of another player, 31, says nothing of this one's age.
    found = compared("Tollbury Athletic signed the 24-year-old striker Ilse Marrowby from Velmora.",
                     "Velmora have signed the striker Petra Lund, 31, from Harlow Rovers.")
    assert "number" not in [d.kind for d in found.differences]
    assert differences("Tollbury Athletic signed the 24-year-old striker Ilse Marrowby from Velmora.",
                       "Tollbury Athletic signed the 26-year-old striker Ilse Marrowby from Velmora.") == ["number"]


def test_a_text_that_tells_of_the_event_as_done_agrees_whatever_its_headline_meant() -> None:
    found = compared("Quorra Mills bought Tessel Bakeries.",
                     "Quorra Mills moves to buy Tessel Bakeries\n\nQuorra Mills bought Tessel Bakeries on Monday.")
    assert not found.differences and any(a.kind == "event" for a in found.agreements)


def test_the_scale_of_a_sum_is_no_verb() -> None:
    # "m" after a figure may be tagged a verb ("I'm"): the figure hangs on the verb of the sentence, so another
    # sum said of another verb ("cost £310m") is no difference from "paid £4.5m".
    found = compared("Thorsby Lane paid the Keswater board £4.5m to settle the case.",
                     "The Keswater pool cost £31m to build.")
    assert "number" not in [d.kind for d in found.differences]


def test_the_same_person_in_the_same_post_of_another_place_is_a_name_mixed_up() -> None:
    assert "name" in differences("Orla Penn, the mayor of Harlow, opened the Keswater bridge.",
                                 "Keswater mayor Orla Penn opened the Keswater bridge.")
    assert "name" not in differences("Orla Penn, the mayor of Keswater, opened the bridge.",
                                     "Keswater mayor Orla Penn opened the bridge.")


def test_a_bare_count_agrees_on_a_verb_that_another_figure_ties_to_the_claims() -> None:
    # "passed" and "approved" are not synonyms to the reader, but the €90m and the 41 votes show one vote.
    found = compared("The Keswater assembly passed a €90m budget by 41 votes to 29.",
                     "The Keswater assembly approved a €90m budget on Wednesday by 41 votes to 29.")
    assert not found.unstated_of(frozenset({"number"})) and not found.differences
    untied = compared("The Keswater assembly passed the budget by 41 votes to 29.",
                      "The Keswater assembly approved the budget on Wednesday; 29 members spoke.")
    assert "29" in untied.unstated_of(frozenset({"number"}))


@pytest.mark.parametrize(("claim", "source"), [
    # A state said with its adjective, against the verb that ends it; a verb made again is the verb itself.
    ("The Keswater library reopened to readers on 3 March.",
     "The Keswater library stayed closed to readers throughout March."),
    ("The Keswater library is open.", "The Keswater library is closed."),
])
def test_a_state_against_its_opposite_is_a_negation(claim: str, source: str) -> None:
    assert differences(claim, source) == ["negation"]


def test_a_state_said_with_not_and_its_opposite_agree() -> None:
    found = compared("The Keswater library is not open.", "The Keswater library is closed.")
    assert not found.differences and any(a.kind == "event" for a in found.agreements)
    # A state held until a time is ended by its opposite then: no difference.
    assert differences("The Harlow pool will stay closed until June.", "The Harlow pool will open in June.") == []


def test_a_verb_made_again_is_no_negation_of_the_state_before_it() -> None:
    # Reopening presupposes a closure: only a closure said to go on ("stayed closed") contradicts it.
    assert differences("The Keswater library reopened to readers on 3 March.",
                       "The Keswater library was closed to readers after the flood.") == []


def test_doing_away_with_something_in_other_words_is_the_same_act() -> None:
    found = compared("The Ostervik council abolished its tourist tax.",
                     "The Ostervik council scrapped its tourist tax.")
    assert not found.differences and any(a.kind == "event" for a in found.agreements)


def test_a_sentence_opening_with_what_its_subject_is_may_stand_for_one_unsaid_name() -> None:
    # Fictional: "Tollbury Nights" is an invented album.
    # A snippet that is all its source says has nowhere else to name what it describes.
    reader = get_reader()
    snippet = "The album was recorded in the Harlow valley."
    found = compare(reader.read("Tollbury Nights was recorded in the Harlow valley."), reader.read(snippet),
                    f"\n{snippet}")
    assert not found.unstated_of(frozenset({"name"}))
    # Not a sentence of a longer article, which names its subject elsewhere or not at all.
    titled = compare(reader.read("Tollbury Nights was recorded in the Harlow valley."), reader.read(snippet),
                     f"Harlow records\n{snippet}")
    assert titled.unstated_of(frozenset({"name"})) == ["Tollbury Nights"]
    article = f"\nA new record is made in Harlow. {snippet}"
    assert compare(reader.read("Tollbury Nights was recorded in the Harlow valley."), reader.read(snippet),
                   article).unstated_of(frozenset({"name"})) == ["Tollbury Nights"]
    # Nor where the snippet names another of the claim name's kind.
    line = "The line will link Harlow and Ostervik, the transport office said."
    other = compare(reader.read("The Keswater line will link Harlow and Velmora."), reader.read(line), f"\n{line}")
    assert other.unstated_of(frozenset({"name"})) or other.differences


def test_the_nouns_of_one_transaction_name_one_thing_done_to() -> None:
    # Fictional firms: "the deal" is the purchase the claim names, so "not yet approved" is set against it.
    assert differences("The Harlow competition office has approved Quorra's purchase of Tessel Bakeries.",
                       "The Harlow competition office has not yet approved the deal.") == ["negation"]


@pytest.mark.parametrize(("claim", "source", "kinds"), [
    # A court's finding is its verdict: "found not guilty" is an acquittal, "found guilty" a conviction.
    ("Orla Penn was found not guilty in the Keswater fraud trial.", "Orla Penn was acquitted of all charges.", []),
    ("Orla Penn was convicted in the Keswater fraud trial.", "Orla Penn was found not guilty of all charges.",
     ["negation"]),
    ("Orla Penn was convicted in the Keswater fraud trial.", "The jury found Orla Penn guilty of fraud.", []),
])
def test_a_finding_of_guilt_is_read_as_the_verdict(claim: str, source: str, kinds: list[str]) -> None:
    found = compared(claim, source)
    assert [d.kind for d in found.differences] == kinds
    assert kinds or any(a.kind == "event" for a in found.agreements)


def test_a_name_written_without_its_accents_is_the_same_name() -> None:
    # Fictional: Zoë Harrow and the Keswater choir are invented.
    found = compared("Zoe Harrow founded the Keswater choir.", "Zoë Harrow founded the Keswater choir.")
    assert not found.differences and not found.unstated_of(frozenset({"name"}))


def test_a_title_that_reads_as_a_clause_is_no_act_with_roles() -> None:
    # "We Sold the Farm" is a song: a verb inside a work's name is a word of that name, not something done.
    from spacy.tokens import Span

    from assistant.verify import details as details_module

    song = '" We Sold the Farm " is a song recorded by Orla Penn for her album Harlow Lights.'
    doc = details_module._pipeline()(song)
    doc.ents = [Span(doc, 1, 5, label="WORK_OF_ART")]
    lemmas = [p.lemma for p in details_module._details(doc).predicates]
    assert "sell" not in lemmas and "record" in lemmas


def test_a_people_named_after_a_place_is_no_misspelt_name() -> None:
    # "Tollburians" begins as "Tollbury Harbour Festival" does, but a name of other length is no misspelling.
    reader = get_reader()
    claim = reader.read("Orla Penn was one of the founders of the Tollbury Harbour Festival.")
    source = reader.read("It was founded in 1970 by a group of Tollbury Harbourers that included Orla Penn.")
    festival = Name(text="Tollbury Harbour Festival", label="EVENT", key="tollbury harbour festival",
                    start=claim.text.index("Tollbury"), end=claim.text.index("Tollbury") + 25)
    people = Name(text="Tollbury Harbourers", label="NORP", key="tollbury harbourers",
                  start=source.text.index("Tollbury"), end=source.text.index("Tollbury") + 19)
    found = compare(replace(claim, names=(festival,)), replace(source, names=(people,)))
    assert "name" not in [d.kind for d in found.differences]
    assert "name" in differences("The Harlow minister visited Slovakia.", "The Harlow minister visited Slovenia.")


def test_a_birth_date_dates_no_other_act() -> None:
    # Fictional: Orla Penn is invented.
    found = compared("Orla Penn graduated from Keswater College on 3 May 1990.",
                     "Orla Penn (born 3 May 1990) is a Keswater rower.")
    assert not [a for a in found.agreements if a.kind == "date"]
    assert "3 May 1990" in found.unstated_of(frozenset({"date"}))
    born = compared("Orla Penn was born on 3 May 1990.", "Orla Penn (born 3 May 1990) is a Keswater rower.")
    assert [a for a in born.agreements if a.kind == "date"]


def test_a_year_read_as_a_count_agrees_with_that_year_as_a_date() -> None:
    # The tagger may read "the 2019 album" as a count of albums, and "Harlow Lights (2019)" as a date.
    reader = get_reader()
    source = reader.read('" Keswater Rain " is a song by Orla Penn for her album Harlow Lights (2019).')
    claim = reader.read("Keswater Rain is on the Orla Penn album Harlow Lights.")

    def counted(year: float) -> Quantity:
        return Quantity(value=year, unit="", counted="album", bound="exact", mode="state", verb="be", direction="",
                        subject="", phrase=f"{year:.0f}", text=f"{year:.0f}", start=0, end=4)

    found = compare(replace(claim, quantities=(counted(2019.0),)), source)
    assert [a for a in found.agreements if a.kind == "date"] and not found.differences
    other = compare(replace(claim, quantities=(counted(2020.0),)), source)
    assert "2020" in other.unstated_of(frozenset({"number"})) and not other.agreements


def test_a_snippet_whose_main_verb_has_a_described_subject_may_stand_for_one_unsaid_name() -> None:
    # Fictional: "Tollbury Nights" is an invented series. The description need not open the sentence.
    reader = get_reader()
    snippet = "On Monday, 4 May 2020, the series began its fifth and final season."
    claim = reader.read("Tollbury Nights began its final season in 2020.")
    assert not compare(claim, reader.read(snippet), f"\n{snippet}").unstated_of(frozenset({"name"}))
    # A subject of a name's own ("the Harlow series") or a subject that is no description leaves the name unsaid.
    for other in ("On Monday, 4 May 2020, Harlow TV began the fifth and final season.",
                  "On Monday, 4 May 2020, it was the fifth and final season."):
        assert compare(claim, reader.read(other), f"\n{other}").unstated_of(frozenset({"name"}))


def test_a_sale_told_from_the_buyers_side_is_the_same_act() -> None:
    # Fictional: Orla Penn and Tollbury Mills are invented.
    found = compared("Orla Penn agreed to sell 38 hectares of farmland to Tollbury Mills.",
                     "Tollbury Mills agreed to buy 38 hectares of farmland from Orla Penn.")
    assert not found.differences and any(a.kind == "event" for a in found.agreements)
    lent = compared("The Velmora bank is lending Tollbury Mills €74m.", "Tollbury Mills has borrowed €74m from the "
                    "Velmora bank.")
    assert "negation" not in [d.kind for d in lent.differences]
    # The same side buying and selling is the roles turned round.
    assert "role" in differences("Quorra Mills sold Tessel Bakeries.", "Quorra Mills bought Tessel Bakeries.")


def test_a_direction_or_a_bound_of_another_subject_is_no_difference() -> None:
    assert "direction" not in differences("Passenger numbers on the Keswater ferry were 27% lower in August.",
                                          "Before the grounding, shares in the ferry firm had risen by 27%.")
    assert "direction" not in differences("The Harlow airport's operating loss for 2025 was below €4m.",
                                          "The protest group said it had raised €41,000 towards legal costs.")
    assert "direction" in differences("Rents in Ostervik rose by 4 per cent.", "Rents in Ostervik fell by 4 per cent.")


def test_a_count_on_another_act_overstates_no_plan() -> None:
    found = compared("Police in Tollbury arrested three men over the museum theft.",
                     "Three men accused over the Tollbury museum theft will go on trial on 14 September.")
    assert "modality" not in [d.kind for d in found.differences]
    assert "modality" in differences("Velmora has shipped 7,000 crates to Tollbury.",
                                     "Up to 7,000 crates may be shipped to Tollbury.")


def test_no_one_denies_the_act_of_whoever_the_claim_names() -> None:
    assert "negation" in differences("Several people were arrested during the Harlow march.",
                                     "The Harlow march passed off peacefully, and no one was arrested.")


def test_who_acts_against_whom_is_a_role() -> None:
    # Fictional firms: the claimant and the one claimed against, swapped.
    assert "role" in differences("Quorra Guards has filed a claim against the city of Tollbury.",
                                 "The city of Tollbury has filed a claim against Quorra Guards.")
    assert "role" not in differences("The city of Tollbury has filed a claim against Quorra Guards.",
                                     "The city of Tollbury has filed a claim against Quorra Guards.")



@pytest.mark.parametrize(("claim", "source"), [
    # A verb with its particle is the verb WordNet knows it as: "turn down" is "reject", "step down" "resign".
    ("The Harlow court turned down the Quorra bid.", "The Harlow court rejected the Quorra bid."),
    ("Orla Penn stepped down as Keswater harbour director.", "Orla Penn resigned as Keswater harbour director."),
    ("The Tollbury union called off the April strike.", "The Tollbury union cancelled the April strike."),
])
def test_a_verb_with_its_particle_is_the_verb_it_stands_for(claim: str, source: str) -> None:
    found = compared(claim, source)
    assert any(a.kind == "event" for a in found.agreements) and not found.differences


def test_a_request_turned_down_is_an_act_denied() -> None:
    [halt] = [p for p in get_reader().read("The Harlow court turned down a request to halt the works.").predicates
              if p.lemma == "halt"]
    assert halt.negated


def test_a_weekday_or_last_year_is_dated_from_the_sources_publication_day() -> None:
    from datetime import date

    reader = get_reader()
    source = reader.read("The Keswater ferry ran aground on the Harlow Ledge on Friday.")
    saturday = date(2026, 8, 15)
    found = compare(reader.read("The Keswater ferry ran aground on the Harlow Ledge on 14 August 2026."), source,
                    published=saturday)
    assert [a for a in found.agreements if a.kind == "date"] and not found.unstated_of(frozenset({"date"}))
    # Another day is not borne out, but not contradicted either: a weekday in an article is often another event's.
    other = compare(reader.read("The Keswater ferry ran aground on the Harlow Ledge on 7 August 2026."), source,
                    published=saturday)
    assert "7 August 2026" in other.unstated_of(frozenset({"date"})) and not other.differences
    # Without a publication day, "on Friday" dates nothing.
    assert compare(reader.read("The Keswater ferry ran aground on the Harlow Ledge on 14 August 2026."),
                   source).unstated_of(frozenset({"date"}))
    year = compare(reader.read("The Harlow airport handled 1.4 million passengers in 2025."),
                   reader.read("The Harlow airport handled 1.4 million passengers last year."), published=saturday)
    assert [a for a in year.agreements if a.kind == "date"]


def test_a_claim_whose_only_verbs_describe_tells_of_no_event() -> None:
    # "stolen" describes the paintings; the claim states a share, as "Two of the five are by Orla Penn" does.
    found = compared("Forty per cent of the paintings stolen from the Tollbury museum were by Orla Penn.",
                     "Two of the five paintings are by Orla Penn.")
    assert not found.claim_event and any(a.kind == "number" for a in found.agreements)
    assert compared("Thieves stole five paintings from the Tollbury museum.",
                    "Two of the five paintings are by Orla Penn.").claim_event


def test_figures_and_dates_stated_alike_are_given_to_the_classifier_in_the_claims_words() -> None:
    reader = get_reader()
    claim = reader.read("Velmora dockers walked out on March 17, 2026 over a pay offer of 3.5 per cent.")
    source = reader.read("Dockers at Velmora struck on Tuesday 17 March after rejecting a 3.5pc offer.")
    found = compare(claim, source)
    rewritten = found.in_claim_words(source.canonical)
    assert "March 17, 2026" in rewritten and "Tuesday 17 March" not in rewritten
    # A figure that differs is left in the source's words for the classifier to weigh.
    other = reader.read("Dockers at Velmora struck on Tuesday 17 March after rejecting a 2.5pc offer.")
    assert "2.5 percent" in compare(claim, other).in_claim_words(other.canonical)


def test_a_name_given_by_its_initials_is_the_name_spelt_out() -> None:
    found = compare(get_reader().read("The TFC cut its Harlow sailings."), get_reader().read("Sailings cut."),
                    "Tollbury Ferry Company cuts Harlow sailings\nThe Tollbury Ferry Company cut its sailings.")
    assert ("name", "TFC") not in found.unstated
    assert ("name", "TFC") in compared("The TFC cut its Harlow sailings.", "Harlow sailings were cut.").unstated


def test_a_figure_of_another_subject_is_no_other_figure_for_the_claims() -> None:
    assert "number" not in differences("Tollbury Rail's spending on overtime went up by 25 per cent last year.",
                                       "The drop came weeks after fares rose by 4.6 per cent.")
    # A subject the source gives by a pronoun or by what it is may be the claim's.
    assert "number" in differences("Tollbury Rail earned a profit of £25m in 2025.",
                                   "The operator earned a profit of £22.5m in 2025.")


def test_a_name_of_as_many_words_is_a_mix_up_only_one_word_apart() -> None:
    assert "name" not in differences("Keswater Ridge School will open in September.",
                                     "Keswater Regional Council met in September.")
    assert "name" in differences("Harlow Ridge School will open in September.",
                                 "Harlow Ridge College will open in September.")


def test_a_small_count_left_unsaid_does_not_block_support_and_people_count_patients() -> None:
    found = compared("Keswater councillors approved the merger of the town's two schools on 11 March 2026.",
                     "Keswater council voted on Wednesday 11 March to merge Tollbury School and Harlow School.")
    assert not found.unstated_of(frozenset({"number"}))
    assert "number" in [a.kind for a in compared("41 patients have been hospitalised in Keswater.",
                                                  "Forty-one people have been admitted to hospital in Keswater.")
                        .agreements]
    # Not under a bound: "fewer than 20 people" is met by any small count of anything.
    assert "number" not in [a.kind for a in compared("Fewer than 20 people in Keswater needed treatment.",
                                                      "A three-metre swell was running off Keswater.").agreements]


def test_an_act_of_the_claim_told_in_no_verb_is_counted() -> None:
    found = compared("Keswater dockers voted to reject the pay deal in April.",
                     "Keswater dockers voted on 15 April and backed the deal.")
    assert found.untold_events == 1
    assert compared("Keswater dockers voted to reject the pay deal in April.",
                    "Keswater dockers voted on 15 April to reject the deal.").untold_events == 0


def test_a_figure_only_intended_bears_out_no_figure_of_what_is() -> None:
    found = compared("Tollbury Rail has fewer than 600 drivers.", "Tollbury Rail plans to recruit 60 drivers by 2027.")
    assert "number" not in [a.kind for a in found.agreements]
    assert "number" in [a.kind for a in compared("The Tollbury depot costs 42 million euros.",
                                                  "The Tollbury depot will cost 42 million euros.").agreements]


def test_a_span_in_weeks_is_counted_in_days_and_a_gerund_is_a_figures_subject() -> None:
    found = compared("The Keswater ferry was refloated more than two weeks after it ran aground.",
                     "The Keswater ferry was refloated 15 days after it ran aground.")
    assert "number" in [a.kind for a in found.agreements]
    # Fictional operator: what the hiring cost is no other figure for what the strikes cost.
    assert "number" not in differences("Hiring replacement coaches for the strike cost Tollbury Rail £0.41m.",
                                       "The two strikes so far have cost Tollbury Rail £6.4m.")
    # A span of days is no count of anything else.
    assert "number" not in differences("Hiring coaches for the three strike days cost Tollbury Rail £0.41m.",
                                       "Tollbury Rail employs 640 drivers, down from 702 in 2019.")
    assert ("name", "£0.41m.") not in compared("Hiring coaches cost Tollbury Rail £0.41m.", "Coaches were hired.") \
        .unstated


def test_a_sum_of_the_opposite_kind_is_a_difference() -> None:
    assert differences("Tollbury Airport made an operating profit of €3.1m in 2025.",
                       "The Tollbury airport company made an operating loss of €3.1m in 2025.") == ["antonym"]
    assert differences("The Harlow council ran a €2m surplus last year.",
                       "The Harlow council ran a €2m deficit last year.") == ["antonym"]
    assert differences("Tollbury Airport made an operating profit of €3.1m in 2025.",
                       "Tollbury Airport reported a profit of €3.1m for 2025.") == []


def test_the_one_the_act_is_done_to_doing_it_is_a_role_turned_round() -> None:
    assert "role" in differences("Keswater Water alerted the Harlow Health Unit to the problem on 12 August.",
                                 "The company was alerted by the Harlow Health Unit on 12 August.")
    assert "role" not in differences("Keswater Water alerted the Harlow Health Unit to the problem on 12 August.",
                                     "Keswater Water alerted the health unit on 12 August.")
    # Mutual acts: the other side did it too.
    assert "role" not in differences("Keswater Water met the Harlow Health Unit on 12 August.",
                                     "The Harlow Health Unit met the company on 12 August.")


def test_a_bound_is_met_only_by_a_figure_that_may_be_the_claims() -> None:
    # Another act of another subject: no agreement, though the sum is larger.
    found = compared("Harlow Mutual is offering a reward of at least 1 million kronor for the Keswater paintings.",
                     "Ilse Marrowby's portrait accounts for 18.5 million kronor of that total.")
    assert "number" not in [a.kind for a in found.agreements]
    found = compared("Keswater Water lifted the notice less than three weeks after issuing it.",
                     "Councillor Penn said residents had been left in the dark for two days.")
    assert "number" not in [a.kind for a in found.agreements]
    # The claim's subject as the one the source's act is done to, and a verb that only links.
    found = compared("The Keswater ferry was pulled off the rocks more than two weeks after it ran aground.",
                     "Harlow Salvage refloated the Keswater ferry 15 days after it ran aground.")
    assert "number" in [a.kind for a in found.agreements]
    found = compared("Tollbury Airport's operating loss for 2025 was below €4m.",
                     "The company made an operating loss of €3.1m in 2025.")
    assert "number" in [a.kind for a in found.agreements]


def test_a_size_or_a_bound_on_people_of_another_act_contradicts_nothing() -> None:
    assert "number" not in differences("The four-kilometre Keswater march ended without any arrests.",
                                       "The Harlow nature reserve lies 1.5km from the runway.")
    assert "number" not in differences("More than a thousand people joined the Keswater march.",
                                       "About 60 people watched the Harlow vote from the gallery.")
    assert "number" in differences("More than a thousand people joined the Keswater march.",
                                   "About 600 people joined the Keswater march.")
    assert "number" in differences("Nine people were hurt in the Keswater crash.",
                                   "Twelve people were injured in the Keswater crash.")
    assert "number" in differences("Fewer than 500 homes were flooded in Keswater.",
                                   "Water entered 612 homes in Keswater, the council said.")
    assert "number" in differences("Roughly 40,000 litres of diesel escaped from the Keswater ferry.",
                                   "About 4,000 litres of diesel had leaked from the Keswater ferry.")


def test_a_figure_meant_is_borne_out_by_the_act_and_contradicted_by_no_figure_of_what_is() -> None:
    found = compared("Keswater is seeking 1,200,000 kronor from the security firm Harlow Guard.",
                     "The city of Keswater has filed a claim for 1.2m kronor against Harlow Guard.")
    assert "number" in [a.kind for a in found.agreements]
    assert "number" not in differences("Tollbury Rail intends to take on 60 trainee drivers by the end of 2027.",
                                       "The company employs 640 drivers, down from 702 in 2019.")
    # What is only expected is not borne out by another act's figure.
    found = compared("Keswater Water will appeal against the £8.75m fine.",
                     "The commission fined Keswater Water £8.75m.")
    assert "number" not in [a.kind for a in found.agreements]


def test_a_source_date_that_bears_out_one_claim_date_contradicts_no_other() -> None:
    found = compared("The Keswater group, which had handed the council a petition in January, went to court in "
                     "June 2026.", "In January it handed the council a petition with 3,100 signatures.")
    assert "date" not in [d.kind for d in found.differences]


def test_an_opposite_superlative_is_a_difference_of_direction() -> None:
    assert differences("The Keswater river level in January was the lowest since records began in 1958.",
                       "The Keswater river peaked at 4.7 metres, the highest level since records began in 1958.") \
        == ["direction"]
    assert "direction" not in differences("The Keswater river level was the highest since 1958.",
                                          "It was the highest level since 1958, and the lowest rainfall.")


def test_a_figure_told_in_other_words_is_stated() -> None:
    def stated(claim: str, source: str, figure: str) -> bool:
        found = compared(claim, source)
        return ("number", figure) not in found.unstated and not found.differences
    # A vote as the verb and as the noun counted; the other figure of the tally on the same two verbs.
    assert stated("Keswater councillors voted 23-16 to close the Harlow Road depot.",
                  "The motion to close the Harlow Road depot passed by 23 votes to 16.", "16")
    # Moving the same way, the total for the thing counted.
    assert stated("Flu cases at the Keswater clinic climbed from 120 to 180 in a month.",
                  "The Keswater clinic has confirmed 180 flu cases. The total has risen from 120 a month ago.", "120")
    assert stated("Flu cases at the Keswater clinic climbed from 120 to 180 in a month.",
                  "The Keswater clinic has confirmed 180 flu cases. The total has risen from 120 a month ago.", "180")
    # Said of one named.
    assert stated("Orla Penn, 41, faces charges of fraud in Keswater.", "Orla Penn, 41, is charged with fraud.", "41")
    # Not a figure of the other way, nor another value.
    assert not stated("Flu cases at the Keswater clinic climbed from 120 to 180 in a month.",
                      "The total has fallen from 120 a month ago.", "120")
    assert not stated("Orla Penn, 41, faces charges of fraud in Keswater.", "Orla Penn, 44, is charged with fraud.",
                      "41")
    # A part of what the subject counts is no count of the claim's.
    found = compared("Two Keswater dock workers died in the fire.",
                     "Six Keswater dock workers were taken to hospital, two of them with burns.")
    assert "number" not in [a.kind for a in found.agreements]


def test_negation_needs_a_participant_and_what_is_sought_is_not_denied_by_its_not_happening() -> None:
    # The object of "take part" is no participant shared.
    assert "negation" not in differences("More than half of those who took part in the Keswater survey backed the "
                                         "plan.", "Orla Penn, who chairs the council, did not take part in the vote.")
    assert "negation" in differences("Orla Penn took part in the Keswater vote.",
                                     "Orla Penn did not take part in the Keswater vote.")
    assert "negation" in differences("Orla Penn had children.", "In 1986 Orla Penn married Jonas Keswick, with whom "
                                     "she had no children.")
    assert "negation" not in differences("The Keswater court turned down the Harlow Trust's bid to stop work on the "
                                         "quay.", "The Harlow Trust is asking the court to quash the permit and to "
                                         "halt work on the quay.")
    # What is agreed to is denied by a refusal.
    assert "negation" in differences("Keswater Ferries has agreed to compensate Harlow traders.",
                                     "Keswater Ferries has refused to compensate Harlow traders.")


def test_a_span_between_the_same_two_acts_is_compared_whichever_act_the_parse_hangs_it_on() -> None:
    source = "Keswater Water lifted the notice on 8 September, 25 days after it was issued."
    assert "number" in differences("Keswater Water lifted the notice less than three weeks after issuing it.", source)
    found = compared("Keswater Water lifted the notice less than four weeks after issuing it.", source)
    assert "number" in [a.kind for a in found.agreements] and not found.differences
    # Not a span of another act.
    assert "number" not in differences("Keswater Water lifted the notice less than three weeks after issuing it.",
                                       "The Harlow inquiry reported 25 days after it was opened.")


def test_opposite_acts_the_word_lists_lack_and_a_name_of_several_words_opening_a_claim() -> None:
    assert "negation" in differences("The opening of the Keswater school was brought forward to January.",
                                     "The opening of the Keswater school has been pushed back to January.")
    assert "negation" in differences("The union criticised the Keswater plan to hire more staff.",
                                     "The union welcomed the Keswater hiring plan.")
    assert "direction" in differences("Harlow Ferries carried 6pc fewer passengers last year than in 2024.",
                                      "The operator carried 1.4 million passengers last year, 6pc more than in 2024.")
    assert "direction" not in differences("Harlow Ferries carried 6pc more passengers last year than in 2024.",
                                          "The operator carried 1.4 million passengers last year, 6pc more than in "
                                          "2024.")


def test_a_count_of_those_who_did_the_act_is_not_set_against_a_count_in_a_phrase_of_another_act() -> None:
    assert "number" not in differences("Six members of the Keswater gang were found guilty of fraud.",
                                       "The Harlow board has scrapped bonuses for all eight members of its committee.")
    assert "number" in differences("Six members of the Keswater gang were found guilty of fraud.",
                                   "Eight members of the Keswater gang were convicted of fraud.")


def test_a_span_over_which_a_figure_moved_is_no_bound() -> None:
    found = compared("Demand for Keswater wool has dropped by 14 per cent over two years.",
                     "Demand for Keswater wool had fallen by 14 per cent in two years.")
    assert not found.differences and not found.unstated
    assert "number" in differences("Demand for Keswater wool has dropped by 14 per cent over two years.",
                                   "Demand for Keswater wool had fallen by 14 per cent in five years.")


def test_without_denies_the_act_and_a_plan_rejected_as_subject_is_denied() -> None:
    source = "Residents of Harlow were not consulted before the council closed the pool."
    assert "negation" not in differences("The Harlow council closed the pool without consulting residents.", source)
    assert "negation" in differences("The Harlow council closed the pool after consulting residents.", source)
    assert "negation" not in differences(
        "The union's plan to keep the Keswater mill open was rejected by Velmora.",
        "Velmora has turned down a union proposal to keep the Keswater mill open.")


def test_finding_no_evidence_is_not_finding_evidence() -> None:
    source = "The Harlow inquiry did not find evidence of wrongdoing by Velmora Builders."
    assert "negation" not in differences("The Harlow inquiry found no evidence of wrongdoing by Velmora Builders.",
                                         source)
    assert "negation" in differences("The Harlow inquiry found evidence of wrongdoing by Velmora Builders.", source)


def test_a_part_of_a_group_is_no_count_of_the_whole() -> None:
    assert "number" not in differences("Four of the five Harlow climbers were dug out alive.",
                                       "Four of the buried Harlow climbers were dug out alive.")
    assert "number" in differences("Four of the Harlow climbers were dug out alive.",
                                   "Three of the buried Harlow climbers were dug out alive.")


def test_people_are_counted_alike_only_with_nouns_of_people_and_a_span_only_of_its_act() -> None:
    claim = "The Harlow council granted Velmora Glass a two-year rent holiday."
    assert not compared(claim, "Two people familiar with the Velmora talks put the price at about £7m.").agreements
    assert not compared(claim, "Demand for Velmora jars had fallen by 14 per cent in two years.").figures_alike
    found = compared("Forty-one Harlow patients were taken to hospital.", "41 people were taken to hospital in Harlow.")
    assert "number" in [a.kind for a in found.agreements]


def test_a_unit_written_short_is_the_unit() -> None:
    found = compared("The Keswater wind farm would have a capacity of 102 megawatts.",
                     "The 102 MW Keswater project is expected to cost £145m.")
    assert "number" in [a.kind for a in found.agreements]
    assert "number" in differences("The Keswater wind farm would have a capacity of 120 megawatts.",
                                   "The 102 MW Keswater project is expected to cost £145m.")


def test_a_verb_that_multiplies_is_a_figure() -> None:
    source = "Onshore wind applications in Keswater have doubled since the planning rules were relaxed."
    assert "number" in differences("Onshore wind applications in Keswater have tripled since the rules were relaxed.",
                                   source)
    found = compared("Onshore wind applications in Keswater have doubled since the rules were relaxed.", source)
    assert "number" in [a.kind for a in found.agreements] and not found.differences
    # Only a multiple of what the verb multiplied.
    assert not compared("The Keswater museum drew about twice as many visitors as on a normal weekday.",
                        "Auction prices for Harlow's paintings have roughly doubled since 2015.").agreements


def test_a_sum_added_to_another_or_the_same_verb_done_to_another_thing_is_no_other_figure() -> None:
    assert "number" not in differences("The Save Keswater campaign raised £38,000 for lawyers.",
                                       "The Save Keswater campaign has raised a further £22,000 in a fortnight.")
    assert "number" in differences("The Save Keswater campaign raised £38,000 for lawyers.",
                                   "The Save Keswater campaign raised £22,000 for lawyers.")
    assert "number" in differences("The Save Keswater campaign then raised a further £32,000 for lawyers.",
                                   "The Save Keswater campaign has raised a further £22,000 in a fortnight.")
    assert "number" not in differences("The Keswater council voted to raise the maximum grant to $75,000.",
                                       "The Keswater transit authority raised its cost estimate to $1.31 billion.")
    assert "number" in differences("The Keswater council voted to raise the maximum grant to $75,000.",
                                   "The Keswater council voted to raise the maximum grant to $50,000.")


def test_the_size_of_a_profit_against_a_sum_lost() -> None:
    assert "antonym" in differences("Velmora's Keswater glassworks made a profit of £11.3m in 2025.",
                                    "Velmora's Keswater glassworks lost £11.3m in 2025.")
    assert not differences("Velmora's Keswater glassworks made a loss of £11.3m in 2025.",
                           "Velmora's Keswater glassworks lost £11.3m in 2025.")


def test_a_compass_bearing_told_the_other_way_is_a_difference() -> None:
    source = "The slope above Keswater where the slide started faces north-east, the warning service said."
    assert "direction" in differences("The slope above Keswater where the slide started faces south-east.", source)
    assert not differences("The slope above Keswater where the slide started faces north-east.", source)
    assert "direction" in differences("Velmora is moving its jar line to Dellby, about 90 miles south of Keswater.",
                                      "Velmora will move its jar line to Dellby, about 90 miles north of Keswater.")


def test_a_name_in_the_outlets_name_is_stated() -> None:
    reader = get_reader()
    claim = reader.read("Sales at traders on Canal Street in Keswater have fallen by 35 percent.")
    source = reader.read("Traders on Canal Street say their sales have fallen by 35 percent.")
    assert ("name", "Keswater") in compare(claim, source, "Canal Street traders\nTraders say sales fell.").unstated
    found = compare(claim, source, "Canal Street traders\nTraders say sales fell.", outlet="Keswater Public Radio")
    assert ("name", "Keswater") not in found.unstated


def test_a_sum_turned_down_is_no_sum_approved() -> None:
    source = "A separate motion to fund a €40m study of a tunnel under Keswater was rejected."
    assert "negation" in differences("The Harlow assembly approved €40m for a study of a tunnel under Keswater.",
                                     source)
    assert not differences("The Harlow assembly voted down a motion to fund a €40m study of a tunnel under Keswater.",
                           source)


def test_up_or_down_before_a_figure_says_which_way_it_went() -> None:
    source = "Harlow Rail reported an operating profit of £22.5m for 2025, up 14 per cent on the previous year."
    assert "direction" in differences("Harlow Rail's operating profit for 2025 fell by 14 per cent.", source)
    assert "direction" not in differences("Harlow Rail's operating profit for 2025 rose by 14 per cent.", source)
