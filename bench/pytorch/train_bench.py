#!/usr/bin/env python3
"""PyTorch twins of physnn's training-throughput benchmarks (physnn/bench).

Runs the same networks, batch sizes, losses and optimizer as
physnn/bench/throughput_test.go and prints one line per benchmark:

    BENCH <name> <device> <median samples/s> <best samples/s> <median ms/step> <median samples per CPU-second>

Samples per CPU-second (process CPU time, all threads) count the work rather than the wait for a core, so
they are the steadier figure on a machine shared with other jobs.

so bench/train_compare.py can pair them with Go's figures. A step is what
train.Fit does: gather a shuffled mini-batch from in-memory tensors, zero the
gradients, forward, loss, backward, (clip,) Adam step, read the loss value.

Usage: train_bench.py [--threads N] [--seconds S] [--repeat R] [--device cpu|cuda|all] [names...]
"""

import argparse
import os
import statistics
import sys
import time

import torch
from torch import nn


class SciNet(nn.Module):
    """SciNet as physnn/models/scinet: encoder -> (log sigma, mu) -> z -> decoder(concat(z, q))."""

    def __init__(self, encoder, decoder, obs=50, question=1, latents=3, answer=1):
        super().__init__()
        self.obs, self.latents = obs, latents
        self.encoder = mlp(obs, encoder, 2 * latents)
        self.decoder = mlp(latents + question, decoder, answer)

    def forward(self, x):
        o, q = x[:, : self.obs], x[:, self.obs :]
        h = self.encoder(o)
        log_sigma, mu = h[:, : self.latents], h[:, self.latents :]
        log_var = 2 * log_sigma
        # KL to N(0, 1) (sigma_t = 1 on the pendulum), summed over latents, mean over the batch.
        kl = 0.5 * (mu * mu + log_var.exp() - log_var - 1).sum(dim=1).mean()
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        return self.decoder(torch.cat([z, q], dim=1)), kl


def mlp(n_in, hidden, n_out):
    layers = []
    for h in hidden:
        layers += [nn.Linear(n_in, h), nn.ELU()]
        n_in = h
    layers.append(nn.Linear(n_in, n_out))
    return nn.Sequential(*layers)


def jet_cnn():
    """The jet-image CNN of physnn/bench: 3 conv layers of 64 filters (8, 4, 4), same padding, dense 128, 1 logit."""
    return nn.Sequential(
        nn.Conv2d(2, 64, 8, padding="same"), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(64, 64, 4, padding="same"), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(64, 64, 4, padding="same"), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(),
        nn.Linear(64 * 4 * 4, 128), nn.ReLU(),
        nn.Linear(128, 1),
    )


def scinet_case(encoder, decoder, batch):
    def make(device):
        model = SciNet(encoder, decoder).to(device)
        x = torch.randn(64 * batch, 51, device=device)
        y = torch.randn(64 * batch, 1, device=device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        beta = 1e-3

        def step(xb, yb):
            opt.zero_grad(set_to_none=False)
            pred, kl = model(xb)
            loss = ((pred - yb) ** 2).sum() / xb.shape[0] + beta * kl
            loss.backward()
            torch.nn.utils.clip_grad_value_(model.parameters(), 10.0)
            opt.step()
            return loss

        return x, y, batch, step

    return make


def jet_case(device):
    batch = 128
    model = jet_cnn().to(device)
    x = torch.randn(16 * batch, 2, 33, 33, device=device)
    y = torch.randint(0, 2, (16 * batch, 1), device=device).float()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossf = nn.BCEWithLogitsLoss()

    def step(xb, yb):
        opt.zero_grad(set_to_none=False)
        loss = lossf(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    return x, y, batch, step


CASES = {
    "SciNetNotebook": scinet_case([64, 32], [64, 32], 128),
    "SciNetPaper": scinet_case([500, 100], [100, 100], 512),
    "JetCNN": jet_case,
}


def run(name, device, seconds, repeat):
    torch.manual_seed(1)
    x, y, batch, step = CASES[name](device)
    n = x.shape[0]
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    state = {"perm": None, "at": n}

    def steps(k):
        for _ in range(k):
            if state["at"] + batch > n:  # a new epoch: a fresh permutation, as Fit's shuffle
                state["perm"], state["at"] = torch.randperm(n, device=device), 0
            idx = state["perm"][state["at"] : state["at"] + batch]
            state["at"] += batch
            loss = step(x[idx], y[idx])
            loss.item()  # Fit reads every step's loss
        sync()

    steps(3)  # warm-up (allocator, kernels, cuDNN autotuning)
    rates, cpu_rates = [], []
    for _ in range(repeat):
        k, t0, c0 = 0, time.perf_counter(), time.process_time()
        while True:
            steps(1)
            k += 1
            dt = time.perf_counter() - t0
            if dt >= seconds and k >= 3:
                break
        rates.append(k * batch / dt)
        cpu_rates.append(k * batch / max(time.process_time() - c0, 1e-9))
    med = statistics.median(rates)
    cpu = statistics.median(cpu_rates)
    print(f"BENCH {name} {device} {med:.1f} {max(rates):.1f} {1000 * batch / med:.3f} {cpu:.1f}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads (default: all cores)")
    ap.add_argument("--seconds", type=float, default=2.0, help="target seconds per timed repetition")
    ap.add_argument("--repeat", type=int, default=3, help="timed repetitions; the median is printed")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda", "all"])
    ap.add_argument("names", nargs="*", default=list(CASES))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    devices = ["cpu"]
    if args.device == "cuda" or (args.device == "all" and torch.cuda.is_available()):
        devices = ["cuda"] if args.device == "cuda" else ["cpu", "cuda"]
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, cuda {torch.cuda.is_available()}", flush=True)
    for name in args.names:
        if name not in CASES:
            sys.exit(f"unknown benchmark {name}; known: {', '.join(CASES)}")
        for d in devices:
            run(name, d, args.seconds, args.repeat)


if __name__ == "__main__":
    main()
