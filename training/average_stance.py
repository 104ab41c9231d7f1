"""Average the weights of two stance checkpoints of one lineage, and export the mean as ONNX.

    python training/average_stance.py build/stance-shipped/best.pt build/stance3/best.pt --out build/stance-mean
    python training/calibrate_stance.py --model build/stance-mean

A stage trained on from another's weights stays in its basin, so the mean of
the two is a model too, and often a better one than either ("model soups"):
it costs nothing at run time, unlike an ensemble that runs both. Whether it
ships is decided by the calibration script's validation objective, as for any
other candidate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from transformers import BertModel

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_stance import StanceModel, base_checkpoint, export


def averaged(first: dict[str, torch.Tensor], second: dict[str, torch.Tensor], weight: float) -> dict[str, torch.Tensor]:
    """``weight`` of the first and the rest of the second, name by name; the names must match."""
    if first.keys() != second.keys():
        raise SystemExit("the checkpoints hold different weights: not one lineage")
    return {name: weight * first[name] + (1 - weight) * second[name] for name in first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--weight", type=float, default=0.5, help="the first checkpoint's share")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    mean = averaged(torch.load(args.first), torch.load(args.second), args.weight)
    model = StanceModel(BertModel.from_pretrained(str(base_checkpoint()), add_pooling_layer=False))
    model.load_state_dict(mean)
    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out / "best.pt")
    export(model, args.out)


if __name__ == "__main__":
    main()
