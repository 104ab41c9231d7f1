"""Retrieval and verification latency at 1k, 10k and 100k chunks: p50/p95 per claim, on this machine.

    python bench/retrieval.py                        # 1k, 10k, 100k chunks (about 10 minutes on 2 cores)
    python bench/retrieval.py --sizes 1000,10000     # smaller

Embedding 100k chunks at ~25 chunks/s would take over an hour, so the corpus
is synthetic and its vectors are derived cheaply: about 1,500 sentences
(the bundled corpus's plus templated ones on a dozen topics) are embedded
once for real; each synthetic chunk is four of those sentences, with their
numbers changed, and its vector is the normalised mean of the four sentence
vectors plus a little noise. Chunks are inserted with those precomputed
vectors, and their text feeds the BM25 index as usual. Nothing is downloaded.

For each size it reports the time to insert, the first query in a new
process (Chroma opening its index; BM25 loaded from the saved index), the
BM25 build the first query after an ingest pays, and p50/p95 over many
queries of ``retrieve()``: embedding the claim, the dense query, BM25, fusion,
reading the articles and picking their sentences. The queries are the
labelled claims of evals/ plus templated claims.

It also times ``verify()`` with the default classifier judge (retrieval,
every window scored, aggregation: the whole verdict, 0 LLM calls) per claim,
and a whole ``factdesk verify --json`` process, start-up included, at each size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNKS_PER_ARTICLE = 5
SENTENCES_PER_CHUNK = 4
TEMPLATES = [
    "The {place} city council approved {n} million dollars for {thing} on {day} {month}.",
    "Officials in {place} said {n} people were evacuated after flooding along the {river} river.",
    "{person}, a spokesperson for the {body}, said the {thing} would open in {month}.",
    "Prices of {goods} on the {market} rose {n} percent in {month}, traders said.",
    "The {body} reported that {n} detainees were moved from {place} to a facility near {place2}.",
    "A survey of {n} residents in {place} found that most supported the new {thing}.",
    "{person} told reporters in {place} that the {body} had not agreed to the {thing}.",
    "Construction of the {thing} in {place} is expected to cost {n} million and finish by {month}.",
    "The {body} said up to {n} workers could lose their jobs if the {thing} in {place} closes.",
    "Police in {place} arrested {n} people on {day} {month} after protests over the {thing}.",
    "Exports of {goods} from {place} fell to {n} tonnes last {month}, the {body} said.",
    "The {river} river reached {n} centimetres above normal at {place} on {day} {month}.",
]
VOCAB = {
    "place": ["Hasakah", "Qamishli", "Erbil", "Baghdad", "Mosul", "Riverton", "Lakeside", "Port Ellis", "Northgate",
              "Millbrook", "Ashford", "Kirkuk", "Raqqa", "Deir ez-Zor", "Dohuk", "Fairview"],
    "thing": ["water treatment plant", "bridge repair", "detention facility", "school expansion", "rail link",
              "solar farm", "hospital wing", "housing project", "border crossing", "port terminal"],
    "body": ["Interior Ministry", "US Central Command", "city council", "regional water board", "United Nations",
             "Kurdish authorities", "European Commission", "transport ministry"],
    "person": ["Maria Lopez", "Ahmed Karim", "John Reyes", "Sara Haddad", "Tom Becker", "Lina Yusuf", "Marco Rubio"],
    "goods": ["copper", "wheat", "crude oil", "cotton", "steel", "natural gas"],
    "market": ["London Metal Exchange", "Chicago Board of Trade", "regional exchange", "spot market"],
    "river": ["Euphrates", "Tigris", "Khabur", "Silver", "Elm"],
    "month": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"],
}
_NUMBER = re.compile(r"\d[\d,]*")


def fill(template: str, rng: random.Random) -> str:
    values = {k: rng.choice(v) for k, v in VOCAB.items()}
    values["place2"] = rng.choice(VOCAB["place"])
    values["day"] = str(rng.randint(1, 28))
    values["n"] = f"{rng.choice([3, 12, 40, 150, 230, 800, 1500, 5000, 7000]):,}"
    return template.format(**values)


def base_sentences(count: int, rng: random.Random) -> list[str]:
    from assistant.corpus.chunking import sentences
    from assistant.corpus.loaders import load

    pool = []
    for article in load(str(ROOT / "corpus")).articles:
        pool += [article.text[s.start : s.end] for s in sentences(article.text) if s.end - s.start > 40]
    seen = set(pool)
    while len(pool) < count:
        sentence = fill(rng.choice(TEMPLATES), rng)
        if sentence not in seen:
            seen.add(sentence)
            pool.append(sentence)
    return pool


def queries(count: int, rng: random.Random) -> list[str]:
    cases = ROOT / "evals" / "cases" / "verify_corpus.jsonl"
    rows = [json.loads(line) for line in cases.read_text().splitlines() if line.strip()]
    claims = [row["claim"] for row in rows if "claim" in row]  # the first line is the file's header
    while len(claims) < count:
        claims.append(fill(rng.choice(TEMPLATES), rng))
    return claims[:count]


class Synthesiser:
    """Synthetic articles whose chunk vectors are derived from real sentence embeddings."""

    def __init__(self, sentences: list[str], vectors: np.ndarray, seed: int) -> None:
        self.sentences = sentences
        self.vectors = vectors
        self.rng = np.random.default_rng(seed)
        self.made = 0

    def _renumber(self, sentence: str) -> str:
        return _NUMBER.sub(lambda _: f"{int(self.rng.integers(2, 9000)):,}", sentence)

    def articles(self, count: int) -> list[tuple[object, list[object], np.ndarray]]:
        from assistant.corpus.article import Article
        from assistant.corpus.chunking import Chunk, chunk_id

        out = []
        for _ in range(count):
            self.made += 1
            picks = self.rng.integers(0, len(self.sentences), size=(CHUNKS_PER_ARTICLE, SENTENCES_PER_CHUNK))
            texts = [" ".join(self._renumber(self.sentences[i]) for i in row) for row in picks]
            mixed = self.vectors[picks].mean(axis=1) + self.rng.normal(0, 0.01, size=(CHUNKS_PER_ARTICLE, 384))
            mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
            body = "\n\n".join(texts)
            article = Article.create(
                body, title=f"Synthetic report {self.made}", outlet=f"Bench Outlet {self.made % 50}",
                published=f"2025-{1 + self.made % 12:02d}-{1 + self.made % 28:02d}", source="bench",
            )
            chunks, offset = [], 0
            for index, text in enumerate(texts):
                start = article.text.index(text, offset)
                end = start + len(text)
                chunks.append(Chunk(chunk_id(article.id, start, end), article.id, index, start, end, text))
                offset = end
            out.append((article, chunks, mixed.astype(np.float32)))
        return out


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def child(home: str, claim: str) -> None:
    """The first query of a new process: what one `factdesk verify` pays before the model."""
    os.environ["FACTDESK_HOME"] = home
    from assistant.corpus.embedding import get_embedder
    from assistant.corpus.store import Store, quiet_chroma
    from assistant.settings import Settings
    from assistant.verify.retrieve import retrieve

    quiet_chroma()
    settings = Settings()
    get_embedder(settings.embed_threads)  # loading the embedding model (~1 s) is not retrieval
    started = time.perf_counter()
    store = Store(settings)
    store.collection.count()
    opened = time.perf_counter() - started
    retrieve(store, claim, settings.sources, settings.sentences)
    print(json.dumps({"open": opened, "first": time.perf_counter() - started}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="chunk counts, ascending")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--base", type=int, default=1500, help="sentences embedded for real")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--claim", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.claim)
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))

    with tempfile.TemporaryDirectory() as tmp:
        home = str(Path(tmp) / "home")
        os.environ["FACTDESK_HOME"] = home
        from assistant.corpus.chunking import CHUNKER_VERSION
        from assistant.corpus.embedding import get_embedder
        from assistant.corpus.store import Store, quiet_chroma
        from assistant.llm import LLM
        from assistant.settings import Settings
        from assistant.verify.retrieve import retrieve
        from assistant.verify.verifier import verify

        quiet_chroma()
        settings = Settings()
        llm = LLM(settings.model_copy(update={"record_mode": "replay"}))
        chunker = f"{CHUNKER_VERSION}:{settings.chunk_chars}"
        rng = random.Random(args.seed)
        embedder = get_embedder(settings.embed_threads)
        started = time.perf_counter()
        pool = base_sentences(args.base, rng)
        vectors = embedder.embed(pool)
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
              f"embedded {len(pool)} base sentences for real in {time.perf_counter() - started:.1f} s")
        print(f"synthetic chunks: {SENTENCES_PER_CHUNK} base sentences each (numbers changed), vector = normalised "
              f"mean of theirs + N(0, 0.01) noise; {CHUNKS_PER_ARTICLE} chunks per article, 50 outlets")
        synth = Synthesiser(pool, vectors, args.seed)
        claims = queries(args.queries, rng)
        store = Store(settings)
        rows = []
        total = 0
        for size in sizes:
            started = time.perf_counter()
            while total < size:
                batch = min(1000, (size - total + CHUNKS_PER_ARTICLE - 1) // CHUNKS_PER_ARTICLE)
                store.add_many(synth.articles(batch), chunker)  # type: ignore[arg-type]
                total += batch * CHUNKS_PER_ARTICLE
            insert = time.perf_counter() - started

            started = time.perf_counter()
            store.lexical()  # the first query after an ingest builds BM25 (and saves it)
            build = time.perf_counter() - started
            spawned = subprocess.run(
                [sys.executable, __file__, "--child", home, "--claim", claims[0]],
                capture_output=True, text=True, check=True,
            )
            cold = json.loads(spawned.stdout.strip().splitlines()[-1])

            full, dense, lexical, excluded, verdicts = [], [], [], [], []
            some_article = store.table.complete_ids()[0]
            for claim in claims:
                t = time.perf_counter()
                retrieve(store, claim, settings.sources, settings.sentences)
                full.append(time.perf_counter() - t)
                vector = embedder.embed([claim])[0]
                t = time.perf_counter()
                store.query(claim, settings.sources * 4, vector=vector)
                dense.append(time.perf_counter() - t)
                t = time.perf_counter()
                store.lexical().search(claim, settings.sources * 4)
                lexical.append(time.perf_counter() - t)
                t = time.perf_counter()
                retrieve(store, claim, settings.sources, settings.sentences, exclude=some_article)
                excluded.append(time.perf_counter() - t)
                t = time.perf_counter()
                verdict = verify(claim, store, llm, settings)
                verdicts.append(time.perf_counter() - t)
                assert verdict.usage.calls == 0
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "assistant", "verify", "--json", claims[0]], capture_output=True,
                           check=True, cwd=ROOT, env=os.environ | {"FACTDESK_HOME": home})
            process = time.perf_counter() - t
            row = {
                "chunks": store.collection.count(), "insert_s": insert, "bm25_build_s": build,
                "new_process_open_s": cold["open"], "new_process_first_query_s": cold["first"],
                "p50_ms": 1000 * percentile(full, 50), "p95_ms": 1000 * percentile(full, 95),
                "dense_p50_ms": 1000 * percentile(dense, 50), "bm25_p50_ms": 1000 * percentile(lexical, 50),
                "exclude_p50_ms": 1000 * percentile(excluded, 50), "exclude_p95_ms": 1000 * percentile(excluded, 95),
                "verify_p50_ms": 1000 * percentile(verdicts, 50), "verify_p95_ms": 1000 * percentile(verdicts, 95),
                "verify_process_s": process,
            }
            rows.append(row)
            print(f"{row['chunks']:>7} chunks: inserted in {insert:.1f} s; BM25 build {build:.2f} s; new process: "
                  f"open {cold['open']:.2f} s, first query {cold['first']:.2f} s; retrieve() p50 "
                  f"{row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms (dense {row['dense_p50_ms']:.1f} ms, "
                  f"BM25 {row['bm25_p50_ms']:.1f} ms; one article excluded p50 {row['exclude_p50_ms']:.0f} ms, "
                  f"p95 {row['exclude_p95_ms']:.0f} ms); verify() p50 {row['verify_p50_ms']:.0f} ms, p95 "
                  f"{row['verify_p95_ms']:.0f} ms; a whole `factdesk verify --json` process {process:.1f} s",
                  flush=True)
        if len(rows) > 1:
            first, last = rows[0], rows[-1]
            print(f"ratio {last['chunks']}/{first['chunks']} chunks: p50 x{last['p50_ms'] / first['p50_ms']:.2f}, "
                  f"p95 x{last['p95_ms'] / first['p95_ms']:.2f}, dense p50 "
                  f"x{last['dense_p50_ms'] / first['dense_p50_ms']:.2f}, BM25 p50 "
                  f"x{last['bm25_p50_ms'] / first['bm25_p50_ms']:.2f}")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print("json: " + json.dumps(rows))


if __name__ == "__main__":
    main()
