"""The HTML report of an article's check: its structure, and the page as a real headless browser renders it.

The browser test drives Debian's Chromium through chromedriver (Selenium). It
is skipped where either is missing, unless FACTDESK_REQUIRE_BROWSER=1 (CI
installs both and sets it). It keeps screenshots, desktop and phone width,
under build/test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assistant.corpus.store import Store
from assistant.settings import Settings
from tests.conftest import CORPUS, ROOT, run_cli

ARTIFACTS = ROOT / "build" / "test-artifacts"


class Marks(HTMLParser):
    """The highlighted spans of the page: (claim number, label class, text), and whether it loads anything."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[int, str, str]] = []
        self.loads: list[str] = []
        self._in: tuple[int, str] | None = None
        self._sup = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "link", "img", "iframe") or (tag == "style" and a.get("src")):
            self.loads.append(tag)
        if tag == "mark":
            self._in, self._text = (int(a["data-claim"] or 0), str(a["class"])), []
        self._sup = self._sup or (tag == "sup" and self._in is not None)

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup":
            self._sup = False
        if tag == "mark" and self._in is not None:
            self.marks.append((*self._in, "".join(self._text)))
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None and not self._sup:
            self._text.append(data)


@pytest.fixture
def report(isolated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[int, str], dict]:
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    seed = next(a for a in Store(Settings()).articles() if a.outlet.startswith("Seed"))
    path = tmp_path / "report.html"
    code, _, err = run_cli(["check", seed.id, "--format", "html", "-o", str(path), "--max-claims", "3"], capsys)
    assert code == 0 and err.strip() == f"wrote {path}", err
    import json

    checked = json.loads(run_cli(["check", seed.id, "--json", "--max-claims", "3"], capsys)[1])
    sentences = {n: c["claim"]["source_sentence"] for n, c in enumerate(checked["checks"], start=1)}
    labels = {n: (c["verdict"]["label"] if c["verdict"] else "skipped") for n, c in enumerate(checked["checks"], 1)}
    return path, sentences, labels


def test_each_claim_is_highlighted_on_its_own_sentence_and_coloured_by_its_verdict(
    report: tuple[Path, dict[int, str], dict]
) -> None:
    path, sentences, labels = report
    parser = Marks()
    parser.feed(path.read_text(encoding="utf-8"))
    assert parser.loads == []  # self-contained: nothing to fetch when it is opened
    assert sorted(n for n, _, _ in parser.marks) == sorted(sentences)
    for number, css, text in parser.marks:
        assert text == sentences[number]
        assert css == f"label-{labels[number]}"
    assert sum(label != "skipped" for label in labels.values()) == 3


def _browser():  # type: ignore[no-untyped-def]
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        missing = "Chromium and chromedriver (apt install chromium chromium-driver) are not installed"
        if os.environ.get("FACTDESK_REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def test_the_report_renders_in_a_real_browser_with_highlights_on_the_right_spans(
    report: tuple[Path, dict[int, str], dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")  # Selenium speaks to chromedriver on loopback
    path, sentences, labels = report
    browser = _browser()
    try:
        browser.set_window_size(1280, 1400)
        browser.get(path.as_uri())
        marks = browser.execute_script(
            "return [...document.querySelectorAll('mark')].map(m => [Number(m.dataset.claim), m.className,"
            " m.querySelector('a').textContent, getComputedStyle(m).borderBottomColor,"
            " m.getBoundingClientRect().width > 0])")
        assert sorted(m[0] for m in marks) == sorted(sentences)
        for number, css, text, _, shown in marks:
            assert text == sentences[number] and css == f"label-{labels[number]}" and shown
        colours = {css: colour for _, css, _, colour, _ in marks}
        assert colours.get("label-supported") != colours.get("label-skipped")  # the verdicts are told apart
        summary = browser.find_element("css selector", ".legend").text
        assert "Supported" in summary or "Refuted" in summary or "Not enough evidence" in summary
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(ARTIFACTS / "check-report-desktop.png"))
        browser.set_window_size(390, 844)  # a phone: the cards follow the article instead of sitting beside it
        article_bottom, aside_top = browser.execute_script(
            "return [document.querySelector('article').getBoundingClientRect().bottom,"
            " document.querySelector('aside').getBoundingClientRect().top]")
        assert aside_top >= article_bottom
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390  # no sideways scrolling
        assert browser.save_screenshot(str(ARTIFACTS / "check-report-phone.png"))
    finally:
        browser.quit()


def test_article_text_and_urls_are_data_not_markup(tmp_path: Path) -> None:
    from assistant.claims.check import CheckReport, ClaimCheck
    from assistant.claims.extract import Claim
    from assistant.corpus.article import Article
    from assistant.llm.usage import Usage
    from assistant.report.html import render
    from assistant.verify.verdict import Citation, DetailNote, SourceJudgement, Verdict

    text = "Fictional. The <script>alert(1)</script> pier closes in 2027."
    article = Article.create(text, title="Vellmar <b>pier</b> (fictional)")
    start = text.index("The")
    claim = Claim(text=text[start:], article_id=article.id, start=start, end=len(text), source_sentence=text[start:],
                  type="event", kind="fact", checkworthiness=0.9, reason="fictional")
    citation = Citation(article_id="x", outlet="Bugle", title="t", published=None, url="javascript:alert(2)",
                        quote="The pier closes in 2027.", start=0, end=24)
    note = DetailNote(kind="number", claim="closes in 2027", source="closes <script>alert(3)</script> in 2028",
                      agrees=False)
    judgement = SourceJudgement(article_id="x", outlet="Bugle <i>(fictional)</i>", title="t", stance="supports",
                                confidence=0.9, comparison="", citation=citation, details=[note])
    verdict = Verdict(claim=claim.text, label="supported", confidence=0.8, summary="s", judgements=[judgement],
                      model="m", usage=Usage(), seconds=0.0)
    report = CheckReport(article_id=article.id, title=article.title, outlet="", published=None,
                         checks=[ClaimCheck(claim=claim, verdict=verdict)], counts={"supported": 1}, usage=Usage(),
                         seconds=0.0)
    page = render(report, article)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>pier</b>" not in page and "javascript:" not in page
    # The difference is shown under its quote, as text: it holds the source's words.
    assert ("<li class=\"differs\">number differs: the claim says closes in 2027; Bugle &lt;i&gt;(fictional)&lt;/i&gt; "
            "says closes &lt;script&gt;alert(3)&lt;/script&gt; in 2028</li>") in page
    assert "<i>" not in page
