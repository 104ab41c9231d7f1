"""The details reader on fictional sentences (invented towns, firms and people): what it reads in each slot."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.verify import details as details_module
from assistant.verify.details import get_reader


def quantities(text: str) -> list[tuple[float, str, str, str]]:
    return [(q.value, q.unit, q.bound, q.mode) for q in get_reader().read(text).quantities]


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("The Quorra ferry terminal will cost €2.5bn.", 2.5e9, "EUR"),
    ("The Quorra ferry terminal will cost 2.5 billion euros.", 2.5e9, "EUR"),
    ("Brill Athletic paid £40m for the goalkeeper.", 4e7, "GBP"),
    ("Brill Athletic paid 40 million pounds for the goalkeeper.", 4e7, "GBP"),
    ("Prices in Ostervik rose by 3.2pc in May.", 3.2, "%"),
    ("Prices in Ostervik rose by 3.2 per cent in May.", 3.2, "%"),
    ("The Velmora appeal raised $1.2m.", 1.2e6, "USD"),
    ("Seven thousand runners took part in the Harlow Fen race.", 7000.0, ""),
    ("A dozen boats were damaged in Keswater harbour.", 12.0, ""),
    ("Three in five residents of Tollbury backed the scheme.", 60.0, "%"),
    ("Nearly a third of the Dunfield staff left.", 33.3, "%"),
    ("Rainfall in Keswater was three times the monthly average.", 3.0, "times"),
    ("Rainfall in Keswater was twice the monthly average.", 2.0, "times"),
])
def test_figures_written_any_way_read_as_one_value_and_unit(text: str, value: float, unit: str) -> None:
    [(found, found_unit, _, _)] = quantities(text)
    assert found == pytest.approx(value, rel=1e-6)
    assert found_unit == unit


def test_bounds_and_modes_are_read_with_the_figure() -> None:
    assert quantities("Up to 900 crates may be shipped from Tollbury.") == [(900.0, "", "at_most", "possibility")]
    assert quantities("More than 120 volunteers searched the Harlow Fen.") == [(120.0, "", "more_than", "event")]
    assert quantities("Velmora has shipped 150 crates.")[0][3] == "event"
    assert quantities("Velmora plans to ship 150 crates.")[0][3] == "plan"


def test_a_year_inside_a_date_is_a_date_not_a_figure() -> None:
    read = get_reader().read("The Keswater bridge reopened on 12 February 2026 after 14 months.")
    [date] = read.dates
    assert (date.year, date.month, date.day) == (2026, 2, 12)
    assert [q.value for q in read.quantities] == [14.0]
    assert "2,026" not in read.canonical


def _dates_of_span(text: str, first: str, last: str) -> list[tuple[int | None, int | None, int | None]]:
    """The dates read where the tagger made one date span from ``first`` to ``last`` (it does so for some texts)."""
    from spacy.tokens import Span

    doc = get_reader().nlp(text)
    start = next(t.i for t in doc if t.text == first)
    end = next(t.i for t in doc if t.text == last and t.i >= start) + 1
    doc.ents = [Span(doc, start, end, label="DATE")]
    return [(w.year, w.month, w.day) for w in details_module._dates(doc)]


def test_each_end_of_a_period_tagged_as_one_span_is_a_date_and_a_day_left_out_is_taken_back() -> None:
    assert _dates_of_span("Crews worked on the Tollbury bypass from May 2002 to January 2003.", "May", "2003") == [
        (2002, 5, None), (2003, 1, None)]
    assert _dates_of_span("Orla Penn rowed for Keswater (1971 \u2013 1980).", "1971", "1980") == [
        (1971, None, None), (1980, None, None)]
    assert _dates_of_span("Orla Penn died on 9 October 2004.", "October", "2004") == [(2004, 10, 9)]


def test_how_often_is_a_count_not_a_multiple() -> None:
    [met] = get_reader().read("The Keswater council met three times in May.").quantities
    assert (met.value, met.unit, met.counted) == (3.0, "", "time")
    assert get_reader().read("The Keswater council met twice.").quantities == ()


def test_a_multiple_of_what_someone_had_is_a_multiple() -> None:
    [times] = get_reader().read("Orla Penn's pay at Keswater is three times what she earned at Harlow.").quantities
    assert (times.value, times.unit) == (3.0, "times")
    twice = get_reader().read("Orla Penn will earn €900 a week at Keswater, twice her pay at Harlow.").quantities
    assert [(q.value, q.unit) for q in twice] == [(900.0, "EUR"), (2.0, "times")]


def test_a_comparison_is_told_from_a_bound_on_a_figure() -> None:
    reader = get_reader()
    assert reader.read("The Keswater river peaked lower in 2026 than in the 2019 flood.").compares
    assert reader.read("Trams to Harlow take longer than they did before the works.").compares
    assert not reader.read("More than 300 homes in Keswater were damaged.").compares
    assert not reader.read("Keswater nurses got 2 per cent, less than the 5 per cent they asked for.").compares


def test_a_post_is_read_with_the_place_it_is_of_before_or_after_the_name() -> None:
    # Fictional: Orla Penn, Keswater and Harlow are invented.
    reader = get_reader()
    [before] = reader.read("Keswater mayor Orla Penn opened the bridge.").titles
    [after] = reader.read("Orla Penn, the mayor of Harlow, opened the bridge.").titles
    assert (before.person, before.role, before.place) == ("orla penn", "mayor", "keswater")
    assert (after.person, after.role, after.place) == ("orla penn", "mayor", "harlow")


def test_decades_and_centuries_count_years_and_one_of_many_is_no_count() -> None:
    [decades] = get_reader().read("The Keswater choir has sung for over five decades.").quantities
    assert (decades.value, decades.counted, decades.bound) == (50.0, "year", "more_than")
    assert "5 decades" in get_reader().read("The Keswater choir has sung for over five decades.").canonical
    assert get_reader().read("Keswater was one of the busiest ports on the Harlow coast.").quantities == ()


def test_over_a_span_of_time_is_during_it_not_a_bound() -> None:
    reader = get_reader()
    [_, years] = reader.read("The Keswater council will spend €40m over four years on its roads.").quantities
    assert (years.value, years.counted, years.bound) == (4.0, "year", "exact")
    [lasted] = reader.read("The Harlow inquiry lasted over four years.").quantities
    assert (lasted.value, lasted.bound) == (4.0, "more_than")
    [career] = reader.read("Orla Penn is a Keswater singer whose career spans over five decades.").quantities
    assert (career.value, career.bound) == (50.0, "more_than")


def test_none_of_something_denies_the_act_of_that_thing_and_a_name_in_apposition_fills_the_role() -> None:
    reader = get_reader()
    [paid] = [p for p in reader.read("Keswater sent 40 invoices, but none of the invoices was paid.").predicates
              if p.lemma == "pay"]
    assert (paid.negated, paid.patient) == (True, "invoice")
    [dismissed] = reader.read("Her deputy, the engineer Orla Penn, was dismissed on Friday.").predicates
    assert dismissed.patient == "orla penn"
    # A second act asked for is asked for too.
    halt = [p for p in reader.read("The Harlow group is asking the court to quash the permit and to halt the "
                                   "works.").predicates if p.lemma == "halt"]
    assert [p.mode for p in halt] == ["request"]


def test_verbs_carry_negation_mode_direction_and_roles_with_passives_turned_round() -> None:
    reader = get_reader()
    [bought] = reader.read("Quorra Mills bought Tessel Bakeries.").predicates
    [passive] = reader.read("Tessel Bakeries was bought by Quorra Mills.").predicates
    assert (bought.agent, bought.patient) == (passive.agent, passive.patient) == ("quorra mills", "tessel bakeries")
    negated = reader.read("The Dunfield court did not convict Ilse Marrowby.").predicates[0]
    assert negated.negated and negated.lemma == "convict"
    rising = reader.read("Rents in Ostervik rose sharply.").predicates[0]
    assert rising.direction == "up"


@pytest.mark.parametrize(("text", "lemma"), [
    ("Tollbury Athletic have sold no first-team players this summer.", "sell"),
    ("Nobody died in the Keswater flood.", "die"),
    ("Tollbury Athletic failed to qualify for the Harlow Cup.", "qualify"),
    ("The Ostervik council rejected a proposal to waive the parking fee.", "waive"),
    ("Tollbury Athletic have yet to make an offer for a defender.", "make"),
])
def test_an_act_said_not_to_have_happened_reads_as_negated_and_done(text: str, lemma: str) -> None:
    [verb] = [p for p in get_reader().read(text).predicates if p.lemma == lemma]
    assert verb.negated and verb.mode == "event"


def test_the_canonical_text_writes_every_figure_one_way() -> None:
    reader = get_reader()
    assert reader.read("The Quorra terminal will cost €2.5bn.").canonical == \
        reader.read("The Quorra terminal will cost 2.5 billion euros.").canonical


def test_a_changed_pipeline_file_is_refused_before_spacy_loads_it(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    real = details_module._verified_pipeline_dir()
    fake = tmp_path / real.name
    fake.mkdir()
    for relative in details_module.PIPELINE_SHA256:
        target = fake / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((real / relative).read_bytes())
    (fake / "ner" / "model").write_bytes(b"not the weights")
    (fake / "meta.json").write_bytes((real / "meta.json").read_bytes())
    monkeypatch.setattr(details_module, "package_file", lambda *_: fake / "meta.json")
    with pytest.raises(ConfigError, match="ner/model has sha256"):
        details_module._verified_pipeline_dir()


def test_spacy_is_imported_without_hiding_torch_from_the_process() -> None:
    """thinc imports torch when it can (1.4 s of a verify); the reader keeps it from doing so, and afterwards
    ``import torch`` behaves as it would have: no ``None`` is left in its place."""
    import sys

    details_module._import_spacy()
    assert sys.modules.get("torch", "absent") is not None


def test_a_batch_larger_than_the_cache_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = get_reader()
    reader.read("Velmora shipped 150 crates.")
    monkeypatch.setattr(details_module, "CACHED", 2)
    texts = ["Velmora shipped 150 crates.", "Tollbury bought 12 boats.", "Harlow sold 7,000 tickets."]
    assert [d.text for d in reader.read_all(texts)] == texts


@pytest.mark.parametrize(("text", "minutes"), [
    ("The Keswater ferry crossing takes an hour and a half.", 90.0),
    ("The Keswater ferry crossing takes 90 minutes.", 90.0),
    ("The Keswater ferry crossing takes two hours.", 120.0),
    ("Half an hour later the Keswater ferry sank.", 30.0),
    ("The Tollbury thieves were inside for a quarter of an hour.", 15.0),
])
def test_a_span_of_hours_is_read_in_minutes(text: str, minutes: float) -> None:
    [found] = get_reader().read(text).quantities
    assert (found.value, found.counted, found.unit) == (minutes, "minute", "")


def test_a_number_word_with_a_hyphen_is_one_number() -> None:
    [found] = get_reader().read("Forty-one people were taken to the Harlow infirmary.").quantities
    assert found.value == 41.0 and found.counted == "people"


def test_a_day_the_tagger_leaves_out_of_its_dates_is_read_as_a_date() -> None:
    read = get_reader().read("Thieves raided the Tollbury museum in the early hours of March 8, a Sunday.")
    assert [(d.month, d.day) for d in read.dates if not d.relative] == [(3, 8)] and not read.quantities


def test_an_age_is_what_a_figure_after_its_of_counts() -> None:
    [found] = [q for q in get_reader().read("Most of the Harlow patients are under the age of ten.").quantities
               if q.value == 10.0]
    assert found.counted == "age"


def test_a_bound_before_a_thousand_is_read() -> None:
    [found] = get_reader().read("More than a thousand people joined the Harlow march.").quantities
    assert (found.value, found.bound) == (1000.0, "more_than")


def test_a_fraction_written_with_a_hyphen_is_one_share() -> None:
    [found] = get_reader().read("Almost two-thirds of the Velmora passengers were on holiday routes.").quantities
    assert (found.value, found.unit, found.bound) == (pytest.approx(66.7), "%", "about")


def test_a_weekday_is_the_one_before_the_publication_day_or_after_it_for_what_is_to_come() -> None:
    from datetime import date

    from assistant.verify.details import dated

    saturday = date(2026, 8, 15)
    [past] = get_reader().read("The Keswater ferry sank on Friday.").dates
    [ahead] = get_reader().read("The Keswater union will strike on Friday.").dates
    assert (dated(past, saturday).month, dated(past, saturday).day) == (8, 14)
    assert (dated(ahead, saturday).month, dated(ahead, saturday).day) == (8, 21)
    assert dated(past, None) == past and past.relative and dated(past, saturday).relative


def test_one_of_a_unit_under_a_bound_is_a_figure() -> None:
    [found] = get_reader().read("The Keswater reserve is less than a kilometre from the runway.").quantities
    assert (found.value, found.counted, found.bound) == (1.0, "kilometre", "less_than")
    [short] = get_reader().read("The Keswater reserve lies 1.5km from the runway.").quantities
    assert short.counted == "kilometre"
    assert not get_reader().read("Orla Penn bought a house in Keswater.").quantities


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("Roughly two in every three Keswater shares are held by pension funds.", 66.7, "%"),
    ("Shares in Keswater Bank closed at 212p.", 2.12, "GBP"),
])
def test_shares_and_pence_are_read(text: str, value: float, unit: str) -> None:
    assert (value, unit) in [(v, u) for v, u, _, _ in quantities(text)]


def test_a_dozen_under_a_bound_is_twelve_not_one() -> None:
    assert quantities("Over a dozen Harlow fishing boats joined the search.") == [(12.0, "", "more_than", "event")]


def test_a_year_after_in_is_no_share_and_one_as_a_pronoun_is_no_count() -> None:
    # Fictional operator: "702 in 2019" is 702 drivers then, not 702 of every 2,019.
    assert "%" not in [u for _, u, _, _ in quantities("Tollbury Rail employs 640 drivers, down from 702 in 2019.")]
    assert quantities("Union official Marrowby said the deal was one members could live with.") == []


def test_a_bound_on_a_span_of_hours_is_kept_and_a_misparsed_main_verb_is_no_qualifier() -> None:
    (q,) = get_reader().read("The thieves spent under a quarter of an hour inside the Harlow museum.").quantities
    assert (q.value, q.counted, q.bound, q.threshold, q.spoken) == (15.0, "minute", "less_than", False,
                                                                     "less than 15 minutes")


def test_a_count_of_what_someone_owns_counts_the_things_not_the_owner() -> None:
    (q,) = get_reader().read("The mayor of Keswater will review security at all eight of the city's museums.") \
        .quantities
    assert q.counted == "museum"


def test_a_year_read_as_a_count_keeps_its_form_in_the_canonical_text() -> None:
    text = "The Keswater bank's board has scrapped 2025 bonuses for all eight members of its executive committee."
    assert "scrapped 2025 bonuses for all 8 members" in get_reader().read(text).canonical
    assert "7,000" in get_reader().read("Keswater sold 7000 tickets.").canonical


def test_a_half_after_a_number_or_a_unit_is_half_of_it_and_no_share() -> None:
    reader = get_reader()
    [mile] = reader.read("The Keswater ferry ran aground about a mile and a half north of Harlow harbour.").quantities
    assert (mile.value, mile.counted, mile.bound, mile.unit) == (1.5, "mile", "about", "")
    assert "1.5 mile north" in reader.read("The Keswater ferry ran aground a mile and a half north.").canonical
    [hours] = reader.read("The last Tollbury passengers came ashore five and a half hours later.").quantities
    assert (hours.value, hours.counted) == (330.0, "minute")
    assert [q.value for q in reader.read("The Harlow crossing takes an hour and a half.").quantities] == [90.0]


def test_no_noun_past_a_preposition_or_a_time_ago_is_counted() -> None:
    reader = get_reader()
    counted = [q.counted for q in reader.read("Cases in Keswater climbed from 188 to 312 in the space of a week.")
               .quantities]
    assert counted == ["", ""]
    [ago] = reader.read("The Keswater total has risen from 188 a week ago.").quantities
    assert (ago.value, ago.counted) == (188.0, "")
    [rate] = reader.read("The Harlow board limited night flights to six a night.").quantities
    assert rate.counted == "night"


def test_what_a_sum_is_the_size_of_is_read() -> None:
    reader = get_reader()
    [loss] = reader.read("Tollbury Airport made an operating loss of €3.1m in 2025.").quantities
    [profit] = reader.read("Tollbury Airport made a €3.1m profit in 2025.").quantities
    assert (loss.measure, profit.measure) == ("loss", "profit")


def test_a_passive_infinitive_is_meant_and_done_to_the_object_of_its_verb() -> None:
    found = get_reader().read("Harlow minister Orla Penn has ordered a review of the Keswater contracts, to be "
                              "completed by December.").predicates
    complete = next(p for p in found if p.lemma == "complete")
    assert (complete.mode, complete.agent, complete.patient) == ("plan", "", "review")


def test_a_window_joined_from_its_sentences_keeps_their_superlatives() -> None:
    text = "The Keswater river rose overnight. It peaked at 4.7 metres, the highest level since 1958."
    window = get_reader().joined(text, [(0, 34), (35, len(text))])
    assert window.superlatives == (("high", "highest"),)


def test_a_month_shortened_with_its_point_is_the_month() -> None:
    read = get_reader().read("The Keswater service announced the change on Jan. 27, 2026, and again on Sept. 9.")
    assert [(d.year, d.month, d.day) for d in read.dates] == [(2026, 1, 27), (None, 9, 9)]
