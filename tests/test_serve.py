"""`factdesk serve`: the pages in a real headless Chromium, the door (token, CSRF, headers), hostile articles.

The browser tests drive Debian's Chromium through chromedriver, as the HTML report's test does (skipped where
either is missing, unless FACTDESK_REQUIRE_BROWSER=1). The model's answers are the recorded ones the command-line
tests replay; verification is the classifier's. Screenshots go to build/test-artifacts/.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from assistant.corpus.store import Store
from assistant.serve.app import create_app
from assistant.settings import Settings
from tests.conftest import CORPUS, ROOT, run_cli
from tests.test_answer import QUESTION
from tests.test_chroma_server import free_port
from tests.test_html_report import _browser

ARTIFACTS = ROOT / "build" / "test-artifacts"
SEED_OUTLET = "Seed article (outlet unknown)"
# Fictional: an article written to attack the page that shows it.
HOSTILE = {
    "title": "Harbour <script>alert('title')</script> board meets (fictional)",
    "outlet": "The Gull <img src=x onerror=alert('outlet')> (fictional)",
    "url": "javascript:alert('url')", "published": "2026-03-01", "fictional": True,
    "text": "The Vellmar harbour board met on Monday. <script>alert('text')</script> The board approved 12 new "
            "berths. <img src=x onerror=alert('img')> Its chair, Orla Penn, said work starts in May. "
            "<a href=\"javascript:alert('link')\">Read more</a>.",
}


class Served:
    """The app on a loopback port, in a thread of this process."""

    def __init__(self, settings: Settings) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the web app did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def corpus(isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")  # the browser and chromedriver speak on loopback
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    return Settings()


def test_a_public_host_without_a_token_is_refused_in_one_line(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run_cli(["serve", "--host", "0.0.0.0"], capsys)
    assert code == 2
    assert err.strip() == ("error: --host 0.0.0.0 lets other machines in: give --token VALUE (or --token auto, or "
                           "FACTDESK_SERVE_TOKEN)")
    code, _, err = run_cli(["serve", "--host", "0.0.0.0", "--token", "short"], capsys)
    assert code == 2 and "at least 16 characters" in err
    monkeypatch.setenv("FACTDESK_SERVE_TOKEN", "short")  # the setting is read, and held to the same rule
    code, _, err = run_cli(["serve", "--host", "0.0.0.0"], capsys)
    assert code == 2 and "at least 16 characters" in err


def test_with_a_token_every_request_needs_it_and_every_post_a_csrf_token(corpus: Settings) -> None:
    token = "fictional-token-0123456789"
    client = TestClient(create_app(corpus, token))
    refused = client.get("/verify", follow_redirects=False)
    assert refused.status_code == 401 and "access token" in refused.text
    assert client.get("/corpus", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    entered = client.get(f"/corpus?q=lindenmoor&token={token}", follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == "/corpus?q=lindenmoor"
    page = client.get("/corpus?q=lindenmoor")
    assert page.status_code == 200 and "Lindenmoor" in page.text
    headers = page.headers
    assert "script-src 'self'" in headers["content-security-policy"] and "unsafe-inline" not in headers[
        "content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    forged = client.post("/check", data={"text": "A fictional draft about the Vellmar pier.", "csrf": "forged"})
    assert forged.status_code == 403 and "expired" in forged.text
    csrf = client.cookies.get("factdesk_csrf")
    assert csrf
    too_big = client.post("/corpus", data={"csrf": csrf}, files={"file": ("notes.exe", b"MZ", "application/x")})
    assert too_big.status_code == 400 and "factdesk reads" in too_big.text


def test_a_hostile_article_is_shown_as_text(corpus: Settings, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(HOSTILE) + "\n")
    assert run_cli(["ingest", str(path)], capsys)[0] == 0
    hostile = next(a for a in Store(corpus).articles() if a.fictional and "Gull" in a.outlet)
    client = TestClient(create_app(corpus))
    for url in (f"/articles/{hostile.id}", "/corpus?q=harbour", "/verify?claim=The+Vellmar+harbour+board+approved+"
                                                                  "12+new+berths."):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in client.get(f"/articles/{hostile.id}").text

    with Served(corpus) as served:
        browser = _browser()
        try:
            for url in (f"/articles/{hostile.id}", "/corpus?q=harbour",
                        "/verify?claim=The+Vellmar+harbour+board+approved+12+new+berths."):
                browser.get(served.url + url)
                assert browser.execute_script("return document.querySelectorAll('img, iframe').length") == 0
                assert browser.execute_script("return document.scripts.length") == 1  # only /static/app.js
                if url.startswith("/articles/"):  # the attack is on screen, as the article's words
                    assert "<script>alert('text')</script>" in browser.find_element("css selector", "main").text
            errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == []
        finally:
            browser.quit()


def test_the_desk_in_a_real_browser(corpus: Settings, tmp_path: Path) -> None:
    seed = next(a for a in Store(corpus).articles() if a.outlet == SEED_OUTLET)
    upload = tmp_path / "kelby-ferry.txt"
    upload.write_text("Kelby ferry returns (fictional)\n\nThe Kelby ferry returned to service on Friday after "
                      "a 40-day repair, the operator said.\n")
    with Served(corpus) as served:
        browser = _browser()
        try:
            browser.set_window_size(1280, 1400)
            # Verify: a verdict is a link.
            browser.get(served.url + "/verify?claim=The+United+States+has+transferred+7%2C000+ISIS+detainees+to+Iraq.")
            box = browser.find_element("css selector", ".verdict-box")
            assert "Refuted" in box.text or "Disputed" in box.text
            assert "number differs" in box.text
            browser.save_screenshot(str(ARTIFACTS / "serve-verify-desktop.png"))

            # Check a stored article: the job runs, the page refreshes itself, the claims are highlighted.
            browser.get(served.url + "/check")
            browser.find_element("css selector", f"option[value='{seed.id}']").click()
            browser.find_element("css selector", "form button").click()
            deadline = time.monotonic() + 120
            while not browser.find_elements("css selector", "mark"):
                assert time.monotonic() < deadline, browser.find_element("css selector", "main").text
                time.sleep(0.5)
            marks = browser.execute_script("return [...document.querySelectorAll('mark')]"
                                           ".map(m => [m.className, m.querySelector('a').textContent])")
            assert len(marks) >= 5 and all(text in seed.text for _, text in marks)
            assert {css for css, _ in marks} & {"label-supported", "label-refuted", "label-conflicting"}
            browser.save_screenshot(str(ARTIFACTS / "serve-check-desktop.png"))
            browser.set_window_size(390, 844)
            assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
            browser.save_screenshot(str(ARTIFACTS / "serve-check-phone.png"))
            browser.set_window_size(1280, 1400)
            # Click through from a claim's card to the source sentence it cites.
            link = browser.find_element("css selector", "#claims .quote-link")
            quote = link.text
            href = link.get_attribute("href")
            link.click()
            # The link opens the article's page: wait for that page, not only for the click.
            deadline = time.monotonic() + 30
            while (target := browser.execute_script("return document.querySelector(':target')?.textContent")) is None:
                assert time.monotonic() < deadline, f"{href} was not opened at its sentence"
                time.sleep(0.2)
            assert browser.current_url == href
            assert target == quote

            # Ask: the answer streams in, then its sources and sentence checks.
            browser.get(served.url + "/ask")
            field = browser.find_element("css selector", "input[name=q]")
            field.send_keys(QUESTION)
            browser.find_element("css selector", "#ask-form button").click()
            deadline = time.monotonic() + 60
            while not browser.find_elements("css selector", "#answer-parts"):
                assert time.monotonic() < deadline, browser.find_element("css selector", "main").text
                time.sleep(0.2)
            assert "150" in browser.find_element("css selector", "#answer-text").text
            assert browser.find_elements("css selector", ".passages li a")

            # Upload an article into the corpus.
            browser.get(served.url + "/corpus")
            browser.find_element("css selector", "input[type=file]").send_keys(str(upload))
            browser.find_element("css selector", "form[method=post] button").click()
            deadline = time.monotonic() + 60
            while not browser.find_elements("css selector", "#message, #error"):
                assert time.monotonic() < deadline, "the upload got no answer"
                time.sleep(0.2)
            shown = browser.find_element("css selector", "main").text
            assert "kelby-ferry.txt: 1 article(s) added" in shown, shown
            # A .txt file is titled by its name.
            assert "kelby-ferry" in browser.find_element("css selector", "#articles").text

            errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == []
        finally:
            browser.quit()


def test_the_same_article_sent_twice_is_one_job(corpus: Settings) -> None:
    client = TestClient(create_app(corpus))
    seed = next(a for a in Store(corpus).articles() if a.outlet == SEED_OUTLET)
    client.get("/check")
    csrf = client.cookies.get("factdesk_csrf")
    first = client.post("/check", data={"csrf": csrf, "article": seed.id}, follow_redirects=False)
    second = client.post("/check", data={"csrf": csrf, "article": seed.id}, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    status = client.get(first.headers["location"] + "/status").json()
    assert status["state"] in ("queued", "running", "done")
    # Let the job end here: its worker thread would otherwise go on verifying during the next test.
    deadline = time.monotonic() + 120
    while status["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
        status = client.get(first.headers["location"] + "/status").json()
    assert status["state"] == "done"
