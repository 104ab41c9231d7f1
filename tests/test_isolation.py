"""The tests' own guard: no real model can be reached from a test, in-process or from a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.llm import LLM
from assistant.llm.guard import ALLOW_MODEL_REQUESTS
from assistant.settings import Settings
from tests.conftest import CORPUS, ROOT


def test_a_live_embedded_model_is_refused_inside_a_test(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="model requests are blocked"):
        LLM(Settings(home=tmp_path, record_mode="live"))  # type: ignore[arg-type]


def test_a_remote_endpoint_is_refused_inside_a_test_and_loopback_is_not(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"llm\.example is not called"):
        LLM(Settings(home=tmp_path, record_mode="record", base_url="https://llm.example/v1"))  # type: ignore[arg-type]
    LLM(Settings(home=tmp_path, record_mode="live", base_url="http://127.0.0.1:9/v1"))  # type: ignore[arg-type]


def test_the_opt_in_lifts_the_block(tmp_path: Path, allow_model_requests: None) -> None:
    assert os.environ[ALLOW_MODEL_REQUESTS] == "1"
    LLM(Settings(home=tmp_path, record_mode="live", base_url="https://llm.example/v1"))  # type: ignore[arg-type]


def test_a_child_process_inherits_the_block_even_when_asked_for_live_mode(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), FACTDESK_RECORD_MODE="live", FACTDESK_JUDGE="llm")
    assert subprocess.run([sys.executable, "-m", "assistant", "ingest", str(CORPUS)], env=env, cwd=ROOT,
                          capture_output=True, timeout=120).returncode == 0
    done = subprocess.run([sys.executable, "-m", "assistant", "verify", "The ferry pier in Vellmar closed in 2027."],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert "model requests are blocked" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def seen_by_a_module_fixture() -> dict[str, str]:
    """What a module-scoped fixture reads: it runs before the per-test guard of conftest.isolated."""
    return dict(os.environ)


def test_module_fixtures_already_see_the_safe_environment(seen_by_a_module_fixture: dict[str, str]) -> None:
    env = seen_by_a_module_fixture
    assert env.get("FACTDESK_RECORD_MODE") == "replay" and env.get(ALLOW_MODEL_REQUESTS) == "0"
    assert "OPENAI_API_KEY" not in env and "FACTDESK_BASE_URL" not in env
