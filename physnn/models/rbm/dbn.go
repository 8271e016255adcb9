package rbm

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
)

// DBN is a deep belief net: a stack of RBMs, Layers[0] on the data.
type DBN struct {
	Layers []*RBM
}

// TrainDBN trains a stack of RBMs greedily on data of shape [n, sizes[0]]:
// layer i has sizes[i] visible and sizes[i+1] hidden units, seed
// cfg.Seed+i, and learns the sampled hidden states of layer i−1 on the
// data (as Mehta & Schwab). The small default of the notes is
// sizes = {256, 64, 16} for 16×16 lattices; theirs is {1600, 400, 100, 25}.
// It returns the trained layers so far with the error of a failing layer,
// and every layer's epochs. [TrainDBNLayers] takes one Config per layer.
func TrainDBN(data *physnn.Tensor, sizes []int, cfg Config) (*DBN, []Epoch, error) {
	cfgs := make([]Config, max(len(sizes)-1, 0))
	for i := range cfgs {
		cfgs[i] = cfg
	}
	return TrainDBNLayers(data, sizes, cfgs)
}

// TrainDBNLayers is [TrainDBN] with its own settings for each layer:
// layer i trains with cfgs[i] (seed cfgs[i].Seed+i), so that the layers
// can differ in epochs, learning rate and penalties. The upper layers are
// small and cheap, and training them longer than the first keeps the
// top-down reconstructions close to the data. All layers must use the
// same Units, since each learns the samples of the one below.
func TrainDBNLayers(data *physnn.Tensor, sizes []int, cfgs []Config) (*DBN, []Epoch, error) {
	if len(sizes) < 2 {
		return nil, nil, fmt.Errorf("rbm: DBN sizes %v; give the visible size and at least one hidden size", sizes)
	}
	if len(cfgs) != len(sizes)-1 {
		return nil, nil, fmt.Errorf("rbm: %d layer configs for DBN sizes %v; give one per layer (%d)", len(cfgs), sizes, len(sizes)-1)
	}
	for i := range cfgs {
		var err error
		if cfgs[i], err = cfgs[i].withDefaults(); err != nil {
			return nil, nil, fmt.Errorf("rbm: DBN layer %d: %w", i+1, err)
		}
		if cfgs[i].Units != cfgs[0].Units {
			return nil, nil, fmt.Errorf("rbm: DBN layer %d has %v units, layer 1 %v; use one kind for all layers", i+1, cfgs[i].Units, cfgs[0].Units)
		}
	}
	dbn := &DBN{}
	var history []Epoch
	x := data
	for i, cfg := range cfgs {
		layer, err := newRBM(sizes[i], sizes[i+1], cfg.Units, cfg.InitStd, cfg.Seed+uint64(i))
		if err != nil {
			return dbn, history, err
		}
		epochs, err := layer.train(x, cfg, i+1)
		history = append(history, epochs...)
		if err != nil {
			return dbn, history, fmt.Errorf("rbm: DBN layer %d: %w", i+1, err)
		}
		dbn.Layers = append(dbn.Layers, layer)
		if i+1 < len(cfgs) {
			if x, err = layer.SampleHidden(x); err != nil {
				return dbn, history, err
			}
		}
	}
	return dbn, history, nil
}

func (d *DBN) checkDepth(op string, depth int) error {
	if d == nil || len(d.Layers) == 0 {
		return fmt.Errorf("rbm: %s on an empty DBN", op)
	}
	if depth < 1 || depth > len(d.Layers) {
		return fmt.Errorf("rbm: %s at depth %d; the DBN has layers 1..%d", op, depth, len(d.Layers))
	}
	return nil
}

// Up samples the hidden states of layer depth (1-based) from visible
// configurations v, layer by layer.
func (d *DBN) Up(v *physnn.Tensor, depth int) (*physnn.Tensor, error) {
	if err := d.checkDepth("Up", depth); err != nil {
		return nil, err
	}
	x := v
	for _, layer := range d.Layers[:depth] {
		var err error
		if x, err = layer.SampleHidden(x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// Down samples visible configurations from hidden states h of layer depth
// (1-based), layer by layer down to the data.
func (d *DBN) Down(h *physnn.Tensor, depth int) (*physnn.Tensor, error) {
	if err := d.checkDepth("Down", depth); err != nil {
		return nil, err
	}
	x := h
	for i := depth - 1; i >= 0; i-- {
		var err error
		if x, err = d.Layers[i].SampleVisible(x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// Reconstruct samples v → layer depth → v: the top-down reconstruction of
// Mehta & Schwab from the given layer, as configurations of the data's
// units. Every layer is sampled, up and down, so that the reconstructions
// are configurations like the data and their statistics (|m|, ⟨s s'⟩)
// compare like with like. On the 40×40 full run, propagating the means
// E[h|v] instead of samples changed the reconstructions' ⟨s s'⟩ by at
// most 0.013 (lower), and means down through the upper layers lowered it
// by up to 0.12, so sampling is kept.
func (d *DBN) Reconstruct(v *physnn.Tensor, depth int) (*physnn.Tensor, error) {
	h, err := d.Up(v, depth)
	if err != nil {
		return nil, err
	}
	return d.Down(h, depth)
}

// ReceptiveFields returns W1·W2···W_depth, shape [visible, hidden units of
// layer depth]: column j is how unit j of that layer couples to the data,
// the receptive field of Mehta & Schwab's figures.
func (d *DBN) ReceptiveFields(depth int) (*physnn.Tensor, error) {
	if err := d.checkDepth("ReceptiveFields", depth); err != nil {
		return nil, err
	}
	f := d.Layers[0].Weights
	for _, layer := range d.Layers[1:depth] {
		f = f.MatMul(layer.Weights)
	}
	if err := f.Err(); err != nil {
		return nil, fmt.Errorf("rbm: ReceptiveFields: %w", err)
	}
	return f, nil
}
