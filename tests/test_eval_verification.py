import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.corpus.article import Article
from assistant.corpus.loaders import load
from assistant.errors import UserInputError
from assistant.eval.cases import case_files, case_root, read_case_file
from assistant.eval.command import evals_folder
from assistant.eval.extraction import case_article, load_extract_cases
from assistant.eval.metrics import (
    below_thresholds,
    bootstrap_interval,
    expected_calibration_error,
    floors_for_judge,
    read_thresholds,
    reliability_curve,
    roc_auc,
)
from assistant.eval.verification import CaseResult, compute, gold_spans, kept_and_changed, load_cases
from tests.conftest import ROOT, run_cli

# These tests drive the LLM judge's path (its endpoint, its recordings); the classifier's path is tested in
# test_e2e, test_classifier and test_sentence_check.
pytestmark = pytest.mark.usefixtures("llm_judge")


def result(gold: str, predicted: str | None, confidence: float = 0.8, **usage: int) -> CaseResult:
    return CaseResult(id=f"{gold}-{predicted}", claim="c", gold=gold, predicted=predicted,  # type: ignore[arg-type]
                      confidence=confidence, **usage)


def test_metrics_by_hand() -> None:
    results = [
        result("supported", "supported"),
        result("supported", "refuted"),
        result("refuted", "refuted"),
        result("refuted", "refuted"),
        result("conflicting", "refuted"),
        result("not_enough_evidence", None),  # stale: reported, not scored
    ]
    m = compute(results)
    assert (m.cases, m.scored, m.stale) == (6, 5, ["not_enough_evidence-None"])
    assert m.accuracy == pytest.approx(3 / 5)
    assert m.confusion["supported"] == {"supported": 1, "refuted": 1, "conflicting": 0, "not_enough_evidence": 0}
    refuted = m.per_label["refuted"]
    assert (refuted.precision, refuted.recall, refuted.support) == (pytest.approx(2 / 4), 1.0, 2)
    supported = m.per_label["supported"]
    assert (supported.precision, supported.recall) == (1.0, 0.5)
    # macro-F1 and balanced accuracy average over the labels that have gold cases
    f1s = [2 / 3, 2 * 0.5 * 1.0 / 1.5, 0.0]
    assert m.macro_f1 == pytest.approx(sum(f1s) / 3)
    assert m.balanced_accuracy == pytest.approx((0.5 + 1.0 + 0.0) / 3)


def test_the_accuracy_interval_narrows_with_more_cases() -> None:
    small = bootstrap_interval([True, False] * 10)
    large = bootstrap_interval([True, False] * 200)
    assert small[0] < 0.5 < small[1] and large[0] < 0.5 < large[1]
    assert small[1] - small[0] > 0.3 > 0.15 > large[1] - large[0]
    assert bootstrap_interval([True] * 7) == (1.0, 1.0)
    assert compute([result("refuted", "refuted"), result("refuted", "supported")]).accuracy_interval[1] == 1.0


def test_roc_auc_counts_the_pairs_ranked_right_with_ties_as_half() -> None:
    assert roc_auc([(0.9, True), (0.8, True), (0.2, False), (0.1, False)]) == 1.0
    assert roc_auc([(0.1, True), (0.9, False)]) == 0.0
    # one positive above both negatives, one between them, one tied with one: (2 + 1 + 0.5) / 6
    assert roc_auc([(0.9, True), (0.5, True), (0.3, True), (0.3, False), (0.7, False)]) == pytest.approx(3.5 / 6)
    assert roc_auc([(0.4, True)]) == 0.5


def test_calibration_error() -> None:
    assert expected_calibration_error([(0.9, True)] * 9 + [(0.9, False)]) == pytest.approx(0.0)
    assert expected_calibration_error([(1.0, False), (1.0, False)]) == pytest.approx(1.0)
    assert expected_calibration_error([(0.25, True), (0.75, False)]) == pytest.approx(0.75)


def test_quote_validity_and_cost_per_case() -> None:
    m = compute([
        CaseResult(id="a", claim="c", gold="refuted", predicted="refuted", citations=4, invalid_quotes=1, calls=4,
                   prompt_tokens=100, completion_tokens=10, seconds=8.0),
        CaseResult(id="b", claim="c", gold="refuted", predicted="refuted", citations=0, calls=0),
    ])
    assert m.quote_validity == pytest.approx(0.75)
    assert (m.calls_per_case, m.prompt_tokens_per_case, m.model_seconds_per_case) == (2.0, 50.0, 4.0)


def test_eval_replays_each_kind_of_case_offline_and_writes_a_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # One case file of each kind: scripts/test.sh runs `factdesk eval --check` over all of them, floors included.
    # From another folder: the cases' corpora are found beside their files, the recordings from the package.
    monkeypatch.chdir(tmp_path)
    files = ["verify_corpus.jsonl", "extract_articles.jsonl", "answer_questions.jsonl"]
    cases = [arg for name in files for arg in ("--cases", str(ROOT / "evals" / "cases" / name))]
    code, out, err = run_cli(["eval", *cases, "--json", "--report", str(tmp_path / "report")], capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["metrics"]["scored"] == report["metrics"]["cases"] >= 12
    assert report["metrics"]["quote_validity"] == 1.0
    assert all(c["calls"] == 0 or c["seconds"] > 0 for c in report["cases"])
    extraction = report["extraction"]["metrics"]
    assert extraction["scored"] == extraction["articles"] >= 3 and extraction["span_validity"] == 1.0
    answers = report["answers"]["metrics"]
    assert answers["scored"] == answers["cases"] >= 15 and answers["passage_validity"] == 1.0
    assert {p.name for p in (tmp_path / "report").iterdir()} == {"report.md", "confusion.png", "reliability.png"}


def test_a_case_without_recordings_is_reported_as_stale_not_called_live(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"id": "new1", "claim": "Harbor Post said 150 men were moved to Iraq.",
                                 "label": "supported", "corpus": str(ROOT / "corpus")}) + "\n")
    code, _, err = run_cli(["eval", "--cases", str(cases)], capsys)
    assert code == 5
    assert "1 case(s) have no recorded answers (new1)" in err and "factdesk eval --record" in err


def test_a_malformed_case_file_is_a_one_line_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": "x", "claim": "c", "label": "true"}\n')
    code, _, err = run_cli(["eval", "--cases", str(cases)], capsys)
    assert code == 2 and "line 1" in err and "Traceback" not in err


def test_citation_precision_counts_cited_passages_that_are_gold_evidence() -> None:
    m = compute([
        CaseResult(id="a", claim="c", gold="refuted", predicted="refuted", citations=3, gold_citations=2,
                   evidence_found=True),
        CaseResult(id="b", claim="c", gold="supported", predicted="supported", citations=1, gold_citations=0,
                   evidence_found=False),
        CaseResult(id="c", claim="c", gold="not_enough_evidence", predicted="refuted", citations=1),
    ])
    assert m.citation_precision == pytest.approx(2 / 5)
    assert m.evidence_recall == pytest.approx(1 / 2)  # the NEE case names no gold evidence


def test_reliability_curve_bins_confidence_against_accuracy() -> None:
    curve = reliability_curve([(0.95, True), (0.91, False), (1.0, True), (0.62, True), (0.05, False)])
    assert [(b.low, b.count) for b in curve] == [(0.0, 1), (0.6, 1), (0.9, 3)]
    top = curve[-1]
    assert (top.accuracy, top.confidence) == (pytest.approx(2 / 3), pytest.approx((0.95 + 0.91 + 1.0) / 3))


def test_score_verdict_matches_citations_to_gold_sentences_by_overlap() -> None:
    from assistant.eval.verification import score_verdict
    from assistant.llm.usage import Usage
    from assistant.verify.verdict import Citation, SourceJudgement, Verdict

    text = "Alpha said one. Beta said two. Gamma said three."

    def judgement(start: int, end: int, article: str = "A") -> SourceJudgement:
        citation = Citation(article_id=article, outlet="o", title="t", published=None, url="", quote=text[start:end],
                            start=start, end=end)
        return SourceJudgement(article_id=article, outlet="o", title="t", stance="refutes", confidence=0.9,
                               comparison="", citation=citation)

    verdict = Verdict(claim="c", label="refuted", confidence=0.9, summary="", model="m", usage=Usage(), seconds=0,
                      judgements=[judgement(16, 30), judgement(0, 15), judgement(16, 30, article="B")])
    r = score_verdict("x", "refuted", verdict, lambda a: text, [("A", 16, 30)])
    assert (r.citations, r.gold_citations, r.evidence_found, r.invalid_quotes) == (3, 1, True, 0)


def test_thresholds_are_floors_per_case_kind(tmp_path: Path) -> None:
    m = compute([result("refuted", "refuted")])
    nested = tmp_path / "t.json"
    nested.write_text(json.dumps({"verify": {"accuracy": 0.5, "citation_precision": 0.0},
                                  "extract": {"claim_recall": 0.9}}))
    assert below_thresholds({"verify": m}, read_thresholds(nested), nested) == []  # extraction did not run
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps({"accuracy": 1.01}))
    assert below_thresholds({"verify": m}, read_thresholds(flat), flat) == [
        "verify accuracy 1.000 is below its threshold 1.010"
    ]
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"verify": {"acuracy": 0.5}}))
    with pytest.raises(UserInputError, match="verify has no metric 'acuracy'"):
        below_thresholds({"verify": m}, read_thresholds(unknown), unknown)


def test_a_judge_with_floors_of_its_own_is_gated_by_them_alone(tmp_path: Path) -> None:
    m = compute([result("refuted", "refuted"), result("supported", "refuted")])  # accuracy 0.5
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"verify": {"accuracy": 0.9}, "verify:classifier": {"accuracy": 0.4},
                                "extract": {"claim_recall": 0.9}}))
    floors = read_thresholds(path)
    assert floors_for_judge(floors, "classifier") == {"verify": {"accuracy": 0.4}, "extract": {"claim_recall": 0.9}}
    assert below_thresholds({"verify": m}, floors_for_judge(floors, "classifier"), path) == []
    assert below_thresholds({"verify": m}, floors_for_judge(floors, "llm"), path) == [
        "verify accuracy 0.500 is below its threshold 0.900"
    ]


@pytest.mark.parametrize("text", ["{not json", '{"verify": {"accuracy": "high"}}', "[0.5]", '{"verify": {"x": true}}'])
def test_bad_thresholds_are_refused_before_any_case_runs(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "t.json"
    bad.write_text(text)
    missing_cases = str(tmp_path / "none.jsonl")  # never read: the thresholds are checked first
    code, _, err = run_cli(["eval", "--check", "--thresholds", str(bad), "--cases", missing_cases], capsys)
    assert code == 2 and err.count("\n") == 1 and str(bad) in err and "Traceback" not in err


def test_case_files_carry_a_versioned_header_naming_their_kind(tmp_path: Path) -> None:
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"id": "a", "claim": "c", "label": "refuted"}) + "\n")
    assert read_case_file(plain)[0] == "verify"
    extract = tmp_path / "x.jsonl"
    extract.write_text(json.dumps({"format": "factdesk-cases", "version": 2, "kind": "extract"}) + "\n")
    answer = tmp_path / "q.jsonl"
    answer.write_text(json.dumps({"format": "factdesk-cases", "version": 2, "kind": "answer"}) + "\n")
    assert case_files([tmp_path]) == {"verify": [plain], "extract": [extract], "answer": [answer]}
    future = tmp_path / "future.jsonl"
    future.write_text(json.dumps({"format": "factdesk-cases", "version": 99, "kind": "verify"}) + "\n")
    with pytest.raises(UserInputError, match="version 99"):
        read_case_file(future)


def test_the_bundled_cases_are_balanced_and_every_gold_sentence_is_in_its_article() -> None:
    files = case_files([ROOT / "evals" / "cases"])
    cases = [c for f in files["verify"] for c in load_cases(f)]
    counts = Counter(c.label for c in cases)
    assert len(cases) >= 60 and min(counts.values()) >= 14, counts
    assert len({c.id for c in cases}) == len(cases)
    articles: dict[str, list[Article]] = {}
    for case in cases:
        if case.corpus not in articles:
            articles[case.corpus] = load(str(ROOT / case.corpus)).articles
        assert all(a.fictional or "Seed" in a.outlet for a in articles[case.corpus])
        spans = gold_spans(case, articles[case.corpus])  # raises on a sentence its article lacks
        assert bool(spans) == (case.label != "not_enough_evidence"), case.id
    for file in files["extract"]:
        for extract_case in load_extract_cases(file):
            case_article(extract_case, ROOT)  # raises on a span that is not its sentence


def test_evals_are_found_from_the_package_not_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert evals_folder() == ROOT / "evals"


def test_a_case_corpus_is_found_beside_its_file_or_above_it_and_a_missing_one_is_named(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    nested = tmp_path / "suite" / "cases"
    nested.mkdir(parents=True)
    assert case_root(nested / "cases.jsonl", ["articles/"]) == tmp_path
    assert case_root(ROOT / "evals" / "cases" / "verify_saltmere.jsonl", ["evals/corpora/saltmere-fire/"]) == ROOT
    with pytest.raises(UserInputError, match="nowhere/"):
        case_root(nested / "cases.jsonl", ["articles/", "nowhere/"])


def test_a_contrast_splits_kept_and_changed_claims_come_with_their_gold_window(tmp_path: Path) -> None:
    # Fictional claims about an invented town; the unrelated claim has no gold window to read.
    def row(case_id: str, claim: str, label: str, direction: str, sentences: list[str]) -> str:
        evidence = [{"outlet": "Harlow Post (fictional)", "title": "t", "sentence": s} for s in sentences]
        return json.dumps({"id": case_id, "claim": claim, "label": label, "phenomenon": "number",
                           "direction": direction, "corpus": "c/", "evidence": evidence})

    split = tmp_path / "split.jsonl"
    split.write_text("\n".join([
        '{"format": "factdesk-cases", "version": 2, "kind": "verify"}',
        row("k", "Harlow has 12 ferries.", "supported", "kept", ["Harlow runs a dozen ferries.", "All are new."]),
        row("c", "Harlow has 14 ferries.", "refuted", "changed", ["Harlow runs a dozen ferries."]),
        row("u", "Tollbury has a mayor.", "not_enough_evidence", "unrelated", []),
    ]), encoding="utf-8")
    read = kept_and_changed(split)
    assert [(case.id, window, kept) for case, window, kept in read] == [
        ("k", "Harlow runs a dozen ferries. All are new.", True), ("c", "Harlow runs a dozen ferries.", False)]
