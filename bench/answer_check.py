"""What checking an answer sentence by sentence adds to each answer: seconds, on the answer eval cases.

    python bench/answer_check.py

Each case of evals/cases/answer_questions.jsonl is answered from its corpus
(model answers replayed from evals/recordings, so the answer text is the
recorded one); the sentence check (the stance classifier over every outlet,
no model call) is then timed on its own, warm, per answer. Prints per-answer
seconds (median, p95, max), sentences checked, and the share of the answer's
recorded model time the check adds.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    os.environ.setdefault("FACTDESK_RECORD_MODE", "replay")
    os.environ.setdefault("FACTDESK_RECORDINGS", str(ROOT / "evals" / "recordings"))
    from assistant.answer.answer import answer
    from assistant.answer.sentence_check import check_answer
    from assistant.eval.answers import load_answer_cases
    from assistant.eval.cases import ScratchStores
    from assistant.llm import LLM
    from assistant.settings import Settings

    settings = Settings()
    cases = load_answer_cases(ROOT / "evals" / "cases" / "answer_questions.jsonl")
    seconds, sentences, model_seconds = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        stores = ScratchStores(settings, ROOT, scratch)
        llm = LLM(settings)
        for case in cases:
            if case.history:
                continue  # a follow-up's rewrite needs the conversation; the check costs the same
            store, _ = stores.get(case.corpus)
            result = answer(case.question, store, llm, settings)
            if not result.answered:
                continue
            check_settings = settings.model_copy(update={"judge": "classifier"})
            check_answer(result.text, store, llm, check_settings)  # warm: the model and the vectors loaded
            started = time.perf_counter()
            checks = check_answer(result.text, store, llm, check_settings)
            seconds.append(time.perf_counter() - started)
            sentences.append(len(checks))
            model_seconds.append(result.usage.seconds)
    seconds.sort()
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    print(f"answers checked: {len(seconds)}, sentences per answer: {statistics.mean(sentences):.1f}")
    print(f"check seconds per answer: median {statistics.median(seconds):.2f}, p95 {p95:.2f}, max {seconds[-1]:.2f}")
    print(f"recorded model seconds per answer: median {statistics.median(model_seconds):.1f}; "
          f"the check adds {statistics.median(seconds) / statistics.median(model_seconds):.1%} of it")


if __name__ == "__main__":
    main()
