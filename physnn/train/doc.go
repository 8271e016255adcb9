// Package train fits physnn models: Fit runs the epoch and batch loop over a
// Dataset with an optimizer and a loss, with shuffling, a validation split,
// metrics, early stopping, callbacks, cancellation and error recovery.
//
//	data := train.NewTensorDataset(x, y)
//	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 1e-2})
//	hist, err := train.Fit(model, opt, data, train.Config{Epochs: 100, BatchSize: 64, Loss: physnn.L1})
//
// # Data
//
// A [Dataset] has Len samples and returns any batch of them by index;
// [TensorDataset] serves in-memory tensors, copying rows into reused buffers.
// Users may implement Dataset in a notebook cell (e.g. to simulate data on
// the fly). Mini-batches are drawn from a fresh permutation each epoch from
// Config.RNG (or Config.Seed), so runs are reproducible; ValidationSplit holds
// out a random fraction, or Config.Validation gives separate data.
//
// # Loss, metrics and callbacks
//
// The loss is any func(pred, target) *physnn.Tensor returning a scalar: the
// physnn losses, or one composed from ops in a cell. Metrics are per-sample
// means evaluated after each epoch. Callbacks ([Callback], or [CallbackFuncs]
// for plain functions) receive every step and epoch and the end of the run;
// the display package's live progress is one. Returning [ErrStop] from a
// callback ends training cleanly.
//
// # Interrupts and errors
//
// Fit polls physnn.Canceled before every step and twice inside it (after the
// forward pass and after the backward pass), so when the notebook kernel
// cancels a cell, Fit returns [ErrInterrupted] within a fraction of a step;
// an interrupted step is abandoned, and the model keeps its last completed
// step's parameters. A NaN or infinite loss returns
// a [*LossError] naming the epoch and step, before that step touches the
// parameters. Errors carried by tensors (shape mismatches), errors from
// callbacks, and panics in the model, loss, dataset or callbacks are returned
// as errors naming the epoch and step; nothing panics out of Fit. An empty
// dataset is an error. Fit always returns the history of completed epochs and
// leaves the model in evaluation mode.
//
// # Allocation
//
// The loop itself allocates nothing per step (TensorDataset reuses its batch
// buffers; shuffling allocates once per epoch). Each step's forward and
// backward pass, and each evaluation batch, runs in a physnn.Workspace that
// is reset before the next one, so their activation-sized buffers are
// recycled and what remains per step is small bookkeeping (tensor headers
// and graph closures). The price: a tensor computed inside a step (by a
// custom layer, a loss or a metric) is valid only until the step ends;
// keep a Clone to hold on to one.
//
// A large batch (a full batch of tens of thousands of samples) is fastest
// with Config.MicroBatch: the step's gradient is accumulated over chunks
// whose activations fit in the CPU's cache, which for per-sample-mean
// losses and models without batch statistics is the same step.
package train
