"""Benchmark readers on tiny inline fixtures in each dataset's own format (never copies of the data)."""

import json
from pathlib import Path

import httpx
import pytest

from assistant.errors import UserInputError
from assistant.eval.benchmarks import (
    BenchItem,
    Passage,
    detokenize,
    read_dataset,
    run_grounded,
    sample,
    source_articles,
    split_items,
)
from assistant.eval.verification import compute
from assistant.llm import LLM
from tests.conftest import ROOT, run_cli
from tests.test_recorder import Scripted, completion, settings


def write(path: Path, lines: list[object]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def evidence(article: str, text: str, label: str) -> dict[str, object]:
    return {"evidence_id": f"{article}:1", "evidence_label": label, "article": article, "evidence": text,
            "entropy": 0.0, "votes": [label, None, None, None, None]}


def test_climate_fever_maps_its_four_labels_and_marks_labelled_sentences_gold(tmp_path: Path) -> None:
    folder = tmp_path / "cf"
    folder.mkdir()
    write(folder / "climate-fever.jsonl", [
        {"claim_id": "7", "claim": "Glaciers on Mount Tolvar are growing.", "claim_label": "DISPUTED",
         "evidences": [evidence("Tolvar", "The Tolvar glaciers grew in 2019.", "SUPPORTS"),
                       evidence("Tolvar", "Tolvar is a mountain.", "NOT_ENOUGH_INFO"),
                       evidence("Ice", "Tolvar's glaciers have shrunk since 1950.", "REFUTES")]},
        {"claim_id": "8", "claim": "c", "claim_label": "NOT_ENOUGH_INFO", "evidences": []},
    ])
    items = read_dataset("climate-fever", folder)  # a folder: its default file
    assert [(i.id, i.label, i.original) for i in items] == [
        ("7", "conflicting", "DISPUTED"), ("8", "not_enough_evidence", "NOT_ENOUGH_INFO")]
    assert [(p.source, p.outlet, p.gold) for p in items[0].evidence] == [
        ("Tolvar", "Wikipedia", True), ("Tolvar", "Wikipedia", False), ("Ice", "Wikipedia", True)]


def test_factcheck_keeps_factual_claims_with_their_snippets(tmp_path: Path) -> None:
    def claim_fields(n: int) -> dict[str, object]:
        return {"auto_evidence": [["Snippet one says so.", "Snippet two is off topic."]] * n,
                "auto_evidence_url": [["https://a.example/x", "https://b.example/y"]] * n,
                "stance_claim_autoEvid": [["completely-support", "irrelevant"]] * n}

    path = write(tmp_path / "fc.jsonl", [{
        "prompt": "p", "response": "r", "revised_response": "r", "response_factuality": True,
        "sentences": {
            "sentence1": {"text": "t", "claims": ["The river Ost is 80 km long.", "It is lovely."],
                          "claim_checkworthiness": ["factual", "opinion"],
                          "claims_factuality_label": [True, "unknown"], **claim_fields(2)},
            "sentence2": {"text": "t", "claims": ["The Ost flows north.", "Its source is unknown."],
                          "claim_checkworthiness": ["factual", "factual"],
                          "claims_factuality_label": [False, "unknown"], **claim_fields(2)},
        },
    }])
    items = read_dataset("factcheck-gpt", path)
    assert [(i.id, i.label) for i in items] == [
        ("0:sentence1:0", "supported"), ("0:sentence2:0", "refuted"), ("0:sentence2:1", "not_enough_evidence")]
    assert [(p.outlet, p.gold) for p in items[0].evidence] == [("a.example", True), ("b.example", False)]


def test_fever_symmetric_detokenizes_wikipedia_text(tmp_path: Path) -> None:
    path = write(tmp_path / "fs.jsonl", [
        {"id": "11", "claim": "Arvel Nox was born in Ploven .", "evidence": "Arvel Nox -LRB- born 1970 -RRB- is a "
         "writer from Ploven , Esterland .", "gold_label": "SUPPORTS", "label": "SUPPORTS",
         "sentence1": "", "sentence2": "", "evid": []},
        {"id": "11", "claim": "Arvel Nox was born in Quarn .", "evidence": "x", "gold_label": "REFUTES"},
    ])
    items = read_dataset("fever-symmetric", path)
    assert [i.label for i in items] == ["supported", "refuted"] and items[0].id != items[1].id
    assert items[0].claim == "Arvel Nox was born in Ploven."
    assert items[0].evidence[0].text == "Arvel Nox (born 1970) is a writer from Ploven, Esterland."
    assert detokenize("It 's `` fine '' -- really .") == 'It\'s " fine " – really.'


def test_scifact_reads_the_tsv_pairs(tmp_path: Path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text("index\tsentence1\tsentence2\tentailment\n"
                    '0\tDrug Q lowered "risk" by 12%. It was safe.\tDrug Q lowers risk.\tentailment\n'
                    "1\tNo effect was seen.\tDrug R works.\tnot_entailment\n", encoding="utf-8")
    items = read_dataset("scifact", path)
    assert [(i.id, i.label, i.original) for i in items] == [
        ("0", "supported", "entailment"), ("1", "refuted", "not_entailment")]
    assert items[0].evidence[0].text == 'Drug Q lowered "risk" by 12%. It was safe.'


def test_generic_jsonl_accepts_label_synonyms_and_plain_or_sourced_evidence(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.jsonl", [
        {"id": "a", "claim": "c1", "label": "SUPPORTS",
         "evidence": ["e1", {"text": "e2", "source": "S", "gold": False}]},
        {"claim": "c2", "label": "NEI", "evidence": []},
        {"claim": "c3", "label": "Conflicting", "evidence": ["e3"]},
    ])
    items = read_dataset("jsonl", path)
    assert [(i.id, i.label) for i in items] == [("a", "supported"), ("2", "not_enough_evidence"),
                                                ("3", "conflicting")]
    assert [(p.source, p.gold) for p in items[0].evidence] == [("", True), ("S", False)]
    bad = write(tmp_path / "bad.jsonl", [{"claim": "c", "label": "maybe", "evidence": []}])
    with pytest.raises(UserInputError, match="line 1"):
        read_dataset("jsonl", bad)


def test_unknown_dataset_and_missing_file_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="unknown dataset"):
        read_dataset("nope", tmp_path)
    with pytest.raises(UserInputError, match="no such file"):
        read_dataset("climate-fever", tmp_path)


def item(n: int, label: str) -> BenchItem:
    return BenchItem(id=str(n), claim=f"claim {n}", label=label, original=label, evidence=[])  # type: ignore[arg-type]


def test_the_sample_is_balanced_over_labels_and_fixed_by_its_seed() -> None:
    items = [item(n, "supported") for n in range(10)] + [item(n, "refuted") for n in range(10, 13)]
    chosen = sample(items, 8, seed=0)
    assert [i.label for i in chosen].count("refuted") == 3 and len(chosen) == 8
    assert [i.id for i in sample(items, 8, seed=0)] == [i.id for i in chosen]
    assert [i.id for i in sample(items, 8, seed=1)] != [i.id for i in chosen]
    assert len(sample(items, 100, seed=0)) == 13


def test_declared_splits_never_overlap_and_small_sets_are_test_data_whole() -> None:
    items = [item(n, "supported") for n in range(200)]
    validation = split_items("climate-fever", Path("climate-fever.jsonl"), items, "validation")
    test = split_items("climate-fever", Path("climate-fever.jsonl"), items, "test")
    assert {i.id for i in validation}.isdisjoint({i.id for i in test})
    assert len(validation) + len(test) == 200 and 70 < len(validation) < 130
    assert split_items("fever-symmetric", Path("fever_symmetric_dev.jsonl"), items, "validation") == items
    assert split_items("fever-symmetric", Path("fever_symmetric_dev.jsonl"), items, "test") == []
    assert split_items("fever-symmetric", Path("fever_symmetric_test.jsonl"), items, "test") == items
    assert split_items("factcheck-gpt", Path("f.jsonl"), items, "validation") == []
    assert split_items("scifact", Path("dev.tsv"), items, "test") == items


def test_each_source_becomes_one_article_with_its_gold_passages_located() -> None:
    bench = BenchItem(id="1", claim="c", label="supported", original="S", evidence=[
        Passage(text="First Tolvar sentence.", source="Tolvar", outlet="Wikipedia", gold=False),
        Passage(text="Second  Tolvar sentence.  ", source="Tolvar", outlet="Wikipedia", gold=True),
        Passage(text="Ice sentence.", source="Ice", outlet="Wikipedia", gold=True),
    ])
    built = source_articles(bench)
    assert [a.title for a, _, _ in built] == ["Tolvar", "Ice"]
    article, spans, gold = built[0]
    assert [article.text[s.start : s.end] for s in spans] == ["First Tolvar sentence.", "Second  Tolvar sentence."]
    assert [article.text[s.start : s.end] for s in gold] == ["Second  Tolvar sentence."]


def judged(quote: str, stance: str) -> httpx.Response:
    body = {"quote": quote, "comparison": "compared", "stance": stance, "confidence": 0.9}
    return httpx.Response(200, json=completion(json.dumps(body)))


def test_grounded_mode_judges_each_source_and_aggregates_with_gold_citations(tmp_path: Path) -> None:
    bench = BenchItem(id="1", claim="Mount Tolvar's glaciers grew in 2019.", label="conflicting", original="DISPUTED",
                      evidence=[Passage(text="Mount Tolvar's glaciers grew in 2019, surveys showed.", source="Tolvar",
                                        outlet="Survey Office", gold=True),
                                Passage(text="Mount Tolvar's glaciers shrank in 2019, surveys showed.", source="Ice",
                                        outlet="Glacier Watch", gold=True)])
    endpoint = Scripted(judged("Mount Tolvar's glaciers grew in 2019, surveys showed.", "supports"),
                        judged("Mount Tolvar's glaciers shrank in 2019, surveys showed.", "refutes"))
    config = settings(tmp_path, "live").model_copy(update={"judge": "llm", "judge_scoring": "stated"})
    results = run_grounded([bench], config, LLM(config, inner=endpoint))
    assert len(endpoint.bodies) == 2  # one call per source, no retrieval
    r = results[0]
    assert (r.predicted, r.citations, r.gold_citations, r.invalid_quotes) == ("conflicting", 2, 2, 0)
    assert compute(results).citation_precision == 1.0


def test_benchmark_recordings_must_stay_outside_the_repository(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    data = write(tmp_path / "d.jsonl", [{"claim": "c", "label": "supported", "evidence": ["e"]}])
    code, _, err = run_cli(["eval", "--dataset", "jsonl", "--path", str(data), "--recordings", "evals/rec"], capsys)
    assert code == 2 and "outside the repository" in err
    code, _, err = run_cli(["eval", "--dataset", "jsonl"], capsys)
    assert code == 2 and "--path" in err


def test_open_mode_ingests_the_evidence_and_retrieves_it(tmp_path: Path) -> None:
    from assistant.corpus.store import quiet_chroma
    from assistant.eval.benchmarks import run_open

    quiet_chroma()
    quote = "The Ost river flows north into Lake Vesta, surveyors said."
    bench = BenchItem(id="1", claim="The Ost river flows north into Lake Vesta.", label="supported", original="S",
                      evidence=[Passage(text=quote, source="Ost", outlet="Atlas", gold=True)])
    endpoint = Scripted(judged(quote, "supports"))
    config = settings(tmp_path, "live").model_copy(update={"judge": "llm", "judge_scoring": "stated"})
    results = run_open([bench], config, LLM(config, inner=endpoint))
    assert len(endpoint.bodies) == 1 and quote in json.dumps(endpoint.bodies[0])
    assert (results[0].predicted, results[0].gold_citations) == ("supported", 1)
