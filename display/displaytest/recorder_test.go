package displaytest_test

import (
	"errors"
	"testing"

	"github.com/gophys/gophys/display"
	"github.com/gophys/gophys/display/displaytest"
)

func TestRecorderKeepsOrder(t *testing.T) {
	rec := displaytest.NewRecorder()
	display.SetPublisher(rec)
	defer display.SetPublisher(nil)

	if err := display.Text("a"); err != nil {
		t.Fatal(err)
	}
	h, err := display.New("b")
	if err != nil {
		t.Fatal(err)
	}
	if err := display.Clear(true); err != nil {
		t.Fatal(err)
	}
	if err := h.Update("c"); err != nil {
		t.Fatal(err)
	}

	want := []struct {
		kind, text string
		wait       bool
	}{{"publish", "a", false}, {"publish", "b", false}, {"clear", "", true}, {"update", "c", false}}
	got := rec.Events()
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		t.Run(w.kind+"_"+w.text, func(t *testing.T) {
			e := got[i]
			text, _ := e.Bundle.Data[display.MIMEText].(string)
			if e.Kind != w.kind || text != w.text || e.Wait != w.wait {
				t.Errorf("event %d = {%s %q wait=%v}, want {%s %q wait=%v}", i, e.Kind, text, e.Wait, w.kind, w.text, w.wait)
			}
		})
	}
	if n := len(rec.Published()); n != 2 {
		t.Errorf("Published has %d bundles, want 2", n)
	}
	if u := rec.Updated(); len(u) != 1 || u[0].DisplayID != h.ID() {
		t.Errorf("Updated = %+v, want one bundle with ID %s", u, h.ID())
	}
	rec.Reset()
	if n := len(rec.Events()); n != 0 {
		t.Errorf("after Reset %d events remain", n)
	}
}

func TestRecorderErr(t *testing.T) {
	boom := errors.New("frontend gone")
	rec := &displaytest.Recorder{Err: boom}
	display.SetPublisher(rec)
	defer display.SetPublisher(nil)
	if err := display.Text("x"); !errors.Is(err, boom) {
		t.Errorf("Text error = %v, want one wrapping %v", err, boom)
	}
	if n := len(rec.Events()); n != 1 {
		t.Errorf("%d events, want the failed call recorded", n)
	}
}
