"""PDFs in: the text layer page by page; a citation to a PDF names its page, in JSON and on the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.pdfs import text_pdf

PAGES = [
    "Vellmar harbour annual report (fictional). The harbour office of the fictional town of Vellmar publishes this "
    "report each spring. It covers the piers, the ferries and the dredging of the harbour basin.",
    "The Ostrand ferry pier will close in March 2027, the harbour office said. Engineers found that its oak "
    "piles had rotted below the waterline, and repairs would cost four million euros.",
    "The night ferry between Vellmar and Ostrand will run again from 4 May. The service was cut three years ago "
    "for lack of crew.",
]


@pytest.fixture
def report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "vellmar-harbour-report.pdf"
    path.write_bytes(text_pdf(PAGES, title="Vellmar harbour annual report (fictional)"))
    code, out, err = run_cli(["ingest", str(path), "--json"], capsys)
    assert code == 0 and json.loads(out)["added"] == 1, err
    return path


def test_a_pdf_is_stored_page_by_page_with_its_title_and_date(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [article] = json.loads(run_cli(["articles", "--json"], capsys)[1])
    assert article["title"] == "Vellmar harbour annual report (fictional)" and article["published"] == "2026-03-02"


def test_a_citation_to_a_pdf_names_its_page(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claim = "The Ostrand ferry pier in Vellmar will close in March 2027."
    code, out, err = run_cli(["verify", claim, "--json"], capsys)
    assert code == 0, err
    verdict = json.loads(out)
    cited = [j["citation"] for j in verdict["judgements"] if j["citation"]]
    assert cited
    for citation in cited:  # whichever sentence the verdict rests on, its page is the page it is printed on
        assert citation["page"] == 1 + next(i for i, page in enumerate(PAGES) if citation["quote"] in page)
    code, out, _ = run_cli(["verify", claim], capsys)
    assert code == 0 and f"p. {cited[0]['page']}, chars {cited[0]['start']}-" in " ".join(out.split())


def test_a_non_pdf_article_has_no_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("[page 2]\nThe fictional Vellmar pier closes in March 2027, the harbour office said.\n")
    assert run_cli(["ingest", str(notes)], capsys)[0] == 0
    verdict = json.loads(run_cli(["verify", "The Vellmar pier closes in March 2027.", "--json"], capsys)[1])
    assert all(j["citation"]["page"] is None for j in verdict["judgements"] if j["citation"])
