package display_test

import (
	"testing"

	"github.com/gophys/gophys/display"
	"github.com/gophys/gophys/display/displaytest"
)

// WithPublisher redirects the calling goroutine only, nests, and restores
// the outer publisher after a panic.
func TestWithPublisher(t *testing.T) {
	cell, inner, outer := &displaytest.Recorder{}, &displaytest.Recorder{}, &displaytest.Recorder{}
	display.SetPublisher(cell)
	t.Cleanup(func() { display.SetPublisher(nil) })

	other := make(chan struct{})
	display.WithPublisher(outer, func() {
		_ = display.Show("outer 1")
		go func() { // not redirected: another goroutine
			_ = display.Show("other goroutine")
			close(other)
		}()
		<-other
		func() {
			defer func() { _ = recover() }()
			display.WithPublisher(inner, func() {
				_ = display.Show("inner")
				panic("boom")
			})
		}()
		_ = display.Show("outer 2")
	})
	_ = display.Show("cell")

	for _, c := range []struct {
		name string
		r    *displaytest.Recorder
		want []string
	}{
		{"cell", cell, []string{"other goroutine", "cell"}},
		{"outer", outer, []string{"outer 1", "outer 2"}},
		{"inner", inner, []string{"inner"}},
	} {
		var got []string
		for _, b := range c.r.Published() {
			got = append(got, b.Data["text/plain"].(string))
		}
		if len(got) != len(c.want) {
			t.Errorf("%s got %q, want %q", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s got %q, want %q", c.name, got, c.want)
				break
			}
		}
	}
}

// flushPublisher implements display.Flusher.
type flushPublisher struct {
	displaytest.Recorder
	flushes int
}

func (f *flushPublisher) Flush() error { f.flushes++; return nil }

func TestFlush(t *testing.T) {
	rec := &displaytest.Recorder{}
	display.SetPublisher(rec)
	t.Cleanup(func() { display.SetPublisher(nil) })
	if err := display.Flush(); err != nil {
		t.Fatal(err)
	}
	ev := rec.Events()
	if len(ev) != 1 || ev[0].Kind != "update" || ev[0].Bundle.DisplayID == "" || ev[0].Bundle.Data["text/plain"] != "" {
		t.Fatalf("Flush without Flusher sent %+v, want one empty update for an unused display ID", ev)
	}
	fp := &flushPublisher{}
	display.SetPublisher(fp)
	if err := display.Flush(); err != nil || fp.flushes != 1 || len(fp.Events()) != 0 {
		t.Errorf("Flush with a Flusher: err %v, %d flushes, displays %+v", err, fp.flushes, fp.Events())
	}
	display.SetPublisher(nil)
	if err := display.Flush(); err != nil {
		t.Errorf("console Flush: %v", err)
	}
}
