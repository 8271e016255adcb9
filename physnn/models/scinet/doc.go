// Package scinet implements SciNet (Iten, Metger, Wilming, del Rio, Renner,
// "Discovering physical concepts with neural networks", PRL 124, 010508
// (2020)): an encoder compresses an observation into a few Gaussian latent
// neurons, and a decoder answers a question from concat(latent, question).
// With a small KL pressure towards the prior N(0, σ_t²) the unused latents
// switch off, and the active ones turn out to be the physical parameters.
//
//	data, _ := sim.Pendulum(sim.PendulumConfig{Samples: 20000, Seed: 1})
//	model, _ := scinet.New(scinet.Config{Observation: 50, Question: 1, Answer: 1, Latents: 3,
//		Encoder: []int{64, 32}, Decoder: []int{64, 32}, Seed: 1})
//	hist, opt, err := scinet.Train(model, data, scinet.TrainConfig{Epochs: 600, Beta: 1e-3})
//	a, err := scinet.Analyze(model, fresh)   // latent table, R², RMS error
//	err = scinet.Save("pendulum.ckpt", model, opt)
//
// # Model
//
// [Model] is an nn.Layer whose input is the row concat(observation,
// question) and whose output is the answer. In training mode the latent is
// sampled, z = μ + e^{log σ}·ε; in evaluation mode ε = 0, so the decoder sees
// μ (as the paper's plots do). Each Forward records the batch's KL
// divergence, which [Model.Loss] adds with weight [Model.Beta] to the summed
// squared error: loss = mean_batch Σ_out (answer − output)² + β·KL. The
// Copernicus variant (Config.Steps > 0) has no question: the latent (tanh
// means) is stepped z_{t+1} = z_t + b by a learned vector b and the decoder
// maps every z_t to an observation, so the output holds Steps observations.
//
// # Training
//
// [Train] runs train.Fit with Adam, every gradient clipped elementwise to
// ±ClipValue (10, as the paper), and a β warm-up (β = 0 for the first
// fraction of steps), and passes the caller's train.Callbacks on, so live
// progress and cancellation (physnn.Canceled) work as for any Fit.
// Save and Load use the physnn checkpoint format.
//
// # Analysis
//
// [Analyze] evaluates a trained model on data with ε = 0 and returns an
// [Analysis]: one row per latent (mean σ, mean and variance of μ, KL,
// activity, R² against each true parameter by linear and quadratic fits and
// against a linear combination of all of them), the mutual information
// between latents and the RMS prediction error.
package scinet
