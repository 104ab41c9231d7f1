"""Test isolation: a fresh data directory, replayed model calls and no network, for every test.

Set FACTDESK_TEST_RECORD=1 to re-record the recordings under tests/recordings
with the live embedded model (the only time tests may call a model); point
FACTDESK_GGUF at an already joined model file to skip joining it per test.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.llm.guard import ALLOW_MODEL_REQUESTS, LOOPBACK
from assistant.llm.recorder import USED_LOG

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = ROOT / "tests" / "recordings"
# One file per test run, outside every test's own folder; keys used by child processes land here.
USED_KEYS_FILE = Path(tempfile.gettempdir()) / f"factdesk-recordings-used-{os.getpid()}.txt"
CORPUS = ROOT / "corpus"
RECORDING = os.environ.get("FACTDESK_TEST_RECORD") == "1"
KEPT = ("FACTDESK_TEST_RECORD", "FACTDESK_THREADS", "FACTDESK_REQUIRE_REAL_MODEL", "FACTDESK_REQUIRE_BROWSER") + (
    ("FACTDESK_GGUF",) if RECORDING else ()
)


def _safe_environment() -> dict[str, str]:
    """What every test starts from: replay, the tests' recordings, and no real model request allowed."""
    return {
        "FACTDESK_RECORD_MODE": "record" if RECORDING else "replay",
        "FACTDESK_RECORDINGS": str(RECORDINGS),
        ALLOW_MODEL_REQUESTS: "1" if RECORDING else "0",
    }


def pytest_configure(config: pytest.Config) -> None:
    """Before any fixture (module-scoped ones included) reads it: the user's settings out, the safe ones in.

    Child processes inherit this environment, so a subprocess test cannot reach a live model either.
    """
    for name in list(os.environ):
        if (name.startswith("FACTDESK_") and name not in KEPT) or name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            del os.environ[name]
    os.environ.update(_safe_environment())


class NetworkBlocked(RuntimeError):
    pass


def _guard(original):  # type: ignore[no-untyped-def]
    def connect(self, address):  # type: ignore[no-untyped-def]
        if self.family == socket.AF_UNIX:
            return original(self, address)
        host = address[0] if isinstance(address, tuple) else address
        if os.environ.get("FACTDESK_TEST_ALLOW_LOOPBACK") == "1" and host in LOOPBACK:
            return original(self, address)
        raise NetworkBlocked(f"network access attempted in a test: {address!r}")

    return connect


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test: its own FACTDESK_HOME, replay mode, and sockets that refuse to connect."""
    for name in list(os.environ):
        if name.startswith("FACTDESK_") and name not in KEPT:
            monkeypatch.delenv(name)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("FACTDESK_HOME", str(home))
    for name, value in _safe_environment().items():
        monkeypatch.setenv(name, value)
    # Fake endpoints script different answers to the same request; a test of the response cache opts in.
    monkeypatch.setenv("FACTDESK_CACHE", "0")
    # Child processes (the chat in a terminal, subprocess runs) report the recordings they use here.
    monkeypatch.setenv(USED_LOG, str(USED_KEYS_FILE))
    monkeypatch.setattr(socket.socket, "connect", _guard(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guard(socket.socket.connect_ex))
    yield home


@pytest.fixture
def allow_model_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in: this test may load and call a real model (the real-model tests, nothing else)."""
    monkeypatch.setenv(ALLOW_MODEL_REQUESTS, "1")


@pytest.fixture(scope="session")
def small_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small real model (Qwen2.5-Coder-0.5B, ``.[realmodel]``), joined and hash-checked once per run.

    Skipped when llama-cpp-python or the model is not installed; FACTDESK_REQUIRE_REAL_MODEL=1 (CI) fails instead.
    """
    import importlib.util

    from assistant.llm.embedded import SMALL, model_file

    missing = None
    if importlib.util.find_spec("llama_cpp") is None:
        missing = "llama-cpp-python is not installed"
    elif importlib.util.find_spec(SMALL.package.format(1)) is None:
        missing = "the small test model is not installed"
    if missing is not None:
        if os.environ.get("FACTDESK_REQUIRE_REAL_MODEL") == "1":
            pytest.fail(f"{missing}: pip install -e '.[realmodel]'")
        pytest.skip(f"{missing}: pip install -e '.[realmodel]'")
    return model_file(tmp_path_factory.mktemp("small-model"), SMALL)


@pytest.fixture
def llm_judge(monkeypatch: pytest.MonkeyPatch) -> None:
    """The LLM judge instead of the default classifier: for tests of that path, which replay its recordings."""
    monkeypatch.setenv("FACTDESK_JUDGE", "llm")


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``factdesk ARGS`` in-process through the real entry point (less its quick exit); (exit code, stdout,
    stderr)."""
    from assistant.cli import run

    argv = sys.argv
    sys.argv = ["factdesk", *args]
    code = 0
    try:
        run()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    """Name the recordings no test used; FACTDESK_TEST_PRUNE=1 deletes them (run the whole suite first)."""
    from assistant.llm.recorder import RecordingTransport

    used = RecordingTransport.used_keys | set(USED_KEYS_FILE.read_text().split() if USED_KEYS_FILE.exists() else [])
    USED_KEYS_FILE.unlink(missing_ok=True)
    if not RecordingTransport.used_keys:
        return
    unused = sorted(p for p in RECORDINGS.glob("*.json") if p.stem not in used)
    if not unused:
        return
    if os.environ.get("FACTDESK_TEST_PRUNE") == "1":
        for path in unused:
            path.unlink()
        terminalreporter.write_line(f"pruned {len(unused)} unused recording(s)")
    else:
        terminalreporter.write_line(f"{len(unused)} recording(s) under tests/recordings were not used by this run")
