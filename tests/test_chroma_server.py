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
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.corpus.embedding import MiniLMEmbeddingFunction
from tests.conftest import CORPUS, run_cli
from tests.test_e2e import HEADLINE


def chroma_binary() -> str | None:
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.is_file() else shutil.which("chroma")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    binary = chroma_binary()
    if binary is None:
        pytest.skip("the chroma server binary is not installed beside this Python (pip install chromadb)")
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    server = subprocess.Popen(
        [binary, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "server")],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma server did not start: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


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


def test_an_unreachable_server_is_one_clear_store_error(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("FACTDESK_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    code, _, err = run_cli(["articles"], capsys)
    assert code == 6
    assert err.startswith("error: cannot open the vector index in the Chroma server http://127.0.0.1:")
    assert len(err.strip().splitlines()) == 1


def test_a_malformed_server_url_is_a_configuration_error(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FACTDESK_CHROMA_URL", "localhost:8000")
    code, _, err = run_cli(["articles"], capsys)
    assert code == 3 and "FACTDESK_CHROMA_URL" in err
