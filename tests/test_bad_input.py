"""Bad input, table-driven: every command that takes input, through the real entry point.

Each case builds its input, runs one command and checks four things: the exit code is the documented one,
stderr holds one line (or one ``skipped`` line per skipped file) that says what is wrong, no traceback
appears anywhere, and the store afterwards holds exactly the good input: the same article and chunk ids as a
reference ingest of the good files alone, nothing lost from what was stored before, nothing duplicated. A
store the command cannot open must also be left byte for byte as it was: never "repaired" by deleting data.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.corpus.ingest import ingest
from assistant.corpus.store import Store
from assistant.settings import Settings
from tests.conftest import ROOT, run_cli
from tests.pdfs import encrypted_pdf, text_pdf

MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
ZIP = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml\xed\x9d\xcb"
BOILERPLATE_HTML = (
    "<html><head><title>Portal</title><script>window.app = {state: 'loading'}; render();</script>"
    "<style>body { color: red }</style></head><body><nav><ul>"
    + "".join(f"<li><a href='/s{i}'>Section number {i} of the portal</a></li>" for i in range(25))
    + "</ul></nav><div id='root'></div><noscript>Please enable JavaScript to use this site.</noscript>"
    "<footer><a href='/privacy'>Privacy</a> <a href='/terms'>Terms</a> Copyright Example Portal</footer>"
    "<script>document.write('loaded');</script></body></html>"
)
ARABIC = "\u200fقال المجلس البلدي إن جسر المدينة القديم أعيد فتحه يوم الثالث من مارس بعد ستة أشهر من الإصلاحات."
HEBREW = "\u200fמועצת העיר הודיעה כי המעבורת חזרה לפעול בשנים עשר בינואר."

# Good input, by name: the reference store for a case is a plain ingest of exactly these files.
GOOD: dict[str, tuple[str, bytes]] = {
    "pre": (
        "pre.md",
        b"# Oldmere bridge reopens\n\nTraffic returned to the fictional Oldmere bridge on 3 March after six months "
        b"of repairs, the town council said. The repairs cost 2.4 million euros.\n",
    ),
    "good": (
        "good.txt",
        b"Harbour ferry resumes\n\nThe fictional Eastport harbour ferry resumed its winter timetable on 12 January, "
        b"the operator said. A crossing takes twenty minutes.\n",
    ),
    "utf16": ("utf16.txt", "Die fiktive Fähre über den Südsee fährt wieder, sagte der Betreiber.".encode("utf-16")),
    "rtl": ("rtl.txt", f"{ARABIC}\n\n{HEBREW}\n".encode()),
    "zero-width": (
        "zero-width.txt",
        "The fictional ferry carried 7\u200b000 passengers in June, a re\u00adcord, the operator said.\n".encode(),
    ),
    "jsonl-good": (
        "jsonl-good.jsonl",
        b'{"text": "The fictional museum in Oldmere opened a new wing on 2 May.", "outlet": "Ledger"}\n'
        b'{"text": "The fictional Oldmere library extended its opening hours in April.", "outlet": "Times"}\n',
    ),
    "big-line": ("big-line.txt", (b"words flowing on without any stop " * 31000)[:MB].strip()),
    "pdf-300-pages": ("long-report.pdf", text_pdf(
        [f"Page {n} of the fictional Vellmar harbour report. The pier inspected on day {n} showed {n % 7} cracked "
         f"piles. Repairs on that section would cost {n * 3} thousand euros." for n in range(1, 301)],
        title="Vellmar harbour report (fictional)")),
}
JSONL_GOOD = GOOD["jsonl-good"][1].splitlines()


@dataclass
class Ctx:
    """What a case builds on: a folder for its inputs, the data directory, and pytest's patching."""

    inputs: Path
    home: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    cleanup: list[Callable[[], None]] = field(default_factory=list)

    def write(self, name: str, data: bytes) -> Path:
        path = self.inputs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def good(self, key: str, folder: str = "") -> Path:
        name, data = GOOD[key]
        return self.write(f"{folder}/{name}" if folder else name, data)


Make = Callable[[Ctx], list[str]]


@dataclass(frozen=True)
class Case:
    """One kind of bad input for one command, and what must come of it."""

    id: str
    make: Make  # builds the input and returns the command line
    code: int
    says: str  # the stderr line(s) must contain this
    lines: int = 1  # lines on stderr: one error, or one "skipped" line per skipped file
    pre: bool = True  # the store holds GOOD["pre"] before the command
    stored: tuple[str, ...] | None = ("pre",)  # GOOD keys the store holds afterwards; None: not openable
    # The data directory is byte for byte as before (its SQLite files row for row). None: when it held only
    # GOOD["pre"] and should hold just that afterwards, which is cheaper to check than opening the index.
    untouched: bool | None = None
    process: bool = False  # run `python -m assistant` in a real subprocess rather than in-process
    after: Callable[[Ctx, str], None] | None = None  # more checks, given stdout

    @property
    def unchanged(self) -> bool:
        return self.untouched if self.untouched is not None else self.pre and self.stored == ("pre",)


# ---- building blocks ---------------------------------------------------------------------------------------


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _deny_file(ctx: Ctx, path: Path) -> None:
    """chmod 000; as root, where that denies nothing, opening the file raises what a user would get."""
    path.chmod(0)
    ctx.cleanup.append(lambda: path.chmod(0o644))
    if _as_root():
        real_open = pathlib.Path.open

        def denied(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        ctx.monkeypatch.setattr(pathlib.Path, "open", denied)


def _deny_folder(ctx: Ctx, folder: Path) -> None:
    folder.chmod(0)
    ctx.cleanup.append(lambda: folder.chmod(0o755))
    if _as_root():
        real_scandir = os.scandir

        def denied(target: Any = ".") -> Any:
            if Path(target) == folder:
                raise PermissionError(13, "Permission denied", str(target))
            return real_scandir(target)

        ctx.monkeypatch.setattr(os, "scandir", denied)


def _fifo(ctx: Ctx, name: str) -> Path:
    path = ctx.inputs / name
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def _sparse(ctx: Ctx, name: str, size: int) -> Path:
    """A file of ``size`` bytes in no time: a line of text, then a hole."""
    path = ctx.write(name, b"A line of text before a very large hole.\n")
    with path.open("r+b") as handle:
        handle.truncate(size)
    return path


def _fake_embedder(ctx: Ctx) -> None:
    """Deterministic unit vectors: ids, offsets and counts are what is checked, and 1,700 real embeddings take a
    minute on two cores."""

    class Fake:
        def embed(self, texts: list[str]) -> np.ndarray:
            rows = [np.frombuffer(hashlib.sha256(t.encode()).digest() * 12, dtype=np.uint8)[:384] for t in texts]
            vectors = np.asarray(rows, dtype=np.float32) + 1.0
            return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    ctx.monkeypatch.setattr("assistant.corpus.ingest.get_embedder", lambda threads=1: Fake())


def ingest_file(name: str, data: bytes | Callable[[Ctx, str], Path]) -> Make:
    def make(ctx: Ctx) -> list[str]:
        path = data(ctx, name) if callable(data) else ctx.write(name, data)
        return ["ingest", str(path)]

    return make


def ingest_folder(name: str, data: bytes | Callable[[Ctx, str], Path]) -> Make:
    """The same bad file inside a folder, beside a good one."""

    def make(ctx: Ctx) -> list[str]:
        ctx.good("good", "in")
        if callable(data):
            data(ctx, f"in/{name}")
        else:
            ctx.write(f"in/{name}", data)
        return ["ingest", str(ctx.inputs / "in")]

    return make


def build(make: Callable[[Ctx], Any], argv: list[str]) -> Make:
    """Run ``make``, then the command line with {in} as the inputs folder; a good file is always at {in}/good.txt."""

    def run(ctx: Ctx) -> list[str]:
        ctx.good("good")
        make(ctx)
        return [a.replace("{in}", str(ctx.inputs)).replace("{home}", str(ctx.home)) for a in argv]

    return run


def _garbage(name: str, size: int = 8192) -> Callable[[Ctx], None]:
    def spoil(ctx: Ctx) -> None:
        (ctx.home / name).write_bytes(hashlib.sha256(name.encode()).digest() * (size // 32))

    return spoil


def _truncate(name: str, size: int) -> Callable[[Ctx], None]:
    def spoil(ctx: Ctx) -> None:
        with (ctx.home / name).open("r+b") as handle:
            handle.truncate(size)

    return spoil


def _sql(statement: str) -> Callable[[Ctx], None]:
    def change(ctx: Ctx) -> None:
        db = sqlite3.connect(ctx.home / "articles.db")
        db.executescript(statement)
        db.close()

    return change


def _layout(ctx: Ctx) -> int:
    db = sqlite3.connect(ctx.home / "articles.db")
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def _foreign_chroma(ctx: Ctx) -> None:
    """A vector index made as an older program would: Chroma's default embedding function and L2 distance."""
    shutil.rmtree(ctx.home / "chroma")
    script = (
        "import sys, chromadb; c = chromadb.PersistentClient(path=sys.argv[1]); col = c.get_or_create_collection("
        "'chunks'); col.add(ids=['x'], embeddings=[[0.1] * 384], documents=['x'], metadatas=[{'article_id': 'x'}])"
    )
    subprocess.run([sys.executable, "-c", script, str(ctx.home / "chroma")], check=True, timeout=120,
                   env=dict(os.environ, ANONYMIZED_TELEMETRY="False"), capture_output=True)


def _hold_lock(ctx: Ctx) -> None:
    """Another process takes the write lock, as a running ingest would; ingest here gives up after 0.5 s."""
    script = (
        "import fcntl, sys, time; f = open(sys.argv[1], 'w'); fcntl.flock(f, fcntl.LOCK_EX); "
        "print('locked', flush=True); time.sleep(120)"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(ctx.home / "write.lock")], stdout=subprocess.PIPE)
    ctx.cleanup.append(lambda: (holder.kill(), holder.wait()))
    assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
    ctx.monkeypatch.setattr("assistant.corpus.store.LOCK_WAIT", 0.5)


def _no_proxy(ctx: Ctx) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        ctx.monkeypatch.delenv(name, raising=False)
    ctx.monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")


def _json_verdict(label: str, claim_has: str = "") -> Callable[[Ctx, str], None]:
    def check(ctx: Ctx, out: str) -> None:
        verdict = json.loads(out)
        assert verdict["label"] == label and verdict["usage"]["calls"] == 0
        assert claim_has in verdict["claim"] and "\u200b" not in verdict["claim"]

    return check


def _search_finds(query: str, text: str) -> Callable[[Ctx, str], None]:
    def check(ctx: Ctx, out: str) -> None:
        code, found, err = run_cli(["search", query, "-n", "1", "--json"], ctx.capsys)
        assert code == 0, err
        assert text in json.loads(found)[0]["text"]

    return check


def _stored_text(key: str, has: str, lacks: str) -> Callable[[Ctx, str], None]:
    def check(ctx: Ctx, out: str) -> None:
        store = Store(Settings(home=ctx.home))
        [text] = [a.text for a in store.articles() if a.source.endswith(GOOD[key][0])]
        store.close()
        assert has in text and lacks not in text

    return check


def _pages_kept(ctx: Ctx, out: str) -> None:
    store = Store(Settings(home=ctx.home))
    [article] = [a for a in store.articles() if a.source.endswith("long-report.pdf")]
    store.close()
    assert article.title == "Vellmar harbour report (fictional)"
    assert article.page_at(article.text.index("inspected on day 300 ")) == 300
    assert article.page_at(article.text.index("inspected on day 1 ")) == 1


def _bounded_chunks(ctx: Ctx, out: str) -> None:
    store = Store(Settings(home=ctx.home))
    sizes = [len(c.text) for c in store.all_chunks()]
    store.close()
    assert len(sizes) > 1500 and max(sizes) <= Settings().chunk_chars


# ---- the table ---------------------------------------------------------------------------------------------

# A bad file, named directly (exit 2, one "skipped" line) and inside a folder beside a good file (exit 0, the
# good file stored, one "skipped" line): (name, content or builder, what the line says, good part kept).
BAD_FILES: list[tuple[str, str, bytes | Callable[[Ctx, str], Path], str, tuple[str, ...]]] = [
    ("empty", "empty.txt", b"", "file is empty", ()),
    ("whitespace-only", "blank.md", b" \n\t\r\n   \n", "file is empty", ()),
    ("png-named-txt", "photo.txt", PNG, "binary file (a PNG image)", ()),
    ("pdf-named-md", "report.md", PDF, "binary file (a PDF document)", ()),
    ("zip-named-txt", "archive.txt", ZIP, "binary file (a zip archive or an Office document)", ()),
    ("nul-bytes", "nul.txt", b"Plain words. " * 1000 + b"\x00 and on.", "binary file (contains NUL bytes)", ()),
    ("invalid-utf8", "broken.txt", b"The council said \xff\xfd it.", "not UTF-8 text (byte 0xff at offset 17)", ()),
    ("latin-1", "latin1.txt", "Café crème à Noël, dit le maire.".encode("latin-1"),
     "not UTF-8 text (byte 0xe9 at offset 3); convert it first, e.g. iconv -f latin1 -t utf-8", ()),
    ("html-only-scripts-and-nav", "portal.html", BOILERPLATE_HTML.encode(), "no article text found", ()),
    ("50-mb", "huge.txt", lambda ctx, name: _sparse(ctx, name, 50 * MB),
     "file is 50.0 MB; the limit is 20 MB (FACTDESK_MAX_FILE_MB)", ()),
    ("named-pipe", "pipe.txt", _fifo, "not a regular file", ()),
    ("jsonl-bad-line-in-middle", "mixed.jsonl", JSONL_GOOD[0] + b"\n{broken\n" + JSONL_GOOD[1] + b"\n",
     "line 2: invalid JSON", ("jsonl-good",)),
    ("jsonl-missing-text", "notext.jsonl", JSONL_GOOD[0] + b'\n{"title": "No body"}\n' + JSONL_GOOD[1],
     'line 2: missing or non-string "text"', ("jsonl-good",)),
    ("docx", "notes.docx", ZIP, ".docx", ()),
    ("epub", "book.epub", ZIP, ".epub", ()),
    ("pdf-damaged", "paper.pdf", PDF, "damaged PDF, cannot be read", ()),
    ("pdf-encrypted", "locked.pdf", encrypted_pdf(["The fictional Vellmar pier closes in March 2027."]),
     "the PDF is encrypted with a password: decrypt it first", ()),
    ("pdf-image-only", "scan.pdf", text_pdf(["", "", ""]),
     "the PDF has no text layer (3 page(s) of images, a scan?): run OCR first", ()),
    ("png", "photo.png", PNG, ".png", ()),
]


def _unreadable(ctx: Ctx, name: str) -> Path:
    path = ctx.write(name, b"A perfectly good article that nobody may read.")
    _deny_file(ctx, path)
    return path


def _self_loop(ctx: Ctx, name: str) -> Path:
    path = ctx.inputs / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(path)
    return path


BAD_FILES += [
    ("unreadable-file", "secret.txt", _unreadable, "cannot read (Permission denied)", ()),
    ("symlink-to-itself", "self.txt", _self_loop, "a broken or looping symbolic link", ()),
]


def _file_cases() -> list[Case]:
    cases = []
    for kind, name, data, says, keeps in BAD_FILES:
        sep = " " if says.startswith("line ") else ": "  # a JSONL line is named "FILE line N: reason"
        if says.startswith("."):  # a type factdesk does not read: refused by name; in a folder, one line for all
            named = f"{{in}}/{name}: unsupported file type {says}"
            inside = f"{{in}}/in: 1 file(s) of other types ({says})"
        else:
            named, inside = f"{{in}}/{name}{sep}{says}", f"{{in}}/in/{name}{sep}{says}"
        cases.append(Case(f"ingest/file/{kind}", ingest_file(name, data), 2, named, stored=("pre", *keeps)))
        cases.append(
            Case(f"ingest/folder/{kind}", ingest_folder(name, data), 0, inside, stored=("pre", "good", *keeps))
        )
    return cases


def _jsonl_wrong_types(ctx: Ctx) -> list[str]:
    lines = [JSONL_GOOD[0], b'{"text": 42, "title": "A number"}', b"[1, 2, 3]",
             b'{"text": "The fictional fair opened.", "title": ["a", "list"]}', JSONL_GOOD[1]]
    return ["ingest", str(ctx.write("types.jsonl", b"\n".join(lines)))]


def _symlink_loop_folder(ctx: Ctx) -> list[str]:
    ctx.good("good", "in")
    (ctx.inputs / "in" / "sub").mkdir()
    (ctx.inputs / "in" / "sub" / "up").symlink_to(ctx.inputs / "in")
    (ctx.inputs / "in" / "sub" / "self.txt").symlink_to(ctx.inputs / "in" / "sub" / "self.txt")
    return ["ingest", str(ctx.inputs / "in")]


def _unreadable_folder(ctx: Ctx) -> list[str]:
    ctx.good("good", "in")
    locked = ctx.inputs / "in" / "locked"
    ctx.good("utf16", "in/locked")
    _deny_folder(ctx, locked)
    return ["ingest", str(ctx.inputs / "in")]


def _unreadable_folder_named(ctx: Ctx) -> list[str]:
    ctx.good("good", "locked")
    _deny_folder(ctx, ctx.inputs / "locked")
    return ["ingest", str(ctx.inputs / "locked")]


def _relative_bad_beside_good(ctx: Ctx) -> list[str]:
    ctx.write("empty.txt", b"")
    ctx.good("good")
    ctx.monkeypatch.chdir(ctx.inputs)
    return ["ingest", "./empty.txt", "good.txt"]


def _url_beside_good(ctx: Ctx) -> list[str]:
    _no_proxy(ctx)
    return ["ingest", str(ctx.good("good")), "http://127.0.0.1:9/news/article.html"]


def _locked_ingest(ctx: Ctx) -> list[str]:
    _hold_lock(ctx)
    return ["ingest", str(ctx.good("good"))]


def _search_still_works(ctx: Ctx, out: str) -> None:
    code, found, err = run_cli(["search", "bridge repairs", "--json"], ctx.capsys)
    assert code == 0 and json.loads(found), err


def _legacy_store_is_stamped(ctx: Ctx, out: str) -> None:
    assert [a["title"] for a in json.loads(out)] == ["Oldmere bridge reopens"]
    assert _layout(ctx) == 1


def _eval_cases(data: bytes) -> Make:
    def make(ctx: Ctx) -> list[str]:
        return ["eval", "--cases", str(ctx.write("cases.jsonl", data))]

    return make


VERIFY_CLAIM = "The fictional Eastport ferry resumed its timetable in January."
STORE = "{home}/articles.db is damaged or not a factdesk store"

CASES: list[Case] = [
    *_file_cases(),
    Case("ingest/file/jsonl-wrong-types", _jsonl_wrong_types, 2, "must be a string, not a list", lines=3,
         stored=("pre", "jsonl-good")),
    Case("ingest/folder/symlink-loop", _symlink_loop_folder, 0, "looping symbolic link", stored=("pre", "good")),
    Case("ingest/folder/unreadable-subfolder", _unreadable_folder, 0, "cannot read the folder (Permission denied)",
         stored=("pre", "good")),
    Case("ingest/folder/unreadable-named", _unreadable_folder_named, 2, "cannot read the folder"),
    Case("ingest/file/over-a-lowered-limit",
         build(lambda ctx: (ctx.monkeypatch.setenv("FACTDESK_MAX_FILE_MB", "1"), _sparse(ctx, "mid.txt", 3 * MB // 2)),
               ["ingest", "{in}/mid.txt"]), 2,
         "{in}/mid.txt: file is 1.5 MB; the limit is 1 MB (FACTDESK_MAX_FILE_MB)"),
    Case("ingest/folder/no-files", build(lambda ctx: (ctx.inputs / "none").mkdir(), ["ingest", "{in}/none"]), 2,
         "no files to read"),
    Case("ingest/folder/only-other-types",
         build(lambda ctx: (ctx.write("pics/a.png", PNG), ctx.write("pics/b.docx", ZIP)), ["ingest", "{in}/pics"]),
         2, "2 file(s) of other types (.docx, .png)"),
    Case("ingest/file/missing-path", build(lambda ctx: None, ["ingest", "{in}/missing.txt"]), 2,
         "no such file or folder"),
    Case("ingest/file/relative-bad-beside-good", _relative_bad_beside_good, 2, "empty.txt: file is empty",
         stored=("pre", "good")),
    Case("ingest/url/unreachable-beside-good", _url_beside_good, 2, "could not fetch (ConnectError",
         stored=("pre", "good")),
    Case("ingest/file/png-real-process", ingest_file("photo.txt", PNG), 2, "binary file (a PNG image)",
         process=True),
    # Good input that looks odd: stored, and nothing on stderr.
    Case("ingest/file/utf16-with-bom", build(lambda ctx: ctx.good("utf16"), ["ingest", "{in}/utf16.txt"]), 0, "",
         lines=0, stored=("pre", "utf16")),
    Case("ingest/file/right-to-left", build(lambda ctx: ctx.good("rtl"), ["ingest", "{in}/rtl.txt"]), 0, "",
         lines=0, stored=("pre", "rtl"), after=_search_finds(ARABIC[1:20], "جسر المدينة")),
    Case("ingest/file/zero-width-characters",
         build(lambda ctx: ctx.good("zero-width"), ["ingest", "{in}/zero-width.txt"]), 0, "", lines=0,
         stored=("pre", "zero-width"), after=_stored_text("zero-width", "7000 passengers in June, a record", "\u200b")),
    Case("ingest/file/1-mb-single-line",
         build(lambda ctx: (_fake_embedder(ctx), ctx.good("big-line")), ["ingest", "{in}/big-line.txt"]), 0, "",
         lines=0, stored=("pre", "big-line"), after=_bounded_chunks),
    Case("ingest/file/pdf-300-pages",
         build(lambda ctx: (_fake_embedder(ctx), ctx.good("pdf-300-pages")), ["ingest", "{in}/long-report.pdf"]), 0,
         "", lines=0, stored=("pre", "pdf-300-pages"), after=_pages_kept),
    # Claims.
    Case("verify/empty", build(lambda ctx: None, ["verify", ""]), 2, "error: the claim is empty"),
    Case("verify/whitespace", build(lambda ctx: None, ["verify", " \t\n  "]), 2, "error: the claim is empty"),
    Case("verify/zero-width-only", build(lambda ctx: None, ["verify", "\u200b\u200f\u2060"]), 2,
         "error: the claim is empty"),
    Case("verify/20000-chars", build(lambda ctx: None, ["verify", "word " * 4000]), 2,
         "the claim is 19999 characters; a claim is a sentence or two, at most 2000"),
    Case("verify/not-a-claim-hello", build(lambda ctx: None, ["verify", "hello"]), 2,
         "'hello' is not a checkable claim"),
    Case("verify/not-a-claim-a-number", build(lambda ctx: None, ["verify", "7,000"]), 2,
         "'7,000' is not a checkable claim"),
    Case("verify/not-a-claim-one-word", build(lambda ctx: None, ["verify", "Iraq?"]), 2,
         "'Iraq?' is not a checkable claim"),
    Case("verify/german", build(lambda ctx: None, ["verify", "--json", "Die Zentralbank senkte im März den "
                                                   "Leitzins um einen halben Prozentpunkt."]), 0, "", lines=0,
         after=_json_verdict("not_enough_evidence", "Leitzins")),
    Case("verify/arabic-right-to-left", build(lambda ctx: None, ["verify", "--json", "\u200fقال البنك المركزي "
                                                                  "إن التضخم انخفض في شهر مارس\u200f"]), 0, "",
         lines=0, after=_json_verdict("not_enough_evidence", "البنك")),
    Case("verify/chinese-one-run", build(lambda ctx: None, ["verify", "--json", "东京的人口在三月增加了。"]), 0, "",
         lines=0, after=_json_verdict("not_enough_evidence", "东京")),
    Case("verify/zero-width-in-number",
         build(lambda ctx: None, ["verify", "--json", "Copper exports reached 7\u200b000 tonnes in the last quarter."]),
         0, "", lines=0, after=_json_verdict("not_enough_evidence", "7000 tonnes")),
    Case("verify/empty-store", build(lambda ctx: None, ["verify", VERIFY_CLAIM]), 2, "no articles are stored",
         pre=False, stored=()),
    # Queries.
    Case("search/empty", build(lambda ctx: None, ["search", ""]), 2, "error: the query is empty"),
    Case("search/zero-width-only", build(lambda ctx: None, ["search", "\u200b\u2060\ufeff"]), 2,
         "error: the query is empty"),
    # An article given to extract or check.
    Case("extract/missing", build(lambda ctx: None, ["extract", "{in}/nothing.txt"]), 2,
         "no such file, and no stored article has that id"),
    Case("extract/png-named-txt", build(lambda ctx: ctx.write("photo.txt", PNG), ["extract", "{in}/photo.txt"]), 2,
         "binary file (a PNG image)"),
    Case("extract/50-mb", build(lambda ctx: _sparse(ctx, "huge.md", 50 * MB), ["extract", "{in}/huge.md"]), 2,
         "the limit is 20 MB"),
    Case("extract/folder-of-two",
         build(lambda ctx: (ctx.good("good", "two"), ctx.good("pre", "two")), ["extract", "{in}/two"]), 2,
         "holds 2 articles"),
    Case("check/empty-file", build(lambda ctx: ctx.write("empty.md", b""), ["check", "{in}/empty.md"]), 2,
         "file is empty"),
    Case("check/docx", build(lambda ctx: ctx.write("notes.docx", ZIP), ["check", "{in}/notes.docx"]), 2,
         "unsupported file type .docx"),
    Case("check/html-only-scripts-and-nav",
         build(lambda ctx: ctx.write("portal.html", BOILERPLATE_HTML.encode()), ["check", "{in}/portal.html"]), 2,
         "no article text found"),
    Case("check/empty-store", build(lambda ctx: None, ["check", "{in}/good.txt"]), 2,
         "no articles are stored", pre=False, stored=()),
    # The data directory.
    Case("store/garbage-articles-db", build(_garbage("articles.db"), ["ingest", "{in}/good.txt"]), 6, STORE,
         stored=None, untouched=True, process=True),
    Case("store/truncated-articles-db", build(_truncate("articles.db", 4096), ["search", "bridge"]), 6, STORE,
         stored=None, untouched=True),
    Case("store/articles-db-deleted",
         build(lambda ctx: (ctx.home / "articles.db").unlink(), ["search", "bridge"]), 6, "articles.db is missing",
         stored=None, untouched=True),
    Case("store/garbage-chroma", build(_garbage("chroma/chroma.sqlite3", 300_000), ["verify", VERIFY_CLAIM]), 6,
         "cannot open the vector index in {home}/chroma (", stored=None, untouched=True),
    Case("store/truncated-chroma", build(_truncate("chroma/chroma.sqlite3", 100_000), ["search", "bridge"]), 6,
         "cannot open the vector index in {home}/chroma (", stored=None, untouched=True),
    Case("store/emptied-chroma", build(_truncate("chroma/chroma.sqlite3", 0), ["search", "bridge"]), 6,
         "is missing or empty but 1 article(s) are stored", stored=None, untouched=True),
    Case("store/chroma-deleted", build(lambda ctx: shutil.rmtree(ctx.home / "chroma"), ["check", "{in}/good.txt"]), 6,
         "is missing or empty", stored=None, untouched=True),
    Case("store/chroma-older-layout", build(_foreign_chroma, ["search", "bridge"]), 6,
         "Embedding function conflict", stored=None, untouched=True),
    Case("store/newer-layout", build(_sql("PRAGMA user_version = 2;"), ["ingest", "{in}/good.txt"]), 6,
         "store layout 2, from a newer factdesk; this version reads layout 1", stored=None, untouched=True),
    Case("store/older-layout",
         build(_sql("CREATE TABLE old AS SELECT id, title, outlet, url, published, source, fictional, text, added "
                    "FROM articles; DROP TABLE articles; ALTER TABLE old RENAME TO articles; "
                    "PRAGMA user_version = 0;"), ["verify", VERIFY_CLAIM]), 6,
         "older or unknown store layout (columns missing: chunker, chunks, complete)", stored=None, untouched=True),
    Case("store/no-layout-marker-is-layout-1", build(_sql("PRAGMA user_version = 0;"), ["articles", "--json"]), 0,
         "", lines=0, untouched=False, after=_legacy_store_is_stamped),
    Case("store/locked-by-another-writer", _locked_ingest, 6, "another factdesk process is writing",
         after=_search_still_works),
    Case("store/home-is-a-file", build(lambda ctx: ctx.home.write_text("not a folder"), ["search", "bridge"]), 6,
         "cannot open the data directory {home} (it is a file, not a folder)", pre=False, stored=None, untouched=True),
    # Evaluation cases.
    Case("eval/missing-cases", build(lambda ctx: None, ["eval", "--cases", "{in}/none.jsonl"]), 2,
         "no such case file", pre=False, stored=()),
    Case("eval/latin-1-cases", _eval_cases("{\"id\": \"c\", \"claim\": \"Caf\xe9\"}".encode("latin-1")), 2,
         "not UTF-8 text", pre=False, stored=()),
    Case("eval/bad-line", _eval_cases(b'{"id": "a", "claim": "A thing happened.", "label": "supported"}\n{oops\n'),
         2, "line 2", pre=False, stored=()),
    Case("eval/empty-cases", _eval_cases(b"\n\n"), 2, "no cases in the file", pre=False, stored=()),
]


# ---- running a case ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pre_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding GOOD["pre"]; each case starts from a copy (made while nothing writes to it)."""
    root = tmp_path_factory.mktemp("pre")
    name, data = GOOD["pre"]
    (root / name).write_bytes(data)
    store = Store(Settings(home=root / "home", record_mode="replay"))
    assert ingest([str(root / name)], store).added == 1
    store.close()
    return root / "home"


_references: dict[str, tuple[set[str], set[str]]] = {}


def reference(key: str, root: Path) -> tuple[set[str], set[str]]:
    """(article ids, chunk ids) of a plain ingest of GOOD[key] alone into an empty store."""
    if key not in _references:
        folder = root / f"ref-{key}"
        folder.mkdir()
        name, data = GOOD[key]
        (folder / name).write_bytes(data)
        store = Store(Settings(home=folder / "home"))
        summary = ingest([str(folder / name)], store)
        assert not summary.failures
        _references[key] = snapshot(store)
        store.close()
    return _references[key]


def snapshot(store: Store) -> tuple[set[str], set[str]]:
    """(article ids, chunk ids), checking that every article is complete and no id is stored twice."""
    rows = store.db.execute("SELECT id, complete FROM articles").fetchall()
    assert all(complete for _, complete in rows), "an article was left incomplete"
    chunks = store.collection.get(include=[])["ids"]
    assert len(chunks) == len(set(chunks)), "a chunk is stored twice"
    return {r[0] for r in rows}, set(chunks)


def files(home: Path, derived: bool = True) -> dict[str, str]:
    """Every file under the data directory and a hash of its content.

    A readable SQLite file is hashed by its rows, less Chroma's ``acquire_write`` bookkeeping, which Chroma
    writes on every open, even one that then fails; anything else by its bytes. Without ``derived``, the HNSW
    files Chroma rewrites from its SQLite rows whenever it opens the index are left out.
    """
    if home.is_file():
        return {".": _hash_file(home)}
    return {
        str(p.relative_to(home)): _hash_file(p)
        for p in sorted(home.rglob("*"))
        if p.is_file() and (derived or not (p.suffix == ".bin" and p.parent.parent.name == "chroma"))
    }


def _hash_file(path: Path) -> str:
    if path.suffix in (".db", ".sqlite3"):
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                rows = [line for line in db.iterdump() if not line.startswith('INSERT INTO "acquire_write"')]
            finally:
                db.close()
            return hashlib.sha256("\n".join(rows).encode()).hexdigest()
        except sqlite3.DatabaseError:
            pass
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_process(args: list[str]) -> tuple[int, str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "assistant", *args], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(
    case: Case, isolated: Path, tmp_path: Path, pre_home: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory,
) -> None:
    ctx = Ctx(tmp_path / "inputs", isolated, monkeypatch, capsys)
    ctx.inputs.mkdir()
    if case.pre:
        shutil.copytree(pre_home, isolated)
    try:
        args = case.make(ctx)
        before = files(isolated, derived=bool(case.untouched)) if case.unchanged else {}
        started = time.perf_counter()
        code, out, err = run_process(args) if case.process else run_cli(args, capsys)
        seconds = time.perf_counter() - started

        assert "Traceback" not in out + err
        lines = [line for line in err.splitlines() if line.strip()]
        assert (code, len(lines)) == (case.code, case.lines), err
        assert case.says.replace("{home}", str(ctx.home)).replace("{in}", str(ctx.inputs)) in err, err
        assert all(line.startswith(("error: ", "skipped ")) for line in lines), err
        assert seconds < 30, f"{case.id} took {seconds:.0f} s"
        if case.unchanged:
            assert files(isolated, derived=bool(case.untouched)) == before, "the data directory was changed"
        if case.after:
            case.after(ctx, out)
    finally:
        for undo in ctx.cleanup:
            undo()
    if case.stored is not None and not case.unchanged:
        refs = tmp_path_factory.getbasetemp() / "references"
        refs.mkdir(exist_ok=True)
        expected: tuple[set[str], set[str]] = (set(), set())
        for key in case.stored:
            ids, chunks = reference(key, refs)
            expected = (expected[0] | ids, expected[1] | chunks)
        store = Store(Settings(home=isolated))
        assert snapshot(store) == expected
        store.close()


def test_each_case_starts_from_a_plain_ingest_of_pre(pre_home: Path, tmp_path: Path) -> None:
    """What lets an unchanged data directory stand for "holds exactly the good input" in the cases above."""
    shutil.copytree(pre_home, tmp_path / "copy")
    store = Store(Settings(home=tmp_path / "copy"))
    refs = tmp_path / "references"
    refs.mkdir()
    assert snapshot(store) == reference("pre", refs)
    store.close()
