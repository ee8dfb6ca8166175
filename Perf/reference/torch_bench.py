#!/usr/bin/env python3
"""PyTorch counterpart of `qsparse bench`: the same workloads in plain PyTorch, so ratios come from
one run on one machine. Uses only torch. Usage:
    python3 Perf/reference/torch_bench.py [--device cpu|cuda] [--json PATH] [--threads N] [--repeats N] [--quick] [--full]
On CUDA it runs every workload twice: FP32 (TF32 off) and with TF32 allowed. Row names match
`qsparse bench`'s. The quantize+prune training step has no row here (plain PyTorch has no QSPARSE);
the QSPARSE events are emulated as the reference QSPARSE computes them (decimal search, torch.quantile,
the unstructured prune callback's threshold).
"""
import argparse
import datetime
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class MnistNet(nn.Module):
    """The seed network (SPEC.md section 11) in full precision."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.bn2 = nn.BatchNorm2d(64)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(9216, 128)
        self.bn3 = nn.BatchNorm1d(128)
        self.dropout2 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = torch.flatten(self.dropout1(F.max_pool2d(x, 2)), 1)
        x = self.dropout2(F.relu(self.bn3(self.fc1(x))))
        return F.log_softmax(self.fc2(x), dim=1)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def once(fn, device):
    start = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - start


def timed(fn, device, repeats):
    """Best and mean of `repeats` runs after one warm-up (allocations, cuDNN algorithm choice)."""
    once(fn, device)
    seconds = [once(fn, device) for _ in range(repeats)]
    return min(seconds), sum(seconds) / len(seconds)


def train_step(device, batch, gen):
    model = MnistNet().to(device)
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
    x = torch.randn(batch, 1, 28, 28, generator=gen).to(device)
    y = (torch.arange(batch) % 10).to(device)

    def step():
        # The loss is not read (no host synchronisation), as in qsparse bench.
        loss = F.nll_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def decimal_search(window, bits=8, lo=0, hi=20):
    """QSPARSE's per-channel search (channel dim 1): argmin over d of sum((x - Q(x, N, d))^2), ties to the smallest d."""
    rows = torch.cat([t.transpose(0, 1).reshape(t.shape[1], -1) for t in window], 1)
    scale = 2.0 ** torch.arange(lo, hi, device=rows.device, dtype=rows.dtype).view(-1, 1, 1)
    q = torch.clamp(torch.trunc(rows * scale), -(2 ** (bits - 1)), 2 ** (bits - 1) - 1) / scale
    errors = ((rows - q) ** 2).sum(2)  # [candidates, channels]
    return errors.argmin(0) + lo  # argmin returns the first minimum


def quantile(x, fractions):
    """torch.quantile, as the reference calls it; above its size limit an exact sort-based one."""
    try:
        return torch.quantile(x, fractions)
    except RuntimeError:
        s = torch.sort(x).values
        pos = fractions * (x.numel() - 1)
        low = pos.floor().long()
        high = pos.ceil().long()
        return s[low] + (s[high] - s[low]) * (pos - low)


def prune_mask(saliency, sparsity=0.5):
    """The unstructured prune callback: keep saliency >= its trunc(s*n - 1)-th smallest value."""
    flat = saliency.flatten()
    k = max(int(sparsity * flat.numel() - 1), 0)
    return saliency >= torch.kthvalue(flat, k + 1).values


def workloads(device, quick, full):
    gen = torch.Generator(device="cpu").manual_seed(0)
    batches = (64,) if quick else (64, 256)
    rows = []
    n = 1024 if device.type == "cpu" and not full else 4096
    a = torch.randn(n, n, generator=gen).to(device)
    b = torch.randn(n, n, generator=gen).to(device)
    rows.append((f"sgemm {n}x{n}x{n}" + (" (CPU default; --full: 4096)" if n < 4096 else ""), 2.0 * n ** 3, None, lambda: a @ b))
    for batch in batches:
        x = torch.randn(batch, 32, 26, 26, generator=gen).to(device)
        w = torch.randn(64, 32, 3, 3, generator=gen).to(device)
        gy = torch.randn(batch, 64, 24, 24, generator=gen).to(device)
        flops = 2.0 * batch * 64 * 24 * 24 * 32 * 9
        rows.append((f"conv2d forward b{batch}", flops, None, lambda x=x, w=w: F.conv2d(x, w)))
        rows.append((f"conv2d backward-data b{batch}", flops, None,
                     lambda x=x, w=w, gy=gy: torch.nn.grad.conv2d_input(x.shape, w, gy)))
        rows.append((f"conv2d backward-weight b{batch}", flops, None,
                     lambda x=x, w=w, gy=gy: torch.nn.grad.conv2d_weight(x, w.shape, gy)))
    for batch in batches:
        rows.append((f"train step float b{batch}", None, None, train_step(device, batch, gen)))
    window = [torch.randn(1, 64, 24, 24, generator=gen).to(device) for _ in range(8)]
    rows.append(("decimal search 8x[64,24,24] 20 candidates", None, 4.0 * sum(t.numel() for t in window),
                 lambda: decimal_search(window)))
    big = torch.randn(1 << 24, generator=gen).to(device)
    fractions = torch.tensor([0.01, 0.99], device=device)
    rows.append(("quantile 16M exact (0.01, 0.99)", None, 4.0 * big.numel(), lambda: quantile(big, fractions)))
    weight = torch.randn(128, 9216, generator=gen).to(device).abs()
    rows.append(("prune mask 128x9216", None, 4.0 * weight.numel(), lambda: prune_mask(weight)))
    return rows


def first_launch(device):
    """The first training step of a fresh network at batch 64 (lazy initialisation, cuDNN heuristics)."""
    step = train_step(device, 64, torch.Generator(device="cpu").manual_seed(1))
    first = once(step, device)
    return {"workload": "first launch: train step float b64, first step, fresh device", "mode": "fp32",
            "seconds": first, "mean_seconds": first, "repeats": 1, "gflops": None, "gbps": None,
            "note": "in-process: the device context may already exist"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--json")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--quick", action="store_true", help="batch 64 only, 3 repeats")
    parser.add_argument("--full", action="store_true", help="SGEMM at 4096^3 on the CPU too")
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 5)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"CPU ({torch.get_num_threads()} threads)"
    modes = [("fp32", False)] + ([("tf32", True)] if device.type == "cuda" else [])
    results = [first_launch(device)]
    print(f"{results[0]['workload']:62s} fp32  {results[0]['seconds'] * 1e3:10.2f} ms  {name}", flush=True)
    for mode, tf32 in modes:
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        for label, flops, nbytes, fn in workloads(device, args.quick, args.full):
            best, mean = timed(fn, device, repeats)
            gflops = flops / best / 1e9 if flops else None
            gbps = nbytes / best / 1e9 if nbytes else None
            results.append({"workload": label, "mode": mode, "seconds": best, "mean_seconds": mean, "repeats": repeats,
                            "gflops": gflops, "gbps": gbps, "note": None})
            rate = f"{gflops:9.1f} GFLOP/s" if gflops else f"{gbps:9.2f} GB/s   " if gbps else " " * 17
            print(f"{label:62s} {mode:5s} {best * 1e3:10.2f} ms (mean {mean * 1e3:10.2f}) {rate}  {name}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"implementation": f"pytorch {torch.__version__}", "device": name,
                       "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "options": {"repeats": repeats, "quick": args.quick, "full": args.full},
                       "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
