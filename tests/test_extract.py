"""Extraction with a scripted fake model: one call per full sentence, claims sliced verbatim, rewrites checked."""

import json
from pathlib import Path

import httpx
import pytest

from assistant.claims.checkworthiness import scores
from assistant.claims.extract import candidates, claim_type, extract, tidy
from assistant.corpus.article import Article
from assistant.llm import LLM
from assistant.verify.details import by_pronoun, get_reader
from tests.test_recorder import Scripted, completion, settings

# Fictional: Lakeview and its mayor are invented.
ARTICLE = Article.create(
    "Lakeview school plan approved\n\n"
    "Lakeview council approved a 3 million euro budget for the new school on Monday. It said work starts in May.\n\n"
    "Up to 400 pupils may attend the new school. Mayor Ortiz called it a great day. Send us your questions!",
    title="Lakeview school (fictional)",
)


def kind(value: str) -> httpx.Response:
    return httpx.Response(200, json=completion(json.dumps({"kind": value})))


def rewritten(claim: str) -> httpx.Response:
    return httpx.Response(200, json=completion(json.dumps({"claim": claim})))


def test_only_full_sentences_are_candidates() -> None:
    text = "Lakeview flood (fictional)\n\nThe river rose two metres. (Reporting by Ana Lee.) Is the dam safe?"
    assert [text[s.start : s.end] for s in candidates(text)] == ["The river rose two metres.", "Is the dam safe?"]
    assert len(candidates(ARTICLE.text)) == 5  # the headline has no closing punctuation


def test_claims_are_their_sentences_verbatim_and_a_pronoun_is_resolved(tmp_path: Path) -> None:
    endpoint = Scripted(
        kind("fact"), kind("fact"), kind("prediction"), kind("opinion"), kind("none"),
        rewritten("Lakeview council said work on the new school starts in May."),
    )
    claims = extract(LLM(settings(tmp_path, "live"), inner=endpoint), ARTICLE)
    assert [c.kind for c in claims] == ["fact", "fact", "prediction", "opinion"]
    for c in claims:
        assert ARTICLE.text[c.start : c.end] == c.source_sentence
    assert claims[0].text == claims[0].source_sentence and not claims[0].rewritten
    assert claims[1].source_sentence == "It said work starts in May."
    assert claims[1].text == "Lakeview council said work on the new school starts in May." and claims[1].rewritten
    # Each judged sentence is the whole user message; the rewrite sees the sentences before it.
    judged = [b["messages"][1]["content"] for b in endpoint.bodies[:5]]  # type: ignore[index]
    assert judged[2] == "<sentence>Up to 400 pupils may attend the new school.</sentence>"
    assert "Lakeview council approved" in endpoint.bodies[5]["messages"][1]["content"]  # type: ignore[index]
    assert len(endpoint.bodies) == 6


def test_a_rewrite_that_changes_a_detail_is_refused(tmp_path: Path) -> None:
    endpoint = Scripted(
        kind("fact"), kind("fact"), kind("none"), kind("none"), kind("none"),
        rewritten("Lakeview council said work on the new school starts in June."),
    )
    claims = extract(LLM(settings(tmp_path, "live"), inner=endpoint), ARTICLE)
    assert claims[1].text == "It said work starts in May." and not claims[1].rewritten


def test_a_rewrite_cut_off_leaves_the_sentence(tmp_path: Path) -> None:
    cut = completion('{"claim": "Lakeview council said')
    cut["choices"][0]["finish_reason"] = "length"  # type: ignore[index]
    endpoint = Scripted(
        kind("fact"), kind("fact"), kind("none"), kind("none"), kind("none"),
        *[httpx.Response(200, json=cut) for _ in range(3)],
    )
    claims = extract(LLM(settings(tmp_path, "live", max_reasks=2), inner=endpoint), ARTICLE)
    assert claims[1].text == "It said work starts in May."


def test_concurrent_calls_keep_the_document_order(tmp_path: Path) -> None:
    answers = {"Lakeview council approved": "fact", "It said": "none", "Up to 400": "prediction",
               "Mayor Ortiz": "opinion", "Send us": "none"}

    class BySentence(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            body = json.loads(request.read())
            text = body["messages"][1]["content"]
            return kind(next(v for k, v in answers.items() if k in text))

    claims = extract(LLM(settings(tmp_path, "live"), inner=BySentence()), ARTICLE, concurrency=4)
    assert [c.kind for c in claims] == ["fact", "prediction", "opinion"]
    assert [c.start for c in claims] == sorted(c.start for c in claims)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("He said the plant would close.", True),
    ("They approved it in May.", True),
    ("This step will cut costs.", True),
    ("The council said it would appeal.", False),
    ("It is clear that the plan failed.", False),
    ("Mayor Ortiz opened the plant in May.", False),
    ('"It will be the best school," Ortiz said.', False),
])
def test_a_sentence_needs_context_only_when_it_names_someone_by_a_pronoun(sentence: str, expected: bool) -> None:
    assert by_pronoun(get_reader().nlp(sentence)) is expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The plant cost 12 million euros.", "numeric"),
    ("The fire was caused by a faulty cable.", "causal"),
    ("The plant opened on 3 March 2025.", "temporal"),
    ("Mayor Ortiz said the plant was safe.", "quote"),
    ("Firefighters rescued the crew.", "event"),
])
def test_claim_types_are_read_from_the_parse(sentence: str, expected: str) -> None:
    assert claim_type(get_reader().nlp(sentence)) == expected


def test_check_worthiness_ranks_a_figure_above_a_greeting() -> None:
    figure, greeting = scores(["The council spent 3 million euros on the school in 2024.", "Thank you all for coming."])
    assert 0.0 <= greeting < figure <= 1.0


def test_tidy_removes_the_small_models_stray_spaces() -> None:
    assert tidy("The U. S. moved 7, 000  detainees.") == "The U.S. moved 7,000 detainees."
