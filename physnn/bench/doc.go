// Package bench holds physnn's training-throughput benchmarks: one
// optimizer step of the SciNet pendulum MLP (the notebook's network and the
// paper's) and of the jet-image CNN, each reported in samples per second.
// The package has no API; it exists for its tests:
//
//	go test -run '^$' -bench . -benchmem ./physnn/bench
//
// Every benchmark trains through train.Fit (scinet.Train for SciNet), the
// path users take, and counts one b.N iteration per optimizer step, so
// -benchmem's allocs/op tends to a training step's steady-state allocation
// count as b.N grows (setup is included); TestTrainStepAllocations measures
// that count exactly and asserts it is zero for an MLP. Besides samples/s each reports samples per CPU-second (process CPU
// time), the steadier figure on a machine shared with other jobs.
// bench/pytorch/train_bench.py runs the same networks, batch sizes and
// optimizer in PyTorch; bench/train_compare.py runs both and prints the
// ratio physnn/PyTorch (make bench-train).
//
// The networks:
//
//   - SciNetNotebook: notebooks/scinet-pendulum.ipynb's default run. Encoder
//     50→64→32→6 and decoder (3 latents + 1 question)→64→32→1, ELU, a
//     Gaussian latent with reparameterisation, loss Σ squared error + β·KL
//     (β = 1e-3), Adam (lr 1e-3) with elementwise clipping to ±10, batch 128.
//   - SciNetPaper: the paper's pendulum network (physics-models-1.md §1.2):
//     encoder 50→500→100→6, decoder 4→100→100→1, batch 512.
//   - JetCNN: the quark/gluon jet-image CNN (physics-models-2.md §A.1) on
//     33×33 images with 2 channels: Conv(64, 8×8) → ReLU → 2×2 max-pool →
//     Conv(64, 4×4) → ReLU → pool → Conv(64, 4×4) → ReLU → pool, dropout
//     0.25 after each pool, Dense(1024→128) → ReLU → Dense(128→1), "same"
//     padding, binary cross-entropy on the logit, Adam (lr 1e-3), batch 128.
//
// The inputs are random (throughput does not depend on the values); the
// SciNet benchmarks use the pendulum simulator so the data has its shape.
package bench
