"""llama.cpp states saved by the prompt they start with, so a new process skips a system prompt seen before.

Within one process llama.cpp already reuses the prompt prefix it evaluated on
the call before. A new process starts empty and evaluates the whole system
prompt again: extraction's is about 545 tokens, 13 s of prompt evaluation on
2 cores, paid by every ``factdesk check`` and ``extract``. So the context is
saved to a file after a call (24 MB for an extraction call of the 1.5B model,
1,231 tokens), keyed by a hash of the model file, the context size
and the prompt's first tokens, once per key; a later process whose prompt
starts the same way loads it before generating, and llama-cpp-python keeps
the common prefix and evaluates the rest as usual. This is the reuse llama.cpp
does within a process, carried across processes, with its one caveat: the
prompt's remainder is evaluated in a different batch than it would be from
scratch, and batch size can move the last bits of a logit, so now and then a
greedy answer differs in a token (the seed article's first extraction window
came back with the same claims and a longer "reason").

The files live in ``FACTDESK_HOME/models/prefixes/``; deleting them costs only time.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np

#: The prompt tokens that name a saved state: the chat template's opening and the start of the system prompt.
KEY_TOKENS = 32


def _common(a: np.ndarray, b: np.ndarray) -> int:
    size = min(len(a), len(b))
    unequal = np.flatnonzero(a[:size] != b[:size])
    return int(unequal[0]) if len(unequal) else size


class PrefixStates:
    """Saved context states of one model file in one folder."""

    def __init__(self, folder: Path, model: Path, context: int) -> None:
        self.folder = folder
        st = model.stat()
        self._model = f"{model.name}:{st.st_size}:{st.st_mtime_ns}:{context}"
        #: States loaded and saved by this process, for measurement and tests.
        self.loaded = 0
        self.saved = 0
        self._restored: list[int] | None = None

    def path(self, tokens: np.ndarray) -> Path | None:
        if len(tokens) < KEY_TOKENS:
            return None
        digest = hashlib.sha256(self._model.encode() + np.asarray(tokens[:KEY_TOKENS], dtype=np.int32).tobytes())
        return self.folder / f"{digest.hexdigest()[:24]}.state"

    def restore(self, llama: Any, prompt: list[int]) -> None:
        """Load the saved state for this prompt when it shares more with the prompt than the context does."""
        tokens = np.asarray(prompt, dtype=np.intc)
        path = self.path(tokens)
        if path is None or not path.is_file() or _common(llama.input_ids[: llama.n_tokens], tokens) >= KEY_TOKENS:
            return
        import llama_cpp.llama_cpp as lib

        capacity = int(llama.n_ctx())
        held = (lib.llama_token * capacity)()
        count = ctypes.c_size_t(0)
        if not lib.llama_state_load_file(llama._ctx.ctx, str(path).encode(), held, capacity, ctypes.byref(count)):
            llama.reset()
            path.unlink(missing_ok=True)  # unreadable (another llama.cpp build?): evaluate as if it were not there
            return
        llama.input_ids[: count.value] = np.ctypeslib.as_array(held)[: count.value]
        llama.n_tokens = int(count.value)
        llama._requires_eval = True
        self.loaded += 1
        self._restored = llama.input_ids[: llama.n_tokens].tolist()

    def take_restored(self) -> list[int] | None:
        """The tokens the last call found loaded from a file (its reused prefix is counted against them), once."""
        restored, self._restored = self._restored, None
        return restored

    def save(self, llama: Any) -> None:
        """Save the context under its prompt's key, unless a state is saved there already."""
        held = np.array(llama.input_ids[: llama.n_tokens], dtype=np.intc)
        path = self.path(held)
        if path is None or path.exists():
            return
        import llama_cpp.llama_cpp as lib

        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        tokens = (lib.llama_token * len(held))(*held.tolist())
        if lib.llama_state_save_file(llama._ctx.ctx, str(partial).encode(), tokens, len(held)):
            partial.replace(path)
            self.saved += 1
        else:
            partial.unlink(missing_ok=True)
