package widgets

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gophys/gophys/display"
	"gonum.org/v1/plot"
)

// The state ipywidgets 8 sends for IntSlider(value=5, min=0, max=10,
// description='lr'): numeric-and-jupyter.md §4, steps 1-3.
func wantIntSliderOpens(layout, style string) []event {
	meta := map[string]any{"version": "2.1.0"}
	return []event{
		{kind: "open", target: "jupyter.widget", id: layout, metadata: meta, data: map[string]any{"buffer_paths": []any{}, "state": map[string]any{
			"_model_name": "LayoutModel", "_model_module": "@jupyter-widgets/base", "_model_module_version": "2.0.0",
			"_view_name": "LayoutView", "_view_module": "@jupyter-widgets/base", "_view_module_version": "2.0.0"}}},
		{kind: "open", target: "jupyter.widget", id: style, metadata: meta, data: map[string]any{"buffer_paths": []any{}, "state": map[string]any{
			"_model_name": "SliderStyleModel", "_model_module": "@jupyter-widgets/controls", "_model_module_version": "2.0.0",
			"_view_name": "StyleView", "_view_module": "@jupyter-widgets/base", "_view_module_version": "2.0.0",
			"description_width": "", "handle_color": nil}}},
		{kind: "open", target: "jupyter.widget", id: "c3", metadata: meta, data: map[string]any{"buffer_paths": []any{}, "state": map[string]any{
			"_model_name": "IntSliderModel", "_model_module": "@jupyter-widgets/controls", "_model_module_version": "2.0.0",
			"_view_name": "IntSliderView", "_view_module": "@jupyter-widgets/controls", "_view_module_version": "2.0.0",
			"value": 5, "min": 0, "max": 10, "step": 1, "description": "lr", "continuous_update": true,
			"orientation": "horizontal", "readout": true, "readout_format": "d", "behavior": "drag-tap",
			"disabled": false, "_dom_classes": []any{}, "layout": "IPY_MODEL_" + layout, "style": "IPY_MODEL_" + style,
			"tabbable": nil, "tooltip": nil, "description_allow_html": false}}},
	}
}

func checkEvents(t *testing.T, got, want []event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d messages %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("message %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestIntSliderProtocol(t *testing.T) {
	f, pub, report := setup(t)
	s, err := NewIntSlider("lr", 0, 10, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	var sentBeforeCallback int
	s.OnChange(func(v int) {
		seen = append(seen, v)
		sentBeforeCallback = len(f.events)
	})
	checkEvents(t, f.take(), wantIntSliderOpens("c1", "c2"))

	if err := s.Display(); err != nil {
		t.Fatal(err)
	}
	wantView := map[string]any{"version_major": 2, "version_minor": 0, "model_id": "c3"}
	if len(pub.bundles) != 1 || !reflect.DeepEqual(pub.bundles[0].Data["application/vnd.jupyter.widget-view+json"], wantView) {
		t.Fatalf("display: got %+v, want the widget view %v", pub.bundles, wantView)
	}
	if text, _ := pub.bundles[0].Data["text/plain"].(string); !strings.HasPrefix(text, "IntSlider(value=5") {
		t.Errorf("text/plain %q does not start with IntSlider(value=5", text)
	}
	// A widget as a cell's final value goes through display.Render.
	if b, ok := display.Render(s); !ok || !reflect.DeepEqual(b.Data["application/vnd.jupyter.widget-view+json"], wantView) {
		t.Errorf("display.Render(slider) = %+v, %v; want the widget view", b, ok)
	}

	steps := []struct {
		name      string
		data      map[string]any
		want      []event
		wantValue int
		wantSeen  []int
	}{
		{"update is echoed then applied", map[string]any{"method": "update", "state": map[string]any{"value": 7.0}, "buffer_paths": []any{}},
			[]event{{kind: "msg", id: "c3", data: map[string]any{"method": "echo_update", "state": map[string]any{"value": 7.0}, "buffer_paths": []any{}}}},
			7, []int{7}},
		{"non-integer value is refused", map[string]any{"method": "update", "state": map[string]any{"value": 7.5}},
			nil, 7, []int{7}},
		{"read-only key is refused", map[string]any{"method": "update", "state": map[string]any{"_model_name": "X"}},
			nil, 7, []int{7}},
		{"request_state answers the full state", map[string]any{"method": "request_state"},
			[]event{{kind: "msg", id: "c3", data: map[string]any{"method": "update", "buffer_paths": []any{},
				"state": withValue(wantIntSliderOpens("c1", "c2")[2].data["state"].(map[string]any), 7)}}},
			7, []int{7}},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			f.frontendMsg(t, "c3", step.data)
			checkEvents(t, f.take(), step.want)
			if got := s.Value(); got != step.wantValue {
				t.Errorf("Value() = %d, want %d", got, step.wantValue)
			}
			if !reflect.DeepEqual(seen, step.wantSeen) {
				t.Errorf("callback saw %v, want %v", seen, step.wantSeen)
			}
		})
	}
	if sentBeforeCallback != 1 {
		t.Errorf("the callback ran after %d messages; echo_update must precede it", sentBeforeCallback)
	}
	for _, want := range []string{"bad value"} {
		if !strings.Contains(report.String(), want) {
			t.Errorf("report %q does not mention %q", report.String(), want)
		}
	}

	t.Run("kernel-side change sends update and runs callbacks", func(t *testing.T) {
		if err := s.SetValue(20); err != nil {
			t.Fatal(err)
		}
		checkEvents(t, f.take(), []event{{kind: "msg", id: "c3", data: map[string]any{"method": "update", "state": map[string]any{"value": 10}, "buffer_paths": []any{}}}})
		if err := s.SetValue(10); err != nil {
			t.Fatal(err)
		}
		if ev := f.take(); len(ev) != 0 {
			t.Errorf("setting the same value sent %+v", ev)
		}
		if !reflect.DeepEqual(seen, []int{7, 10}) {
			t.Errorf("callback saw %v, want [7 10]", seen)
		}
	})

	t.Run("close closes widget, layout and style", func(t *testing.T) {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		var closed []string
		for _, e := range f.take() {
			if e.kind == "close" {
				closed = append(closed, e.id)
			}
		}
		if !reflect.DeepEqual(closed, []string{"c3", "c1", "c2"}) {
			t.Errorf("closed %v, want [c3 c1 c2]", closed)
		}
		if live := Live(); len(live) != 0 {
			t.Errorf("live widgets after close: %v", live)
		}
		if err := s.SetValue(3); !errors.Is(err, ErrClosed) {
			t.Errorf("SetValue after Close: %v, want ErrClosed", err)
		}
	})
}

func withValue(state map[string]any, v int) map[string]any {
	out := map[string]any{}
	for k, x := range state {
		out[k] = x
	}
	out["value"] = v
	return out
}

func TestControlRequestStates(t *testing.T) {
	f, _, _ := setup(t)
	if _, err := NewCheckbox("log", true); err != nil {
		t.Fatal(err)
	}
	f.take()
	f.frontendOpen(t, "jupyter.widget.control", "ctl")
	f.frontendMsg(t, "ctl", map[string]any{"method": "request_states"})
	ev := f.take()
	if len(ev) != 1 || ev[0].id != "ctl" || ev[0].data["method"] != "update_states" {
		t.Fatalf("got %+v, want one update_states on the control comm", ev)
	}
	states := ev[0].data["states"].(map[string]any)
	wantModels := map[string]string{"c1": "LayoutModel", "c2": "CheckboxStyleModel", "c3": "CheckboxModel"}
	if len(states) != len(wantModels) {
		t.Fatalf("states for %d models, want %d: %v", len(states), len(wantModels), states)
	}
	for id, name := range wantModels {
		st, ok := states[id].(map[string]any)
		if !ok {
			t.Fatalf("no state for %s", id)
		}
		if st["model_name"] != name || st["state"].(map[string]any)["_model_name"] != name {
			t.Errorf("%s: got %v, want model %s", id, st, name)
		}
	}
	if got := states["c3"].(map[string]any)["state"].(map[string]any)["value"]; got != true {
		t.Errorf("checkbox value in update_states = %v, want true", got)
	}

	t.Run("frontend close forgets the widget", func(t *testing.T) {
		f.frontendClose(t, "c3")
		if live := Live(); len(live) != 0 {
			t.Errorf("live after the frontend closed: %v", live)
		}
	})
}

func TestValueWidgets(t *testing.T) {
	type change struct {
		sent any
		want any
	}
	tests := []struct {
		name   string
		make   func(record func(any)) (Widget, error)
		key    string
		change change
	}{
		{"FloatSlider", func(r func(any)) (Widget, error) {
			s, err := NewFloatSlider("b", 0.4, 1.2, 0.01, 0.8)
			if err == nil {
				s.OnChange(func(v float64) { r(v) })
			}
			return s, err
		}, "value", change{0.5, 0.5}},
		{"Dropdown gives the label of the index", func(r func(any)) (Widget, error) {
			d, err := NewDropdown("kind", []string{"a", "b", "c"}, "b")
			if err == nil {
				d.OnChange(func(v string) { r(v) })
			}
			return d, err
		}, "index", change{2.0, "c"}},
		{"Checkbox", func(r func(any)) (Widget, error) {
			c, err := NewCheckbox("on", false)
			if err == nil {
				c.OnChange(func(v bool) { r(v) })
			}
			return c, err
		}, "value", change{true, true}},
		{"Text", func(r func(any)) (Widget, error) {
			x, err := NewText("title", "x")
			if err == nil {
				x.OnChange(func(v string) { r(v) })
			}
			return x, err
		}, "value", change{"hello", "hello"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := setup(t)
			var got []any
			w, err := tt.make(func(v any) { got = append(got, v) })
			if err != nil {
				t.Fatal(err)
			}
			f.take()
			f.frontendMsg(t, w.ID(), map[string]any{"method": "update", "state": map[string]any{tt.key: tt.change.sent}})
			ev := f.take()
			if len(ev) != 1 || ev[0].data["method"] != "echo_update" {
				t.Fatalf("got %+v, want one echo_update", ev)
			}
			if !reflect.DeepEqual(got, []any{tt.change.want}) {
				t.Errorf("callback saw %v, want [%v]", got, tt.change.want)
			}
		})
	}
}

func TestDropdownRejectsBadIndex(t *testing.T) {
	f, _, report := setup(t)
	d, err := NewDropdown("kind", []string{"a", "b"}, "")
	if err != nil {
		t.Fatal(err)
	}
	f.take()
	for _, bad := range []any{2.0, -1.0, "a"} {
		f.frontendMsg(t, d.ID(), map[string]any{"method": "update", "state": map[string]any{"index": bad}})
	}
	if ev := f.take(); len(ev) != 0 {
		t.Errorf("bad indexes were echoed: %+v", ev)
	}
	if d.Value() != "a" || strings.Count(report.String(), "bad index") != 3 {
		t.Errorf("value %q, report %q; want a and three bad-index reports", d.Value(), report.String())
	}
}

func TestButtonClickAndCallbackPanic(t *testing.T) {
	f, _, report := setup(t)
	b, err := NewButton("go")
	if err != nil {
		t.Fatal(err)
	}
	clicks := 0
	b.OnClick(func() { clicks++ })
	b.OnClick(func() { panic("boom") })
	f.frontendMsg(t, b.ID(), map[string]any{"method": "custom", "content": map[string]any{"event": "click"}})
	f.frontendMsg(t, b.ID(), map[string]any{"method": "custom", "content": map[string]any{"event": "click"}})
	if clicks != 2 {
		t.Errorf("clicks = %d, want 2", clicks)
	}
	if !strings.Contains(report.String(), "panicked: boom") {
		t.Errorf("the panic was not reported: %q", report.String())
	}
}

func TestBoxesReferToChildren(t *testing.T) {
	f, _, _ := setup(t)
	a, err := NewLabel("a")
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHTML("<b>b</b>")
	if err != nil {
		t.Fatal(err)
	}
	box, err := NewHBox(a, h)
	if err != nil {
		t.Fatal(err)
	}
	ev := f.take()
	st := ev[len(ev)-1].data["state"].(map[string]any)
	want := []any{"IPY_MODEL_" + a.ID(), "IPY_MODEL_" + h.ID()}
	if st["_model_name"] != "HBoxModel" || !reflect.DeepEqual(st["children"], want) || box.ID() != ev[len(ev)-1].id {
		t.Errorf("HBox state %v, want children %v", st, want)
	}
	if _, err := NewVBox(a, nil); err == nil {
		t.Error("NewVBox accepted a nil child")
	}
}

func TestNoKernel(t *testing.T) {
	SetComms(nil)
	if _, err := NewIntSlider("x", 0, 1, 1, 0); !errors.Is(err, ErrNoKernel) {
		t.Errorf("NewIntSlider without comms: %v, want ErrNoKernel", err)
	}
}

func TestBadArguments(t *testing.T) {
	setup(t)
	tests := []struct {
		name string
		make func() error
	}{
		{"IntSlider min > max", func() error { _, err := NewIntSlider("x", 2, 1, 1, 0); return err }},
		{"IntSlider step 0", func() error { _, err := NewIntSlider("x", 0, 1, 0, 0); return err }},
		{"FloatSlider NaN", func() error { _, err := NewFloatSlider("x", 0, 1, mathNaN(), 0); return err }},
		{"Dropdown no options", func() error { _, err := NewDropdown("x", nil, ""); return err }},
		{"Dropdown unknown value", func() error { _, err := NewDropdown("x", []string{"a"}, "b"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.make(); err == nil {
				t.Error("no error")
			}
		})
	}
}

func outputsOf(t *testing.T, ev []event, id string) []any {
	t.Helper()
	for i := len(ev) - 1; i >= 0; i-- {
		if ev[i].id == id && ev[i].kind == "msg" {
			if outs, ok := ev[i].data["state"].(map[string]any)["outputs"]; ok {
				return outs.([]any)
			}
		}
	}
	t.Fatalf("no outputs update for %s in %+v", id, ev)
	return nil
}

func TestInteract(t *testing.T) {
	f, pub, _ := setup(t)
	calls := 0
	in, err := Interact(func(b float64, n int, kind string) string {
		calls++
		return strings.Repeat(kind, n) + " " + strconvF(b)
	}, FloatRange("b", 0.4, 1.2, 0.01), IntRange("n", 0, 4, 1), Choice("kind", "x", "y"))
	if err != nil {
		t.Fatal(err)
	}
	ev := f.take()
	// The first render: midpoints 0.8 and 2, first option.
	if got := outputsOf(t, ev, in.Output.ID()); got[0].(map[string]any)["data"].(map[string]any)["text/plain"] != "xx 0.80" {
		t.Errorf("first render %v, want xx 0.80", got)
	}
	if len(pub.bundles) != 1 || pub.bundles[0].Data["application/vnd.jupyter.widget-view+json"].(map[string]any)["model_id"] != in.Box.ID() {
		t.Errorf("Interact displayed %+v, want the box", pub.bundles)
	}
	f.frontendMsg(t, in.Controls[0].ID(), map[string]any{"method": "update", "state": map[string]any{"value": 1.1}})
	in.renders.Wait()
	ev = f.take()
	if got := outputsOf(t, ev, in.Output.ID()); got[0].(map[string]any)["data"].(map[string]any)["text/plain"] != "xx 1.10" {
		t.Errorf("after the slider moved: %v, want xx 1.10", got)
	}
	if calls != 2 {
		t.Errorf("f ran %d times, want 2", calls)
	}
	if err := in.Close(); err != nil {
		t.Error(err)
	}
	if live := Live(); len(live) != 0 {
		t.Errorf("live after Interactive.Close: %v", live)
	}
}

func TestInteractShowsPlotsErrorsAndPanics(t *testing.T) {
	tests := []struct {
		name     string
		f        any
		wantMIME string
		wantText string
	}{
		{"plot becomes a PNG", func(x float64) *plot.Plot { p := plot.New(); p.Title.Text = "x"; return p }, "image/png", ""},
		{"error becomes red text", func(x float64) (int, error) { return 0, errors.New("bad x") }, "text/html", "bad x"},
		{"panic is shown", func(x float64) int { panic("kaboom") }, "text/plain", "kaboom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := setup(t)
			in, err := Interact(tt.f, FloatRange("x", 0, 1, 0.1))
			if err != nil {
				t.Fatal(err)
			}
			out := outputsOf(t, f.take(), in.Output.ID())[0].(map[string]any)["data"].(map[string]any)
			if _, ok := out[tt.wantMIME]; !ok {
				t.Errorf("output has %v, want %s", keys(out), tt.wantMIME)
			}
			if text, _ := out["text/plain"].(string); !strings.Contains(text, tt.wantText) {
				t.Errorf("text/plain %q does not contain %q", text, tt.wantText)
			}
		})
	}
}

func TestInteractRejects(t *testing.T) {
	tests := []struct {
		name     string
		f        any
		controls []Control
		want     string
	}{
		{"not a function", 3, nil, "needs a function"},
		{"too few controls", func(a, b float64) int { return 0 }, []Control{FloatRange("a", 0, 1, 0.1)}, "takes 2 parameters"},
		{"wrong type", func(s string) int { return 0 }, []Control{FloatRange("a", 0, 1, 0.1)}, "the control gives float64"},
		{"three results", func(a float64) (int, int, error) { return 0, 0, nil }, []Control{FloatRange("a", 0, 1, 0.1)}, "must return"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t)
			_, err := Interact(tt.f, tt.controls...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want one containing %q", err, tt.want)
			}
			if live := Live(); len(live) != 0 {
				t.Errorf("a refused Interact left widgets open: %v", live)
			}
		})
	}
}

func TestOutput(t *testing.T) {
	f, _, _ := setup(t)
	o, err := NewOutput()
	if err != nil {
		t.Fatal(err)
	}
	ev := f.take()
	st := ev[len(ev)-1].data["state"].(map[string]any)
	if st["_model_module"] != "@jupyter-widgets/output" || st["_model_module_version"] != "1.0.0" || st["_view_name"] != "OutputView" {
		t.Errorf("Output model state %v", st)
	}
	if err := o.Print("hi\n"); err != nil {
		t.Fatal(err)
	}
	if err := o.Append(42); err != nil {
		t.Fatal(err)
	}
	outs := outputsOf(t, f.take(), o.ID())
	want := []any{
		map[string]any{"output_type": "stream", "name": "stdout", "text": "hi\n"},
		map[string]any{"output_type": "display_data", "data": map[string]any{"text/plain": "42"}, "metadata": map[string]any{}},
	}
	if !reflect.DeepEqual(outs, want) {
		t.Errorf("outputs %v, want %v", outs, want)
	}
	if err := o.Clear(); err != nil {
		t.Fatal(err)
	}
	if got := outputsOf(t, f.take(), o.ID()); len(got) != 0 {
		t.Errorf("after Clear: %v", got)
	}
}

func TestInteractMergesChangesWhileRendering(t *testing.T) {
	f, _, _ := setup(t)
	release := make(chan struct{})
	started := make(chan float64, 16)
	var calls []float64
	in, err := Interact(func(x float64) float64 {
		calls = append(calls, x)
		if len(calls) > 1 { // the first call runs inside Interact
			started <- x
			<-release
		}
		return x
	}, FloatRange("x", 0, 10, 1))
	if err != nil {
		t.Fatal(err)
	}
	slider := in.Controls[0].ID()
	move := func(v float64) {
		f.frontendMsg(t, slider, map[string]any{"method": "update", "state": map[string]any{"value": v}})
	}
	move(1)
	<-started // f is busy with 1; the next moves arrive meanwhile
	for _, v := range []float64{2, 3, 4, 5} {
		move(v)
	}
	close(release)
	in.renders.Wait()
	// The initial render (5, the midpoint), the busy one, and one merged
	// render with the latest value.
	if want := []float64{5, 1, 5}; !reflect.DeepEqual(calls, want) {
		t.Errorf("f was called with %v, want %v", calls, want)
	}
	out := outputsOf(t, f.take(), in.Output.ID())
	if got := out[0].(map[string]any)["data"].(map[string]any)["text/plain"]; got != "5" {
		t.Errorf("final output %v, want 5", got)
	}
}

func TestConcurrentChangesLeaveFrontendInSync(t *testing.T) {
	f, _, _ := setup(t)
	s, err := NewIntSlider("x", 0, 1000, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var calls sync.WaitGroup
	s.OnChange(func(int) {})
	for g := range 8 {
		calls.Add(1)
		go func() {
			defer calls.Done()
			for i := range 50 {
				if g%2 == 0 {
					_ = s.SetValue(g*100 + i)
				} else {
					f.frontendMsg(t, s.ID(), map[string]any{"method": "update", "state": map[string]any{"value": float64(g*100 + i)}})
				}
			}
		}()
	}
	calls.Wait()
	// The frontend's view is the value of the last update or echo_update.
	var last any
	for _, e := range f.take() {
		if st, ok := e.data["state"].(map[string]any); ok && e.id == s.ID() {
			if v, ok := st["value"]; ok {
				last = v
			}
		}
	}
	if got, _ := toInt(last); got != s.Value() {
		t.Errorf("the frontend was last told %v, the kernel holds %d", last, s.Value())
	}
}

func TestSetLayout(t *testing.T) {
	f, _, _ := setup(t)
	s, err := NewFloatSlider("b", 0, 1, 0.1, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	f.take()
	if err := s.SetLayout(map[string]string{"width": "600px"}); err != nil {
		t.Fatal(err)
	}
	// c1 is the slider's Layout model, opened first.
	checkEvents(t, f.take(), []event{{kind: "msg", id: "c1", data: map[string]any{"method": "update", "state": map[string]any{"width": "600px"}, "buffer_paths": []any{}}}})
	if err := s.SetLayout(map[string]string{"width": ""}); err != nil {
		t.Fatal(err)
	}
	checkEvents(t, f.take(), []event{{kind: "msg", id: "c1", data: map[string]any{"method": "update", "state": map[string]any{"width": nil}, "buffer_paths": []any{}}}})
	if err := s.SetLayout(map[string]string{"_model_name": "X"}); err == nil {
		t.Error("SetLayout accepted _model_name")
	}
}
