package scinet

import (
	"errors"
	"fmt"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
)

// Config describes a SciNet's shape. Sizes are per sample.
type Config struct {
	Observation int // observation size (encoder input)
	Question    int // question size (0 for Copernicus)
	Answer      int // answer size (decoder output per step)
	Latents     int // number of latent neurons
	// Encoder and Decoder are the hidden-layer widths (ELU after each);
	// nil means [100, 100] as the paper.
	Encoder, Decoder []int
	// PriorStd is σ_t of the prior N(0, σ_t²); zero means 1 (the paper's
	// pendulum; its qubit and Copernicus runs use 0.1).
	PriorStd float32
	// Steps > 0 selects the Copernicus variant: no question, tanh latent
	// means, z_{t+1} = z_t + b, and Steps decoded observations per sample.
	Steps int
	Seed  uint64
}

// Model is a SciNet; see the package documentation. It implements nn.Layer.
// Forward keeps the batch's KL divergence for Loss, so a Model is not safe
// for concurrent use.
type Model struct {
	cfg     Config
	encoder *nn.Sequential // observation → 2·Latents (log σ, μ)
	decoder *nn.Sequential // concat(z, question) → answer
	// Step is the Copernicus latent step b ([1, Latents]); nil otherwise.
	Step     *physnn.Tensor
	rng      *physnn.RNG
	training bool
	lastKL   *physnn.Tensor
	// Beta weights the KL term in Loss. Train sets it from its schedule.
	Beta float32
}

// New builds a SciNet from cfg, with weights drawn from cfg.Seed.
func New(cfg Config) (*Model, error) {
	if cfg.Encoder == nil {
		cfg.Encoder = []int{100, 100}
	}
	if cfg.Decoder == nil {
		cfg.Decoder = []int{100, 100}
	}
	if cfg.PriorStd == 0 {
		cfg.PriorStd = 1
	}
	switch {
	case cfg.Observation <= 0 || cfg.Answer <= 0 || cfg.Latents <= 0:
		return nil, fmt.Errorf("scinet: Observation, Answer and Latents must be positive, got %d, %d, %d",
			cfg.Observation, cfg.Answer, cfg.Latents)
	case cfg.Question < 0 || cfg.Steps < 0:
		return nil, errors.New("scinet: Question and Steps must not be negative")
	case cfg.Steps > 0 && cfg.Question != 0:
		return nil, errors.New("scinet: the Copernicus variant (Steps > 0) takes no question")
	case cfg.PriorStd < 0:
		return nil, errors.New("scinet: PriorStd must be positive")
	}
	rng := physnn.NewRNG(cfg.Seed)
	m := &Model{cfg: cfg, rng: rng.Split(), training: true}
	m.encoder = mlp(cfg.Observation, cfg.Encoder, 2*cfg.Latents, rng)
	m.decoder = mlp(cfg.Latents+cfg.Question, cfg.Decoder, cfg.Answer, rng)
	if cfg.Steps > 0 {
		m.Step = physnn.Zeros(1, cfg.Latents).SetRequiresGrad(true)
	}
	return m, nil
}

// mlp is in → hidden (ELU) → out, with a linear last layer.
func mlp(in int, hidden []int, out int, rng *physnn.RNG) *nn.Sequential {
	s := nn.NewSequential()
	for _, h := range hidden {
		s.Add(nn.NewDense(in, h, rng)).Add(nn.ELU(1))
		in = h
	}
	return s.Add(nn.NewDense(in, out, rng))
}

// Config returns the model's configuration with defaults filled in.
func (m *Model) Config() Config { return m.cfg }

// Encode returns the latent means μ and log σ of a batch of observations
// ([batch, Observation]), each [batch, Latents].
func (m *Model) Encode(obs *physnn.Tensor) (mu, logSigma *physnn.Tensor) {
	h := m.encoder.Forward(obs)
	l := m.cfg.Latents
	logSigma, mu = h.Slice(1, 0, l), h.Slice(1, l, 2*l)
	if m.cfg.Steps > 0 {
		mu = mu.Tanh()
	}
	return mu, logSigma
}

// Decode returns the answers for latents z ([batch, Latents]) and questions
// ([batch, Question], nil without questions). For the Copernicus variant it
// returns the Steps observations decoded from z, z+b, z+2b, … concatenated
// along axis 1.
func (m *Model) Decode(z, question *physnn.Tensor) *physnn.Tensor {
	if m.cfg.Steps > 0 {
		outs := make([]*physnn.Tensor, m.cfg.Steps)
		for t := range outs {
			if t > 0 {
				z = z.Add(m.Step)
			}
			outs[t] = m.decoder.Forward(z)
		}
		return physnn.Concat(1, outs...)
	}
	if m.cfg.Question > 0 {
		z = physnn.Concat(1, z, question)
	}
	return m.decoder.Forward(z)
}

// Forward maps rows concat(observation, question) to answers. In training
// mode the latent is sampled by reparameterisation; in evaluation mode it
// is μ. The batch's KL divergence is kept for Loss.
func (m *Model) Forward(x *physnn.Tensor) *physnn.Tensor {
	if err := x.Err(); err != nil {
		return x
	}
	// Dims/Dim rather than Shape: a training step should not allocate.
	if x.Dims() != 2 || x.Dim(1) != m.cfg.Observation+m.cfg.Question {
		return errorTensor(fmt.Errorf("scinet: input shape %v, want [batch, %d] (observation %d + question %d)",
			x.Shape(), m.cfg.Observation+m.cfg.Question, m.cfg.Observation, m.cfg.Question))
	}
	obs := x.Slice(1, 0, m.cfg.Observation)
	var q *physnn.Tensor
	if m.cfg.Question > 0 {
		q = x.Slice(1, m.cfg.Observation, m.cfg.Observation+m.cfg.Question)
	}
	mu, logSigma := m.Encode(obs)
	logVar := logSigma.MulScalar(2)
	m.lastKL = physnn.KLDiagGaussian(mu, logVar, m.cfg.PriorStd)
	z := mu
	if m.training {
		z = physnn.Reparameterize(mu, logVar, m.rng)
	}
	return m.Decode(z, q)
}

// Loss is the SciNet objective for the last Forward: the batch mean of the
// squared error summed over outputs, plus Beta times the KL divergence.
func (m *Model) Loss(pred, target *physnn.Tensor) *physnn.Tensor {
	d := pred.Sub(target)
	if err := d.Err(); err != nil {
		return d
	}
	sq := d.Mul(d).Sum().MulScalar(1 / float32(max(1, pred.Dim(0))))
	if m.Beta == 0 || m.lastKL == nil {
		return sq
	}
	return sq.Add(m.lastKL.MulScalar(m.Beta))
}

// NamedParameters lists the encoder's and decoder's parameters under
// "encoder." and "decoder." (and the Copernicus step as "step").
func (m *Model) NamedParameters() []nn.NamedTensor {
	var out []nn.NamedTensor
	for _, p := range m.encoder.NamedParameters() {
		out = append(out, nn.NamedTensor{Name: "encoder." + p.Name, Tensor: p.Tensor})
	}
	for _, p := range m.decoder.NamedParameters() {
		out = append(out, nn.NamedTensor{Name: "decoder." + p.Name, Tensor: p.Tensor})
	}
	if m.Step != nil {
		out = append(out, nn.NamedTensor{Name: "step", Tensor: m.Step})
	}
	return out
}

// Parameters returns the trainable tensors.
func (m *Model) Parameters() []*physnn.Tensor { return nn.Parameters(m) }

// SetTraining switches between sampling the latent (true) and using its
// mean (false).
func (m *Model) SetTraining(training bool) { m.training = training }

// String describes the architecture.
func (m *Model) String() string {
	return fmt.Sprintf("SciNet(obs %d, question %d → latents %d → answer %d; encoder %v, decoder %v, steps %d)",
		m.cfg.Observation, m.cfg.Question, m.cfg.Latents, m.cfg.Answer, m.cfg.Encoder, m.cfg.Decoder, m.cfg.Steps)
}

// errorTensor returns a tensor carrying err, so Forward reports a bad input
// through physnn's sticky-error chain.
func errorTensor(err error) *physnn.Tensor {
	return physnn.Custom("scinet", nil,
		func([]*physnn.Tensor) (*physnn.Tensor, error) { return nil, err },
		nil)
}
