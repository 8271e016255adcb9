package rbm

import (
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn"
)

// Units selects the values of an RBM's units.
type Units int

const (
	// Binary units take the values 0 and 1.
	Binary Units = iota
	// Spin units take the values −1 and +1.
	Spin
)

// String returns "binary" or "spin".
func (u Units) String() string {
	switch u {
	case Binary:
		return "binary"
	case Spin:
		return "spin"
	}
	return fmt.Sprintf("Units(%d)", int(u))
}

// RBM is a restricted Boltzmann machine with energy
// E(v, h) = −b·v − c·h − vᵀWh. Make one with [New]; the zero value is not
// usable.
type RBM struct {
	// Weights is W, shape [Visible, Hidden].
	Weights *physnn.Tensor
	// VisibleBias is b, shape [Visible].
	VisibleBias *physnn.Tensor
	// HiddenBias is c, shape [Hidden].
	HiddenBias *physnn.Tensor
	// Units are the values of both layers' units.
	Units Units

	visible, hidden int
	rng             *physnn.RNG
	velW, velB      []float32 // momentum buffers
	velC            []float32
	chains          *physnn.Tensor // persistent CD fantasy particles
	chainsLive      bool           // chains hold a state (not yet started: false)
}

// New returns an RBM with visible and hidden units of the given kind,
// weights drawn from N(0, 0.01²) (Hinton's practical guide) and zero
// biases, seeded with seed. Small initial weights matter for the
// receptive-field analysis: with N(0, 0.1²) the initial noise still holds
// most of the |W| mass after short training.
func New(visible, hidden int, units Units, seed uint64) (*RBM, error) {
	return newRBM(visible, hidden, units, 0.01, seed)
}

func newRBM(visible, hidden int, units Units, std float32, seed uint64) (*RBM, error) {
	if visible < 1 || hidden < 1 {
		return nil, fmt.Errorf("rbm: sizes %d visible, %d hidden; use at least 1 of each", visible, hidden)
	}
	if !(std >= 0) {
		return nil, fmt.Errorf("rbm: initial weight scale %v; use a value ≥ 0", std)
	}
	if units != Binary && units != Spin {
		return nil, fmt.Errorf("rbm: unknown units %v; use rbm.Binary or rbm.Spin", units)
	}
	rng := physnn.NewRNG(seed)
	return &RBM{
		Weights:     rng.Normal(0, std, visible, hidden),
		VisibleBias: physnn.Zeros(visible),
		HiddenBias:  physnn.Zeros(hidden),
		Units:       units,
		visible:     visible,
		hidden:      hidden,
		rng:         rng,
		velW:        make([]float32, visible*hidden),
		velB:        make([]float32, visible),
		velC:        make([]float32, hidden),
	}, nil
}

// Visible returns the number of visible units.
func (r *RBM) Visible() int { return r.visible }

// Hidden returns the number of hidden units.
func (r *RBM) Hidden() int { return r.hidden }

func (r *RBM) checkBatch(op string, x *physnn.Tensor, width int) error {
	if x == nil {
		return fmt.Errorf("rbm: %s of a nil tensor", op)
	}
	if err := x.Err(); err != nil {
		return fmt.Errorf("rbm: %s: %w", op, err)
	}
	if sh := x.Shape(); len(sh) != 2 || sh[1] != width {
		return fmt.Errorf("rbm: %s of shape %v; want [n %d]", op, sh, width)
	}
	return nil
}

// mean turns the input field x of a layer into the unit's mean:
// σ(x) for binary units, tanh(x) for spins (p(+1) = σ(2x)).
func (r *RBM) mean(x *physnn.Tensor) *physnn.Tensor {
	if r.Units == Spin {
		return x.Tanh()
	}
	return x.Sigmoid()
}

// sample draws units with the given means (into a copy).
func (r *RBM) sample(mean *physnn.Tensor) *physnn.Tensor {
	out := mean.Clone()
	r.sampleInto(out.Values(), out.Values())
	return out
}

// sampleInto draws units with the given means into dst (which may be mean
// itself).
func (r *RBM) sampleInto(dst, mean []float32) {
	dst = dst[:len(mean)]
	if r.Units == Spin {
		for i, m := range mean {
			// p(+1) = (1 + m)/2.
			if 2*r.rng.Float32() < 1+m {
				dst[i] = 1
			} else {
				dst[i] = -1
			}
		}
		return
	}
	for i, p := range mean {
		if r.rng.Float32() < p {
			dst[i] = 1
		} else {
			dst[i] = 0
		}
	}
}

// HiddenMean returns E[h | v] for a batch v of shape [n, Visible]: the
// probabilities p(h=1|v) for binary units, E[h] = tanh(vW + c) for spins.
func (r *RBM) HiddenMean(v *physnn.Tensor) (*physnn.Tensor, error) {
	if err := r.checkBatch("HiddenMean", v, r.visible); err != nil {
		return nil, err
	}
	return r.hiddenMean(v), nil
}

func (r *RBM) hiddenMean(v *physnn.Tensor) *physnn.Tensor {
	return r.mean(physnn.Linear(v, r.Weights, r.HiddenBias))
}

func (r *RBM) visibleMean(h *physnn.Tensor) *physnn.Tensor {
	return r.mean(physnn.Linear(h, r.Weights.Transpose(), r.VisibleBias))
}

// VisibleMean returns E[v | h] for a batch h of shape [n, Hidden].
func (r *RBM) VisibleMean(h *physnn.Tensor) (*physnn.Tensor, error) {
	if err := r.checkBatch("VisibleMean", h, r.hidden); err != nil {
		return nil, err
	}
	return r.visibleMean(h), nil
}

// SampleHidden draws h ~ p(h | v) for a batch v.
func (r *RBM) SampleHidden(v *physnn.Tensor) (*physnn.Tensor, error) {
	m, err := r.HiddenMean(v)
	if err != nil {
		return nil, err
	}
	return r.sample(m), nil
}

// SampleVisible draws v ~ p(v | h) for a batch h.
func (r *RBM) SampleVisible(h *physnn.Tensor) (*physnn.Tensor, error) {
	m, err := r.VisibleMean(h)
	if err != nil {
		return nil, err
	}
	return r.sample(m), nil
}

// Gibbs runs steps of block Gibbs sampling v → h → v from the batch v and
// returns the final visible samples.
func (r *RBM) Gibbs(v *physnn.Tensor, steps int) (*physnn.Tensor, error) {
	if err := r.checkBatch("Gibbs", v, r.visible); err != nil {
		return nil, err
	}
	if steps < 0 {
		return nil, fmt.Errorf("rbm: Gibbs with %d steps; use 0 or more", steps)
	}
	for range steps {
		v = r.sample(r.visibleMean(r.sample(r.hiddenMean(v))))
	}
	return v, nil
}

// FreeEnergy returns F(v) = −log Σ_h e^{−E(v,h)} for each row of v:
// −b·v − Σ_j softplus(x_j) for binary hidden units and
// −b·v − Σ_j log 2cosh(x_j) for spins, with x = vW + c.
func (r *RBM) FreeEnergy(v *physnn.Tensor) ([]float64, error) {
	if err := r.checkBatch("FreeEnergy", v, r.visible); err != nil {
		return nil, err
	}
	return r.freeEnergy(v), nil
}

func (r *RBM) freeEnergy(v *physnn.Tensor) []float64 {
	x := v.MatMul(r.Weights).Add(r.HiddenBias).Values()
	vb := v.MatMul(r.VisibleBias.Reshape(r.visible, 1)).Values()
	n := len(vb)
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		f := -float64(vb[i])
		for _, xj := range x[i*r.hidden : (i+1)*r.hidden] {
			a := math.Abs(float64(xj))
			if r.Units == Spin {
				f -= a + math.Log1p(math.Exp(-2*a)) // log 2cosh x, stable
			} else {
				f -= math.Max(float64(xj), 0) + math.Log1p(math.Exp(-a)) // softplus, stable
			}
		}
		out[i] = f
	}
	return out
}

// PseudoLikelihood returns the stochastic log pseudo-likelihood per
// configuration, averaged over the rows of v: for each row one random unit
// i is flipped and N·log σ(F(ṽ) − F(v)) estimates Σ_i log p(v_i | v_¬i).
// Higher is better; it is −N·log 2 for a model that ignores its input.
func (r *RBM) PseudoLikelihood(v *physnn.Tensor) (float64, error) {
	if err := r.checkBatch("PseudoLikelihood", v, r.visible); err != nil {
		return 0, err
	}
	flipped := v.Clone()
	vals := flipped.Values()
	n := v.Shape()[0]
	for row := 0; row < n; row++ {
		i := row*r.visible + r.rng.IntN(r.visible)
		if r.Units == Spin {
			vals[i] = -vals[i]
		} else {
			vals[i] = 1 - vals[i]
		}
	}
	f, ff := r.freeEnergy(v), r.freeEnergy(flipped)
	total := 0.0
	for k := range f {
		d := ff[k] - f[k]
		total += -float64(r.visible) * (math.Max(-d, 0) + math.Log1p(math.Exp(-math.Abs(d)))) // N·log σ(d)
	}
	return total / float64(n), nil
}

// ReconstructionError returns the mean squared difference per unit between
// v and its mean-field reconstruction E[v | h = E[h|v]].
func (r *RBM) ReconstructionError(v *physnn.Tensor) (float64, error) {
	if err := r.checkBatch("ReconstructionError", v, r.visible); err != nil {
		return 0, err
	}
	rec := r.visibleMean(r.hiddenMean(v)).Values()
	sum := 0.0
	for i, x := range v.Data() {
		d := float64(x - rec[i])
		sum += d * d
	}
	return sum / float64(len(rec)), nil
}
