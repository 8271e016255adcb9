"""Kernel latency and memory, gophys beside ipykernel, with the same client.

Measures, for each kernelspec (gophys and python3 = ipykernel, both installed
in this venv):

* start -> first kernel_info_reply: from spawning the process to receiving the
  reply itself (not jupyter_client's wait_for_ready, whose polling adds ~200
  ms). The request is sent on a DEALER with a 1 ms reconnect interval, so it
  arrives as soon as the kernel binds. Median of --starts runs.
* `1+1` execute -> idle: p50 and p90 over --runs executes after a warm-up.
* RSS of the kernel process after a 200-execute warm-up and after --trivial
  trivial executes, and the growth in MiB and %.

Run with `make bench` (or `.venv/bin/python bench/kernel_bench.py`). History
and IPython profile go to a temporary directory, never the user's.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

_TMP = tempfile.mkdtemp(prefix="gophys-bench-")
os.environ["JUPYTER_DATA_DIR"] = os.path.join(_TMP, "jupyter")
os.environ["IPYTHONDIR"] = os.path.join(_TMP, "ipython")

import zmq  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402
from jupyter_client.session import Session  # noqa: E402

KERNELS = [("gophys", "gophys"), ("ipykernel", "python3")]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def time_start_to_kernel_info(kernel_name):
    """Seconds from spawning the kernel to its first kernel_info_reply."""
    km = KernelManager(kernel_name=kernel_name)
    ctx = zmq.Context.instance()
    started = time.perf_counter()
    # start_kernel chooses the ports, writes the connection file and spawns
    # the process; connecting right after it is what any client does.
    km.start_kernel()
    info = km.get_connection_info()
    session = Session(key=info["key"] if isinstance(info["key"], bytes) else info["key"].encode())
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.IDENTITY, session.bsession)
    sock.setsockopt(zmq.RECONNECT_IVL, 1)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    try:
        msg = session.send(sock, "kernel_info_request", {})
        if not sock.poll(30_000):
            raise TimeoutError(f"{kernel_name}: no kernel_info_reply in 30 s")
        elapsed = time.perf_counter() - started
        _, frames = session.feed_identities(sock.recv_multipart())
        reply = session.deserialize(frames)
        assert reply["parent_header"]["msg_id"] == msg["header"]["msg_id"]
        return elapsed
    finally:
        sock.close()
        km.shutdown_kernel(now=True)


def execute_to_idle(kc, code):
    """Seconds from sending an execute_request to its idle status."""
    started = time.perf_counter()
    msg_id = kc.execute(code, store_history=True)
    while True:
        msg = kc.get_iopub_msg(timeout=30)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            break
    elapsed = time.perf_counter() - started
    # Drain the reply so the shell channel does not grow.
    while True:
        reply = kc.get_shell_msg(timeout=30)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    return elapsed


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def measure(label, kernel_name, args):
    print(f"[{label}] start -> kernel_info x{args.starts}", file=sys.stderr, flush=True)
    starts = [time_start_to_kernel_info(kernel_name) for _ in range(args.starts)]

    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    try:
        pid = km.provisioner.pid
        print(f"[{label}] warm-up 200 executes", file=sys.stderr, flush=True)
        for _ in range(200):
            execute_to_idle(kc, "1+1")
        rss_warm = rss_mib(pid)
        print(f"[{label}] 1+1 x{args.runs}", file=sys.stderr, flush=True)
        lat = [execute_to_idle(kc, "1+1") for _ in range(args.runs)]
        print(f"[{label}] {args.trivial} trivial executes", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        for _ in range(args.trivial):
            execute_to_idle(kc, "1+1")
        trivial_s = time.perf_counter() - t0
        rss_after = rss_mib(pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    return {
        "start_ms": statistics.median(starts) * 1e3,
        "start_min_ms": min(starts) * 1e3,
        "p50_ms": percentile(lat, 0.5) * 1e3,
        "p90_ms": percentile(lat, 0.9) * 1e3,
        "rss_warm": rss_warm,
        "rss_after": rss_after,
        "trivial_s": trivial_s,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--starts", type=int, default=5, help="start-up runs per kernel (median)")
    ap.add_argument("--runs", type=int, default=200, help="timed 1+1 executes")
    ap.add_argument("--trivial", type=int, default=10_000, help="executes between the RSS samples")
    ap.add_argument("--only", choices=[k for k, _ in KERNELS], help="measure one kernel only")
    args = ap.parse_args()

    results = {}
    for label, name in KERNELS:
        if args.only and label != args.only:
            continue
        results[label] = measure(label, name, args)

    rows = [
        ("start -> kernel_info_reply, median (ms)", "start_ms", "{:.1f}"),
        ("start -> kernel_info_reply, best (ms)", "start_min_ms", "{:.1f}"),
        (f"1+1 execute -> idle p50 (ms, n={args.runs})", "p50_ms", "{:.2f}"),
        (f"1+1 execute -> idle p90 (ms, n={args.runs})", "p90_ms", "{:.2f}"),
        ("RSS after 200-execute warm-up (MiB)", "rss_warm", "{:.1f}"),
        (f"RSS after {args.trivial} more executes (MiB)", "rss_after", "{:.1f}"),
    ]
    labels = list(results)
    width = max(len(r[0]) for r in rows) + 2
    col = 18
    print()
    print("".join([f"{'':<{width}}"] + [f"{lab:>{col}}" for lab in labels]
                  + ([f"{'ipykernel/gophys':>{col}}"] if len(labels) == 2 else [])))
    for title, key, fmt in rows:
        cells = [fmt.format(results[lab][key]) for lab in labels]
        line = f"{title:<{width}}" + "".join(f"{c:>{col}}" for c in cells)
        if len(labels) == 2 and results["gophys"][key] > 0 and key.endswith("ms"):
            line += f"{results['ipykernel'][key] / results['gophys'][key]:>{col - 1}.1f}x"
        print(line)
    growth = [f"{r['rss_after'] - r['rss_warm']:+.1f} ({(r['rss_after'] / r['rss_warm'] - 1) * 100:+.1f}%)"
              for r in results.values()]
    print(f"{'RSS growth (MiB, %)':<{width}}" + "".join(f"{g:>{col}}" for g in growth))
    print(f"{'time for the trivial executes (s)':<{width}}"
          + "".join(f"{r['trivial_s']:>{col}.1f}" for r in results.values()))
    print()


if __name__ == "__main__":
    main()
