"""Prompt files: versioned with the code, so a prompt change shows in a diff and in the recordings' keys."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent
_FOLDERS = (_HERE.parent / "prompts", _HERE / "_prompts")
_DELIMITER = re.compile(r"</?\s*(evidence|passages|conversation)\s*>", re.I)


@cache
def prompt(name: str) -> str:
    """The text of ``prompts/NAME.md`` (from the source tree, or as packaged in a wheel)."""
    for folder in _FOLDERS:
        path = folder / f"{name}.md"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
    raise FileNotFoundError(f"prompt {name!r} not found in {', '.join(map(str, _FOLDERS))}")


def as_data(text: str) -> str:
    """Text from an article (or a user) with our delimiter tags defused, so it cannot close its block."""
    return _DELIMITER.sub(lambda m: m.group(0).replace("<", "(").replace(">", ")"), text)
