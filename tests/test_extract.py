"""Extraction with a scripted fake model: spans, seams between windows, distortions dropped."""

import json
from pathlib import Path

import httpx

from assistant.claims.extract import extract, ground, tidy, windows
from assistant.corpus.article import Article
from assistant.llm import LLM
from tests.test_recorder import Scripted, completion, settings

ARTICLE = Article.create(
    "Lakeview council approved a 3 million euro budget on Monday. It said work starts in May.\n\n"
    "Up to 400 pupils may attend the new school. Mayor Ortiz called it a great day.",
    title="Lakeview school (fictional)",
)


def answer(*claims: dict[str, object]) -> httpx.Response:
    return httpx.Response(200, json=completion(json.dumps({"claims": list(claims)})))


def item(sentence: int, claim: str, kind: str = "fact", worth: float = 0.8) -> dict[str, object]:
    return {"sentence": sentence, "claim": claim, "type": "numeric", "kind": kind, "checkworthiness": worth,
            "reason": "r"}


def test_windows_cover_every_sentence_once_in_order() -> None:
    text = " ".join(f"Sentence {i} states fact number {i}." for i in range(100))
    groups = windows(text, limit=300)
    flat = [s for g in groups for s in g]
    assert len(groups) > 5
    assert [text[s.start : s.end] for s in flat] == [f"Sentence {i} states fact number {i}." for i in range(100)]
    assert all(g[-1].end - g[0].start <= 300 for g in groups)


def test_claims_get_the_exact_span_of_their_sentence_and_distortions_are_dropped(tmp_path: Path) -> None:
    endpoint = Scripted(answer(
        item(1, "Lakeview council approved a 3 million euro budget on Monday."),
        item(2, "Lakeview council said work on the school starts in May."),
        item(3, "400 pupils attend the new school."),  # a plan turned into a fact: dropped
        item(4, "Mayor Ortiz called the school a great day.", kind="opinion", worth=0.3),
        item(4, "A second claim from the same sentence."),  # one claim per sentence
    ))
    claims = extract(LLM(settings(tmp_path, "live"), inner=endpoint), ARTICLE)
    assert [c.text for c in claims] == [
        "Lakeview council approved a 3 million euro budget on Monday.",
        "Lakeview council said work on the school starts in May.",
        "Mayor Ortiz called the school a great day.",
    ]
    for c in claims:
        assert ARTICLE.text[c.start : c.end] == c.source_sentence
    assert claims[1].source_sentence == "It said work starts in May."
    assert claims[2].kind == "opinion"


def test_long_articles_are_read_in_windows_with_context_but_each_sentence_numbered_once(tmp_path: Path) -> None:
    text = " ".join(f"Report {i} says {i + 10} boats sailed." for i in range(80))
    article = Article.create(text, title="Boats (fictional)")
    count = len(windows(text))
    assert count >= 2
    endpoint = Scripted(*[answer(item(1, "First sentence of the window.")) for _ in range(count)])
    extract(LLM(settings(tmp_path, "live"), inner=endpoint), article)
    assert len(endpoint.bodies) == count
    second = endpoint.bodies[1]["messages"][1]["content"]  # type: ignore[index]
    numbered = [line for line in second.splitlines() if line.startswith("[")]
    context = [line for line in second.splitlines() if line.startswith("context:")]
    assert len(context) == 2
    first_numbered = endpoint.bodies[0]["messages"][1]["content"]  # type: ignore[index]
    assert context[-1].removeprefix("context: ") in first_numbered
    assert numbered[0].split("] ", 1)[1] not in first_numbered
    schema = endpoint.bodies[0]["response_format"]["json_schema"]["schema"]  # type: ignore[index]
    assert json.dumps(schema).count('"enum"') >= 1


def test_tidy_removes_the_small_models_stray_spaces() -> None:
    assert tidy("The U. S. moved 7, 000  detainees.") == "The U.S. moved 7,000 detainees."


def test_a_miscounted_sentence_is_repaired_and_an_ungrounded_claim_dropped() -> None:
    window = [
        "Lakeview council approved a 3 million euro budget on Monday.",
        "It said work on the school starts in May.",
    ]
    assert ground("Lakeview council approved a 3 million euro budget.", 2, window) == 1
    assert ground("Lakeview council said work on the school starts in May.", 2, window) == 2
    assert ground("Copper prices fell sharply in Peru last year.", 1, window) is None


def test_a_claim_taken_from_the_title_is_dropped() -> None:
    window = ["Diplomatic sources said the initiative includes moving detainees to high-security prisons."]
    title = "Minister welcomes plan to hold detainees in secure prisons"
    assert ground("Minister welcomes plan to hold detainees in secure prisons", 1, window, title) is None
    assert ground("The initiative includes moving detainees to high-security prisons.", 1, window, title) == 1
