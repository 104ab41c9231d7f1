"""How much a reader would want a sentence checked: a trained head on the bundled sentence embeddings.

Asked for a 0-9 score, the embedded 1.5B model gave every sentence of the
seed article the same 5. So the score comes from a logistic regression on
all-MiniLM-L6-v2 embeddings trained on ClaimBuster's check-worthy and other
debate sentences (``training/train_checkworthiness.py``; data card in
``assistant/data/checkworthiness/README.md``): a probability, not a number a
model wrote, and a ranking a desk can sort by. The sentence vectors are the
ones retrieval uses, so it costs a dot product per sentence.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

from ..corpus.embedding import MODEL_NAME, get_embedder
from ..errors import ConfigError

HEAD = Path(__file__).resolve().parents[1] / "data" / "checkworthiness" / "head.json"


@cache
def _head() -> tuple[np.ndarray, float]:
    data = json.loads(HEAD.read_text(encoding="utf-8"))
    if data.get("embedding") != MODEL_NAME or len(data.get("weights", [])) != 384:
        raise ConfigError(f"{HEAD} was trained on another embedding than {MODEL_NAME}: retrain it")
    return np.asarray(data["weights"], dtype=np.float32), float(data["bias"])


def scores(sentences: list[str]) -> list[float]:
    """Each sentence's probability of being a check-worthy factual claim, 0 to 1."""
    if not sentences:
        return []
    weights, bias = _head()
    logits = get_embedder().embed(sentences) @ weights + bias
    return [round(float(p), 3) for p in 1 / (1 + np.exp(-logits))]
