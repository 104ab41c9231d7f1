import re
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.conftest import ROOT


def test_env_prefix_and_openai_aliases(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FACTDESK_SOURCES", "6")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-abc")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
    settings = Settings()
    assert settings.sources == 6
    assert settings.base_url == "http://localhost:11434/v1" and not settings.embedded
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "sk-abc"
    assert "sk-abc" not in repr(settings)
    monkeypatch.setenv("FACTDESK_API_KEY", "sk-own")
    assert Settings().api_key.get_secret_value() == "sk-own"  # type: ignore[union-attr]


def test_defaults_use_the_embedded_model_and_home_for_recordings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FACTDESK_RECORDINGS")
    settings = Settings(home=tmp_path)
    assert settings.embedded
    assert settings.recordings_dir == tmp_path / "recordings"


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(FACTDESK_[A-Z_]+)`", readme))
    expected = {f"FACTDESK_{name.upper()}" for name in Settings.model_fields}
    assert expected <= documented, f"undocumented: {sorted(expected - documented)}"
    assert documented - expected <= {"FACTDESK_DEBUG", "FACTDESK_TEST_RECORD"}
