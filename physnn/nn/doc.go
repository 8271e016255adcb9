// Package nn holds the layers physnn models are built from: Dense, Conv2D,
// ConvTranspose2D, BatchNorm, Dropout, activations, pooling, Flatten and
// Sequential, with named parameters (as PyTorch's named_parameters) and
// weight initialisers.
//
//	rng := physnn.NewRNG(4)
//	model := nn.NewSequential(nn.NewDense(1, 100, rng), nn.Sigmoid(), nn.NewDense(100, 1, rng))
//	y := model.Forward(x)              // x is [batch, 1]
//	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 1e-2})
//
// # Layers
//
// Everything a model is made of implements [Layer]: Forward, NamedParameters
// and SetTraining. Containers prefix their children's names with the
// child's position ("0.weight", "3.bias"), the same names PyTorch uses, and
// checkpoints store tensors under those names. Layers with non-trainable
// state (batch-norm running statistics) also implement [BufferHolder];
// [StateTensors] lists parameters and buffers together.
//
// A custom layer is any type with the three Layer methods, including one
// declared in a notebook cell, or a [Lambda] built from a closure and the
// parameters it uses. A cell-defined type reaches compiled code through an
// interpreter wrapper with exactly Layer's methods, so buffers of a
// cell-defined layer are not visible to checkpoints: keep such state in
// parameters or in the built-in layers.
//
// Two limits of the interpreter (yaegi v0.16.1) matter for cell-defined
// layers: a cell-defined value passed directly in a variadic call, as in
// NewSequential(myLayer), is not wrapped and fails; write
// NewSequential(nn.ReLU()).Add(myLayer), or pass a []nn.Layer{...} slice with
// "...". Likewise a cell-defined value set in a composite literal of a
// compiled struct's interface field (optim.AdamConfig{Schedule: mySchedule})
// fails; assign the field afterwards (cfg.Schedule = mySchedule) or through a
// variable of the interface type.
//
// # Parameters and randomness
//
// Each layer owns its parameter tensors (exported fields such as
// Dense.Weight), which require gradients; Backward accumulates into their
// gradient buffers and an optimizer updates them in place. Randomness is
// always explicit: constructors and [Init] functions take a *physnn.RNG, so
// two models built from equal seeds are equal. Dense stores its weight as
// [in, out] (the transpose of PyTorch's Linear); convolution weights use
// PyTorch's layouts.
//
// # Modes
//
// A new model is in training mode; SetTraining(false) switches dropout off
// and batch norm to its running statistics. train.Fit sets the mode itself
// and leaves the model in evaluation mode.
//
// # Errors
//
// Constructors do not return errors: a bad size or a nil RNG is kept by the
// layer (Err) and Forward returns a tensor carrying it, so the sticky-error
// chain reports it at Err, Backward or train.Fit. A panic inside a Lambda or
// inside a child of a Sequential becomes an error tensor naming the layer.
package nn
