"""The store on a real Chroma server (`chroma run` on loopback): ingest, then verify from two clients.

The verdicts must equal the local store's, replaying the same recordings as
tests/test_e2e.py: prompts depend only on the claim and the retrieved evidence.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.corpus.article_table import ChromaArticleTable
from assistant.corpus.embedding import MiniLMEmbeddingFunction
from assistant.corpus.ingest import ingest
from assistant.corpus.store import Store
from assistant.llm import LLM
from assistant.settings import Settings
from assistant.verify.verifier import verify
from tests.conftest import CORPUS, run_cli
from tests.test_e2e import HEADLINE


def chroma_binary() -> str | None:
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.is_file() else shutil.which("chroma")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ChromaServer:
    """A real `chroma run` on a loopback port, which a test may kill and start again on the same data."""

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (folder / "chroma.log").open("a")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "run", "--host", "127.0.0.1", "--port", str(self.port), "--path", str(self.folder / "data")],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma server did not start: {(self.folder / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def chroma_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ChromaServer]:
    binary = chroma_binary()
    if binary is None:
        pytest.skip("the chroma server binary is not installed beside this Python (pip install chromadb)")
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    folder = tmp_path / "chroma-server"
    folder.mkdir()
    server = ChromaServer(binary, folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def chroma_url(chroma_server: ChromaServer) -> str:
    return chroma_server.url


def comparable(verdict: dict[str, object]) -> dict[str, object]:
    """A verdict without its timings, which differ from run to run."""
    usage = dict(verdict["usage"])  # type: ignore[call-overload]
    usage.pop("seconds")
    return {**{k: v for k, v in verdict.items() if k not in ("seconds", "usage")}, "usage": usage}


def test_a_team_store_on_a_chroma_server_gives_the_local_verdicts(
    chroma_url: str, isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def never(self: MiniLMEmbeddingFunction, input: list[str]) -> list[object]:
        raise AssertionError("Chroma was asked to embed: every vector must be sent with its chunk or query")

    monkeypatch.setattr(MiniLMEmbeddingFunction, "__call__", never)
    claims = [HEADLINE, "Copper prices on the London Metal Exchange fell in March."]

    local = {}
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    for claim in claims:
        code, out, err = run_cli(["verify", claim, "--json"], capsys)
        assert code == 0, err
        local[claim] = comparable(json.loads(out))

    monkeypatch.setenv("FACTDESK_CHROMA_URL", chroma_url)
    monkeypatch.setenv("FACTDESK_HOME", str(tmp_path / "alice"))
    code, out, err = run_cli(["ingest", str(CORPUS), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["added"] == 6
    assert not (tmp_path / "alice" / "articles.db").exists() and not (tmp_path / "alice" / "chroma").exists()
    for claim in claims:
        code, out, err = run_cli(["verify", claim, "--json"], capsys)
        assert code == 0, err
        assert comparable(json.loads(out)) == local[claim]

    # A teammate with an empty data directory reads the same corpus, whole texts included, from the server.
    monkeypatch.setenv("FACTDESK_HOME", str(tmp_path / "bob"))
    code, out, _ = run_cli(["articles", "--json"], capsys)
    assert code == 0 and len(json.loads(out)) == 6
    code, out, err = run_cli(["verify", HEADLINE, "--json"], capsys)
    assert code == 0, err
    assert comparable(json.loads(out)) == local[HEADLINE]
    code, out, _ = run_cli(["ingest", str(CORPUS), "--json"], capsys)
    assert json.loads(out)["unchanged"] == 6 and json.loads(out)["added"] == 0


def test_a_server_that_is_not_running_is_one_line_and_its_own_exit_code(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    monkeypatch.setattr("assistant.corpus.remote.FIRST_WAIT", 0.01)
    port = free_port()
    monkeypatch.setenv("FACTDESK_CHROMA_URL", f"http://127.0.0.1:{port}")
    for command in (["articles"], ["ingest", str(CORPUS)], ["verify", HEADLINE]):
        code, _, err = run_cli(command, capsys)
        assert code == 7, err
        assert err.strip() == (
            f"error: the Chroma server http://127.0.0.1:{port} cannot be reached (connection refused): start it "
            f"(chroma run --path DIR --port {port}) or check FACTDESK_CHROMA_URL, then run the command again"
        )
        assert "backup" not in err


def test_a_server_killed_during_an_ingest_is_the_same_line_and_a_rerun_converges(
    chroma_server: ChromaServer, isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FACTDESK_CHROMA_URL", chroma_server.url)
    monkeypatch.setattr("assistant.corpus.remote.FIRST_WAIT", 0.01)
    begin = ChromaArticleTable.begin

    def dies_after_the_rows(self: ChromaArticleTable, *args: object, **kwargs: object) -> None:
        begin(self, *args, **kwargs)  # type: ignore[arg-type]
        chroma_server.kill()  # the rows are written, the chunks not yet

    monkeypatch.setattr(ChromaArticleTable, "begin", dies_after_the_rows)
    code, _, err = run_cli(["ingest", str(CORPUS)], capsys)
    assert code == 7, err
    assert "cannot be reached" in err and "internal error" not in err and len(err.strip().splitlines()) == 1

    monkeypatch.setattr(ChromaArticleTable, "begin", begin)
    chroma_server.start()
    code, out, _ = run_cli(["articles", "--json"], capsys)
    assert code == 0 and json.loads(out) == []  # the interrupted articles are not listed
    code, out, err = run_cli(["ingest", str(CORPUS), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["added"] == 6
    code, out, _ = run_cli(["articles", "--json"], capsys)
    assert len(json.loads(out)) == 6


def test_a_reader_never_cites_an_article_whose_ingest_is_between_its_chunks_and_its_flag(
    chroma_url: str, isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FACTDESK_CHROMA_URL", chroma_url)
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    # Fictional: a second outlet's account of the same transfer, held by its writer before the flag.
    held = tmp_path / "held.jsonl"
    held.write_text(json.dumps({
        "title": "Hasakah transfer confirmed (fictional)", "outlet": "The Held Gazette (fictional)",
        "published": "2026-01-24", "fictional": True,
        "text": "The United States has transferred 150 ISIS detainees from Hasakah to Iraq, officials said. "
                "The transfer of the 150 detainees was completed on Wednesday.",
    }) + "\n")
    written, release = threading.Event(), threading.Event()
    finish = ChromaArticleTable.finish

    def held_finish(self: ChromaArticleTable, article_ids: list[str]) -> None:
        written.set()
        release.wait(timeout=120)
        finish(self, article_ids)

    monkeypatch.setattr(ChromaArticleTable, "finish", held_finish)
    writer_settings = Settings(home=tmp_path / "writer", chroma_url=chroma_url)  # type: ignore[call-arg]
    writer = threading.Thread(target=lambda: ingest([str(held)], Store(writer_settings)))
    writer.start()
    try:
        assert written.wait(timeout=120)
        reader = Settings(home=tmp_path / "reader", chroma_url=chroma_url)  # type: ignore[call-arg]
        store = Store(reader)
        stored = store.collection.get(where={"outlet": "The Held Gazette (fictional)"}, include=[])
        assert stored["ids"]  # its chunks are on the server
        verdict = verify("The United States has transferred 150 ISIS detainees to Iraq.", store, LLM(reader), reader)
        outlets = {j.citation.outlet for j in verdict.judgements if j.citation}
        assert outlets and "The Held Gazette (fictional)" not in outlets
        assert all(h.chunk.id not in stored["ids"] for h in store.query("150 detainees Hasakah", 20))
    finally:
        release.set()
        writer.join(timeout=120)
    assert any(a.outlet == "The Held Gazette (fictional)" for a in Store(reader).articles())


def test_a_malformed_server_url_is_a_configuration_error(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FACTDESK_CHROMA_URL", "localhost:8000")
    code, _, err = run_cli(["articles"], capsys)
    assert code == 3 and "FACTDESK_CHROMA_URL" in err
