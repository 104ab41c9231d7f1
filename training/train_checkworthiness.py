"""Train the check-worthiness head: logistic regression on the bundled sentence embeddings (all-MiniLM-L6-v2).

    python training/train_checkworthiness.py      # about two minutes on 2 cores; writes assistant/data/checkworthiness/

Data: ClaimBuster's 3xNCS set (``../shared/train-data/claimbuster-ncs/kfold_30ncs.json``: 2,764 check-worthy
factual sentences and 8,292 others from US presidential debates, 1960-2016). Rows with ``sentence_id >= 29101``
(the 2016 debates, which CheckThat! 2019 also annotates) are dropped, so no sentence is shared with any
CheckThat! transcript. Validation: the last 15% of the remaining ids (ids run by debate, so this holds out whole
debates), used to choose the L2 strength; the head is then refitted on all training rows with that strength.
The CheckThat! 2019 test transcripts and Factcheck-Bench are never read here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "train-data" / "claimbuster-ncs" / "kfold_30ncs.json"
OUT = ROOT / "assistant" / "data" / "checkworthiness" / "head.json"
CHECKTHAT_IDS = 29101
VALIDATION_SHARE = 0.15
SEED = 0


def fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 3000, rate: float = 0.5) -> tuple[np.ndarray, float]:
    """Logistic regression by full-batch gradient descent (the data fit in memory; no solver needed)."""
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        w -= rate * (x.T @ (p - y) / len(y) + l2 * w)
        b -= rate * float(np.mean(p - y))
    return w, b


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    hits = labels[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / max(1, hits.sum()))


def main() -> None:
    from assistant.corpus.embedding import MODEL_NAME, get_embedder

    rows = [r for r in json.loads(DATA.read_text(encoding="utf-8")) if r["sentence_id"] < CHECKTHAT_IDS]
    rows.sort(key=lambda r: r["sentence_id"])
    cut = int(len(rows) * (1 - VALIDATION_SHARE))
    x = get_embedder().embed([r["text"] for r in rows]).astype(np.float64)
    y = np.array([r["label"] for r in rows], dtype=np.float64)
    best = None
    for l2 in (1e-4, 1e-3, 1e-2):
        w, b = fit(x[:cut], y[:cut], l2)
        ap = average_precision(x[cut:] @ w + b, y[cut:])
        print(f"l2 {l2:g}: validation average precision {ap:.3f} (n={len(rows) - cut}, positives {int(y[cut:].sum())})")
        if best is None or ap > best[1]:
            best = (l2, ap)
    assert best is not None
    w, b = fit(x, y, best[0])
    OUT.write_text(json.dumps({
        "embedding": MODEL_NAME, "l2": best[0], "bias": b, "weights": [round(float(v), 6) for v in w],
        "rows": len(rows), "positives": int(y.sum()), "validation_average_precision": round(best[1], 4),
        "validation_rows": len(rows) - cut, "data": "ClaimBuster 3xNCS (kfold_30ncs.json), sentence_id < 29101",
    }) + "\n", encoding="utf-8")
    print(f"wrote {OUT} (l2 {best[0]:g}, {len(rows)} rows)")


if __name__ == "__main__":
    main()
