package eval

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gophys/gophys/physnn"
)

func TestPreloadedPackages(t *testing.T) {
	runSteps(t, []step{
		{code: "m := mat.NewDense(2, 2, []float64{1, 2, 3, 4})\nmat.Det(m)", value: "-2"},
		{code: "xs := []float64{3, 1, 2}\nslices.Sort(xs)\nxs", value: "[1 2 3]"},
		{code: "slices.Max([]int{4, 9, 2})", value: "9"},
		{code: "stat.Mean([]float64{1, 2, 3}, nil)", value: "2"},
		{code: "display.HTML(\"<b>shown, not returned</b>\")", value: ""},
	})
}

func TestPhysnnImplicitImport(t *testing.T) {
	if _, ok := packages().byShort["physnn"]; !ok {
		t.Skip("kernel/symbols has no physnn table yet")
	}
	runSteps(t, []step{{code: "t := physnn.Scalar(2)\n_ = t\n1", value: "1"}})
}

func TestFinalValueThroughDisplay(t *testing.T) {
	in := newTestInterpreter(t)
	res, _ := mustRun(t, in, "p := plot.New()\np.Title.Text = \"t\"\np")
	if res.Value == nil {
		t.Fatal("a plot as final value shows nothing")
	}
	if _, ok := res.Value.Data["image/png"]; !ok {
		if _, ok := res.Value.Data["image/svg+xml"]; !ok {
			t.Errorf("plot rendered as %v, want an image", keys(res.Value.Data))
		}
	}
	res, _ = mustRun(t, in, "mat.NewDense(1, 2, []float64{1, 2})")
	if _, ok := res.Value.Data["text/html"]; !ok {
		t.Errorf("matrix rendered as %v, want text/html", keys(res.Value.Data))
	}
}

func TestDisplayFromCell(t *testing.T) {
	in := newTestInterpreter(t)
	_, out := mustRun(t, in, "display.HTML(\"<b>x</b>\")")
	if len(out.displays) != 1 || out.displays[0].Data["text/html"] == nil {
		t.Fatalf("displays %+v, want one HTML bundle", out.displays)
	}
}

func TestPhysnnCancelHook(t *testing.T) {
	in := newTestInterpreter(t)
	mustRun(t, in, "0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		in.Execute(ctx, "time.Sleep(300 * time.Millisecond)", newFakeOutput())
	}()
	time.Sleep(50 * time.Millisecond)
	if err := physnn.Canceled(); err != nil {
		t.Errorf("physnn sees a cancelled cell before the interrupt: %v", err)
	}
	cancel()
	if err := physnn.Canceled(); err == nil {
		t.Error("physnn does not see the interrupt")
	}
	<-done
	if err := physnn.Canceled(); err != nil {
		t.Errorf("physnn still cancelled after the cell: %v", err)
	}
}

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return strings.Join(ks, ",")
}
