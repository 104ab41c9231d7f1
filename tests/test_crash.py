"""Crash safety: an ingest killed with SIGKILL at random points, 20 times, then re-run, leaves the store
identical to a clean ingest (same chunk ids and count, no duplicates, no half-written article)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.ingest import ingest
from assistant.settings import Settings
from assistant.store import Store
from tests.conftest import CORPUS, ROOT

KILLS = 20


def corpus(folder: Path) -> Path:
    """The bundled corpus plus 40 generated articles, so an ingest lasts long enough to be killed inside."""
    folder.mkdir()
    (folder / "articles.jsonl").write_text((CORPUS / "articles.jsonl").read_text())
    rng = random.Random(3)
    words = (CORPUS / "articles.jsonl").read_text().split()
    with (folder / "generated.jsonl").open("w") as out:
        for i in range(40):
            sentences = [" ".join(rng.choice(words) for _ in range(18)) + "." for _ in range(30)]
            out.write(json.dumps({"title": f"Generated {i} (fictional)", "fictional": True,
                                  "text": " ".join(sentences)}) + "\n")
    return folder


def state(home: Path) -> tuple[list[tuple[str, int]], list[str], list[str]]:
    store = Store(Settings(home=home))
    articles = store.db.execute("SELECT id, complete FROM articles ORDER BY id").fetchall()
    ids = store.collection.get(include=[])["ids"]
    store.close()
    return articles, sorted(ids), ids


def test_sigkill_during_ingest_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    source = corpus(tmp_path / "in")
    reference = tmp_path / "reference"
    ingest([str(source)], Store(Settings(home=reference)))
    expected_articles, expected_ids, _ = state(reference)

    home = tmp_path / "killed"
    env = {**os.environ, "FACTDESK_HOME": str(home)}
    rng = random.Random(11)
    killed_mid_write = 0
    for _ in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant", "ingest", str(source)], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(1.5, 4.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed_mid_write += 1
        process.wait()
    final = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(source), "--json"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=600,
    )
    assert final.returncode == 0, final.stderr
    articles, ids, raw_ids = state(home)
    assert killed_mid_write >= KILLS // 2  # most kills landed while the ingest was running
    assert articles == expected_articles and all(complete == 1 for _, complete in articles)
    assert ids == expected_ids
    assert len(raw_ids) == len(set(raw_ids))


def test_two_ingests_at_once_serialise_on_the_write_lock(tmp_path: Path) -> None:
    source = corpus(tmp_path / "in")
    subset = tmp_path / "subset"
    subset.mkdir()
    (subset / "articles.jsonl").write_text((source / "articles.jsonl").read_text())
    reference = tmp_path / "reference"
    ingest([str(source)], Store(Settings(home=reference)))
    expected_articles, expected_ids, _ = state(reference)

    home = tmp_path / "shared"
    env = {**os.environ, "FACTDESK_HOME": str(home)}
    runs = [
        subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(folder)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for folder in (source, subset)
    ]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    articles, ids, raw_ids = state(home)
    assert articles == expected_articles
    assert ids == expected_ids and len(raw_ids) == len(set(raw_ids))
