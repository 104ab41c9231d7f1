"""Time what every command pays before it does anything: importing the CLI, and ``factdesk --help`` whole.

    python bench/startup.py                      # this checkout
    python bench/startup.py --tree /tmp/old      # another checkout of the package (e.g. a git worktree), same venv

Each figure is the median of ``--runs`` fresh interpreters: the cumulative import time of ``assistant.cli`` as
``python -X importtime`` reports it, the number of ``assistant`` modules it loads, and the wall time of the
``--help`` process. Printed as numbers, never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_profile(tree: Path) -> tuple[float, int]:
    """(cumulative ms importing assistant.cli, assistant modules loaded) in one fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import assistant.cli"], cwd=tree, env=env,
                          capture_output=True, text=True, check=True)
    cumulative, modules = 0.0, 0
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        name = match.group(4)
        modules += name == "assistant" or name.startswith("assistant.")
        if name == "assistant.cli":
            cumulative = int(match.group(2)) / 1000
    return cumulative, modules


def help_seconds(tree: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "--help"], cwd=tree, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=ROOT, help="The checkout whose assistant/ package to time.")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    profiles = [import_profile(args.tree) for _ in range(args.runs)]
    helps = [help_seconds(args.tree) for _ in range(args.runs)]
    print(f"tree: {args.tree}")
    print(f"import assistant.cli: median {statistics.median(p[0] for p in profiles):.0f} ms cumulative "
          f"(min {min(p[0] for p in profiles):.0f}), {profiles[0][1]} assistant modules loaded")
    print(f"factdesk --help: median {statistics.median(helps):.2f} s wall (min {min(helps):.2f}), {args.runs} runs")


if __name__ == "__main__":
    main()
