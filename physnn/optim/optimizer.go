package optim

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/gophys/gophys/physnn"
)

// Optimizer updates parameters in place from their accumulated gradients.
//
// Step applies one update to every parameter of every group that is not
// frozen and has a gradient; ZeroGrad clears the gradients so the next
// backward pass starts from zero (gradients accumulate). Groups returns the
// live parameter groups: changing a group's LR, WeightDecay or Frozen field
// takes effect at the next Step. State returns the optimizer's internal
// tensors (moments, step counts) by name, sharing storage with the optimizer,
// and LoadState copies such a set back, for checkpoints.
type Optimizer interface {
	Step() error
	ZeroGrad()
	Groups() []*Group
	State() map[string]*physnn.Tensor
	LoadState(state map[string]*physnn.Tensor) error
}

// Group is a set of parameters that share a learning rate, a weight decay and
// a frozen flag, like a PyTorch parameter group. Several groups let one
// optimizer train parts of a model at different rates, or hold one part
// fixed (Frozen) while another trains.
//
// Do not modify Params after adding the group unless you accept that the
// optimizer's state for that group is reset at the next Step.
type Group struct {
	// Name identifies the group in State; it must be unique within an
	// optimizer. An empty name becomes "group<i>" (the first group added by a
	// constructor is named "default").
	Name string
	// Params are the tensors the group updates. A parameter without a
	// gradient (GradValues is nil) is skipped.
	Params []*physnn.Tensor
	// LR is the group's base learning rate before the schedule's factor; zero
	// means the optimizer's configured rate.
	LR float32
	// WeightDecay is the group's decay coefficient, used as-is (zero means
	// none). The group a constructor creates gets the configured decay.
	WeightDecay float32
	// Frozen groups are skipped by Step (their gradients are still cleared by
	// ZeroGrad).
	Frozen bool
}

// rule is the per-algorithm part of an optimizer: it names the state slots
// each parameter needs and applies one update to one parameter.
type rule interface {
	slotNames() []string
	// update applies one step to p given its gradient g, the effective
	// learning rate, the group's weight decay, the parameter's 1-based step
	// count t and its state slots (in slotNames order).
	update(p, g []float32, lr, weightDecay float32, t float64, slots [][]float32)
}

// core holds what every optimizer shares: groups, state slots, the schedule,
// clipping and the sticky configuration error.
type core struct {
	rule      rule
	baseLR    float32
	schedule  Schedule
	clipValue float32
	clipNorm  float32

	groups   []*Group
	slots    [][][]*physnn.Tensor // [group][param][slot]
	slotVals [][][][]float32      // the slots' storage, so Step does not allocate
	counts   []*physnn.Tensor     // per group: each parameter's step count
	steps    *physnn.Tensor       // scalar: Step calls completed (drives the schedule)
	err      error
}

func (c *core) init(r rule, lr float32, sched Schedule, clipValue, clipNorm float32, params []*physnn.Tensor, weightDecay float32) {
	c.rule = r
	c.baseLR = lr
	c.schedule = sched
	c.clipValue = clipValue
	c.clipNorm = clipNorm
	c.steps = physnn.Zeros(1)
	switch {
	case !(lr > 0) || math.IsInf(float64(lr), 0):
		c.setErr(fmt.Errorf("optim: learning rate %g must be positive and finite", lr))
	case clipValue < 0 || clipNorm < 0:
		c.setErr(fmt.Errorf("optim: clip thresholds must not be negative (ClipValue %g, ClipNorm %g)", clipValue, clipNorm))
	case weightDecay < 0:
		c.setErr(fmt.Errorf("optim: weight decay %g must not be negative", weightDecay))
	}
	c.AddGroup(Group{Name: "default", Params: params, WeightDecay: weightDecay})
}

func (c *core) setErr(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Err returns the first configuration error (a bad hyper-parameter, a
// duplicate parameter or group name), or nil. Step returns it too.
func (c *core) Err() error { return c.err }

// Groups returns the optimizer's parameter groups; edits to them take effect
// at the next Step.
func (c *core) Groups() []*Group { return c.groups }

// AddGroup adds a parameter group. A parameter may belong to one group only;
// violations are reported by AddGroup and by every later Step.
func (c *core) AddGroup(g Group) error {
	if g.Name == "" {
		g.Name = fmt.Sprintf("group%d", len(c.groups))
	}
	var err error
	for _, h := range c.groups {
		if h.Name == g.Name {
			err = fmt.Errorf("optim: duplicate group name %q", g.Name)
		}
		for _, p := range g.Params {
			if slices.Contains(h.Params, p) {
				err = fmt.Errorf("optim: group %q: a parameter already belongs to group %q", g.Name, h.Name)
			}
		}
	}
	for i, p := range g.Params {
		if slices.Contains(g.Params[:i], p) {
			err = fmt.Errorf("optim: group %q: parameter %d appears twice", g.Name, i)
		}
		if p == nil {
			err = fmt.Errorf("optim: group %q: parameter %d is nil", g.Name, i)
		} else if perr := p.Err(); perr != nil {
			err = fmt.Errorf("optim: group %q: parameter %d: %w", g.Name, i, perr)
		} else if p.Values() == nil && p.Len() > 0 {
			// Views and float64 tensors cannot be updated in place.
			err = fmt.Errorf("optim: group %q: parameter %d (shape %v) is not a contiguous float32 tensor; use Clone to make one", g.Name, i, p.Shape())
		}
	}
	if g.LR < 0 || g.WeightDecay < 0 {
		err = fmt.Errorf("optim: group %q: LR %g and WeightDecay %g must not be negative", g.Name, g.LR, g.WeightDecay)
	}
	if err != nil {
		c.setErr(err)
		return err
	}
	c.groups = append(c.groups, &g)
	c.slots = append(c.slots, nil)
	c.slotVals = append(c.slotVals, nil)
	c.counts = append(c.counts, nil)
	c.syncGroup(len(c.groups) - 1)
	return nil
}

// syncGroup (re)allocates group gi's state when its parameters changed.
func (c *core) syncGroup(gi int) {
	g := c.groups[gi]
	if c.counts[gi] != nil && len(c.slots[gi]) == len(g.Params) {
		same := true
		for pi, p := range g.Params {
			for _, v := range c.slotVals[gi][pi] {
				if len(v) != p.Len() {
					same = false
				}
			}
		}
		if same {
			return
		}
	}
	names := c.rule.slotNames()
	c.slots[gi] = make([][]*physnn.Tensor, len(g.Params))
	c.slotVals[gi] = make([][][]float32, len(g.Params))
	for pi, p := range g.Params {
		c.slots[gi][pi] = make([]*physnn.Tensor, len(names))
		c.slotVals[gi][pi] = make([][]float32, len(names))
		for k := range names {
			s := physnn.Zeros(p.Shape()...)
			c.slots[gi][pi][k] = s
			c.slotVals[gi][pi][k] = s.Values()
		}
	}
	c.counts[gi] = physnn.Zeros(max(len(g.Params), 1))
}

// ZeroGrad sets every parameter's gradient to zero, frozen groups included.
func (c *core) ZeroGrad() {
	for _, g := range c.groups {
		for _, p := range g.Params {
			clear(p.GradValues())
		}
	}
}

// Steps returns the number of Step calls completed.
func (c *core) Steps() int { return int(c.steps.Values()[0]) }

// LR returns the effective learning rate of the named group for the next
// Step (its base rate times the schedule's factor), or 0 if there is no such
// group.
func (c *core) LR(group string) float32 {
	for _, g := range c.groups {
		if g.Name == group {
			return c.effectiveLR(g)
		}
	}
	return 0
}

func (c *core) effectiveLR(g *Group) float32 {
	lr := g.LR
	if lr == 0 {
		lr = c.baseLR
	}
	if c.schedule != nil {
		lr *= float32(c.schedule.Factor(c.Steps()))
	}
	return lr
}

// Step applies one update to every trainable parameter. It allocates nothing
// unless a group's parameters changed since the previous Step.
func (c *core) Step() error {
	if c.err != nil {
		return c.err
	}
	for gi := range c.groups {
		c.syncGroup(gi)
	}
	if c.clipValue > 0 {
		for _, g := range c.groups {
			if !g.Frozen {
				ClipValue(g.Params, c.clipValue)
			}
		}
	}
	if c.clipNorm > 0 {
		if err := c.clipGlobalNorm(); err != nil {
			return err
		}
	}
	for gi, g := range c.groups {
		if g.Frozen {
			continue
		}
		lr := c.effectiveLR(g)
		counts := c.counts[gi].Values()
		for pi, p := range g.Params {
			grad := p.GradValues()
			if grad == nil {
				continue
			}
			counts[pi]++
			c.rule.update(p.Values(), grad, lr, g.WeightDecay, float64(counts[pi]), c.slotVals[gi][pi])
		}
	}
	c.steps.Values()[0]++
	return nil
}

// clipGlobalNorm scales all trainable gradients together so their joint L2
// norm is at most clipNorm (Pascanu et al. 2013, "On the difficulty of
// training recurrent neural networks", eq. 5).
func (c *core) clipGlobalNorm() error {
	var sum float64
	for _, g := range c.groups {
		if !g.Frozen {
			sum += sumSquares(g.Params)
		}
	}
	norm := math.Sqrt(sum)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return fmt.Errorf("optim: gradient norm is %v at step %d; parameters left unchanged", norm, c.Steps()+1)
	}
	if norm <= float64(c.clipNorm) {
		return nil
	}
	scale := float32(float64(c.clipNorm) / (norm + 1e-6))
	for _, g := range c.groups {
		if !g.Frozen {
			scaleGrads(g.Params, scale)
		}
	}
	return nil
}

// State returns the optimizer's state tensors by name, sharing storage with
// the optimizer: "step" (the number of Step calls), "<group>.step" (each
// parameter's update count) and "<group>.<index>.<slot>" for each
// parameter's moments (slot names such as "momentum", "exp_avg",
// "exp_avg_sq"). Step counts are stored as float32 and so are exact up to
// 2^24 steps.
func (c *core) State() map[string]*physnn.Tensor {
	for gi := range c.groups {
		c.syncGroup(gi)
	}
	names := c.rule.slotNames()
	state := map[string]*physnn.Tensor{"step": c.steps}
	for gi, g := range c.groups {
		state[g.Name+".step"] = c.counts[gi]
		for pi := range g.Params {
			for k, name := range names {
				state[fmt.Sprintf("%s.%d.%s", g.Name, pi, name)] = c.slots[gi][pi][k]
			}
		}
	}
	return state
}

// LoadState copies a state produced by State (of an optimizer of the same
// kind over parameters of the same shapes) into the optimizer. Every expected
// tensor must be present with the same shape; extra tensors are an error too,
// since they mean the parameter groups differ. On error nothing is changed.
func (c *core) LoadState(state map[string]*physnn.Tensor) error {
	own := c.State()
	var errs []error
	for name, dst := range own {
		src, ok := state[name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("optim: state tensor %q missing", name))
		case src == nil || src.Err() != nil:
			errs = append(errs, fmt.Errorf("optim: state tensor %q is invalid", name))
		case !slices.Equal(src.Shape(), dst.Shape()):
			errs = append(errs, fmt.Errorf("optim: state tensor %q has shape %v, want %v", name, src.Shape(), dst.Shape()))
		}
	}
	for name := range state {
		if _, ok := own[name]; !ok {
			errs = append(errs, fmt.Errorf("optim: unexpected state tensor %q", name))
		}
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b error) int { return cmpString(a.Error(), b.Error()) })
		return errors.Join(errs...)
	}
	for name, dst := range own {
		copy(dst.Values(), state[name].Data())
	}
	return nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sumSquares(params []*physnn.Tensor) float64 {
	var s float64
	for _, p := range params {
		for _, v := range p.GradValues() {
			s += float64(v) * float64(v)
		}
	}
	return s
}

func scaleGrads(params []*physnn.Tensor, scale float32) {
	for _, p := range params {
		g := p.GradValues()
		for i := range g {
			g[i] *= scale
		}
	}
}
