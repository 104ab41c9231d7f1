"""Prompt files: versioned with the code, so a prompt change shows in a diff and in the recordings' keys."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent
_FOLDERS = (_HERE.parent / "prompts", _HERE / "_prompts")


@cache
def prompt(name: str) -> str:
    """The text of ``prompts/NAME.md`` (from the source tree, or as packaged in a wheel)."""
    for folder in _FOLDERS:
        path = folder / f"{name}.md"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
    raise FileNotFoundError(f"prompt {name!r} not found in {', '.join(map(str, _FOLDERS))}")
