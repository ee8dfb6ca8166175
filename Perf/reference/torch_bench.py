#!/usr/bin/env python3
"""PyTorch counterpart of `qsparse bench`: the same workloads in plain PyTorch, so ratios come from
one run on one machine. Uses only torch. Usage:
    python3 Perf/reference/torch_bench.py [--device cpu|cuda] [--json PATH] [--threads N] [--quick]
On CUDA it runs every workload twice: FP32 (TF32 off) and with TF32 allowed.
"""
import argparse
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


def timed(fn, device, repeats):
    fn()  # warm-up (allocations, cuDNN algorithm choice)
    if device.type == "cuda":
        torch.cuda.synchronize()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return best


def workloads(device, quick):
    gen = torch.Generator(device="cpu").manual_seed(0)
    rows = []
    n = 1024 if quick or device.type == "cpu" else 4096
    a = torch.randn(n, n, generator=gen).to(device)
    b = torch.randn(n, n, generator=gen).to(device)
    rows.append((f"sgemm {n}x{n}x{n}", 2.0 * n ** 3, lambda: a @ b))
    for batch in (64, 256):
        x = torch.randn(batch, 32, 26, 26, generator=gen).to(device)
        w = torch.randn(64, 32, 3, 3, generator=gen).to(device)
        gy = torch.randn(batch, 64, 24, 24, generator=gen).to(device)
        flops = 2.0 * batch * 64 * 24 * 24 * 32 * 9
        rows.append((f"conv2d forward b{batch}", flops, lambda x=x, w=w: F.conv2d(x, w)))
        rows.append((f"conv2d backward-data b{batch}", flops,
                     lambda x=x, w=w, gy=gy: torch.nn.grad.conv2d_input(x.shape, w, gy)))
        rows.append((f"conv2d backward-weight b{batch}", flops,
                     lambda x=x, w=w, gy=gy: torch.nn.grad.conv2d_weight(x, w.shape, gy)))
    for batch in (64, 256):
        model = MnistNet().to(device)
        opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
        x = torch.randn(batch, 1, 28, 28, generator=gen).to(device)
        y = (torch.arange(batch) % 10).to(device)

        def step(model=model, opt=opt, x=x, y=y):
            loss = F.nll_loss(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()

        rows.append((f"train step float b{batch}", None, step))
    big = torch.randn(1 << 24, generator=gen).to(device)
    rows.append(("quantile 16M (exact sort)", None, lambda: torch.sort(big)))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--json")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"CPU ({torch.get_num_threads()} threads)"
    modes = [("fp32", False)] + ([("tf32", True)] if device.type == "cuda" else [])
    results = []
    for mode, tf32 in modes:
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        for label, flops, fn in workloads(device, args.quick):
            seconds = timed(fn, device, args.repeats)
            gflops = flops / seconds / 1e9 if flops else None
            results.append({"workload": label, "mode": mode, "seconds": seconds, "gflops": gflops})
            rate = f"{gflops:9.1f} GFLOP/s" if gflops else " " * 17
            print(f"{label:36s} {mode:5s} {seconds * 1e3:10.2f} ms {rate}  {name}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"implementation": f"pytorch {torch.__version__}", "device": name, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
