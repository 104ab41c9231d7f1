"""The evaluation report: markdown tables plus a confusion-matrix and a reliability-diagram PNG."""

from pathlib import Path

import pytest

from assistant.eval.extraction import ExtractResult, compute_extract
from assistant.eval.report import markdown, write_report
from assistant.eval.runner import EvalRun
from assistant.eval.verification import CaseResult, compute

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run() -> EvalRun:
    results = [
        CaseResult(id="a", claim="Alpha | beta", gold="supported", predicted="supported", confidence=0.9,
                   citations=2, gold_citations=1, evidence_found=True),
        CaseResult(id="b", claim="b", gold="refuted", predicted="conflicting", confidence=0.55),
        CaseResult(id="c", claim="c", gold="not_enough_evidence", predicted="not_enough_evidence", confidence=0.6),
    ]
    extracted = [ExtractResult(id="x1", title="T", gold=4, predicted=3, matched_gold=3, matched_predicted=3)]
    return EvalRun(title="test run", about=["verification: 3 cases"], verify_results=results,
                   verify=compute(results), extract_results=extracted, extract=compute_extract(extracted))


def test_the_report_writes_markdown_and_two_valid_pngs(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib import image

    written = write_report(run(), tmp_path / "out")
    assert sorted(p.name for p in written) == ["confusion.png", "reliability.png", "report.md"]
    for name in ("confusion.png", "reliability.png"):
        data = (tmp_path / "out" / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        pixels = image.imread(tmp_path / "out" / name)
        assert pixels.ndim == 3 and pixels.shape[0] > 200 and pixels.shape[1] > 200
        assert pixels.std() > 0  # something was drawn
    text = (tmp_path / "out" / "report.md").read_text()
    assert "![confusion matrix](confusion.png)" in text and "![reliability diagram](reliability.png)" in text


def test_the_markdown_holds_the_tables() -> None:
    text = markdown(run())
    assert "| supported | 1 | 0 | 0 | 0 |" in text  # confusion row
    assert "| 0.9-1.0 | 1 | 0.90 | 1.00 |" in text  # reliability bin
    assert "Alpha \\| beta" in text  # cells cannot break the table
    assert "| claim recall | 0.750 (4 gold claims) |" in text
