package sim

import (
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn"
)

// DatasetConfig configures [IsingConfigurations] and [IsingSweep].
type DatasetConfig struct {
	// L is the lattice side; samples have L*L entries. Required (≥ 2).
	L int
	// Samples is the number of configurations per temperature. Required.
	Samples int
	// Seed fixes the chain; IsingSweep derives one seed per temperature.
	Seed uint64
	// Thermalize is the number of sweep-equivalents run before the first
	// sample (0 means 200).
	Thermalize int
	// Between is the number of sweep-equivalents between samples (0 means
	// 1). With Wolff one sweep-equivalent is a few clusters at T_c, enough
	// to decorrelate |m| and e.
	Between int
	// Algorithm is the update (the zero value is Wolff).
	Algorithm Algorithm
	// PlusMinus stores spins as ±1; otherwise up is 1 and down is 0.
	PlusMinus bool
}

func (c DatasetConfig) withDefaults() (DatasetConfig, error) {
	if c.L < 2 {
		return c, fmt.Errorf("sim: dataset lattice side %d; use at least 2", c.L)
	}
	if c.Samples < 1 {
		return c, fmt.Errorf("sim: dataset of %d samples; use at least 1", c.Samples)
	}
	if c.Thermalize < 0 || c.Between < 0 {
		return c, fmt.Errorf("sim: negative Thermalize (%d) or Between (%d)", c.Thermalize, c.Between)
	}
	if c.Thermalize == 0 {
		c.Thermalize = 200
	}
	if c.Between == 0 {
		c.Between = 1
	}
	return c, nil
}

// IsingConfigurations samples cfg.Samples configurations of the L×L
// periodic Ising model at temperature T and returns them as a tensor of
// shape [Samples, L*L] (row y*L + x), with 0/1 entries, or ±1 with
// cfg.PlusMinus. The chain starts hot, so both signs of the magnetization
// appear below T_c with Wolff.
func IsingConfigurations(T float64, cfg DatasetConfig) (*physnn.Tensor, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	data := make([]float32, cfg.Samples*cfg.L*cfg.L)
	if err := sampleInto(data, T, cfg, cfg.Seed); err != nil {
		return nil, err
	}
	return physnn.New(data, cfg.Samples, cfg.L*cfg.L), nil
}

// IsingSweep samples cfg.Samples configurations at each temperature and
// returns them stacked, shape [len(temps)*Samples, L*L], with the
// temperature of each row. Temperature k uses the seed cfg.Seed + k, so a
// sweep's rows for one temperature do not depend on the other
// temperatures.
func IsingSweep(temps []float64, cfg DatasetConfig) (*physnn.Tensor, []float64, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	if len(temps) == 0 {
		return nil, nil, fmt.Errorf("sim: IsingSweep with no temperatures")
	}
	n := cfg.L * cfg.L
	data := make([]float32, len(temps)*cfg.Samples*n)
	labels := make([]float64, 0, len(temps)*cfg.Samples)
	for k, T := range temps {
		part := data[k*cfg.Samples*n : (k+1)*cfg.Samples*n]
		if err := sampleInto(part, T, cfg, cfg.Seed+uint64(k)); err != nil {
			return nil, nil, fmt.Errorf("sim: IsingSweep at T=%v: %w", T, err)
		}
		for range cfg.Samples {
			labels = append(labels, T)
		}
	}
	return physnn.New(data, len(temps)*cfg.Samples, n), labels, nil
}

func sampleInto(dst []float32, T float64, cfg DatasetConfig, seed uint64) error {
	if math.IsNaN(T) {
		return fmt.Errorf("sim: temperature NaN")
	}
	s, err := NewIsing(cfg.L, T, seed)
	if err != nil {
		return err
	}
	s.Randomize()
	if err := s.Advance(cfg.Algorithm, cfg.Thermalize); err != nil {
		return err
	}
	n := s.Sites()
	down := float32(0)
	if cfg.PlusMinus {
		down = -1
	}
	for k := 0; k < cfg.Samples; k++ {
		if k%64 == 0 && physnn.Canceled() != nil {
			return physnn.Canceled()
		}
		if err := s.Advance(cfg.Algorithm, cfg.Between); err != nil {
			return err
		}
		row := dst[k*n : (k+1)*n]
		for i, v := range s.spins {
			if v > 0 {
				row[i] = 1
			} else {
				row[i] = down
			}
		}
	}
	return nil
}
