package widgets

import (
	"reflect"
	"sync"
	"testing"

	"github.com/gophys/gophys/display"
)

// parentComms adds Parents to fakeComms: the cell and comm message the
// fake kernel "serves", and a publisher for the comm message's outputs.
type parentComms struct {
	*fakeComms
	mu         sync.Mutex
	cell, comm string
	commPub    *fakePublisher
}

func (p *parentComms) CellParentID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cell
}

func (p *parentComms) CommParentID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.comm
}

func (p *parentComms) CommPublisher() display.Publisher {
	if p.CommParentID() == "" {
		return nil
	}
	return p.commPub
}

// serve delivers a comm_msg as the kernel does: with its id recorded as
// the comm message being served.
func (p *parentComms) serve(t *testing.T, msgID, commID string, data map[string]any) {
	t.Helper()
	p.mu.Lock()
	p.comm = msgID
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.comm = ""
		p.mu.Unlock()
	}()
	p.frontendMsg(t, commID, data)
}

func setupParents(t *testing.T, cell string) (*parentComms, *fakePublisher) {
	t.Helper()
	f, pub, _ := setup(t)
	p := &parentComms{fakeComms: f, cell: cell, commPub: &fakePublisher{}}
	SetComms(p)
	return p, pub
}

// msgIDs lists the msg_id values sent for comm id, in order.
func msgIDs(ev []event, id string) []any {
	var ids []any
	for _, e := range ev {
		if st, ok := e.data["state"].(map[string]any); ok && e.id == id && e.kind == "msg" {
			if v, ok := st["msg_id"]; ok {
				ids = append(ids, v)
			}
		}
	}
	return ids
}

func texts(bundles []display.Bundle) []string {
	var s []string
	for _, b := range bundles {
		if isFlush(b) {
			continue
		}
		s = append(s, b.Data["text/plain"].(string))
	}
	return s
}

// isFlush recognises display.Flush's empty update (an empty text under a
// display ID).
func isFlush(b display.Bundle) bool {
	t, _ := b.Data["text/plain"].(string)
	return t == "" && b.DisplayID != ""
}

func TestCaptureInCell(t *testing.T) {
	p, pub := setupParents(t, "exec-1")
	o, err := NewOutput()
	if err != nil {
		t.Fatal(err)
	}
	p.take()
	var during any
	if err := o.Capture(func() {
		during = o.m.get("msg_id")
		_ = display.Show("captured")
	}); err != nil {
		t.Fatal(err)
	}
	if during != "exec-1" {
		t.Errorf("msg_id during the capture = %v, want the cell's exec-1", during)
	}
	if got := msgIDs(p.take(), o.ID()); !reflect.DeepEqual(got, []any{"exec-1", ""}) {
		t.Errorf("msg_id updates %v, want [exec-1 \"\"]", got)
	}
	// The cell's display goes out normally, with the cell as parent; the
	// frontend routes it into the area. Flushes bracket the capture.
	if got := texts(pub.bundles); !reflect.DeepEqual(got, []string{"captured"}) {
		t.Errorf("cell displays %v, want [captured]", got)
	}
	if n := len(pub.bundles); n != 3 || !isFlush(pub.bundles[0]) || !isFlush(pub.bundles[2]) {
		t.Errorf("want flush, display, flush; got %+v", pub.bundles)
	}
}

func TestCaptureInCallback(t *testing.T) {
	p, pub := setupParents(t, "")
	o, err := NewOutput()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewIntSlider("x", 0, 10, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var during any
	s.OnChange(func(v int) {
		_ = o.Capture(func() {
			during = o.m.get("msg_id")
			_ = display.Show("value changed")
		})
	})
	p.take()
	p.serve(t, "comm-msg-7", s.ID(), map[string]any{"method": "update", "state": map[string]any{"value": 3.0}})
	if during != "comm-msg-7" {
		t.Errorf("msg_id during the callback's capture = %v, want comm-msg-7", during)
	}
	if got := msgIDs(p.take(), o.ID()); !reflect.DeepEqual(got, []any{"comm-msg-7", ""}) {
		t.Errorf("msg_id updates %v", got)
	}
	if got := texts(p.commPub.bundles); !reflect.DeepEqual(got, []string{"value changed"}) {
		t.Errorf("displays with the comm message as parent %v, want [value changed]", got)
	}
	if len(pub.bundles) != 0 {
		t.Errorf("the callback's capture sent %+v to the cell", pub.bundles)
	}
}

// A cell capturing while a callback runs beside it uses the cell's parent,
// and the callback's displays outside its own capture stay with the cell.
func TestCaptureCellBesideCallback(t *testing.T) {
	p, pub := setupParents(t, "exec-2")
	o, err := NewOutput()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewButton("go")
	if err != nil {
		t.Fatal(err)
	}
	inside, release := make(chan struct{}), make(chan struct{})
	b.OnClick(func() {
		close(inside)
		<-release
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.serve(t, "comm-msg-8", b.ID(), map[string]any{"method": "custom", "content": map[string]any{"event": "click"}})
	}()
	<-inside
	p.take()
	var during any
	if err := o.Capture(func() { during = o.m.get("msg_id"); _ = display.Show("cell") }); err != nil {
		t.Fatal(err)
	}
	close(release)
	<-done
	if during != "exec-2" {
		t.Errorf("msg_id = %v, want the cell's exec-2 while a callback runs", during)
	}
	if got := texts(pub.bundles); !reflect.DeepEqual(got, []string{"cell"}) {
		t.Errorf("cell displays %v", got)
	}
	if len(p.commPub.bundles) != 0 {
		t.Errorf("the cell's display went to the comm message: %+v", p.commPub.bundles)
	}
}

// Without a request to route by (no Parents, or none served), Capture puts
// displays straight into the area; updates by display ID replace in place
// and Clear(wait) clears before the next output.
func TestCaptureDirect(t *testing.T) {
	f, pub, _ := setup(t)
	o, err := NewOutput()
	if err != nil {
		t.Fatal(err)
	}
	f.take()
	if err := o.Capture(func() {
		_ = display.Show("a")
		h, _ := display.New("b1")
		_ = h.Update("b2")
		_ = display.Markdown("c")
	}); err != nil {
		t.Fatal(err)
	}
	outs := outputsOf(t, f.take(), o.ID())
	var got []string
	for _, out := range outs {
		got = append(got, out.(map[string]any)["data"].(map[string]any)["text/plain"].(string))
	}
	if !reflect.DeepEqual(got, []string{"a", "b2", "c"}) {
		t.Errorf("captured %v, want [a b2 c]", got)
	}
	if got := msgIDs(f.take(), o.ID()); len(got) != 0 {
		t.Errorf("a direct capture set msg_id: %v", got)
	}
	if len(pub.bundles) != 0 {
		t.Errorf("captured displays leaked to the cell: %+v", pub.bundles)
	}
	_ = o.Capture(func() {
		_ = display.Clear(true)
		_ = display.Show("after clear")
	})
	if outs := outputsOf(t, f.take(), o.ID()); len(outs) != 1 {
		t.Errorf("after Clear(wait) and one display: %v", outs)
	}
}

// Outputs the frontend captured come back as an outputs update; Append
// keeps them.
func TestOutputKeepsFrontendOutputs(t *testing.T) {
	f, _, _ := setup(t)
	o, err := NewOutput()
	if err != nil {
		t.Fatal(err)
	}
	captured := map[string]any{"output_type": "stream", "name": "stdout", "text": "from the frontend\n"}
	f.frontendMsg(t, o.ID(), map[string]any{"method": "update", "state": map[string]any{"outputs": []any{captured}}})
	f.take()
	if err := o.Append("more"); err != nil {
		t.Fatal(err)
	}
	outs := outputsOf(t, f.take(), o.ID())
	if len(outs) != 2 || !reflect.DeepEqual(outs[0], captured) {
		t.Errorf("outputs %v, want the captured stream then more", outs)
	}
}

// A panicking function leaves msg_id cleared and the panic going on.
func TestCapturePanicRestores(t *testing.T) {
	p, _ := setupParents(t, "exec-3")
	o, err := NewOutput()
	if err != nil {
		t.Fatal(err)
	}
	p.take()
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want boom", r)
			}
		}()
		_ = o.Capture(func() { panic("boom") })
	}()
	if got := msgIDs(p.take(), o.ID()); !reflect.DeepEqual(got, []any{"exec-3", ""}) {
		t.Errorf("msg_id updates %v", got)
	}
	// The area is usable again.
	if err := o.Capture(func() {}); err != nil {
		t.Fatal(err)
	}
}
