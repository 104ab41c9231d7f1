import json
from pathlib import Path

import pytest

from assistant.evaluate import CaseResult, compute, expected_calibration_error
from tests.conftest import ROOT, run_cli


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


def test_eval_check_passes_offline_on_the_recorded_cases(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(["eval", "--check", "--json"], capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["metrics"]["scored"] == report["metrics"]["cases"] >= 10
    assert report["metrics"]["quote_validity"] == 1.0
    assert all(c["calls"] == 0 or c["seconds"] > 0 for c in report["cases"])


def test_a_case_without_recordings_is_reported_as_stale_not_called_live(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"id": "new1", "claim": "Harbor Post said 150 men were moved to Iraq.",
                                 "label": "supported"}) + "\n")
    code, _, err = run_cli(["eval", "--cases", str(cases)], capsys)
    assert code == 5
    assert "1 case(s) have no recorded answers (new1)" in err and "factdesk eval --record" in err


def test_a_malformed_case_file_is_a_one_line_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": "x", "claim": "c", "label": "true"}\n')
    code, _, err = run_cli(["eval", "--cases", str(cases)], capsys)
    assert code == 2 and "line 1" in err and "Traceback" not in err
