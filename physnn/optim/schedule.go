package optim

import "math"

// Schedule maps the number of completed optimizer steps (0 before the first
// Step) to a factor that multiplies every group's base learning rate.
// Implement it in a cell for a custom schedule, or use ScheduleFunc.
type Schedule interface {
	Factor(step int) float64
}

// ScheduleFunc adapts a function to the Schedule interface.
type ScheduleFunc func(step int) float64

// Factor calls f(step).
func (f ScheduleFunc) Factor(step int) float64 { return f(step) }

// StepDecay multiplies the rate by Gamma every Every steps:
// factor = Gamma^floor(step/Every). Every ≤ 0 means no decay.
type StepDecay struct {
	Every int
	Gamma float64
}

// Factor implements Schedule.
func (s StepDecay) Factor(step int) float64 {
	if s.Every <= 0 {
		return 1
	}
	return math.Pow(s.Gamma, float64(step/s.Every))
}

// Cosine anneals the factor from 1 to MinFactor over Steps steps along half
// a cosine (Loshchilov & Hutter 2017, SGDR, eq. 5, without restarts) and
// holds MinFactor afterwards. To decay a base rate of 1e-2 to 1e-4, use
// MinFactor 0.01.
type Cosine struct {
	Steps     int
	MinFactor float64
}

// Factor implements Schedule.
func (c Cosine) Factor(step int) float64 {
	if c.Steps <= 0 || step >= c.Steps {
		return c.MinFactor
	}
	cos := 0.5 * (1 + math.Cos(math.Pi*float64(step)/float64(c.Steps)))
	return c.MinFactor + (1-c.MinFactor)*cos
}

// Warmup raises the factor linearly from 1/Steps to 1 over the first Steps
// steps, then hands over to Then (nil means a constant 1), which sees the
// step count minus Steps, so a Cosine after a warm-up starts at its top.
type Warmup struct {
	Steps int
	Then  Schedule
}

// Factor implements Schedule.
func (w Warmup) Factor(step int) float64 {
	if step < w.Steps {
		return float64(step+1) / float64(w.Steps)
	}
	if w.Then == nil {
		return 1
	}
	return w.Then.Factor(step - w.Steps)
}

// Product multiplies the factors of several schedules, e.g. a StepDecay
// with a slow Cosine.
type Product []Schedule

// Factor implements Schedule.
func (p Product) Factor(step int) float64 {
	f := 1.0
	for _, s := range p {
		f *= s.Factor(step)
	}
	return f
}
