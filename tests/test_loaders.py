import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.corpus.loaders import MB, LoadError, load, load_file, load_url
from assistant.errors import UserInputError
from tests.conftest import run_cli

HTML = """<html><head><title>Bridge reopens</title><script>var tracking = "ignore me";</script></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Bridge reopens after repairs</h1>
<p>Traffic returned to the Oldmere bridge on 3 March after six months of repairs, the fictional town council said.</p>
<p>The repairs cost 2.4 million euros and were finished ahead of schedule, according to the council's engineer.</p>
<p>Residents of the invented town had used a ferry during the closure.</p></article>
<footer>Copyright Example Fictional News</footer></body></html>"""


def test_txt_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("---\ntitle: A title\noutlet: Example Post\npublished: 2026-01-02T10:00\nfictional: true\n---\n"
                    "Body sentence one. Body sentence two.\n", encoding="utf-8")
    [article] = load_file(path).articles
    assert (article.title, article.outlet, article.published, article.fictional) == (
        "A title", "Example Post", "2026-01-02", True)
    assert article.text == "Body sentence one. Body sentence two."


def test_markdown_title_from_heading(tmp_path: Path) -> None:
    path = tmp_path / "b.md"
    path.write_text("# The heading\n\nSome text here.", encoding="utf-8")
    assert load_file(path).articles[0].title == "The heading"


def test_html_main_text_without_navigation_or_scripts(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    [article] = load_file(path).articles
    assert "Traffic returned to the Oldmere bridge on 3 March" in article.text
    assert "tracking" not in article.text and "Home | News" not in article.text


def test_jsonl_keeps_good_lines_and_reports_each_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [
        json.dumps({"text": "First article text.", "title": "One", "outlet": "X"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": 42}),
        json.dumps(["a list"]),
        json.dumps({"text": "   "}),
        json.dumps({"text": "Second article text.", "published": "2026-02-03"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    loaded = load_file(path)
    assert [a.title for a in loaded.articles] == ["One", ""]
    assert loaded.articles[1].published == "2026-02-03"
    assert [f.source.rsplit(" ", 1)[1] for f in loaded.failures] == ["2", "3", "4", "5", "6"]
    assert "invalid JSON" in loaded.failures[0].reason


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t \n", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "café crème".encode("latin-1"), "not UTF-8"),
        ("photo.png", b"\x89PNG", "unsupported file type"),
    ],
)
def test_bad_files_fail_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    loaded = load_file(path)
    assert not loaded.articles
    assert reason in loaded.failures[0].reason


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("Ünïcode text in UTF-16.".encode("utf-16"))
    assert load_file(path).articles[0].text == "Ünïcode text in UTF-16."


def test_folder_walk_skips_bad_files_and_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "good.txt").write_text("A good article.", encoding="utf-8")
    (tmp_path / "docs" / "sub" / "bad.txt").write_bytes(b"\x00\x01")
    (tmp_path / "docs" / "sub" / "loop").symlink_to(tmp_path / "docs")
    (tmp_path / "docs" / "notes.bin").write_bytes(b"not read: not a supported suffix, named in one line")
    loaded = load(str(tmp_path / "docs"))
    assert [a.text for a in loaded.articles] == ["A good article."]
    assert [f.reason.split(";")[0] for f in loaded.failures] == [
        "1 file(s) of other types (.bin)", "binary file (contains NUL bytes), not text"
    ]


def test_missing_path_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="no such file"):
        load(str(tmp_path / "nope.txt"))


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A loopback web server: /small is an article page, /huge is 3 MB of one."""
    article = b"<html><head><title>Tarnby plant</title></head><body><article><p>" + b"Quillon hired 40 people. " * 4
    bodies = {"/small": article + b"</p></article></body></html>", "/huge": article * 20_000}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client may stop reading
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_over_the_size_limit_is_refused_while_it_downloads(
    pages: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    article = load_url(f"{pages}/small")
    assert "Quillon hired 40 people." in article.text and article.url == f"{pages}/small"
    with pytest.raises(LoadError, match="over 1 MB"):
        load_url(f"{pages}/huge", max_bytes=MB)
    monkeypatch.setenv("FACTDESK_MAX_FILE_MB", "1")
    code, _, err = run_cli(["ingest", f"{pages}/huge", f"{pages}/small"], capsys)
    assert code == 2 and "over 1 MB" in err and "Traceback" not in err
    assert run_cli(["articles", "--json"], capsys)[1].count('"id"') == 1  # the small page was stored
