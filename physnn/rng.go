package physnn

import (
	"errors"
	"math/rand/v2"
)

// RNG is a seeded random number generator. Each model, layer or experiment
// holds its own RNG (there is no hidden global one), so a run is
// reproducible from its seeds. An RNG is not safe for concurrent use; give
// each goroutine its own, for instance with Split.
type RNG struct {
	r *rand.Rand
}

// errNilRNG is carried by tensors drawn from a nil *RNG.
var errNilRNG = errors.New("physnn: nil *RNG; create one with physnn.NewRNG(seed)")

// pcgStream is the PCG stream constant (the 64-bit golden ratio); any odd
// constant works, fixing it makes a seed name one sequence.
const pcgStream = 0x9e3779b97f4a7c15

// NewRNG returns a generator whose sequence is fixed by seed (PCG from
// math/rand/v2).
func NewRNG(seed uint64) *RNG {
	return &RNG{r: rand.New(rand.NewPCG(seed, pcgStream))}
}

// Split returns a new generator seeded from this one, for handing
// independent streams to layers or goroutines reproducibly.
func (g *RNG) Split() *RNG {
	if g == nil {
		return nil
	}
	return &RNG{r: rand.New(rand.NewPCG(g.r.Uint64(), g.r.Uint64()|1))}
}

// Float32 returns a uniform value in [0, 1). A nil RNG returns 0.
func (g *RNG) Float32() float32 {
	if g == nil {
		return 0
	}
	return g.r.Float32()
}

// Float64 returns a uniform value in [0, 1). A nil RNG returns 0.
func (g *RNG) Float64() float64 {
	if g == nil {
		return 0
	}
	return g.r.Float64()
}

// NormFloat64 returns a standard normal value. A nil RNG returns 0.
func (g *RNG) NormFloat64() float64 {
	if g == nil {
		return 0
	}
	return g.r.NormFloat64()
}

// IntN returns a uniform integer in [0, n); 0 when n ≤ 0 or the RNG is nil.
func (g *RNG) IntN(n int) int {
	if g == nil || n <= 0 {
		return 0
	}
	return g.r.IntN(n)
}

// Perm returns a random permutation of 0..n-1 (nil when n ≤ 0 or the RNG is
// nil).
func (g *RNG) Perm(n int) []int {
	if g == nil || n <= 0 {
		return nil
	}
	return g.r.Perm(n)
}

// draw fills a new float32 tensor of the given shape from f.
func (g *RNG) draw(op string, shape []int, f func() float32) *Tensor {
	if g == nil {
		return errTensor(errNilRNG)
	}
	if err := validShape(op, shape); err != nil {
		return errTensor(err)
	}
	t := alloc(f32, shape)
	for i := range t.st.f32 {
		t.st.f32[i] = f()
	}
	return t
}

// Normal returns a tensor of the given shape with values drawn from a
// normal distribution. A negative std gives a tensor holding an error.
func (g *RNG) Normal(mean, std float32, shape ...int) (result *Tensor) {
	defer recoverOp("Normal", &result)
	if std < 0 {
		return errTensor(errors.New("physnn: normal: negative standard deviation"))
	}
	return g.draw("normal", shape, func() float32 { return mean + std*float32(g.r.NormFloat64()) })
}

// Uniform returns a tensor of the given shape with values uniform in
// [lo, hi). hi < lo gives a tensor holding an error.
func (g *RNG) Uniform(lo, hi float32, shape ...int) (result *Tensor) {
	defer recoverOp("Uniform", &result)
	if hi < lo {
		return errTensor(errors.New("physnn: uniform: hi is below lo"))
	}
	return g.draw("uniform", shape, func() float32 { return lo + (hi-lo)*g.r.Float32() })
}

// Bernoulli returns a tensor of the given shape whose values are 1 with
// probability p and 0 otherwise. p outside [0, 1] gives a tensor holding an
// error.
func (g *RNG) Bernoulli(p float32, shape ...int) (result *Tensor) {
	defer recoverOp("Bernoulli", &result)
	if !(p >= 0 && p <= 1) {
		return errTensor(errors.New("physnn: bernoulli: p must be in [0, 1]"))
	}
	return g.draw("bernoulli", shape, func() float32 {
		if g.r.Float32() < p {
			return 1
		}
		return 0
	})
}
