package nn

import (
	"errors"
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn"
)

// An Init fills a parameter tensor in place from rng. The functions below
// have this signature, so they can be passed around and used on any layer's
// fields, e.g. HeNormal(conv.Weight, rng).
type Init func(t *physnn.Tensor, rng *physnn.RNG) error

// Fans returns the fan-in and fan-out used by the variance-scaling inits:
// for a 2-D [in, out] tensor (Dense) fan-in = in, fan-out = out; for a
// convolution kernel [Cout, Cin, kH, kW] (PyTorch's layout) fan-in =
// Cin·kH·kW, fan-out = Cout·kH·kW; for a 1-D tensor both are its length.
func Fans(shape []int) (fanIn, fanOut int) {
	switch len(shape) {
	case 0:
		return 1, 1
	case 1:
		return shape[0], shape[0]
	case 2:
		return shape[0], shape[1]
	}
	receptive := 1
	for _, d := range shape[2:] {
		receptive *= d
	}
	return shape[1] * receptive, shape[0] * receptive
}

func fillCheck(t *physnn.Tensor, rng *physnn.RNG) ([]float32, error) {
	if rng == nil {
		return nil, errors.New("nn: init needs an RNG (physnn.NewRNG(seed))")
	}
	if t == nil {
		return nil, errors.New("nn: init of a nil tensor")
	}
	if err := t.Err(); err != nil {
		return nil, err
	}
	v := t.Values()
	if v == nil && t.Len() > 0 {
		return nil, fmt.Errorf("nn: init needs a contiguous float32 tensor, got shape %v", t.Shape())
	}
	return v, nil
}

// Uniform fills t with draws from U(lo, hi).
func Uniform(t *physnn.Tensor, lo, hi float32, rng *physnn.RNG) error {
	v, err := fillCheck(t, rng)
	if err != nil {
		return err
	}
	for i := range v {
		v[i] = lo + (hi-lo)*rng.Float32()
	}
	return nil
}

// Normal fills t with draws from N(mean, std²).
func Normal(t *physnn.Tensor, mean, std float32, rng *physnn.RNG) error {
	v, err := fillCheck(t, rng)
	if err != nil {
		return err
	}
	for i := range v {
		v[i] = mean + std*float32(rng.NormFloat64())
	}
	return nil
}

// GlorotUniform fills t from U(−a, a) with a = √(6/(fanIn+fanOut)) (Glorot &
// Bengio 2010, eq. 16), also called Xavier uniform.
func GlorotUniform(t *physnn.Tensor, rng *physnn.RNG) error {
	in, out := Fans(t.Shape())
	a := float32(math.Sqrt(6 / float64(max(in+out, 1))))
	return Uniform(t, -a, a, rng)
}

// GlorotNormal fills t from N(0, 2/(fanIn+fanOut)), also called Xavier
// normal.
func GlorotNormal(t *physnn.Tensor, rng *physnn.RNG) error {
	in, out := Fans(t.Shape())
	return Normal(t, 0, float32(math.Sqrt(2/float64(max(in+out, 1)))), rng)
}

// HeNormal fills t from N(0, 2/fanIn) (He et al. 2015, eq. 10), suited to
// ReLU layers.
func HeNormal(t *physnn.Tensor, rng *physnn.RNG) error {
	in, _ := Fans(t.Shape())
	return Normal(t, 0, float32(math.Sqrt(2/float64(max(in, 1)))), rng)
}

// HeUniform fills t from U(−a, a) with a = √(6/fanIn).
func HeUniform(t *physnn.Tensor, rng *physnn.RNG) error {
	in, _ := Fans(t.Shape())
	a := float32(math.Sqrt(6 / float64(max(in, 1))))
	return Uniform(t, -a, a, rng)
}
