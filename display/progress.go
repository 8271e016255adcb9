package display

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/gophys/gophys/physnn/train"
)

// MinProgressInterval is the shortest time between two updates of a
// [Progress] display: at most five updates a second reach the frontend (or
// the terminal), however fast the steps come.
const MinProgressInterval = 200 * time.Millisecond

// ProgressConfig configures [NewProgress]. The zero value is a progress
// display of unknown length counting steps.
type ProgressConfig struct {
	// Title labels the display.
	Title string
	// Total is the number of units planned; zero means unknown. A Progress
	// used as a training callback learns it from the first step when
	// Epochs is set (Epochs × batches per epoch).
	Total int
	// Unit names what is counted; empty means "step".
	Unit string
	// Epochs is the number of epochs of a training run, shown beside the
	// bar; zero when the work has no epochs.
	Epochs int
	// Interval is the minimum time between updates; values below
	// [MinProgressInterval] (zero included) mean MinProgressInterval.
	Interval time.Duration
	// MaxPoints bounds the points kept per curve; longer curves are
	// downsampled by averaging neighbours. Zero means 256.
	MaxPoints int
}

// Progress is a live progress display: a bar with counts, elapsed time and
// ETA, and loss curves, replaced in place as work advances. In a notebook it
// is one output updated with update_display_data carrying [MIMEProgress]
// JSON (rendered by the gophys JupyterLab extension), with HTML (a bar and an
// inline SVG curve) and text fallbacks, so an exported report shows the final
// state. In console mode it redraws one text line on standard output.
//
// Updates are throttled to one per Interval (at most five a second); events
// in between only update counters, which costs tens of nanoseconds, so a
// Progress adds a negligible fraction to a training step. [Progress.Finish]
// always sends the final state.
//
// *Progress implements train.Callback: put it in train.Config.Callbacks, or
// rely on the default one a notebook installs (see [AutoProgress]). It is
// safe for concurrent use. Display errors never stop the work they report
// on; [Progress.Err] returns the first one.
type Progress struct {
	mu       sync.Mutex
	cfg      ProgressConfig
	handle   *Handle // nil in console mode
	now      func() time.Time
	start    time.Time
	lastSent time.Time
	sent     bool // whether anything was displayed yet
	finished bool
	status   string
	errText  string
	current  int
	epoch    int
	curves   []*curve
	metrics  map[string]float64
	err      error
	lineLen  int // console: length of the last line, to blank leftovers
	updates  int // displays sent, for tests and benchmarks
}

// NewProgress creates a progress display and shows its initial state. In
// console mode (no publisher) nothing is printed until the first update.
// The error reports a failed first display; the Progress is usable anyway.
func NewProgress(cfg ProgressConfig) (*Progress, error) {
	p := newProgress(cfg, time.Now)
	return p, p.flush(true)
}

func newProgress(cfg ProgressConfig, now func() time.Time) *Progress {
	if cfg.Unit == "" {
		cfg.Unit = "step"
	}
	if cfg.Interval < MinProgressInterval {
		cfg.Interval = MinProgressInterval
	}
	if cfg.MaxPoints <= 0 {
		cfg.MaxPoints = 256
	}
	if cfg.MaxPoints < 2 {
		cfg.MaxPoints = 2
	}
	if cfg.Total < 0 {
		cfg.Total = 0
	}
	p := &Progress{cfg: cfg, now: now, status: "running", metrics: map[string]float64{}}
	p.start = now()
	if publisher() != nil {
		p.handle = &Handle{id: newDisplayID()}
	}
	return p
}

// Set sets the number of units done and updates the display if the last
// update is older than the interval. The error is that of the display.
func (p *Progress) Set(current int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = current
	return p.maybeFlush()
}

// Add adds n units done, as Set(done+n).
func (p *Progress) Add(n int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current += n
	return p.maybeFlush()
}

// Point adds the point (x, y) to the curve named series (created on first
// use, drawn in order of creation), and updates the display if due. Points
// with a NaN or infinite y are skipped.
func (p *Progress) Point(series string, x, y float64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.curve(series).add(x, y)
	return p.maybeFlush()
}

// Metric sets a scalar shown beside the bar, such as the last validation
// loss, and updates the display if due.
func (p *Progress) Metric(name string, v float64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.metrics[name] = v
	return p.maybeFlush()
}

// Finish marks the work ended and sends the final state, whatever the
// throttle says: "done", or "error" with err's text when err is not nil.
// Later calls do nothing and return nil.
func (p *Progress) Finish(err error) error {
	return p.finishWith(err, false)
}

// Err returns the first error a display of p returned, or nil.
func (p *Progress) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// ID returns the display ID of p's output, or "" in console mode.
func (p *Progress) ID() string {
	if p.handle == nil {
		return ""
	}
	return p.handle.ID()
}

// Payload returns the current state as the [MIMEProgress] JSON value.
func (p *Progress) Payload() ProgressPayload {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.payload()
}

// OnStep implements train.Callback: it counts the step, adds the batch loss
// to the "batch loss" curve and updates the display if due. It never
// returns an error, so a failing display does not stop training.
func (p *Progress) OnStep(s train.StepInfo) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = s.Step
	p.epoch = s.Epoch
	if p.cfg.Total == 0 && p.cfg.Epochs > 0 && s.Batches > 0 {
		p.cfg.Total = p.cfg.Epochs * s.Batches
	}
	p.curve("batch loss").add(float64(s.Step), s.Loss)
	_ = p.maybeFlush()
	return nil
}

// OnEpoch implements train.Callback: it adds the epoch's training and
// validation losses to their curves, shows them and the metrics beside the
// bar, and updates the display if due. It never returns an error.
func (p *Progress) OnEpoch(e train.EpochInfo) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current, p.epoch = e.Steps, e.Epoch
	if e.Epochs > 0 {
		p.cfg.Epochs = e.Epochs
	}
	x := float64(e.Steps)
	p.curve("train loss").add(x, e.TrainLoss)
	p.metrics["train loss"] = e.TrainLoss
	if !math.IsNaN(e.ValLoss) {
		p.curve("val loss").add(x, e.ValLoss)
		p.metrics["val loss"] = e.ValLoss
	}
	for k, v := range e.Metrics {
		p.metrics[k] = v
	}
	_ = p.maybeFlush()
	return nil
}

// OnEnd implements train.Callback: it sends the final state, "done",
// "stopped" when training ended early or was interrupted, or "error" with
// err's text. A Progress reports one run: after OnEnd it ignores further
// events.
func (p *Progress) OnEnd(h *train.History, err error) {
	_ = p.finishWith(err, h != nil && h.StoppedEarly)
}

func (p *Progress) finishWith(err error, stopped bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return nil
	}
	p.finished = true
	switch {
	case errors.Is(err, train.ErrInterrupted):
		// The user interrupted the kernel: a stop, not a failure; the
		// text says where it stopped.
		p.status, p.errText = "stopped", err.Error()
	case err != nil:
		p.status, p.errText = "error", err.Error()
	case stopped:
		p.status = "stopped"
	default:
		p.status = "done"
		if p.cfg.Total > 0 && p.current < p.cfg.Total && p.current > 0 && p.cfg.Epochs == 0 {
			// Generic work that finished short of its total: keep the
			// count honest rather than pretending it reached the end.
			p.status = "stopped"
		}
	}
	return p.flush(false)
}

// curve returns the curve named name, creating it. p.mu must be held.
func (p *Progress) curve(name string) *curve {
	for _, c := range p.curves {
		if c.name == name {
			return c
		}
	}
	c := &curve{name: name, max: p.cfg.MaxPoints, width: 1}
	p.curves = append(p.curves, c)
	return c
}

// maybeFlush sends an update when the interval has passed since the last
// one. p.mu must be held.
func (p *Progress) maybeFlush() error {
	if p.finished {
		return nil
	}
	if p.sent && p.now().Sub(p.lastSent) < p.cfg.Interval {
		return nil
	}
	return p.flush(false)
}

// flush displays the current state. initial marks the call from
// NewProgress, which prints nothing in console mode. p.mu must be held
// (or p not yet shared).
func (p *Progress) flush(initial bool) error {
	p.lastSent = p.now()
	var err error
	switch {
	case p.handle != nil:
		b := p.bundle()
		b.DisplayID = p.handle.id
		err = send(b, p.sent)
	case !initial:
		err = p.printLine()
	default:
		return nil
	}
	p.sent = true
	p.updates++
	if err != nil && p.err == nil {
		p.err = err
	}
	return err
}

// printLine redraws the console line: a carriage return and the text bar,
// padded to blank what a longer previous line left; a newline ends the
// final state.
func (p *Progress) printLine() error {
	line := progressText(p.payload())
	pad := p.lineLen - len(line)
	p.lineLen = len(line)
	if pad < 0 {
		pad = 0
	}
	end := ""
	if p.finished {
		end = "\n"
	}
	_, err := fmt.Fprintf(consoleWriter(), "\r%s%*s%s", line, pad, "", end)
	return err
}

// bundle builds the MIME bundle of the current state. p.mu must be held.
func (p *Progress) bundle() Bundle {
	pl := p.payload()
	return Bundle{Data: map[string]any{
		MIMEProgress: pl,
		MIMEHTML:     progressHTML(pl),
		MIMEText:     progressText(pl),
	}, Metadata: map[string]any{}}
}

// payload builds the JSON value of the current state. p.mu must be held.
func (p *Progress) payload() ProgressPayload {
	elapsed := p.now().Sub(p.start).Seconds()
	eta := math.NaN()
	if p.finished {
		eta = 0
	} else if p.cfg.Total > 0 && p.current > 0 && p.current <= p.cfg.Total {
		eta = elapsed * float64(p.cfg.Total-p.current) / float64(p.current)
	}
	pl := ProgressPayload{
		Version:        SchemaVersion,
		Title:          p.cfg.Title,
		Status:         p.status,
		Error:          p.errText,
		Current:        p.current,
		Total:          p.cfg.Total,
		Unit:           p.cfg.Unit,
		Epoch:          p.epoch,
		Epochs:         p.cfg.Epochs,
		ElapsedSeconds: Number(elapsed),
		ETASeconds:     Number(eta),
		Series:         make([]ProgressSeries, 0, len(p.curves)),
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range p.curves {
		s := c.series()
		for _, y := range s.Y {
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
		pl.Series = append(pl.Series, s)
	}
	pl.LogY = lo > 0 && hi/lo > 100
	if len(p.metrics) > 0 {
		pl.Metrics = make(map[string]Number, len(p.metrics))
		for k, v := range p.metrics {
			pl.Metrics[k] = Number(v)
		}
	}
	return pl
}

// sortedKeys returns m's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// curve is a bounded series: points are averaged in buckets of width
// points; when max buckets are full, neighbouring buckets merge and the
// width doubles, so memory stays bounded and the shape is kept.
type curve struct {
	name         string
	max, width   int
	xs, ys       []float64
	pendX, pendY float64 // sums over the bucket being filled
	pendN        int
}

func (c *curve) add(x, y float64) {
	if math.IsNaN(y) || math.IsInf(y, 0) || math.IsNaN(x) || math.IsInf(x, 0) {
		return
	}
	c.pendX += x
	c.pendY += y
	c.pendN++
	if c.pendN < c.width {
		return
	}
	c.xs = append(c.xs, c.pendX/float64(c.pendN))
	c.ys = append(c.ys, c.pendY/float64(c.pendN))
	c.pendX, c.pendY, c.pendN = 0, 0, 0
	if len(c.xs) < c.max {
		return
	}
	// Merge pairs of buckets; an odd last bucket stays as it is (it holds
	// width points, half of the new width, which is close enough).
	n := len(c.xs) / 2
	for i := 0; i < n; i++ {
		c.xs[i] = (c.xs[2*i] + c.xs[2*i+1]) / 2
		c.ys[i] = (c.ys[2*i] + c.ys[2*i+1]) / 2
	}
	if len(c.xs)%2 == 1 {
		c.xs[n], c.ys[n] = c.xs[len(c.xs)-1], c.ys[len(c.ys)-1]
		n++
	}
	c.xs, c.ys = c.xs[:n], c.ys[:n]
	c.width *= 2
}

// series returns a copy of the curve's points, the partial bucket included.
func (c *curve) series() ProgressSeries {
	s := ProgressSeries{Name: c.name, X: make([]float64, len(c.xs), len(c.xs)+1), Y: make([]float64, len(c.ys), len(c.ys)+1)}
	copy(s.X, c.xs)
	copy(s.Y, c.ys)
	if c.pendN > 0 {
		s.X = append(s.X, c.pendX/float64(c.pendN))
		s.Y = append(s.Y, c.pendY/float64(c.pendN))
	}
	return s
}
