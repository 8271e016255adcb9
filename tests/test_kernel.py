"""The gophys kernel process under real jupyter_client and ZeroMQ: interrupt,
panics, hostile wire input, stdin, comms, restart, huge output and the CLI."""
import hashlib
import hmac
import json
import os
import subprocess
import time
import uuid

import pytest
import zmq
from jupyter_client.session import Session

from conftest import TIMEOUT, collect_until_idle, execute, shell_reply, stream_text

pytestmark = pytest.mark.timeout(120)


def all_text(messages):
    """Everything a user would read in these outputs: streams and errors."""
    parts = []
    for m in messages:
        c = m["content"]
        if m["msg_type"] == "stream":
            parts.append(c["text"])
        elif m["msg_type"] == "error":
            parts.append(c["ename"] + ": " + c["evalue"] + "\n" + "\n".join(c["traceback"]))
    return "".join(parts)


def kernel_answers(kc):
    """kernel_info gets an ok reply."""
    msg_id = kc.kernel_info()
    reply = shell_reply(kc, msg_id, timeout=10)
    collect_until_idle(kc, msg_id, timeout=10)
    return reply["content"]["status"] == "ok"


def test_interrupt_infinite_loop_keeps_state(kernel):
    km, kc = kernel
    reply, _ = execute(kc, "keep := 41")
    assert reply["content"]["status"] == "ok", reply["content"]

    msg_id = kc.execute("for {}")
    # Wait until the cell really runs before interrupting it.
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            break
    time.sleep(0.2)
    started = time.monotonic()
    km.interrupt_kernel()  # interrupt_mode "message": interrupt_request on control
    reply = shell_reply(kc, msg_id, timeout=10)
    elapsed = time.monotonic() - started
    assert reply["content"]["status"] == "error", reply["content"]
    assert "interrupt" in reply["content"]["ename"].lower(), reply["content"]
    assert elapsed < 2.0, f"interrupt took {elapsed:.2f}s"
    collect_until_idle(kc, msg_id)

    reply, out = execute(kc, "fmt.Println(keep + 1)")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert stream_text(out, "stdout") == "42\n"


def test_goroutine_panic_is_reported_and_kernel_survives(kernel):
    _, kc = kernel
    code = 'go func() { panic("from a goroutine") }()\ntime.Sleep(300 * time.Millisecond)'
    reply, out = execute(kc, code)
    assert "from a goroutine" in all_text(out), out
    assert kernel_answers(kc)
    reply, out = execute(kc, 'fmt.Println("still here")')
    assert stream_text(out, "stdout") == "still here\n"


def test_bad_signature_is_ignored(kernel):
    _, kc = kernel
    forged = Session(key=b"not-the-kernel-key", username="mallory")
    msg = forged.msg("execute_request", {
        "code": "forged := 1", "silent": False, "store_history": True,
        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True,
    })
    forged.send(kc.shell_channel.socket, msg)
    # The kernel neither answers nor runs it...
    with pytest.raises(TimeoutError):
        shell_reply(kc, msg["header"]["msg_id"], timeout=1.0)
    reply, out = execute(kc, "fmt.Println(forged)")
    assert reply["content"]["status"] == "error", "a forged cell ran"
    # ...and keeps serving properly signed requests.
    assert kernel_answers(kc)


def _sign(key, parts):
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for p in parts:
        mac.update(p)
    return mac.hexdigest().encode()


def test_malformed_frames_do_not_kill_the_kernel(kernel):
    km, kc = kernel
    info = km.get_connection_info()
    key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
    header = json.dumps({"msg_id": str(uuid.uuid4()), "session": "s", "username": "u",
                         "date": "2026-01-01T00:00:00.000000Z", "msg_type": "kernel_info_request",
                         "version": "5.3"}).encode()
    bad_json = [b"{not json", b"{}", b"{}", b"{}"]
    not_object = [header, b"{}", b"{}", b"[1, 2]"]
    garbage = [
        [b"garbage"],
        [b"<IDS|MSG>"],
        [b"<IDS|MSG>", b"deadbeef"],
        [b"<IDS|MSG>", _sign(key, bad_json)] + bad_json,
        [b"<IDS|MSG>", _sign(key, not_object)] + not_object,
        [b"<IDS|MSG>", b"", header, b"{}", b"{}", b"{}"],  # unsigned
        [b"\xff" * 1024, b"<IDS|MSG>"],
    ]
    ctx = zmq.Context.instance()
    for port_name in ("shell_port", "control_port", "stdin_port"):
        sock = ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(f"{info['transport']}://{info['ip']}:{info[port_name]}")
        for frames in garbage:
            sock.send_multipart(frames)
        time.sleep(0.1)
        sock.close()
    assert kernel_answers(kc)
    assert km.is_alive()
    # The heartbeat still echoes.
    hb = ctx.socket(zmq.REQ)
    hb.linger = 0
    hb.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
    hb.send(b"ping")
    assert hb.poll(5000), "heartbeat did not answer"
    assert hb.recv() == b"ping"
    hb.close()


def test_stdin_round_trip(kernel):
    _, kc = kernel
    code = 'var name string\nfmt.Scanln(&name)\nfmt.Println("hello", name)'
    msg_id = kc.execute(code, allow_stdin=True)
    req = kc.get_stdin_msg(timeout=TIMEOUT)
    assert req["msg_type"] == "input_request"
    assert req["parent_header"]["msg_id"] == msg_id
    kc.input("gopher")
    reply = shell_reply(kc, msg_id)
    out = collect_until_idle(kc, msg_id)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "hello gopher" in stream_text(out, "stdout")


def test_stdin_not_allowed_fails_fast(kernel):
    _, kc = kernel
    reply, out = execute(kc, 'var s string\n_, err := fmt.Scanln(&s)\nfmt.Println(err != nil)',
                         timeout=10, allow_stdin=False)
    # Either the cell reports the error itself or fails; it must not hang.
    assert reply["content"]["status"] in ("ok", "error")


def _send_shell(kc, msg_type, content):
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def test_comm_echo_open_msg_close(kernel):
    _, kc = kernel
    comm_id = uuid.uuid4().hex
    open_id = _send_shell(kc, "comm_open", {"comm_id": comm_id, "target_name": "gophys.echo", "data": {}})
    collect_until_idle(kc, open_id)

    info = kc.comm_info(target_name="gophys.echo")
    comms = shell_reply(kc, info)["content"]["comms"]
    assert comms == {comm_id: {"target_name": "gophys.echo"}}

    msg_id = _send_shell(kc, "comm_msg", {"comm_id": comm_id, "data": {"ping": [1, "two"]}})
    out = collect_until_idle(kc, msg_id)
    echoes = [m for m in out if m["msg_type"] == "comm_msg"]
    assert len(echoes) == 1, [m["msg_type"] for m in out]
    assert echoes[0]["content"] == {"comm_id": comm_id, "data": {"ping": [1, "two"]}}

    close_id = _send_shell(kc, "comm_close", {"comm_id": comm_id, "data": {}})
    collect_until_idle(kc, close_id)
    info = kc.comm_info()
    assert shell_reply(kc, info)["content"]["comms"] == {}


def test_comm_open_unknown_target_is_closed(kernel):
    _, kc = kernel
    comm_id = uuid.uuid4().hex
    open_id = _send_shell(kc, "comm_open", {"comm_id": comm_id, "target_name": "no.such.target", "data": {}})
    out = collect_until_idle(kc, open_id)
    closes = [m for m in out if m["msg_type"] == "comm_close"]
    assert closes and closes[0]["content"]["comm_id"] == comm_id


def test_unknown_request_gets_error_reply(kernel):
    _, kc = kernel
    msg_id = _send_shell(kc, "frobnicate_request", {})
    reply = shell_reply(kc, msg_id)
    collect_until_idle(kc, msg_id)
    assert reply["msg_type"] == "frobnicate_reply"
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "UnsupportedRequest"
    assert isinstance(reply["content"]["traceback"], list)


def test_completion_proposes_package_members(kernel):
    _, kc = kernel
    code = "fmt.Print"
    msg_id = kc.complete(code, len(code))
    content = shell_reply(kc, msg_id)["content"]
    collect_until_idle(kc, msg_id)
    # Whatever span the kernel replaces, the completed text must be right.
    completed = {code[: content["cursor_start"]] + m + code[content["cursor_end"]:] for m in content["matches"]}
    assert {"fmt.Print", "fmt.Printf", "fmt.Println"} <= completed, content


def test_huge_output_is_capped_with_a_note(kernel):
    _, kc = kernel
    code = 's := strings.Repeat("x", 1<<20)\nfor i := 0; i < 12; i++ { fmt.Print(s) }'
    reply, out = execute(kc, code, timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]
    stdout = stream_text(out, "stdout")
    assert len(stdout) == 10 << 20, len(stdout)
    assert "truncated" in stream_text(out, "stderr")
    assert kernel_answers(kc)


def test_restart_clears_state_and_kernel_answers(fresh_kernel):
    km, kc = fresh_kernel
    reply, _ = execute(kc, "beforeRestart := 5")
    assert reply["content"]["status"] == "ok"
    old_pid = km.provisioner.pid if km.provisioner else None
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    if old_pid is not None:
        assert km.provisioner.pid != old_pid
    reply, out = execute(kc, "fmt.Println(beforeRestart)")
    assert reply["content"]["status"] == "error", "state survived a restart"
    reply, out = execute(kc, 'fmt.Println("fresh")')
    assert stream_text(out, "stdout") == "fresh\n"


def test_shutdown_exits_cleanly(fresh_kernel):
    km, kc = fresh_kernel
    msg_id = kc.shutdown()
    reply = kc.get_control_msg(timeout=TIMEOUT)
    assert reply["msg_type"] == "shutdown_reply", reply
    assert reply["content"] == {"status": "ok", "restart": False}
    deadline = time.monotonic() + 5
    while km.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not km.is_alive(), "kernel still running after shutdown_reply"


def test_history_is_persisted_as_json_lines(kernel, jupyter_data_dir):
    _, kc = kernel
    execute(kc, "historyMarker := 17")
    path = os.path.join(jupyter_data_dir, "gophys", "history.jsonl")
    with open(path) as f:
        entries = [json.loads(line) for line in f]
    assert any(e.get("input") == "historyMarker := 17" for e in entries)


@pytest.mark.parametrize("args, message", [
    ([], "missing --connection-file"),
    (["--connection-file", "/nonexistent/kernel.json"], "no such file"),
    (["--connection-file", __file__], "not valid JSON"),
])
def test_cli_connection_file_errors_exit_2(args, message):
    binary = os.path.join(os.path.dirname(__file__), "..", "bin", "gophys")
    proc = subprocess.run([binary, "kernel", *args], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 2
    assert message in proc.stderr
