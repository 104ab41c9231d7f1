import os
import socket

import numpy as np
import pytest

from assistant.corpus.embedding import MiniLMEmbeddingFunction, get_embedder
from tests.conftest import NetworkBlocked


def test_embeddings_are_normalised_and_meaningful_with_the_network_blocked() -> None:
    with pytest.raises(NetworkBlocked):  # the guard is really on
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    vectors = get_embedder().embed([
        "The army moved 150 detainees to Iraq.",
        "150 prisoners were transferred to Iraq by the military.",
        "The town opened a new water treatment plant.",
    ])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.6 > 0.2 > unrelated
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"


def test_batches_give_the_same_vectors_as_single_calls() -> None:
    texts = [f"Sentence {i} about a topic number {i * 7}." for i in range(20)]
    together = get_embedder().embed(texts)
    alone = np.vstack([get_embedder().embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_the_chroma_function_rebuilds_from_its_stored_config() -> None:
    ef = MiniLMEmbeddingFunction(threads=1)
    config = ef.get_config()
    assert all(not str(v).startswith("/") for v in config.values())
    rebuilt = MiniLMEmbeddingFunction.build_from_config(config)
    assert np.allclose(np.array(rebuilt(["hello world"])), np.array(ef(["hello world"])))
