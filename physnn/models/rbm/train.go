package rbm

import (
	"fmt"
	"time"

	"github.com/gophys/gophys/physnn"
)

// Config holds the training settings of [RBM.Train] and [TrainDBN]. Zero
// fields take the defaults named below, which follow the notes' CPU toy
// setting (CD-1, batch 50, learning rate 0.01).
type Config struct {
	// Epochs is the number of passes over the data (0 means 20).
	Epochs int
	// BatchSize is the number of rows per update (0 means 50).
	BatchSize int
	// LearningRate scales the CD gradient (0 means 0.01).
	LearningRate float32
	// Momentum is the fraction of the previous update kept (0: none;
	// Mehta–Schwab's re-implementation uses 0.5).
	Momentum float32
	// K is the number of Gibbs steps of the negative phase (0 means 1).
	K int
	// Persistent keeps the negative-phase chains across updates (PCD)
	// instead of restarting them at the data (CD-k).
	Persistent bool
	// L1 and L2 are weight penalties: each update subtracts
	// LearningRate·(L1·sign W + L2·W). Biases are not penalized.
	L1, L2 float32
	// L1Start is the first epoch (1-based) with the L1 penalty; 0 or 1
	// means from the start. Training first without it lets the receptive
	// fields form before a strong penalty prunes them to their cores; from
	// the start, a penalty larger than the first gradients erases them.
	L1Start int
	// InitStd is the standard deviation of TrainDBN's initial weights
	// (0 means 0.01, as New).
	InitStd float32
	// Units are the values of the units (TrainDBN only; RBM.Train uses
	// the RBM's own).
	Units Units
	// Seed seeds TrainDBN's layers (layer i uses Seed+i); RBM.Train uses
	// the RBM's own generator.
	Seed uint64
	// OnEpoch, when set, is called after each epoch; an error stops
	// training and is returned.
	OnEpoch func(Epoch) error
}

// Epoch reports one epoch of training, measured on up to the first 1000
// rows of the data.
type Epoch struct {
	Layer               int // DBN layer (1-based); 1 for a single RBM
	Epoch               int // 1-based
	ReconstructionError float64
	PseudoLikelihood    float64
	Duration            time.Duration
}

func (c Config) withDefaults() (Config, error) {
	if c.Epochs < 0 || c.BatchSize < 0 || c.K < 0 || c.LearningRate < 0 ||
		c.Momentum < 0 || c.Momentum >= 1 || c.L1 < 0 || c.L2 < 0 || c.InitStd < 0 || c.L1Start < 0 {
		return c, fmt.Errorf("rbm: invalid config %+v; counts, rates and penalties must be ≥ 0 and momentum < 1", c)
	}
	if c.InitStd == 0 {
		c.InitStd = 0.01
	}
	if c.Epochs == 0 {
		c.Epochs = 20
	}
	if c.BatchSize == 0 {
		c.BatchSize = 50
	}
	if c.LearningRate == 0 {
		c.LearningRate = 0.01
	}
	if c.K == 0 {
		c.K = 1
	}
	return c, nil
}

// Train fits the RBM to the rows of data (shape [n, Visible], values of
// the RBM's units) by CD-k or persistent CD with momentum and weight
// penalties, shuffling the rows each epoch with the RBM's generator. It
// returns one [Epoch] per epoch.
func (r *RBM) Train(data *physnn.Tensor, cfg Config) ([]Epoch, error) {
	return r.train(data, cfg, 1)
}

func (r *RBM) train(data *physnn.Tensor, cfg Config, layer int) ([]Epoch, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := r.checkBatch("Train", data, r.visible); err != nil {
		return nil, err
	}
	rows := data.Shape()[0]
	if rows < 1 {
		return nil, fmt.Errorf("rbm: Train on no data")
	}
	values := data.Data()
	monitor := physnn.New(values[:min(rows, 1000)*r.visible], min(rows, 1000), r.visible)
	t := r.newTrainer(min(cfg.BatchSize, rows), rows%min(cfg.BatchSize, rows), cfg.Persistent)
	perm := make([]int, rows)
	for i := range perm {
		perm[i] = i
	}
	var history []Epoch
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		stepCfg := cfg
		if epoch < cfg.L1Start {
			stepCfg.L1 = 0
		}
		r.shuffle(perm)
		for lo := 0; lo < rows; lo += t.full.n {
			if err := physnn.Canceled(); err != nil {
				return history, err
			}
			b := t.batch(rows - lo)
			buf := b.v0.Values()
			for k, row := range perm[lo : lo+b.n] {
				copy(buf[k*r.visible:(k+1)*r.visible], values[row*r.visible:(row+1)*r.visible])
			}
			if err := r.step(t, b, stepCfg); err != nil {
				return history, err
			}
		}
		e := Epoch{Layer: layer, Epoch: epoch, Duration: time.Since(start)}
		e.ReconstructionError, _ = r.ReconstructionError(monitor)
		e.PseudoLikelihood, _ = r.PseudoLikelihood(monitor)
		history = append(history, e)
		if cfg.OnEpoch != nil {
			if err := cfg.OnEpoch(e); err != nil {
				return history, err
			}
		}
	}
	return history, nil
}

// shuffle permutes p in place (Fisher–Yates) with the RBM's generator.
func (r *RBM) shuffle(p []int) {
	for i := len(p) - 1; i > 0; i-- {
		j := r.rng.IntN(i + 1)
		p[i], p[j] = p[j], p[i]
	}
}

// trainer holds what CD steps reuse from one batch to the next, so that a
// training step allocates nothing once the first batches have run: the
// batch and sample buffers, the weights' transposed view, and a
// [physnn.Workspace] for the means and the gradient statistics.
type trainer struct {
	ws   *physnn.Workspace
	wT   *physnn.Tensor // view of r.Weights, [Hidden, Visible]
	full cdBatch        // batches of the configured size
	tail cdBatch        // the last, smaller batch of an epoch (n = 0: none)
}

// cdBatch holds the buffers of CD steps on batches of n rows.
type cdBatch struct {
	n int
	// v0 is the batch, [n, Visible]; h and vk are the samples of the
	// negative phase, [n, Hidden] and [n, Visible]. With persistent CD, vk
	// is (a view of the first n rows of) the RBM's fantasy particles.
	v0, h, vk *physnn.Tensor
	// v0T and vkT are the transposed views of v0 and vk.
	v0T, vkT *physnn.Tensor
}

// newTrainer returns the buffers for batches of size rows and, when tail
// is not 0, for one batch of tail rows. With persistent CD the RBM's
// fantasy particles are kept at size rows (and restarted from the first
// batch) unless they already have that size.
func (r *RBM) newTrainer(size, tail int, persistent bool) *trainer {
	if persistent && (r.chains == nil || r.chains.Shape()[0] != size) {
		r.chains = physnn.Zeros(size, r.visible)
		r.chainsLive = false // step starts them at the first batch
	}
	t := &trainer{ws: physnn.NewWorkspace(), wT: r.Weights.Transpose()}
	t.full = r.newBatch(size, persistent)
	if tail > 0 {
		t.tail = r.newBatch(tail, persistent)
	}
	return t
}

func (r *RBM) newBatch(n int, persistent bool) cdBatch {
	b := cdBatch{n: n, v0: physnn.Zeros(n, r.visible), h: physnn.Zeros(n, r.hidden)}
	if persistent {
		b.vk = physnn.New(r.chains.Values()[:n*r.visible], n, r.visible)
	} else {
		b.vk = physnn.Zeros(n, r.visible)
	}
	b.v0T, b.vkT = b.v0.Transpose(), b.vk.Transpose()
	return b
}

// batch returns the buffers for a batch of min(rows, full size) rows.
func (t *trainer) batch(rows int) *cdBatch {
	if rows < t.full.n {
		return &t.tail
	}
	return &t.full
}

// step applies one CD update from the batch in b.v0. The gradient of the
// log-likelihood is ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model; CD estimates the model term
// from K Gibbs steps, using hidden means rather than samples in both
// statistics to reduce noise (Hinton, "A practical guide", §3). Persistent
// CD continues the fantasy particles in b.vk instead of restarting at the
// data. The means and statistics live in t's workspace and the samples in
// b's buffers, so a step allocates nothing.
func (r *RBM) step(t *trainer, b *cdBatch, cfg Config) error {
	ws := t.ws
	ws.Reset()
	m0 := r.mean(physnn.Linear(ws.Use(b.v0), r.Weights, r.HiddenBias))
	if cfg.Persistent {
		if !r.chainsLive {
			// Start the fantasy particles at the data (the first batch
			// of a Train call has the particles' size).
			copy(r.chains.Values(), b.v0.Values())
			r.chainsLive = true
		}
		r.sampleInto(b.h.Values(), r.mean(physnn.Linear(ws.Use(b.vk), r.Weights, r.HiddenBias)).Data())
	} else {
		r.sampleInto(b.h.Values(), m0.Data())
	}
	var mk *physnn.Tensor
	for k := 0; k < cfg.K; k++ {
		r.sampleInto(b.vk.Values(), r.mean(physnn.Linear(ws.Use(b.h), t.wT, r.VisibleBias)).Data())
		mk = r.mean(physnn.Linear(ws.Use(b.vk), r.Weights, r.HiddenBias))
		if k+1 < cfg.K {
			r.sampleInto(b.h.Values(), mk.Data())
		}
	}
	pos := physnn.Linear(ws.Use(b.v0T), m0, nil)
	neg := physnn.Linear(ws.Use(b.vkT), mk, nil)
	if err := neg.Err(); err != nil {
		return fmt.Errorf("rbm: CD step: %w", err)
	}
	if err := pos.Err(); err != nil {
		return fmt.Errorf("rbm: CD step: %w", err)
	}
	scale := cfg.LearningRate / float32(b.n)
	w := r.Weights.Values()
	gp, gn := pos.Data(), neg.Data()
	for i := range w {
		penalty := cfg.L2 * w[i]
		if w[i] > 0 {
			penalty += cfg.L1
		} else if w[i] < 0 {
			penalty -= cfg.L1
		}
		r.velW[i] = cfg.Momentum*r.velW[i] + scale*(gp[i]-gn[i]) - cfg.LearningRate*penalty
		w[i] += r.velW[i]
	}
	updateBias(r.VisibleBias.Values(), r.velB, b.v0.Values(), b.vk.Values(), cfg.Momentum, scale)
	updateBias(r.HiddenBias.Values(), r.velC, m0.Data(), mk.Data(), cfg.Momentum, scale)
	return nil
}

// updateBias adds the momentum update of a bias from the column sums of
// the positive and negative statistics ([n, len(bias)] each).
func updateBias(bias, vel, pos, neg []float32, momentum, scale float32) {
	width := len(bias)
	for j := range bias {
		g := float32(0)
		for i := j; i < len(pos); i += width {
			g += pos[i] - neg[i]
		}
		vel[j] = momentum*vel[j] + scale*g
		bias[j] += vel[j]
	}
}
