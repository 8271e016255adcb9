#!/usr/bin/env python3
"""Training throughput of physnn against PyTorch on CPU, side by side in one run.

Runs physnn's Go benchmarks (physnn/bench: SciNet notebook and paper MLPs, jet-image CNN) and their PyTorch
twins (bench/pytorch/train_bench.py) alternately, --rounds times, and prints samples/s for each side with the
ratio physnn/PyTorch. PyTorch runs with torch.set_num_threads(<cores>) as asked and with 1 thread: on a loaded
machine its OpenMP threads can spin against each other, so the table compares physnn with the better of the two
and says which. GPU figures are added when torch.cuda.is_available().

With --realtime every benchmark process (Go's test binary, Python) runs under SCHED_FIFO (chrt -f 10; root or
CAP_SYS_NICE): on a machine shared with other jobs it gets the cores as on an idle machine, while the kernel's
real-time throttling still leaves the other jobs 5% of each second. Go compiles the test binary outside the
real-time class; only the benchmark runs in it.

Usage (make bench-train): bench/pytorch/.venv/bin/python bench/train_compare.py [--rounds N] [--quick] [--realtime]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ["SciNetNotebook", "SciNetPaper", "JetCNN"]
BATCH = {"SciNetNotebook": 128, "SciNetPaper": 512, "JetCNN": 128}


# REALTIME prefixes each benchmark command (set by --realtime).
REALTIME = []


def go_bench(pattern, benchtime):
    """Runs the Go benchmarks matching pattern once and returns {name: samples/s}."""
    cmd = ["go", "test", "-run", "^$", "-bench", pattern, "-benchtime", benchtime, "-benchmem", "./physnn/bench"]
    if REALTIME:
        cmd[2:2] = ["-exec", " ".join(REALTIME)]
    env = dict(os.environ, GOTOOLCHAIN="local")
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stdout}{out.stderr}")
    res = {}
    for line in out.stdout.splitlines():
        m = re.match(r"BenchmarkTrain(\w+)-\d+\s+\d+\s+(.*)", line)
        if not m:
            continue
        f = m.group(2).split()
        metrics = {unit: float(v) for v, unit in zip(f[0::2], f[1::2])}  # value-unit pairs, in any order
        res[m.group(1)] = (metrics["samples/s"], int(metrics.get("allocs/op", -1)), metrics.get("samples/cpu-s", float("nan")))
    return res


def torch_bench(threads, device, seconds, names):
    """Runs the PyTorch twins once and returns {name: (samples/s, samples per CPU-second)}."""
    cmd = REALTIME + [sys.executable, "-W", "ignore", os.path.join(ROOT, "bench", "pytorch", "train_bench.py"),
           "--threads", str(threads), "--device", device, "--seconds", str(seconds), "--repeat", "1", *names]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stdout}{out.stderr}")
    res = {}
    for line in out.stdout.splitlines():
        f = line.split()
        if f and f[0] == "BENCH":
            res[f[1]] = (float(f[3]), float(f[6]))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds of Go and PyTorch; medians are shown")
    ap.add_argument("--quick", action="store_true", help="shorter runs (1 s per MLP, 3 CNN steps)")
    ap.add_argument("--realtime", action="store_true",
                    help="run every benchmark under SCHED_FIFO (chrt -f 10) so other jobs cannot take its cores")
    args = ap.parse_args()
    if args.realtime:
        REALTIME.extend(["chrt", "-f", "10"])
    try:
        import torch
    except ImportError:
        sys.exit("PyTorch is not installed in this Python; run make bench-pytorch-venv and use bench/pytorch/.venv/bin/python")
    cores = os.cpu_count()
    cuda = torch.cuda.is_available()
    mlp_time, cnn_steps, secs = ("1s", "3x", 1.0) if args.quick else ("3s", "8x", 3.0)
    keys = ["go", "pt", "pt1", "gpu"]
    runs = {k: {n: [] for n in NAMES} for k in keys}
    cpu_runs = {k: {n: [] for n in NAMES} for k in keys}
    allocs = {}
    for r in range(args.rounds):
        print(f"round {r + 1}/{args.rounds} ...", file=sys.stderr, flush=True)
        got = go_bench("Train(SciNet)", mlp_time)
        got.update(go_bench("TrainJetCNN", cnn_steps))
        for n, (v, a, c) in got.items():
            runs["go"][n].append(v)
            cpu_runs["go"][n].append(c)
            allocs[n] = a
        for key, th in [("pt", cores), ("pt1", 1)]:
            for n, (v, c) in torch_bench(th, "cpu", secs, NAMES).items():
                runs[key][n].append(v)
                cpu_runs[key][n].append(c)
        if cuda:
            for n, (v, c) in torch_bench(cores, "cuda", secs, NAMES).items():
                runs["gpu"][n].append(v)
                cpu_runs["gpu"][n].append(c)
    load = os.getloadavg()[0]
    print(f"\n{cores} cores, load average {load:.1f}; torch {torch.__version__}; median of {args.rounds} alternating rounds, "
          f"best in brackets{'; real-time scheduling (SCHED_FIFO)' if args.realtime else ''}")
    for title, data, unit in [("wall clock", runs, "samples/s"), ("CPU time", cpu_runs, "samples per CPU-second")]:
        print(f"\nTraining throughput by {title}, {unit}")
        table(data, cores, cuda, allocs if data is runs else None)
    print("\nphysnn/PyTorch divides physnn's median by the better PyTorch CPU median. allocs/op is Go's -benchmem figure\n"
          "per training step (setup included, so it falls towards the steady state's 0 with more steps). On a machine\n"
          "shared with other jobs the CPU-time table is the steadier comparison (it counts work, not waiting for a core).")


def table(runs, cores, cuda, allocs):
    hdr = f"{'network':<16} {'batch':>5} {'physnn':>20} {f'PyTorch {cores} thr':>20} {'PyTorch 1 thr':>20} {'physnn/PyTorch':>15}"
    if allocs is not None:
        hdr += f" {'allocs/op':>9}"
    if cuda:
        hdr += f" {'PyTorch GPU':>14}"
    print(hdr)
    for n in NAMES:
        cell = {}
        for k, per in runs.items():
            v = per[n]
            cell[k] = (statistics.median(v), max(v)) if v else (float("nan"), float("nan"))
        best_pt = max(cell["pt"][0], cell["pt1"][0])
        which = f"{cores} thr" if cell["pt"][0] >= cell["pt1"][0] else "1 thr"
        fmt = lambda c: f"{c[0]:>10.0f} [{c[1]:>7.0f}]"
        line = (f"{n:<16} {BATCH[n]:>5} {fmt(cell['go']):>20} {fmt(cell['pt']):>20} {fmt(cell['pt1']):>20} "
                f"{cell['go'][0] / best_pt:>8.2f}× ({which})")
        if allocs is not None:
            line += f" {allocs.get(n, -1):>6}"
        if cuda:
            line += f" {cell['gpu'][0]:>14.0f}"
        print(line)


if __name__ == "__main__":
    main()
