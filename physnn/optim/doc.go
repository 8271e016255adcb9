// Package optim holds the optimizers that update physnn parameters from
// their gradients: SGD (momentum, Nesterov), Adam, AdamW, RMSProp and SGLD
// (Langevin dynamics with a temperature), with gradient clipping and
// learning-rate schedules.
//
// The shortest use, after loss.Backward():
//
//	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 1e-2})
//	opt.ZeroGrad()
//	loss := physnn.MSE(model.Forward(x), y)
//	loss.Backward()
//	opt.Step()
//
// # Parameter groups and freezing
//
// Every optimizer holds parameter groups (Group): the constructor makes the
// group "default", AddGroup adds more, each with its own learning rate and
// weight decay. Setting a group's Frozen field skips it in Step, which is
// how one half of a GAN is held fixed while the other trains. Several
// optimizers over different models may live in one process; an optimizer
// holds no global state.
//
// # Schedules and clipping
//
// A Schedule maps the number of completed steps to a factor multiplying each
// group's rate: StepDecay, Cosine, Warmup (linear, then another schedule) and
// Product compose; ScheduleFunc or any type with a Factor method (also one
// declared in a notebook cell) works too. ClipValue and ClipNorm in each
// config clip gradients elementwise and by global norm before the update; the
// package functions ClipValue and ClipGlobalNorm do the same on demand.
//
// # Buffers, allocation and state
//
// Optimizers update the parameters' own storage (Tensor.Values) from their
// gradient storage (Tensor.GradValues) in place. Moment buffers are
// allocated when a group is added, so Step allocates nothing in steady state.
// State returns those buffers as named tensors (sharing storage), and
// LoadState copies a saved set back; the checkpoint package stores them.
//
// # Errors
//
// Constructors never fail: a bad hyper-parameter (a negative rate, β ≥ 1, a
// missing RNG) is kept as a sticky error that Err and every Step return, so
// a notebook cell can build an optimizer in one expression. Nothing in this
// package panics on bad input. Optimizers are not safe for concurrent use.
package optim
