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
	batch := min(cfg.BatchSize, rows)
	var history []Epoch
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		stepCfg := cfg
		if epoch < cfg.L1Start {
			stepCfg.L1 = 0
		}
		perm := r.rng.Perm(rows)
		for lo := 0; lo+batch <= rows; lo += batch {
			if err := physnn.Canceled(); err != nil {
				return history, err
			}
			buf := make([]float32, batch*r.visible)
			for k, row := range perm[lo : lo+batch] {
				copy(buf[k*r.visible:(k+1)*r.visible], values[row*r.visible:(row+1)*r.visible])
			}
			if err := r.step(physnn.New(buf, batch, r.visible), stepCfg); err != nil {
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

// step applies one CD update from the batch v0. The gradient of the
// log-likelihood is ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model; CD estimates the model term
// from K Gibbs steps, using hidden means rather than samples in both
// statistics to reduce noise (Hinton, "A practical guide", §3).
func (r *RBM) step(v0 *physnn.Tensor, cfg Config) error {
	n := v0.Shape()[0]
	m0 := r.hiddenMean(v0)
	var h *physnn.Tensor
	if cfg.Persistent {
		if r.chains == nil || r.chains.Shape()[0] != n {
			r.chains = v0.Clone()
		}
		h = r.sample(r.hiddenMean(r.chains))
	} else {
		h = r.sample(m0)
	}
	var vk *physnn.Tensor
	var mk *physnn.Tensor
	for step := 0; step < cfg.K; step++ {
		vk = r.sample(r.visibleMean(h))
		mk = r.hiddenMean(vk)
		if step+1 < cfg.K {
			h = r.sample(mk)
		}
	}
	if cfg.Persistent {
		r.chains = vk
	}
	pos := v0.Transpose().MatMul(m0)
	neg := vk.Transpose().MatMul(mk)
	if err := neg.Err(); err != nil {
		return fmt.Errorf("rbm: CD step: %w", err)
	}
	scale := cfg.LearningRate / float32(n)
	w := r.Weights.Values()
	gp, gn := pos.Values(), neg.Values()
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
	updateBias(r.VisibleBias.Values(), r.velB, v0.Data(), vk.Data(), cfg.Momentum, scale)
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
