"""Rewrite the stance model's int8 matrix weights as uint8, so every x86 CPU computes the same numbers.

    python training/unsigned_stance.py            # rewrites assistant/data/stance/stance.onnx
    python training/unsigned_stance.py --check    # only compares the two forms on this machine

onnxruntime multiplies uint8 activations by int8 weights (U8S8) with an
instruction that saturates on CPUs without VNNI (``vpmaddubsw``: the sum of two
products is clipped to 16 bits), and exactly on CPUs with VNNI. The shipped
model gave confidences up to 0.06 apart on the two kinds of machine, enough to
move a citation. With uint8 weights (U8U8) the products are widened to 16 bits
before they are added on every x86 kernel, so there is nothing to saturate.

The rewrite is exact: a weight ``q`` with zero point ``z`` becomes ``q + 128``
with zero point ``z + 128``, so ``(q - z) * scale`` is unchanged and so is the
model. The script checks that on a few pairs before it writes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.verify.stance import MODEL_DIR, MODEL_FILE, StanceModel

# Fictional pairs, enough to reach every layer with varied activations.
PAIRS = [
    ("The Varnholt bridge reopened in March.", "Engineers in Varnholt reopened the bridge on 3 March after repairs."),
    ("The plant will cost 48 million euros.", "The council said the Ostmere plant will cost 42 million euros."),
    ("Nine people were hurt in the fire.", "Firefighters said nobody was hurt when the Tarnby depot burned."),
    ("The mayor resigned.", "Tickets for the Saltmere regatta went on sale on Friday at the harbour office."),
]


def unsigned(model: onnx.ModelProto) -> int:
    """Turn each int8 weight of a MatMulInteger into uint8 in place; returns how many were changed."""
    initializers = {i.name: i for i in model.graph.initializer}
    changed = 0
    for node in model.graph.node:
        if node.op_type != "MatMulInteger" or len(node.input) < 4:
            continue
        for name in (node.input[1], node.input[3]):
            tensor = initializers.get(name)
            if tensor is None:
                raise SystemExit(f"{node.name}: {name} is not a stored weight; nothing was written")
            values = numpy_helper.to_array(tensor)
            if values.dtype == np.uint8:
                continue
            if values.dtype != np.int8:
                raise SystemExit(f"{name} is {values.dtype}, expected int8; nothing was written")
            tensor.CopyFrom(numpy_helper.from_array((values.astype(np.int16) + 128).astype(np.uint8), name))
            changed += 1
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args()
    model = onnx.load(str(MODEL_DIR / MODEL_FILE))
    changed = unsigned(model)
    if not changed:
        print("the weights are already uint8; nothing to do")
        return
    after = model.SerializeToString()
    meta = json.loads((MODEL_DIR / "model.json").read_text())
    meta["sha256"] = hashlib.sha256(after).hexdigest()
    with tempfile.TemporaryDirectory() as tmp:
        # The rewritten model beside its own metadata, scored the way factdesk scores it.
        folder = Path(tmp)
        (folder / MODEL_FILE).write_bytes(after)
        (folder / "model.json").write_text(json.dumps(meta, indent=1) + "\n")
        old, new = StanceModel().logits(PAIRS), StanceModel(folder=folder).logits(PAIRS)
        gap = float(np.abs(old - new).max())
        print(f"{changed} weight tensors rewritten; largest logit difference on this CPU {gap:.2e}")
        print("logits now:", np.round(new, 4).tolist())
        if gap > 1e-3:
            raise SystemExit("the rewritten model computes something else on this CPU; nothing was written")
        if args.check:
            return
        for name in (MODEL_FILE, "model.json"):
            shutil.copyfile(folder / name, MODEL_DIR / name)
    print(f"wrote {MODEL_DIR / MODEL_FILE} ({len(after) / 1e6:.1f} MB), sha256 {meta['sha256'][:12]}")


if __name__ == "__main__":
    main()
