"""Measure the offline core on this machine: ingest throughput, re-ingest cost, and verify with the embedded model.

    python bench/core.py                 # ingest figures only (seconds)
    python bench/core.py --verify 3      # also 3 live verifies with the embedded model (minutes)

The synthetic corpus is built from the bundled articles' sentences, recombined
deterministically, so anyone can rerun it; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def synthetic_corpus(folder: Path, articles: int, seed: int) -> int:
    from assistant.corpus.chunking import sentences
    from assistant.corpus.loaders import load

    pool = []
    for article in load(str(ROOT / "corpus")).articles:
        pool += [article.text[s.start : s.end] for s in sentences(article.text) if s.end - s.start > 40]
    rng = random.Random(seed)
    path = folder / "synthetic.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(articles):
            body = "\n\n".join(f"Report {i}, item {j}: {rng.choice(pool)}" for j in range(rng.randint(8, 16)))
            out.write(json.dumps({"title": f"Synthetic {i}", "outlet": f"Bench {i % 7}", "text": body}) + "\n")
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verify", type=int, default=0, help="live verifies of the headline claim")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FACTDESK_HOME"] = str(Path(tmp) / "home")
        from assistant.corpus.embedding import get_embedder
        from assistant.corpus.ingest import ingest
        from assistant.corpus.store import Store, quiet_chroma
        from assistant.llm import LLM
        from assistant.settings import Settings
        from assistant.verify.verifier import verify

        quiet_chroma()
        synthetic_corpus(Path(tmp), args.articles, args.seed)
        settings = Settings()
        store = Store(settings)
        get_embedder(settings.embed_threads)  # load once, outside the timings
        first = ingest([tmp], store)
        again = ingest([tmp], store)
        from assistant.corpus.chunking import chunk
        from assistant.corpus.loaders import load

        texts = [c.text for a in load(tmp).articles for c in chunk(a.id, a.text, settings.chunk_chars)]
        started = time.perf_counter()
        get_embedder(settings.embed_threads).embed(texts)
        raw = len(texts) / (time.perf_counter() - started)
        print(f"ingest: {first.added} articles, {first.chunks} chunks in {first.seconds:.2f} s "
              f"= {first.chunks_per_second:.1f} chunks/s end to end")
        ratio = first.chunks_per_second / raw
        print(f"raw embedding of the same chunks: {raw:.1f} chunks/s; ingest/raw ratio {ratio:.2f}")
        print(f"re-ingest unchanged: {again.seconds:.3f} s ({again.added} added) = "
              f"{100 * again.seconds / first.seconds:.1f}% of the first ingest")

        if args.verify:
            ingest([str(ROOT / "corpus")], store)
            settings = Settings(record_mode="live")
            llm = LLM(settings)
            seconds, calls, prompt, completion = [], [], [], []
            claim = "The United States has transferred 7,000 ISIS detainees to Iraq."
            for _ in range(args.verify):
                verdict = verify(claim, store, llm, settings)
                seconds.append(verdict.seconds)
                calls.append(verdict.usage.calls)
                prompt.append(verdict.usage.prompt_tokens)
                completion.append(verdict.usage.completion_tokens)
                print(f"verify: {verdict.label} {verdict.confidence:.2f} in {verdict.seconds:.1f} s")
            print(f"verify ({settings.threads} threads): median {statistics.median(seconds):.1f} s, "
                  f"max {max(seconds):.1f} s; {statistics.mean(calls):.1f} calls, "
                  f"{statistics.mean(prompt):.0f} prompt + {statistics.mean(completion):.0f} completion tokens")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
