"""Speed of `factdesk check` with the embedded model: one article, then a resumable batch killed midway.

    python bench/check.py                      # the seed article, 3 timed runs, then the 20-article batch
    python bench/check.py --runs 1 --no-batch  # the seed article once
    python bench/check.py --tree /tmp/old      # the same measure of another checkout (e.g. a git worktree)

Seed article: each timed run is a new process (`python -m assistant check`) in a new data directory holding
the ingested corpus and the joined model file (linked, not copied: the model's join and checksum are not
timed), with the response cache off. Before it, `extract` of another corpus article runs untimed, so the
system prompt's saved state exists, as it does on any machine after its first check. Wall seconds are the
process's, start-up and model load included; the stage seconds and tokens are the report's.

Batch: 20 articles (the bundled corpus and the evaluation corpora, one file each), ingested, then checked as
one run. A first, uninterrupted run in its own data directory gives articles per hour. A second run in another
data directory is killed (SIGKILL) at random moments (--seed) and started again until it finishes; the script
then checks that the last run printed every article exactly once and that the kept results hold no claim
verified twice.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED_TITLE = "Rubio welcomes Iraqi initiative"


def home_with_model(folder: Path, model: Path) -> Path:
    """A data directory holding the joined model (hard-linked where possible) and its checksum stamp."""
    models = folder / "models"
    models.mkdir(parents=True)
    for source in (model, model.with_suffix(".verified")):
        try:
            os.link(source, models / source.name)
        except OSError:
            shutil.copy2(source, models / source.name)
    return folder


def factdesk(tree: Path, home: Path, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FACTDESK_HOME": str(home), "FACTDESK_CACHE": "false", "FACTDESK_RECORD_MODE": "live"}
    env.pop("FACTDESK_CHROMA_URL", None)
    env.pop("FACTDESK_GGUF", None)
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=tree, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def stored_ids(tree: Path, home: Path) -> dict[str, str]:
    listed = factdesk(tree, home, "articles", "--json")
    return {a["title"]: a["id"] for a in json.loads(listed.stdout)}


def seed_runs(tree: Path, model: Path, runs: int, scratch: Path) -> None:
    walls, stages = [], []
    for run in range(runs):
        home = home_with_model(scratch / f"seed{run}", model)
        factdesk(tree, home, "ingest", str(ROOT / "corpus"))
        ids = stored_ids(tree, home)
        seed = next(i for t, i in ids.items() if t.startswith(SEED_TITLE))
        other = next(i for t, i in ids.items() if not t.startswith(SEED_TITLE))
        factdesk(tree, home, "extract", other)  # untimed: saves the system prompt's state
        started = time.perf_counter()
        done = factdesk(tree, home, "check", seed, "--json")
        walls.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"check failed: {done.stderr.strip()}")
        # One JSON line per article; a checkout from before batch checks prints one indented object.
        report = json.loads(done.stdout) if done.stdout.lstrip().startswith("{\n") else json.loads(
            done.stdout.splitlines()[0])
        usage = report["usage"]
        stages.append(report)
        print(f"  run {run + 1}: {walls[-1]:.1f} s wall; report {report['seconds']:.1f} s "
              f"(extraction {report.get('extract_seconds', float('nan')):.1f} s, "
              f"verification {report.get('verify_seconds', float('nan')):.1f} s); {usage['calls']} LLM calls, "
              f"{usage['prompt_tokens'] - usage['cached_prompt_tokens']} prompt tokens evaluated "
              f"({usage['cached_prompt_tokens']} reused), {usage['completion_tokens']} completion tokens, "
              f"{usage['seconds']:.1f} s in the model; {len(report['checks'])} claims: {report['counts']}",
              flush=True)
    print(f"seed article check: wall p50 {statistics.median(walls):.1f} s (min {min(walls):.1f}, max "
          f"{max(walls):.1f}, n={len(walls)}); completion tokens "
          f"{statistics.median(r['usage']['completion_tokens'] for r in stages):.0f}")


def batch_files(scratch: Path, count: int) -> list[Path]:
    """One file per article: the bundled corpus first, then the evaluation corpora."""
    rows = [json.loads(line) for line in (ROOT / "corpus" / "articles.jsonl").read_text().splitlines() if line]
    for corpus in sorted((ROOT / "evals" / "corpora").iterdir()):
        for file in sorted(corpus.glob("*.jsonl")):
            rows += [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
    folder = scratch / "batch-articles"
    folder.mkdir()
    files = []
    for number, row in enumerate(rows[:count], start=1):
        path = folder / f"{number:02d}.jsonl"
        path.write_text(json.dumps(row) + "\n")
        files.append(path)
    return files


def batch_home(tree: Path, model: Path, folder: Path, files: list[Path]) -> Path:
    home = home_with_model(folder, model)
    for file in files:
        factdesk(tree, home, "ingest", str(file))
    return home


def batch(tree: Path, model: Path, count: int, seed: int, scratch: Path) -> None:
    files = batch_files(scratch, count)
    targets = [str(f) for f in files]
    home = batch_home(tree, model, scratch / "batch-clean", files)
    started = time.perf_counter()
    done = factdesk(tree, home, "check", *targets, "--json")
    wall = time.perf_counter() - started
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    claims = sum(len(r["checks"]) for r in reports)
    verified = sum(1 for r in reports for c in r["checks"] if c["verdict"])
    print(f"batch of {len(reports)} articles, uninterrupted: {wall:.0f} s wall, {3600 * len(reports) / wall:.0f} "
          f"articles per hour; {claims} claims, {verified} verified", flush=True)

    rng = random.Random(seed)
    home = batch_home(tree, model, scratch / "batch-killed", files)
    env = {**os.environ, "FACTDESK_HOME": str(home), "FACTDESK_CACHE": "false", "FACTDESK_RECORD_MODE": "live"}
    env.pop("FACTDESK_GGUF", None)
    kills = 0
    total = 0.0
    while True:
        process = subprocess.Popen([sys.executable, "-m", "assistant", "check", *targets, "--json"], cwd=tree,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started = time.perf_counter()
        wait = rng.uniform(5, wall / 3) if kills < 3 else None
        try:
            stdout, stderr = process.communicate(timeout=wait)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            kills += 1
            total += time.perf_counter() - started
            print(f"  killed after {time.perf_counter() - started:.0f} s (kill {kills})", flush=True)
            continue
        total += time.perf_counter() - started
        if process.returncode != 0:
            sys.exit(f"batch failed: {stderr.strip()}")
        break
    final = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    per_article = Counter(r["article_id"] for r in final)
    twice = 0
    for journal in (home / "checks").glob("*/*.jsonl"):
        numbers = Counter(json.loads(line)["claim"] for line in journal.read_text().splitlines()
                          if line.strip().startswith('{"claim"'))
        twice += sum(n - 1 for n in numbers.values() if n > 1)
    same = sorted(json.dumps(r["counts"], sort_keys=True) for r in final) == sorted(
        json.dumps(r["counts"], sort_keys=True) for r in reports)
    print(f"batch killed {kills} times and resumed: {total:.0f} s in all; the last run reported {len(final)} "
          f"articles ({sum(1 for r in final if r['resumed'])} from kept results), each exactly once: "
          f"{len(per_article) == len(files) and set(per_article.values()) == {1}}; claims verified twice: {twice}; "
          f"verdict counts equal to the uninterrupted run's: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="timed checks of the seed article")
    parser.add_argument("--articles", type=int, default=20, help="articles in the batch")
    parser.add_argument("--no-batch", action="store_true", help="only the seed article")
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill moments")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = parser.parse_args()

    from assistant.llm.embedded import model_file
    from assistant.settings import Settings

    model = model_file(Settings().home)
    print(f"{os.cpu_count()} CPUs; tree {args.tree}; model {model.name}")
    with tempfile.TemporaryDirectory() as tmp:
        seed_runs(args.tree.resolve(), model, args.runs, Path(tmp))
        if not args.no_batch:
            batch(args.tree.resolve(), model, args.articles, args.seed, Path(tmp))


if __name__ == "__main__":
    main()
