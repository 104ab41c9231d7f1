"""A real OpenAI-compatible server: llama.cpp's own (``python -m llama_cpp.server``) on loopback, the small model.

No structured-output setting is given: factdesk must find that this server
takes ``json_object`` with a schema (it answers HTTP 500 to ``json_schema``),
remember it, and go straight to it next time. The commands run as real
processes, so their whole stderr is what a user would see.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS, ROOT

pytestmark = [pytest.mark.real_model, pytest.mark.usefixtures("allow_model_requests")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LlamaServer:
    def __init__(self, gguf: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
             "--port", str(self.port), "--n_ctx", "4096", "--n_threads", "2"],
            stdout=log.open("w"), stderr=subprocess.STDOUT,
        )

    def wait(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.5)
        raise RuntimeError("llama_cpp.server did not start in time")

    def failed_requests(self) -> int:
        """Chat requests the server answered with an error, from its access log."""
        return sum('"POST /v1/chat/completions' in line and '" 200' not in line
                   for line in self.log.read_text(errors="replace").splitlines())


@pytest.fixture(scope="module")
def server(small_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    # Loopback is allowed while this module runs, and the setting is undone after it, not left to later tests.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
        running = LlamaServer(small_gguf, tmp_path_factory.mktemp("llama-server") / "server.log")
        try:
            running.wait()
            yield running
        finally:
            running.process.terminate()
            running.process.wait(30)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-home")


def factdesk(server: LlamaServer, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "FACTDESK_STRUCTURED_MODE"}
    environment.update(PYTHONPATH=str(ROOT), FACTDESK_HOME=str(home), FACTDESK_BASE_URL=server.url,
                       FACTDESK_RECORD_MODE="live", FACTDESK_CACHE="0", FACTDESK_MODEL="qwen-small", **env)
    return subprocess.run([sys.executable, "-m", "assistant", *args], env=environment, cwd=ROOT,
                          capture_output=True, text=True, timeout=400)


ARTICLE = (
    "Fictional article. The Vellmar town council voted on Monday to close the Ostrand ferry pier in March 2027. "
    "The council said repairs would cost 4 million euros. Mayor Ines Dahl said a new pier would open in 2029.\n"
)


def test_extract_negotiates_the_dialect_and_the_next_command_goes_straight_to_it(
    server: LlamaServer, home: Path, tmp_path: Path
) -> None:
    article = tmp_path / "vellmar.txt"
    article.write_text(ARTICLE)
    done = factdesk(server, home, "extract", str(article), "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""  # no library log line, not even for the refused first dialect
    claims = json.loads(done.stdout)
    assert claims and all(ARTICLE[c["start"] : c["end"]] == c["source_sentence"] for c in claims)
    remembered = json.loads((home / "endpoints.json").read_text())
    assert remembered == {server.url: "json_object"}
    failed = server.failed_requests()
    assert failed == 1  # json_schema, refused once with HTTP 500, and not retried

    again = factdesk(server, home, "extract", str(article), "--json")
    assert again.returncode == 0, again.stderr
    assert server.failed_requests() == failed  # the second run made no failed request first


def test_ask_and_verify_through_the_server(server: LlamaServer, home: Path) -> None:
    assert factdesk(server, home, "ingest", str(CORPUS)).returncode == 0
    asked = factdesk(server, home, "ask", "How many detainees did the U.S. military say it moved to Iraq?",
                     "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["text"] and answer["usage"]["calls"] >= 1 and answer["usage"]["replayed"] == 0
    verified = factdesk(server, home, "verify", "The U.S. military moved 150 ISIS detainees to Iraq.", "--json",
                        FACTDESK_JUDGE="llm", FACTDESK_SOURCES="2")
    assert verified.returncode == 0, verified.stderr
    verdict = json.loads(verified.stdout)
    assert verdict["label"] in ("supported", "refuted", "conflicting", "not_enough_evidence")
    assert verdict["usage"]["calls"] >= 1 and verdict["judgements"]
    assert verified.stderr.strip() == ""
    # llama.cpp's server returns logprobs, so the judge is scored by its one-letter answer (FACTDESK_JUDGE_SCORING
    # auto): every judgement carries the three letters' probabilities, and one call per source plus one per citation.
    judgements = verdict["judgements"]
    assert all(j["scores"] is not None for j in judgements), judgements
    assert all(abs(sum(j["scores"].values()) - 1.0) < 1e-6 for j in judgements)
    assert len(judgements) <= verdict["usage"]["calls"] <= 2 * len(judgements)


def test_the_probe_names_the_dialect_streaming_and_logprobs(server: LlamaServer, home: Path) -> None:
    done = factdesk(server, home, "endpoint", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    lines = {c["name"]: c for c in result["capabilities"]}
    assert result["dialect"] == "json_object"
    assert lines["reachable"]["ok"] and lines["structured output"]["ok"] and lines["streaming"]["ok"]
    assert lines["log-probabilities"]["ok"]
