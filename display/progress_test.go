package display

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophys/gophys/physnn/train"
)

// recordingPublisher keeps what display sends; display's own tests cannot
// import displaytest (it imports display).
type recordingPublisher struct {
	mu      sync.Mutex
	kinds   []string
	bundles []Bundle
	err     error
}

func (r *recordingPublisher) Publish(b Bundle) error { return r.record("publish", b) }
func (r *recordingPublisher) Update(b Bundle) error  { return r.record("update", b) }
func (r *recordingPublisher) Clear(bool) error       { return r.record("clear", Bundle{}) }
func (r *recordingPublisher) record(kind string, b Bundle) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kinds = append(r.kinds, kind)
	r.bundles = append(r.bundles, b)
	return r.err
}

// withPublisher installs p for the test and restores console mode after.
func withPublisher(t *testing.T, p Publisher) {
	t.Helper()
	SetPublisher(p)
	t.Cleanup(func() { SetPublisher(nil) })
}

// fakeClock is a settable clock for throttling tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// trainRun feeds p the callbacks of a training run of epochs × batches
// steps, advancing the clock by stepTime per step.
func trainRun(p *Progress, clock *fakeClock, epochs, batches int, stepTime time.Duration, stopped bool, err error) {
	step := 0
	for e := 1; e <= epochs; e++ {
		for b := 1; b <= batches; b++ {
			step++
			clock.advance(stepTime)
			_ = p.OnStep(train.StepInfo{Epoch: e, Step: step, Batch: b, Batches: batches, Size: 32, Loss: 1 / float64(step)})
		}
		_ = p.OnEpoch(train.EpochInfo{Epoch: e, Epochs: epochs, Steps: step, TrainLoss: 1 / float64(step), ValLoss: 2 / float64(step),
			Metrics: map[string]float64{"mae": 0.5 / float64(e)}})
	}
	p.OnEnd(&train.History{StoppedEarly: stopped}, err)
}

func TestProgressThrottlesAndSendsFinalState(t *testing.T) {
	cases := []struct {
		name        string
		epochs      int
		batches     int
		stepTime    time.Duration
		stopped     bool
		err         error
		wantStatus  string
		maxMessages int
	}{
		// 1000 steps of 1 ms: 1 s of training, at most 5 updates a second
		// plus the initial display and the final state.
		{"fast steps", 10, 100, time.Millisecond, false, nil, "done", 1 + 5 + 1 + 1},
		// Slow steps: one update per step at most, throttled to 5 per second.
		{"slow steps", 2, 5, time.Second, false, nil, "done", 1 + 10 + 1},
		{"early stop", 3, 10, 10 * time.Millisecond, true, nil, "stopped", 1 + 2 + 1},
		{"error", 1, 3, time.Millisecond, false, errors.New("train: loss is NaN <at> step 3"), "error", 1 + 1 + 1},
		{"interrupted", 1, 3, time.Millisecond, false, fmt.Errorf("train: stopped <at> step 3: %w", train.ErrInterrupted), "stopped", 1 + 1 + 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingPublisher{}
			withPublisher(t, rec)
			clock := &fakeClock{t: time.Unix(1e9, 0)}
			p := newProgress(ProgressConfig{Title: "training", Epochs: tc.epochs}, clock.now)
			if err := p.flush(true); err != nil {
				t.Fatal(err)
			}
			trainRun(p, clock, tc.epochs, tc.batches, tc.stepTime, tc.stopped, tc.err)

			if len(rec.kinds) < 2 || len(rec.kinds) > tc.maxMessages {
				t.Fatalf("sent %d messages, want 2..%d", len(rec.kinds), tc.maxMessages)
			}
			if rec.kinds[0] != "publish" {
				t.Errorf("first message is %s, want publish", rec.kinds[0])
			}
			for i, k := range rec.kinds[1:] {
				if k != "update" {
					t.Errorf("message %d is %s, want update", i+1, k)
				}
			}
			for i, b := range rec.bundles {
				if b.DisplayID != p.ID() || b.DisplayID == "" {
					t.Fatalf("message %d has display ID %q, want %q", i, b.DisplayID, p.ID())
				}
			}
			last := rec.bundles[len(rec.bundles)-1]
			pl, ok := last.Data[MIMEProgress].(ProgressPayload)
			if !ok {
				t.Fatalf("final bundle's %s is %T", MIMEProgress, last.Data[MIMEProgress])
			}
			total := tc.epochs * tc.batches
			if pl.Status != tc.wantStatus || pl.Current != total || pl.Total != total || pl.Epoch != tc.epochs {
				t.Errorf("final state: status %q %d/%d epoch %d; want %q %d/%d epoch %d",
					pl.Status, pl.Current, pl.Total, pl.Epoch, tc.wantStatus, total, total, tc.epochs)
			}
			if tc.err != nil && pl.Error != tc.err.Error() {
				t.Errorf("error text %q, want %q", pl.Error, tc.err.Error())
			}
			// The batch loss curve keeps every step up to 256 points, then
			// bucket means; either way it ends near the last step.
			got := pl.Series[0]
			if n := len(got.X); got.Name != "batch loss" || n > 257 || (total <= 256 && n != total) || got.X[n-1] < 0.9*float64(total) {
				t.Errorf("batch loss series %q: %d points, last at x = %v", got.Name, n, got.X[n-1])
			}
			html := last.Data[MIMEHTML].(string)
			if !strings.Contains(html, "<svg") || !strings.Contains(html, "<polyline") {
				t.Errorf("HTML fallback lacks the SVG curve: %.200s", html)
			}
			if err := wellFormed(html); err != nil {
				t.Errorf("HTML fallback is not well-formed: %v", err)
			}
			if strings.Contains(html, "<at>") {
				t.Errorf("HTML fallback does not escape the error text")
			}
			// The payload is valid JSON that reads back as the schema.
			raw, err := json.Marshal(last.Data[MIMEProgress])
			if err != nil {
				t.Fatal(err)
			}
			var back ProgressPayload
			if err := json.Unmarshal(raw, &back); err != nil || back.Version != SchemaVersion {
				t.Errorf("payload does not read back (version %d): %v", back.Version, err)
			}
			if _, err := json.Marshal(last.Data); err != nil {
				t.Errorf("bundle does not encode: %v", err)
			}
		})
	}
}

func TestProgressJSONShape(t *testing.T) {
	rec := &recordingPublisher{}
	withPublisher(t, rec)
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	p := newProgress(ProgressConfig{Title: "fit", Total: 4, Unit: "batch"}, clock.now)
	clock.advance(2 * time.Second)
	_ = p.Point("loss", 1, math.NaN()) // skipped
	_ = p.Point("loss", 1, 0.5)
	_ = p.Set(1)
	raw, err := json.Marshal(p.Payload())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"version": 1.0, "title": "fit", "status": "running", "current": 1.0, "total": 4.0, "unit": "batch",
		"epoch": 0.0, "epochs": 0.0, "elapsed_s": 2.0, "eta_s": 6.0,
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	series := m["series"].([]any)
	if len(series) != 1 || len(series[0].(map[string]any)["y"].([]any)) != 1 {
		t.Errorf("series = %v, want one curve with one point", series)
	}
}

func TestProgressUnknownETAIsNull(t *testing.T) {
	p := newProgress(ProgressConfig{}, (&fakeClock{}).now)
	raw, err := json.Marshal(p.Payload())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(`"eta_s":null`)) {
		t.Errorf("payload %s: want eta_s null for an unknown total", raw)
	}
}

func TestCurveStaysBoundedAndKeepsShape(t *testing.T) {
	cases := []struct {
		name   string
		points int
		max    int
	}{
		{"under the bound", 50, 64},
		{"many times the bound", 100000, 64},
		{"odd bound", 1001, 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &curve{name: "loss", max: tc.max, width: 1}
			for i := 1; i <= tc.points; i++ {
				c.add(float64(i), float64(i)) // y = x: the means must stay on the line
			}
			s := c.series()
			if len(s.X) > tc.max+1 {
				t.Fatalf("%d points kept, want at most %d", len(s.X), tc.max+1)
			}
			for i := range s.X {
				if math.Abs(s.X[i]-s.Y[i]) > 1e-9 || (i > 0 && s.X[i] <= s.X[i-1]) {
					t.Fatalf("point %d = (%v, %v): downsampling broke the curve", i, s.X[i], s.Y[i])
				}
			}
			if tc.points <= tc.max && len(s.X) != tc.points {
				t.Errorf("%d points kept, want all %d", len(s.X), tc.points)
			}
			// Bucket means lie inside the buckets, which hold at most
			// 2·points/max points each.
			edge := 2 * float64(tc.points) / float64(tc.max)
			if lo, hi := s.X[0], s.X[len(s.X)-1]; lo > edge || hi < float64(tc.points)-edge {
				t.Errorf("curve spans [%v, %v], want [≤ %v, ≥ %v]", lo, hi, edge, float64(tc.points)-edge)
			}
		})
	}
}

func TestProgressConsoleMode(t *testing.T) {
	SetPublisher(nil)
	out, _ := captureStdout(t, func() error {
		clock := &fakeClock{t: time.Unix(1e9, 0)}
		p := newProgress(ProgressConfig{Title: "sim", Total: 100}, clock.now)
		if p.ID() != "" {
			t.Errorf("console progress has display ID %q", p.ID())
		}
		for i := 1; i <= 100; i++ {
			clock.advance(10 * time.Millisecond)
			_ = p.Set(i)
		}
		if err := p.Finish(nil); err != nil {
			t.Error(err)
		}
		return p.Finish(nil) // a second Finish prints nothing
	})
	lines := strings.Split(out, "\r")[1:]
	// 1 s at 5 updates a second, plus the final line.
	if len(lines) < 2 || len(lines) > 7 {
		t.Fatalf("console wrote %d redraws, want 2..7: %q", len(lines), out)
	}
	final := lines[len(lines)-1]
	if !strings.HasPrefix(final, "sim [##############################] 100% 100/100 steps") || !strings.HasSuffix(strings.TrimRight(final, " \n"), "done") {
		t.Errorf("final console line %q", final)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("console output has %d newlines, want 1 (at the end)", strings.Count(out, "\n"))
	}
}

func TestDefaultProgressRegistration(t *testing.T) {
	mine, _ := NewProgress(ProgressConfig{})
	cases := []struct {
		name      string
		publisher bool
		auto      bool
		user      []train.Callback
		want      bool
	}{
		{"kernel", true, true, nil, true},
		{"console", false, true, nil, false},
		{"turned off", true, false, nil, false},
		{"user has one", true, true, []train.Callback{mine}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.publisher {
				withPublisher(t, &recordingPublisher{})
			}
			AutoProgress(tc.auto)
			defer AutoProgress(true)
			got := defaultProgress(train.Config{Epochs: 3, Callbacks: tc.user})
			if (len(got) == 1) != tc.want {
				t.Fatalf("default callbacks %v, want a Progress: %v", got, tc.want)
			}
			if tc.want {
				if p := got[0].(*Progress); p.cfg.Epochs != 3 {
					t.Errorf("default progress has Epochs %d, want 3", p.cfg.Epochs)
				}
			}
		})
	}
}

func TestProgressPublisherErrorDoesNotStopTraining(t *testing.T) {
	rec := &recordingPublisher{err: errors.New("socket closed")}
	withPublisher(t, rec)
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	p := newProgress(ProgressConfig{}, clock.now)
	clock.advance(time.Second)
	if err := p.OnStep(train.StepInfo{Epoch: 1, Step: 1, Batches: 1, Loss: 1}); err != nil {
		t.Errorf("OnStep returned %v; a display error must not stop training", err)
	}
	if p.Err() == nil || !strings.Contains(p.Err().Error(), "socket closed") {
		t.Errorf("Err() = %v, want the publisher's error", p.Err())
	}
}

func TestFormatSeconds(t *testing.T) {
	cases := []struct {
		s    float64
		want string
	}{
		{0.85, "850ms"}, {4.24, "4.2s"}, {185, "3m05s"}, {3720, "1h02m"}, {math.NaN(), "–"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			if got := formatSeconds(tc.s); got != tc.want {
				t.Errorf("formatSeconds(%v) = %q, want %q", tc.s, got, tc.want)
			}
		})
	}
}

func TestProgressGolden(t *testing.T) {
	cases := []struct {
		name  string
		run   func(p *Progress, clock *fakeClock)
		final bool
	}{
		{"progress_running_log_y", func(p *Progress, clock *fakeClock) {
			for s := 1; s <= 6; s++ {
				clock.advance(500 * time.Millisecond)
				_ = p.OnStep(train.StepInfo{Epoch: 1 + (s-1)/3, Step: s, Batch: 1 + (s-1)%3, Batches: 3, Loss: math.Pow(10, -float64(s)/2)})
			}
			_ = p.OnEpoch(train.EpochInfo{Epoch: 2, Epochs: 4, Steps: 6, TrainLoss: 0.01, ValLoss: 0.02, Metrics: map[string]float64{"acc": 0.9}})
		}, false},
		{"progress_done", func(p *Progress, clock *fakeClock) {
			for s := 1; s <= 12; s++ {
				clock.advance(250 * time.Millisecond)
				_ = p.OnStep(train.StepInfo{Epoch: 1 + (s-1)/3, Step: s, Batch: 1 + (s-1)%3, Batches: 3, Loss: 2 - float64(s)/10})
			}
			p.OnEnd(&train.History{}, nil)
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingPublisher{}
			withPublisher(t, rec)
			clock := &fakeClock{t: time.Unix(1e9, 0)}
			p := newProgress(ProgressConfig{Title: "fit <mlp>", Epochs: 4}, clock.now)
			tc.run(p, clock)
			p.mu.Lock()
			b := p.bundle()
			p.mu.Unlock()
			raw, err := json.Marshal(b.Data[MIMEProgress])
			if err != nil {
				t.Fatal(err)
			}
			var wire any
			if err := json.Unmarshal(raw, &wire); err != nil {
				t.Fatal(err)
			}
			got := normalize(t, b)
			got["data"].(map[string]any)[MIMEProgress] = wire
			checkGolden(t, tc.name, got)
			if pl := p.Payload(); pl.LogY != !tc.final {
				t.Errorf("LogY = %v; want it only for losses spanning more than two decades", pl.LogY)
			}
		})
	}
}

// wellFormed reports whether s parses as XML, which the HTML fallback (with
// its inline SVG) is written to be.
func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
