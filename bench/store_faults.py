"""A shared store under load and faults: a real `chroma run` on loopback, several clients, the server killed.

    python bench/store_faults.py                       # 4 clients, 200 article files, 2 server kills (minutes)
    python bench/store_faults.py --clients 2 --kills 1

Articles: generated fictional reports (invented towns and people), one JSON Lines file per article; 5 of
them are written into two clients' folders, so two clients store the same article at the same moment.

1. Ingest: every client ingests its folder at once (its own data directory, the same server). After a random
   moment (--seed) the server is killed (SIGKILL) and started again on the same data; the clients that failed
   run again. This repeats --kills times, then every client runs once more. Expected: the distinct articles,
   each listed once, with exactly the chunks the chunker makes of it, every chunk's text equal to its article's
   at its offsets.
2. Verify: every client verifies --claims claims one after another, all clients at once (the stance
   classifier: no LLM call), with one server kill in the middle, the server down for 6 s (longer than the
   retries of one call); failed verifications run again after the restart. Expected: every claim's verdict
   equals the one a lone client gets.

Printed: counts expected and found, seconds (p50 and max per command), kills survived, and every distinct
error line the clients printed, with its exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOWNS = ["Arvelle", "Brindmoor", "Castellan", "Dunmarsh", "Elderwick", "Fennick", "Galloway Rise", "Harrowgate",
         "Istrel", "Jorvale", "Kestrow", "Lumbridge"]
THINGS = [("bridge", "repair"), ("library", "extension"), ("tram depot", "upgrade"), ("school", "roof"),
          ("harbour wall", "rebuild"), ("clinic", "expansion")]
PEOPLE = ["Mara Tolvek", "Ivo Strand", "Lena Ocker", "Pavel Dunne", "Rhea Marsk", "Tobin Vale"]


def article(number: int) -> dict[str, object]:
    rng = random.Random(number)
    town, (thing, work), person = rng.choice(TOWNS), rng.choice(THINGS), rng.choice(PEOPLE)
    cost, jobs, months = rng.randint(2, 90), rng.randint(10, 400), rng.randint(3, 30)
    text = (
        f"The {town} council approved the {work} of the {thing} on Tuesday, report number {number}. "
        f"The work will cost {cost} million euros and take {months} months, the council's planning office said. "
        f"Councillor {person} said {jobs} local jobs would depend on the contract. "
        f"Opponents asked for the vote to be delayed until an audit of report {number} is published. "
        f"The {thing} was last renovated in {1950 + number % 60}, and {rng.randint(1, 9)} earlier plans failed."
    )
    return {"title": f"{town} approves {thing} {work} (fictional report {number})",
            "outlet": f"The {town} Ledger (fictional)", "published": "2026-02-03", "fictional": True, "text": text}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        binary = Path(sys.executable).parent / "chroma"
        self.binary = str(binary) if binary.is_file() else shutil.which("chroma") or "chroma"

    def start(self) -> None:
        log = (self.folder / "server.log").open("a")
        self.process = subprocess.Popen(
            [self.binary, "run", "--host", "127.0.0.1", "--port", str(self.port), "--path", str(self.folder / "data")],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        sys.exit("the chroma server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def client(url: str, home: Path, *args: str) -> tuple[int, str, str, float]:
    env = {**os.environ, "FACTDESK_HOME": str(home), "FACTDESK_CHROMA_URL": url, "FACTDESK_TEST_ALLOW_LOOPBACK": "1",
           "FACTDESK_RECORD_MODE": "replay"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - started


def errors_of(results: list[tuple[int, str, str, float]], seen: Counter[str]) -> None:
    for code, _, err, _ in results:
        if code:
            for line in err.strip().splitlines():
                seen[f"exit {code}: {line}"] += 1


def run_all(url: str, jobs: list[tuple[Path, list[str]]]) -> list[tuple[int, str, str, float]]:
    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(lambda job: client(url, job[0], *job[1]), jobs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--articles", type=int, default=200, help="article files, 5 of them duplicates")
    parser.add_argument("--kills", type=int, default=2, help="server kills during the ingest")
    parser.add_argument("--claims", type=int, default=5, help="verifications per client")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    from assistant.corpus.article import Article
    from assistant.corpus.chunking import chunk

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = Server(root)
        server.start()
        distinct = args.articles - 5
        rows = [article(n) for n in range(distinct)]
        folders = [root / f"client{c}" / "articles" for c in range(args.clients)]
        for folder in folders:
            folder.mkdir(parents=True)
        for n, row in enumerate(rows):
            (folders[n % args.clients] / f"{n:03d}.jsonl").write_text(json.dumps(row) + "\n")
        for n in range(5):  # the same article in two clients' folders, ingested at the same moment
            (folders[(n + 1) % args.clients] / f"dup{n}.jsonl").write_text(json.dumps(rows[n]) + "\n")
        expected = {Article.create(str(r["text"]), title=str(r["title"])).id: r for r in rows}
        homes = [folder.parent / "home" for folder in folders]
        seen: Counter[str] = Counter()
        ingests = [(home, ["ingest", str(folder)]) for home, folder in zip(homes, folders, strict=True)]

        seconds: list[float] = []
        for kill in range(args.kills):
            with ThreadPoolExecutor(1) as killer:
                delay = rng.uniform(2.5, 4.0)  # the clients start in about 2 s, then ingest for a few more
                killer.submit(lambda d=delay: (time.sleep(d), server.kill()))
                results = run_all(server.url, ingests)
            errors_of(results, seen)
            print(f"ingest round {kill + 1}: server killed after {delay:.1f} s; exit codes "
                  f"{sorted(r[0] for r in results)}", flush=True)
            server.start()
        results = run_all(server.url, ingests)
        errors_of(results, seen)
        seconds += [r[3] for r in results]
        print(f"ingest after the last restart: exit codes {sorted(r[0] for r in results)}; seconds p50 "
              f"{statistics.median(seconds):.1f}, max {max(seconds):.1f}", flush=True)

        code, out, _, _ = client(server.url, homes[0], "articles", "--json")
        listed = json.loads(out) if code == 0 else []
        import chromadb

        remote = chromadb.HttpClient(host="127.0.0.1", port=server.port)
        chunks = remote.get_collection("chunks").get(include=["documents", "metadatas"])
        stored = Counter(str(m["article_id"]) for m in chunks["metadatas"])
        want = {aid: len(chunk(aid, Article.create(str(r["text"]), title=str(r["title"])).text))
                for aid, r in expected.items()}
        articles_table = remote.get_collection("articles").get(include=["documents"])
        by_id = dict(zip(articles_table["ids"], articles_table["documents"], strict=True))
        offsets_ok = all(
            by_id.get(str(m["article_id"]), "")[int(m["start"]) : int(m["end"])] == doc
            for doc, m in zip(chunks["documents"], chunks["metadatas"], strict=True)
        )
        print(f"articles expected {len(expected)}, listed {len(listed)} (distinct {len({a['id'] for a in listed})}); "
              f"chunks expected {sum(want.values())}, stored {len(chunks['ids'])}; every article's chunk count "
              f"as the chunker makes it: {dict(stored) == want}; every chunk equal to its article's text at its "
              f"offsets: {offsets_ok}", flush=True)

        claims = [str(r["text"]).split(". ")[1] + "." for r in rows[: args.claims]]
        lone = []
        for claim in claims:
            code, out, _, _ = client(server.url, homes[0], "verify", claim, "--json")
            lone.append(json.loads(out)["label"] if code == 0 else f"error {code}")
        verifies = [(home, claims) for home in homes]

        def verify_all(job: tuple[Path, list[str]]) -> list[tuple[int, str, str, float]]:
            return [client(server.url, job[0], "verify", c, "--json") for c in job[1]]

        with ThreadPoolExecutor(len(verifies) + 1) as pool:
            # Down for 6 s, longer than a call's retries (3.5 s): some commands must fail and run again.
            pool.submit(lambda: (time.sleep(rng.uniform(3.0, 10.0)), server.kill(), time.sleep(6), server.start()))
            batches = list(pool.map(verify_all, verifies))
        flat = [r for b in batches for r in b]
        errors_of(flat, seen)
        again = 0
        labels = []
        for (home, claim_list), batch in zip(verifies, batches, strict=True):
            for claim, (code, out, _, _) in zip(claim_list, batch, strict=True):
                if code:
                    again += 1
                    code, out, _, _ = client(server.url, home, "verify", claim, "--json")
                labels.append(json.loads(out)["label"] if code == 0 else f"error {code}")
        times = [r[3] for r in flat if r[0] == 0]
        print(f"verify: {len(flat)} commands from {len(verifies)} clients at once, one server kill; {again} failed "
              f"and ran again after the restart; verdicts equal to a lone client's: "
              f"{labels == lone * len(verifies)}; seconds p50 {statistics.median(times):.1f}, max {max(times):.1f}")
        print(f"kills survived: {args.kills + 1}; distinct error lines the clients printed:")
        for line, count in sorted(seen.items()):
            print(f"  {count} x {line}")
        server.kill()


if __name__ == "__main__":
    main()
