"""Wall time of a whole `factdesk verify --json` process with the stance classifier, start-up included, with and
without the details reader: the issue's target is p50 <= 2.5 s on 2 cores.

    python bench/verify_process.py                 # 7 runs each, the headline claim
    python bench/verify_process.py --runs 11 --claim "..."

The bundled corpus is ingested into a temporary FACTDESK_HOME first; the package's bytecode is compiled first,
as an installed package's is (a checkout run with PYTHONDONTWRITEBYTECODE=1 compiles every module on every run,
which is also timed, as "no bytecode"). The runs alternate with and without the reader, so a busy machine slows
both alike. Printed as numbers and ratios, never asserted.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = "The United States has transferred 7,000 ISIS detainees to Iraq."
TARGET_S = 2.5


def one_run(claim: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "verify", claim, "--json"], cwd=ROOT, env=env,
                   capture_output=True, check=True)
    return time.perf_counter() - started


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    p50 = statistics.median(values)
    return f"p50 {p50:.2f} s, p95 {p95:.2f} s ({p50 / TARGET_S:.2f} of 2.5 s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--claim", default=HEADLINE)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="factdesk-bench-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FACTDESK_")}
        env["FACTDESK_HOME"] = str(home)
        subprocess.run([sys.executable, "-m", "assistant", "ingest", str(ROOT / "corpus")], cwd=ROOT, env=env,
                       capture_output=True, check=True)
        compileall.compile_dir(ROOT / "assistant", quiet=1)
        one_run(args.claim, env)  # the lexical index is built once per store
        timed: dict[str, list[float]] = {"with": [], "without": []}
        for _ in range(args.runs):
            timed["with"].append(one_run(args.claim, env))
            timed["without"].append(one_run(args.claim, {**env, "FACTDESK_DETAILS": "false"}))
        cold_env = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
        for folder in (ROOT / "assistant").rglob("__pycache__"):
            shutil.rmtree(folder)
        cold = [one_run(args.claim, cold_env) for _ in range(max(3, args.runs // 2))]
        compileall.compile_dir(ROOT / "assistant", quiet=1)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"claim: {args.claim!r}, bundled corpus, {os.cpu_count()} cores, {args.runs} runs each")
    print(f"verify --json with the details reader:    {spread(timed['with'])}")
    print(f"verify --json without it:                 {spread(timed['without'])}")
    cost = statistics.median(timed["with"]) - statistics.median(timed["without"])
    print(f"the details reader's cost per claim:      {cost:+.2f} s (p50 against p50)")
    print(f"with it, no bytecode (every module compiled each run): p50 {statistics.median(cold):.2f} s")


if __name__ == "__main__":
    main()
