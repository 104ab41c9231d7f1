"""Cost of verify and check with the embedded model on this machine: seconds, LLM calls and tokens, peak memory.

    python bench/verify.py --claims 1                  # a smoke run: one claim, no check (a few minutes)
    python bench/verify.py --claims 12 --articles 2    # the labelled claims, then check two articles

Claims are the labelled cases of evals/cases/verify_corpus.jsonl (repeated
when --claims asks for more), verified against the bundled corpus one after
another. Each pass over the claims gets an empty response cache, so every
claim is judged by the model; at the end the first claim is verified once
more against the filled cache, to show what a repeated claim costs. `check`
runs on the first --articles articles of the corpus with --max-claims.

The bundled model's joined file in your data directory is reused (passed as
FACTDESK_GGUF, same model name and so the same requests); FACTDESK_GGUF works
too. The store is a temporary directory. With FACTDESK_RECORD_MODE=replay and
FACTDESK_RECORDINGS=tests/recordings it is a quick dry run of the script
(`--claims 1 --articles 1`), with no model.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spread(values: list[float]) -> str:
    array = np.array(values, dtype=float)
    return f"p50 {np.percentile(array, 50):.1f}, p95 {np.percentile(array, 95):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=12, help="claims to verify (the labelled cases, repeated)")
    parser.add_argument("--articles", type=int, default=0, help="articles to check after the claims")
    parser.add_argument("--max-claims", type=int, default=3, help="claims verified per checked article")
    parser.add_argument("--threads", type=int, help="CPU threads for the model (default: all cores)")
    args = parser.parse_args()

    from assistant.settings import Settings

    if args.threads:
        os.environ["FACTDESK_THREADS"] = str(args.threads)
    os.environ.setdefault("FACTDESK_RECORD_MODE", "live")
    real = Settings()
    if not real.embedded:
        sys.exit("bench/verify.py measures the embedded model: unset FACTDESK_BASE_URL")
    replay = real.record_mode == "replay"
    if replay:
        print("FACTDESK_RECORD_MODE=replay: a dry run of this script on recorded answers; no timing is the model's")
    elif real.gguf is None:
        from assistant.llm.embedded import model_file

        os.environ["FACTDESK_GGUF"] = str(model_file(real.home))  # joined once, reused: no 1.1 GB copy per run

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FACTDESK_HOME"] = str(Path(tmp) / "home")
        os.environ.pop("FACTDESK_CHROMA_URL", None)
        from assistant.claims.check import check
        from assistant.corpus.ingest import ingest
        from assistant.corpus.store import Store, quiet_chroma
        from assistant.llm import LLM
        from assistant.verify.verifier import verify

        quiet_chroma()
        settings = Settings()
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
              f"model {settings.model} ({settings.gguf}), {settings.threads} threads, context {settings.context}")
        store = Store(settings)
        summary = ingest([str(ROOT / "corpus")], store)
        print(f"ingest: {summary.added} articles, {summary.chunks} chunks in {summary.seconds:.1f} s; "
              f"peak RSS so far {peak_mb():.0f} MB")

        def fresh_llm(name: str) -> LLM:
            # A home of its own per pass: an empty response cache, so every claim is judged.
            return LLM(settings.model_copy(update={"home": Path(tmp) / name}))

        first = fresh_llm("pass0")
        if not replay:
            started = time.perf_counter()
            first.transport.inner.inner.llama()  # type: ignore[union-attr]
            print(f"model load: {time.perf_counter() - started:.1f} s (once per process)")

        lines = (ROOT / "evals" / "cases" / "verify_corpus.jsonl").read_text().splitlines()
        cases = [json.loads(line) for line in lines if line.strip()]
        seconds: list[float] = []
        calls: list[int] = []
        prompt: list[int] = []
        completion: list[int] = []
        correct = 0
        passes = {0: first}
        for n in range(args.claims):
            case = cases[n % len(cases)]
            if n // len(cases) not in passes:
                passes[n // len(cases)] = fresh_llm(f"pass{n // len(cases)}")
            llm = passes[n // len(cases)]
            verdict = verify(case["claim"], store, llm, settings)
            seconds.append(verdict.seconds)
            calls.append(verdict.usage.calls)
            prompt.append(verdict.usage.prompt_tokens)
            completion.append(verdict.usage.completion_tokens)
            correct += verdict.label == case["label"]
            print(f"  {case['id']} {verdict.label:20} gold {case['label']:20} {verdict.seconds:6.1f} s "
                  f"{verdict.usage.calls} calls {verdict.usage.prompt_tokens}+{verdict.usage.completion_tokens} tokens",
                  flush=True)
        results: dict[str, object] = {"claims": args.claims, "threads": settings.threads}
        if seconds:
            print(f"verify, {args.claims} claim(s): seconds per claim {spread(seconds)}; per claim "
                  f"{statistics.mean(calls):.1f} LLM calls, {statistics.mean(prompt):.0f} prompt + "
                  f"{statistics.mean(completion):.0f} completion tokens; {correct}/{args.claims} labels as gold; "
                  f"peak RSS {peak_mb():.0f} MB")
            again = verify(cases[0]["claim"], store, first, settings)
            print(f"the first claim again, from the response cache: {again.seconds:.2f} s, "
                  f"{again.usage.calls} calls of which {again.usage.cached} cached, "
                  f"{again.usage.prompt_tokens} tokens spent")
            results.update({
                "verify_seconds_p50": float(np.percentile(seconds, 50)),
                "verify_seconds_p95": float(np.percentile(seconds, 95)),
                "verify_calls_mean": statistics.mean(calls), "verify_prompt_tokens_mean": statistics.mean(prompt),
                "verify_completion_tokens_mean": statistics.mean(completion), "cached_repeat_seconds": again.seconds,
            })

        if args.articles:
            check_seconds: list[float] = []
            check_calls: list[int] = []
            check_tokens: list[tuple[int, int]] = []
            for i, article in enumerate(store.articles()[: args.articles]):
                report = check(article, store, fresh_llm(f"check{i}"), settings, max_claims=args.max_claims,
                               concurrency=1)
                verified = sum(1 for c in report.checks if c.verdict)
                check_seconds.append(report.seconds)
                check_calls.append(report.usage.calls)
                check_tokens.append((report.usage.prompt_tokens, report.usage.completion_tokens))
                print(f"  check {article.outlet}: {len(report.checks)} claims extracted, {verified} verified, "
                      f"{report.seconds:.1f} s, {report.usage.calls} calls, "
                      f"{report.usage.prompt_tokens}+{report.usage.completion_tokens} tokens", flush=True)
            print(f"check, {len(check_seconds)} article(s), --max-claims {args.max_claims}: seconds per article "
                  f"{spread(check_seconds)}; per article {statistics.mean(check_calls):.1f} LLM calls, "
                  f"{statistics.mean(t[0] for t in check_tokens):.0f} prompt + "
                  f"{statistics.mean(t[1] for t in check_tokens):.0f} completion tokens; peak RSS {peak_mb():.0f} MB")
            results.update({
                "check_seconds_p50": float(np.percentile(check_seconds, 50)),
                "check_seconds_p95": float(np.percentile(check_seconds, 95)),
                "check_calls_mean": statistics.mean(check_calls),
            })
        results["peak_rss_mb"] = round(peak_mb())
        print("json: " + json.dumps(results))


if __name__ == "__main__":
    main()
