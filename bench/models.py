"""Compare embedded models on a small labelled probe of claims about the bundled corpus.

    python bench/models.py                          # the bundled model
    python bench/models.py --gguf /path/model.gguf  # any local GGUF, same prompts and code

Runs live (minutes): prints each verdict, accuracy and seconds per claim. With
FACTDESK_RECORD_MODE=record FACTDESK_RECORDINGS=evals/recordings the bundled
model's answers become the recordings `factdesk eval` replays.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gguf", type=Path, help="a local GGUF file instead of the bundled model")
    parser.add_argument("--cases", type=Path, default=ROOT / "evals" / "cases" / "verify_corpus.jsonl")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.cases.read_text().splitlines() if line.strip()]
    cases = cases[: args.limit] if args.limit else cases
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FACTDESK_HOME"] = os.environ.get("FACTDESK_BENCH_HOME", str(Path(tmp) / "home"))
        if args.gguf:
            os.environ["FACTDESK_GGUF"] = str(args.gguf)
            os.environ["FACTDESK_MODEL"] = args.gguf.stem
        from assistant.corpus.ingest import ingest
        from assistant.corpus.store import Store, quiet_chroma
        from assistant.llm import LLM
        from assistant.settings import Settings
        from assistant.verify.verifier import verify

        quiet_chroma()
        settings = Settings()  # FACTDESK_RECORD_MODE=record keeps the answers, e.g. for evals/recordings
        store = Store(settings)
        ingest([str(ROOT / "corpus")], store)
        llm = LLM(settings)
        correct, seconds, calls = 0, [], []
        for case in cases:
            verdict = verify(case["claim"], store, llm, settings)
            ok = verdict.label == case["label"]
            correct += ok
            seconds.append(verdict.seconds)
            calls.append(verdict.usage.calls)
            print(f"{'ok ' if ok else 'BAD'} {case['id']} gold={case['label']:20} got={verdict.label:20} "
                  f"{verdict.seconds:5.1f} s  {case['claim']}", flush=True)
        print(f"model {settings.model} ({settings.threads} threads): accuracy {correct}/{len(cases)} "
              f"= {correct / len(cases):.2f}; median {statistics.median(seconds):.1f} s per claim "
              f"(calls {statistics.mean(calls):.1f}); usage {llm.usage.prompt_tokens} prompt + "
              f"{llm.usage.completion_tokens} completion tokens")


if __name__ == "__main__":
    main()
