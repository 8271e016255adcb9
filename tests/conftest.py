"""Shared set-up for the Python protocol suite.

The kernel appends executed cells to gophys/history.jsonl in the Jupyter data
directory. Tests must not write into the user's real history, so the whole
session runs with JUPYTER_DATA_DIR pointing at a fresh temporary directory.
Kernelspecs are still found: the venv's share/jupyter is on jupyter_path()
whatever JUPYTER_DATA_DIR says.
"""
import os
import queue
import tempfile
import time

import pytest

_DATA_DIR = tempfile.mkdtemp(prefix="gophys-test-data-")
os.environ["JUPYTER_DATA_DIR"] = _DATA_DIR

KERNEL_NAME = "gophys"
TIMEOUT = 30  # seconds for one reply; the first cell may build the interpreter


@pytest.fixture(scope="session")
def jupyter_data_dir():
    """The temporary Jupyter data directory the kernels of this session use."""
    return _DATA_DIR


def start_kernel():
    """Start a gophys kernel and return (manager, blocking client) once ready."""
    from jupyter_client.manager import start_new_kernel

    return start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=TIMEOUT)


@pytest.fixture(scope="module")
def kernel():
    """One kernel shared by a module's tests (tests must not depend on order)."""
    km, kc = start_kernel()
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


@pytest.fixture
def fresh_kernel():
    """A kernel of its own, for tests that restart or break it."""
    km, kc = start_kernel()
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def collect_until_idle(kc, msg_id, timeout=TIMEOUT):
    """Return the IOPub messages whose parent is msg_id, up to idle inclusive."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no idle for {msg_id}; got {[m['msg_type'] for m in out]}")
        try:
            msg = kc.get_iopub_msg(timeout=remaining)
        except queue.Empty:
            raise TimeoutError(f"no idle for {msg_id}; got {[m['msg_type'] for m in out]}") from None
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    """Return the shell reply whose parent is msg_id, skipping others."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no reply to {msg_id}")
        try:
            msg = kc.get_shell_msg(timeout=remaining)
        except queue.Empty:
            raise TimeoutError(f"no reply to {msg_id}") from None
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def execute(kc, code, timeout=TIMEOUT, **kwargs):
    """Run code and return (reply, iopub messages up to idle)."""
    msg_id = kc.execute(code, **kwargs)
    reply = shell_reply(kc, msg_id, timeout)
    return reply, collect_until_idle(kc, msg_id, timeout)


def stream_text(messages, name=None):
    """Concatenate the stream text of messages (one stream name or all)."""
    return "".join(
        m["content"]["text"]
        for m in messages
        if m["msg_type"] == "stream" and (name is None or m["content"]["name"] == name)
    )
