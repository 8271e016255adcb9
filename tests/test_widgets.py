"""The jupyter.widget comm protocol (ipywidgets 8) against the real kernel,
with this test playing the frontend: comm_open and display_data from a cell,
update → echo_update → the Go callback's output, updates while a cell runs,
request_state, jupyter.widget.control request_states, comm_info and
Interact calling an interpreted function from the comm goroutine."""
import queue
import time
import uuid

import pytest

from conftest import TIMEOUT, collect_until_idle, execute, shell_reply, stream_text

pytestmark = pytest.mark.timeout(120)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
IMPORT = 'import "github.com/gophys/gophys/display/widgets"\n'


def send_shell(kc, msg_type, content):
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def comm_msg(kc, comm_id, data):
    return send_shell(kc, "comm_msg", {"comm_id": comm_id, "data": data})


def read_iopub_until(kc, done, timeout=TIMEOUT):
    """Read IOPub messages (any parent) until done(messages so far) holds."""
    seen = []
    deadline = time.monotonic() + timeout
    while not done(seen):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"gave up; got {[(m['msg_type'], m['content']) for m in seen]}")
        try:
            seen.append(kc.get_iopub_msg(timeout=remaining))
        except queue.Empty:
            continue
    return seen


def stdout_of(messages):
    return "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")


def run_ok(kc, code):
    reply, out = execute(kc, code)
    assert reply["content"]["status"] == "ok", stream_text(out) + str(
        [m["content"] for m in out if m["msg_type"] == "error"])
    return out


@pytest.fixture(scope="module")
def slider(kernel):
    """An IntSlider made by a cell, with a callback printing its value; returns its comm id."""
    _, kc = kernel
    out = run_ok(kc, IMPORT + """
s, err := widgets.NewIntSlider("lr", 0, 10, 1, 5)
if err != nil {
	panic(err)
}
s.OnChange(func(v int) { fmt.Println("value is", v) })
s.Display()
""")
    opens = [m["content"] for m in out if m["msg_type"] == "comm_open"]
    assert [o["data"]["state"]["_model_name"] for o in opens] == ["LayoutModel", "SliderStyleModel", "IntSliderModel"]
    assert all(o["target_name"] == "jupyter.widget" for o in opens)
    assert all(m["metadata"] == {"version": "2.1.0"} for m in out if m["msg_type"] == "comm_open")
    layout, style, widget = (o["comm_id"] for o in opens)
    state = opens[2]["data"]["state"]
    assert state["value"] == 5 and state["max"] == 10 and state["description"] == "lr"
    assert state["layout"] == "IPY_MODEL_" + layout and state["style"] == "IPY_MODEL_" + style
    assert state["_model_module"] == "@jupyter-widgets/controls" and state["_model_module_version"] == "2.0.0"
    assert opens[2]["data"]["buffer_paths"] == []
    displays = [m["content"] for m in out if m["msg_type"] == "display_data"]
    assert len(displays) == 1
    assert displays[0]["data"][WIDGET_VIEW] == {"version_major": 2, "version_minor": 0, "model_id": widget}
    assert displays[0]["data"]["text/plain"].startswith("IntSlider(value=5")
    return {"widget": widget, "layout": layout, "style": style}


def test_update_is_echoed_and_runs_the_callback(kernel, slider):
    _, kc = kernel
    msg_id = comm_msg(kc, slider["widget"], {"method": "update", "state": {"value": 7}, "buffer_paths": []})
    out = collect_until_idle(kc, msg_id)
    echoes = [m["content"] for m in out if m["msg_type"] == "comm_msg"]
    assert echoes == [{"comm_id": slider["widget"],
                       "data": {"method": "echo_update", "state": {"value": 7}, "buffer_paths": []}}]
    # The callback prints into the latest cell's output.
    read_iopub_until(kc, lambda seen: "value is 7" in stdout_of(seen), timeout=5)


def test_update_while_a_cell_runs(kernel, slider):
    _, kc = kernel
    cell = kc.execute('fmt.Println("sleeping")\ntime.Sleep(1500 * time.Millisecond)\nfmt.Println("cell done")')
    # Wait until the cell is surely running (its first line printed).
    read_iopub_until(kc, lambda seen: "sleeping" in stdout_of(seen))
    sent = time.monotonic()
    update = comm_msg(kc, slider["widget"], {"method": "update", "state": {"value": 3}, "buffer_paths": []})
    seen = read_iopub_until(kc, lambda seen: "cell done" in stdout_of(seen))
    echo_at = next(i for i, m in enumerate(seen)
                   if m["msg_type"] == "comm_msg" and m["parent_header"].get("msg_id") == update)
    callback_at = next(i for i, m in enumerate(seen)
                       if m["msg_type"] == "stream" and "value is 3" in m["content"]["text"])
    done_at = next(i for i, m in enumerate(seen)
                   if m["msg_type"] == "stream" and "cell done" in m["content"]["text"])
    assert echo_at < done_at and callback_at < done_at
    # The callback's output belongs to the running cell.
    assert seen[callback_at]["parent_header"]["msg_id"] == cell
    assert time.monotonic() - sent < 3
    assert shell_reply(kc, cell)["content"]["status"] == "ok"


def test_request_state_answers_full_state(kernel, slider):
    _, kc = kernel
    comm_msg(kc, slider["widget"], {"method": "update", "state": {"value": 4}, "buffer_paths": []})
    msg_id = comm_msg(kc, slider["widget"], {"method": "request_state"})
    out = collect_until_idle(kc, msg_id)
    updates = [m["content"]["data"] for m in out if m["msg_type"] == "comm_msg"]
    assert len(updates) == 1 and updates[0]["method"] == "update"
    assert updates[0]["state"]["_model_name"] == "IntSliderModel"
    assert updates[0]["state"]["value"] == 4
    assert updates[0]["state"]["layout"] == "IPY_MODEL_" + slider["layout"]


def test_control_request_states_and_comm_info(kernel, slider):
    _, kc = kernel
    control = uuid.uuid4().hex
    collect_until_idle(kc, send_shell(kc, "comm_open", {
        "comm_id": control, "target_name": "jupyter.widget.control", "data": {}}))
    out = collect_until_idle(kc, comm_msg(kc, control, {"method": "request_states"}))
    replies = [m["content"] for m in out if m["msg_type"] == "comm_msg"]
    assert len(replies) == 1 and replies[0]["comm_id"] == control
    data = replies[0]["data"]
    assert data["method"] == "update_states"
    states = data["states"]
    assert {slider["widget"], slider["layout"], slider["style"]} <= states.keys()
    entry = states[slider["widget"]]
    assert entry["model_name"] == "IntSliderModel"
    assert entry["model_module"] == "@jupyter-widgets/controls"
    assert entry["state"]["description"] == "lr"

    comms = shell_reply(kc, kc.comm_info(target_name="jupyter.widget"))["content"]["comms"]
    for key in ("widget", "layout", "style"):
        assert comms[slider[key]] == {"target_name": "jupyter.widget"}


def test_interact_calls_an_interpreted_function(kernel):
    _, kc = kernel
    out = run_ok(kc, IMPORT + """
in, err := widgets.Interact(func(b float64, n int) string {
	return fmt.Sprintf("b=%.2f n=%d", b, n)
}, widgets.FloatRange("b", 0.4, 1.2, 0.01), widgets.IntRange("n", 0, 10, 1))
if err != nil {
	panic(err)
}
""")
    opens = {m["content"]["comm_id"]: m["content"]["data"]["state"] for m in out if m["msg_type"] == "comm_open"}
    slider_id = next(i for i, s in opens.items() if s["_model_name"] == "FloatSliderModel")
    output_id = next(i for i, s in opens.items() if s["_model_name"] == "OutputModel")
    first = [m["content"]["data"]["state"]["outputs"] for m in out
             if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == output_id]
    assert first and first[-1][0]["data"]["text/plain"] == "b=0.80 n=5"
    boxes = [m["content"]["data"][WIDGET_VIEW]["model_id"] for m in out if m["msg_type"] == "display_data"]
    assert len(boxes) == 1 and opens[boxes[0]]["_model_name"] == "VBoxModel"

    # The Output's update is attributed to the cell that opened it, not to
    # the slider's comm_msg, so read IOPub whatever the parent.
    comm_msg(kc, slider_id, {"method": "update", "state": {"value": 1.1}})

    def output_updates(seen):
        return [m["content"]["data"]["state"]["outputs"] for m in seen
                if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == output_id]
    seen = read_iopub_until(kc, lambda seen: output_updates(seen), timeout=10)
    assert output_updates(seen)[-1][0]["data"]["text/plain"] == "b=1.10 n=5"


def test_interact_renders_a_plot(kernel):
    _, kc = kernel
    out = run_ok(kc, IMPORT + """
widgets.Interact(func(a float64) *plot.Plot {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("a = %.1f", a)
	return p
}, widgets.FloatRange("a", 0, 1, 0.1))
""")
    outputs = [m["content"]["data"]["state"]["outputs"] for m in out
               if m["msg_type"] == "comm_msg" and "outputs" in m["content"]["data"].get("state", {})]
    assert outputs and "image/png" in outputs[-1][0]["data"]
    # The display carries a static snapshot for HTML reports: the control's value and the plot as an <img>.
    shown = [m["content"]["data"] for m in out if m["msg_type"] == "display_data"]
    assert len(shown) == 1 and WIDGET_VIEW in shown[0]
    assert "a: 0.50" in shown[0]["text/html"] and '<img src="data:image/png;base64,iVBOR' in shown[0]["text/html"]


def test_callback_panic_is_reported(kernel):
    _, kc = kernel
    out = run_ok(kc, IMPORT + """
b, _ := widgets.NewButton("boom")
b.OnClick(func() { panic("kaboom") })
b.Display()
""")
    button = next(m["content"]["comm_id"] for m in out if m["msg_type"] == "comm_open"
                  and m["content"]["data"]["state"]["_model_name"] == "ButtonModel")
    collect_until_idle(kc, comm_msg(kc, button, {"method": "custom", "content": {"event": "click"}}))
    read_iopub_until(kc, lambda seen: "kaboom" in stdout_of(seen), timeout=5)
    # The kernel still runs cells.
    assert "still here" in stream_text(run_ok(kc, 'fmt.Println("still here")'))


def test_final_value_shows_the_widget_and_callbacks_survive_an_interrupt(kernel):
    km, kc = kernel
    # No import line: the kernel adds it for the widgets package name.
    out = run_ok(kc, 'c, _ := widgets.NewCheckbox("log", false)\n'
                     'c.OnChange(func(v bool) { fmt.Println("log scale:", v) })\nc')
    checkbox = [m["content"]["comm_id"] for m in out if m["msg_type"] == "comm_open"][-1]
    results = [m["content"]["data"] for m in out if m["msg_type"] == "execute_result"]
    assert len(results) == 1 and results[0][WIDGET_VIEW]["model_id"] == checkbox

    cell = kc.execute("for {\n}")
    time.sleep(0.5)
    km.interrupt_kernel()
    assert shell_reply(kc, cell)["content"]["status"] == "error"
    collect_until_idle(kc, cell)
    comm_msg(kc, checkbox, {"method": "update", "state": {"value": True}})
    read_iopub_until(kc, lambda seen: "log scale: true" in stdout_of(seen), timeout=5)


def test_states_match_ipywidgets(kernel):
    """Every model's state has the keys and default values ipywidgets 8 sends
    (its own get_state), apart from _view_count and Layout's null keys, which
    the frontend defaults the same way."""
    import ipywidgets

    _, kc = kernel
    out = run_ok(kc, IMPORT + """
widgets.NewIntSlider("d", 0, 10, 1, 5)
widgets.NewFloatSlider("d", 0, 10, 0.1, 5)
widgets.NewDropdown("d", []string{"x", "y"}, "")
widgets.NewButton("d")
widgets.NewCheckbox("d", false)
widgets.NewText("d", "")
widgets.NewLabel("")
widgets.NewHTML("")
widgets.NewOutput()
widgets.NewHBox()
widgets.NewVBox()
""")
    ours = {}
    for m in out:
        if m["msg_type"] == "comm_open":
            state = m["content"]["data"]["state"]
            ours.setdefault(state["_model_name"], state)
    theirs = [ipywidgets.IntSlider(value=5, min=0, max=10, description="d"),
              ipywidgets.FloatSlider(value=5, min=0, max=10, step=0.1, description="d"),
              ipywidgets.Dropdown(options=["x", "y"], description="d"), ipywidgets.Button(description="d"),
              ipywidgets.Checkbox(description="d"), ipywidgets.Text(description="d"), ipywidgets.Label(),
              ipywidgets.HTML(), ipywidgets.Output(), ipywidgets.HBox(), ipywidgets.VBox()]

    def normal(v):
        if isinstance(v, (list, tuple)):
            return [normal(x) for x in v]
        if isinstance(v, str) and v.startswith("IPY_MODEL_"):
            return "IPY_MODEL_"
        return v

    for w in theirs:
        models = [w.get_state(), w.layout.get_state()] + ([w.style.get_state()] if hasattr(w, "style") else [])
        for want in models:
            name = want["_model_name"]
            got = ours[name]
            want = {k: v for k, v in want.items() if k != "_view_count" and not (name == "LayoutModel" and v is None)}
            assert {k: normal(v) for k, v in got.items()} == {k: normal(v) for k, v in want.items()}, name


def msg_id_updates(seen, comm_id):
    """(index, msg_id value, parent msg_id) of each msg_id update on comm_id."""
    return [(i, m["content"]["data"]["state"]["msg_id"], m["parent_header"].get("msg_id"))
            for i, m in enumerate(seen)
            if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id
            and "msg_id" in m["content"]["data"].get("state", {})]


@pytest.fixture(scope="module")
def output_area(kernel):
    """An Output widget made and shown by a cell; returns its comm id."""
    _, kc = kernel
    out = run_ok(kc, IMPORT + """
area, err := widgets.NewOutput()
if err != nil {
	panic(err)
}
area.Display()
""")
    return next(m["content"]["comm_id"] for m in out if m["msg_type"] == "comm_open"
                and m["content"]["data"]["state"]["_model_name"] == "OutputModel")


def test_output_capture_in_a_cell(kernel, output_area):
    """Capture sets msg_id to the cell's execute_request (the update is sent
    with that parent), the cell's outputs during the capture carry that
    parent and come between the two msg_id updates, and outputs printed
    before and after fall outside."""
    _, kc = kernel
    cell = kc.execute('fmt.Println("before")\n'
                      'area.Capture(func() {\n\tfmt.Println("inside")\n\tdisplay.Markdown("**shown inside**")\n})\n'
                      'fmt.Println("after")')
    assert shell_reply(kc, cell)["content"]["status"] == "ok"
    seen = collect_until_idle(kc, cell)
    updates = msg_id_updates(seen, output_area)
    assert [(v, p) for _, v, p in updates] == [(cell, cell), ("", cell)]
    start, end = updates[0][0], updates[1][0]
    streams = [(i, m["content"]["text"]) for i, m in enumerate(seen) if m["msg_type"] == "stream"]
    inside = [i for i, t in streams if "inside" in t]
    assert inside and all(start < i < end for i in inside), (streams, start, end)
    assert all(i < start for i, t in streams if "before" in t)
    assert all(i > end for i, t in streams if "after" in t)
    md = [i for i, m in enumerate(seen) if m["msg_type"] == "display_data"
          and "shown inside" in m["content"]["data"].get("text/markdown", "")]
    assert len(md) == 1 and start < md[0] < end


def test_output_capture_in_a_callback(kernel, output_area):
    """In a widget callback the capture's parent is the comm_msg that ran
    it: the msg_id update and the callback's display carry that parent, in
    order set, display, clear."""
    _, kc = kernel
    out = run_ok(kc, IMPORT + """
knob, _ := widgets.NewIntSlider("k", 0, 10, 1, 0)
knob.OnChange(func(v int) {
	area.Capture(func() { display.Markdown(fmt.Sprintf("knob at %d", v)) })
})
knob.Display()
""")
    knob = next(m["content"]["comm_id"] for m in out if m["msg_type"] == "comm_open"
                and m["content"]["data"]["state"]["_model_name"] == "IntSliderModel")
    update = comm_msg(kc, knob, {"method": "update", "state": {"value": 6}, "buffer_paths": []})
    seen = collect_until_idle(kc, update)
    updates = msg_id_updates(seen, output_area)
    assert [(v, p) for _, v, p in updates] == [(update, update), ("", update)]
    shown = [i for i, m in enumerate(seen) if m["msg_type"] == "display_data"
             and m["content"]["data"].get("text/markdown") == "knob at 6"]
    assert len(shown) == 1 and updates[0][0] < shown[0] < updates[1][0]


def test_output_keeps_what_the_frontend_captured(kernel, output_area):
    """The frontend reports captured outputs as an outputs update; a later
    Append from Go keeps them."""
    _, kc = kernel
    captured = {"output_type": "stream", "name": "stdout", "text": "captured by the frontend\n"}
    collect_until_idle(kc, comm_msg(kc, output_area, {"method": "update", "state": {"outputs": [captured]},
                                                      "buffer_paths": []}))
    out = run_ok(kc, 'area.Append("appended")')
    states = [m["content"]["data"]["state"]["outputs"] for m in out
              if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == output_area]
    assert states and states[-1][0] == captured and states[-1][1]["data"]["text/plain"] == "appended"
