"""The stance classifier: a MiniLM cross-encoder trained here, shipped as 8-bit ONNX, run by onnxruntime.

It reads (claim, evidence window) pairs and gives three probabilities:
supported, refuted, not enough evidence. The weights, their checksum and the
calibration fitted on validation data live in ``data/stance/`` (see its
README for the training data, the split and the measured figures). No torch,
no network: the file is checked against its sha256 before onnxruntime sees it.
Its int8 weights are stored as uint8 so that every x86 CPU multiplies them
exactly (CPUs without VNNI saturate int8-weight products).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from ..errors import ConfigError

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "stance"
MODEL_FILE = "stance.onnx"
TOKENIZER = Path(__file__).resolve().parents[1] / "data" / "minilm-tokenizer.json"
# One pair per run: int8 dynamic quantisation scales activations over the whole batch, so a window scored beside
# others (or beside padding) got a different probability than alone (0.910 against 0.914, measured). Alone, every
# pair always gets the same score; batching gained nothing measurable on 2 cores (21.7 against 20.0 ms a pair).
BATCH = 1
SUPPORTED, REFUTED, NEITHER = 0, 1, 2


@dataclass(frozen=True)
class Calibration:
    """What was fitted on validation data; ``model.json`` says on which data and when."""

    sha256: str
    max_tokens: int
    temperature: float
    #: A source supports (refutes) the claim when its best window's probability reaches this.
    support_threshold: float
    refute_threshold: float
    #: Isotonic map from a verdict's raw probability to the share of validation verdicts that were right:
    #: (raw, calibrated) points, interpolated linearly. Used for a shape without a map of its own.
    confidence_curve: tuple[tuple[float, float], ...]
    #: The same map fitted on the validation verdicts of one evidence shape only (``evidence_shape``), for the
    #: shapes that had enough of them: the best of many windows is a higher raw probability than the only one.
    shape_curves: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = ()

    def confidence(self, raw: float, shape: str = "") -> float:
        curve = dict(self.shape_curves).get(shape, self.confidence_curve)
        xs = [p[0] for p in curve]
        ys = [p[1] for p in curve]
        return float(np.interp(raw, xs, ys)) if xs else raw


def load_calibration(folder: Path = MODEL_DIR) -> Calibration:
    try:
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        fitted = meta["calibration"]
        return Calibration(
            sha256=str(meta["sha256"]), max_tokens=int(meta["max_tokens"]),
            temperature=float(fitted["temperature"]), support_threshold=float(fitted["support_threshold"]),
            refute_threshold=float(fitted["refute_threshold"]),
            confidence_curve=_curve(fitted["confidence_curve"]),
            shape_curves=tuple((str(shape), _curve(points))
                               for shape, points in fitted.get("shape_curves", {}).items()),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"stance model metadata {folder / 'model.json'} is unreadable ({exc})") from None


def evidence_shape(sources: int, sentences: int) -> str:
    """What a verdict was read from, in the words ``model.json`` keys its confidence maps by."""
    return f"{'several sources' if sources > 1 else 'one source'}, " + (
        "several sentences" if sentences > sources else "one sentence each" if sources > 1 else "one sentence")


def _curve(points: list[list[float]]) -> tuple[tuple[float, float], ...]:
    return tuple((float(x), float(y)) for x, y in points)


class StanceModel:
    """Probabilities (supported, refuted, neither) for claim/evidence pairs."""

    def __init__(self, threads: int = 1, folder: Path = MODEL_DIR) -> None:
        self.calibration = load_calibration(folder)
        path = folder / MODEL_FILE
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"stance model {path} is missing ({exc.strerror or exc}); reinstall factdesk") from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.calibration.sha256:
            expected = self.calibration.sha256[:12]
            raise ConfigError(f"stance model {path} has sha256 {digest[:12]}…, expected {expected}…")
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(data, sess_options=options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(TOKENIZER))
        # The claim is never cut; a long window loses its end, as in training.
        self.tokenizer.enable_truncation(max_length=self.calibration.max_tokens, strategy="only_second")
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def logits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Raw scores, one row per (claim, evidence) pair, each computed on its own (see ``BATCH``)."""
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        if not pairs:
            return out
        lengths = [len(c) + len(e) for c, e in pairs]
        order = sorted(range(len(pairs)), key=lengths.__getitem__)
        for i in range(0, len(order), BATCH):
            idx = order[i : i + BATCH]
            encodings = self.tokenizer.encode_batch([pairs[j] for j in idx])
            feeds = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            out[idx] = self.session.run(None, feeds)[0]
        return out

    def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Temperature-scaled softmax of :meth:`logits` (the temperature was fitted on validation pairs)."""
        return softmax(self.logits(pairs) / self.calibration.temperature)


class CachedStanceModel(StanceModel):
    """Scores each distinct pair once: for threshold grids and ablations that re-judge the same windows."""

    def __init__(self, threads: int = 1, folder: Path = MODEL_DIR) -> None:
        super().__init__(threads, folder)
        self.cache: dict[tuple[str, str], np.ndarray] = {}

    def logits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        todo = [p for p in dict.fromkeys(pairs) if p not in self.cache]
        if todo:
            self.cache.update(zip(todo, super().logits(todo), strict=True))
        return np.array([self.cache[p] for p in pairs], dtype=np.float32).reshape(len(pairs), 3)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs: np.ndarray = shifted / shifted.sum(axis=1, keepdims=True)
    return probs


@lru_cache(maxsize=2)
def get_stance_model(threads: int = 1) -> StanceModel:
    """One model per process: loading it costs a fraction of a second."""
    return StanceModel(threads)
