"""The shipped int8 stance model back as a PyTorch checkpoint, to go on training from it.

    python training/dequantize_stance.py --out build/stance-shipped/best.pt
    python training/train_stance.py --resume build/stance-shipped/best.pt ...

A training run keeps its fp32 checkpoint under ``build/`` only; when that is
gone, the shipped ONNX file is what remains. Each 8-bit weight is dequantized
(``(q - zero_point) * scale``, per output channel for the matrices, per tensor
for the embeddings) and put back under its PyTorch name, found by following
the graph from each integer matrix product to the named bias it adds. The
result computes what the shipped model computes, up to the quantisation of
activations; it checks that on a few pairs before it is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from transformers import BertModel

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_stance import StanceModel, base_checkpoint, tensors, tokenizer

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "assistant" / "data" / "stance" / "stance.onnx"


def dequantized(path: Path) -> dict[str, torch.Tensor]:
    graph = onnx.load(str(path)).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    users: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)

    def bias_after(output: str, depth: int = 0) -> str | None:
        for node in users.get(output, []):
            named = [i for i in node.input if i.endswith(".bias") and i in arrays]
            if named:
                return named[0]
            if depth < 4 and (found := bias_after(node.output[0], depth + 1)):
                return found
        return None

    def real(prefix: str) -> np.ndarray:
        q = arrays[f"{prefix}_quantized"].astype(np.float32)
        zero, scale = arrays[f"{prefix}_zero_point"].astype(np.float32), arrays[f"{prefix}_scale"]
        return np.asarray((q - zero) * scale, dtype=np.float32)  # per column when scale has one per output

    state: dict[str, torch.Tensor] = {}
    for name, value in arrays.items():
        if not name.endswith(("_quantized", "_scale", "_zero_point")) and value.dtype == np.float32:
            state[name] = torch.from_numpy(value.copy())
    for node in graph.node:
        if node.op_type == "MatMulInteger":
            prefix = node.input[1].removesuffix("_quantized")
            bias = bias_after(node.output[0])
            if bias is None:
                raise SystemExit(f"no named bias after {prefix}: not the graph this script knows")
            state[bias.removesuffix(".bias") + ".weight"] = torch.from_numpy(real(prefix).T.copy())
    for table in ("word", "position", "token_type"):
        prefix = f"encoder.embeddings.{table}_embeddings.weight"
        state[prefix] = torch.from_numpy(real(prefix))
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--onnx", type=Path, default=SHIPPED)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "stance-shipped" / "best.pt")
    args = parser.parse_args()
    model = StanceModel(BertModel.from_pretrained(str(base_checkpoint()), add_pooling_layer=False))
    state = dequantized(args.onnx)
    expected = model.state_dict()
    missing = [k for k in expected if k not in state and "position_ids" not in k]
    if missing:
        raise SystemExit(f"not in the ONNX file: {', '.join(missing[:5])}")
    model.load_state_dict({k: state.get(k, v) for k, v in expected.items()})
    model.eval()

    import onnxruntime

    session = onnxruntime.InferenceSession(str(args.onnx), providers=["CPUExecutionProvider"])
    tok = tokenizer()
    pairs = [("The plant will cost 42 million euros.", "The council said the plant will cost 42 million euros."),
             ("The plant will cost 42 million euros.", "The plant will cost 48 million euros, the tender shows."),
             ("The bridge reopened in March.", "Residents of Marrow Street complained about the noise.")]
    worst = 0.0
    for claim, evidence in pairs:
        e = tok.encode(claim, evidence)
        feeds = tensors([(e.ids, e.type_ids)], [0])
        with torch.no_grad():
            ours = torch.softmax(model(**feeds), -1).numpy()
        theirs = session.run(None, {k: v.numpy() for k, v in feeds.items()})[0]
        theirs = np.exp(theirs - theirs.max()) / np.exp(theirs - theirs.max()).sum()
        worst = max(worst, float(np.abs(ours - theirs).max()))
    print(f"largest probability difference from the shipped model on {len(pairs)} pairs: {worst:.4f}")
    if worst > 0.05:
        raise SystemExit("the dequantized model does not compute what the shipped one does")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
