"""Feeds in: an RSS and an Atom feed served on loopback, their linked pages ingested, capped, dated, deduplicated."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import run_cli

PAGE = """<html><head><title>{title}</title><meta property="og:site_name" content="Vellmar Bugle (fictional)">
</head><body><nav>Home | Ferries | Weather</nav><article><h1>{title}</h1>
<p>{body}</p><p>This article is fictional: the town, the pier and the people are invented.</p></article>
<footer>Contact the newsroom</footer></body></html>"""
PAGES = {
    "/pier.html": ("Ostrand pier to close in 2027 (fictional)",
                   "The Vellmar town council voted on Monday to close the Ostrand ferry pier in March 2027, after "
                   "engineers found that its oak piles had rotted below the waterline."),
    "/ferry.html": ("Night ferry returns to Vellmar (fictional)",
                    "The night ferry between Vellmar and Ostrand will run again from 4 May, the harbour office said, "
                    "three years after the service was cut for lack of crew."),
    "/old.html": ("Vellmar harbour dredged (fictional)",
                  "Dredgers spent six weeks clearing silt from Vellmar harbour last winter, at a cost of two "
                  "million euros, the harbour office said in its annual report."),
}
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Vellmar Bugle (fictional)</title><link>{base}/</link>
<item><title>Ostrand pier to close in 2027 (fictional)</title><link>{base}/pier.html</link>
<pubDate>Mon, 02 Mar 2026 09:00:00 +0000</pubDate></item>
<item><title>Night ferry returns to Vellmar (fictional)</title><link>{base}/ferry.html</link>
<pubDate>Tue, 10 Mar 2026 09:00:00 +0000</pubDate></item>
<item><title>Vellmar harbour dredged (fictional)</title><link>{base}/old.html</link>
<pubDate>Thu, 15 Jan 2026 09:00:00 +0000</pubDate></item>
<item><title>Gone (fictional)</title><link>{base}/missing.html</link>
<pubDate>Wed, 04 Mar 2026 09:00:00 +0000</pubDate></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Ostrand Tidings (fictional)</title>
<entry><title>Pier vote in Vellmar (fictional)</title><updated>2026-03-03T08:00:00Z</updated>
<content type="html">&lt;p&gt;Councillors in the fictional town of Vellmar voted 14 to 5 to close the Ostrand
ferry pier, the Ostrand Tidings reports. The vote followed a survey of the pier's oak piles.&lt;/p&gt;</content>
</entry></feed>"""


class Site:
    def __init__(self) -> None:
        site = self
        self.fetched: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.fetched.append(self.path)
                if self.path == "/feed.xml":
                    body, kind = RSS.format(base=site.base).encode(), "application/rss+xml"
                elif self.path == "/atom.xml":
                    body, kind = ATOM.encode(), "application/atom+xml"
                elif self.path in PAGES:
                    title, text = PAGES[self.path]
                    body, kind = PAGE.format(title=title, body=text).encode(), "text/html; charset=utf-8"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    served = Site()
    yield served
    served.server.shutdown()


def test_an_rss_feed_ingests_its_linked_pages_since_a_date_and_skips_a_dead_link(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["ingest", f"{site.base}/feed.xml", "--since", "2026-03-01", "--delay", "0", "--json"],
                             capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["added"] == 2
    assert "/old.html" not in site.fetched  # older than --since: not even fetched
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"skipped {site.base}/missing.html: could not fetch"), err
    listed = json.loads(run_cli(["articles", "--json"], capsys)[1])
    pier = next(a for a in listed if a["title"].startswith("Ostrand pier"))
    assert pier["url"] == f"{site.base}/pier.html" and pier["published"] == "2026-03-02"
    assert pier["outlet"] == "Vellmar Bugle (fictional)"

    again = json.loads(run_cli(["ingest", f"{site.base}/feed.xml", "--since", "2026-03-01", "--delay", "0",
                                "--json"], capsys)[1])
    assert (again["added"], again["unchanged"]) == (0, 2)  # the same pages: nothing embedded twice


def test_the_per_run_cap_takes_the_newest_entries(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["ingest", f"{site.base}/feed.xml", "--max-items", "1", "--delay", "0", "--json"],
                             capsys)
    assert code == 0, err
    assert json.loads(out)["added"] == 1
    assert [p for p in site.fetched if p.endswith(".html")] == ["/ferry.html"]  # 10 March, the newest


def test_the_delay_is_kept_between_fetches(site: Site, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("assistant.corpus.feeds.time.sleep", slept.append)
    assert run_cli(["ingest", f"{site.base}/feed.xml", "--since", "2026-03-01", "--json"], capsys)[0] == 0
    assert slept == [1.0, 1.0]  # three fetches (one fails), the default second between each two


def test_an_atom_entry_with_content_and_no_link_is_ingested_from_its_content(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["ingest", f"{site.base}/atom.xml", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["added"] == 1
    listed = json.loads(run_cli(["articles", "--json"], capsys)[1])
    assert listed[0]["outlet"] == "Ostrand Tidings (fictional)" and listed[0]["published"] == "2026-03-03"


def test_a_bad_since_date_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(["ingest", str(tmp_path), "--since", "last week"], capsys)
    assert code == 2 and err.strip() == "error: --since must be a date such as 2026-03-01, not 'last week'"
