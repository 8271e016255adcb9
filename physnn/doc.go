// Package physnn is gophys's compiled deep-learning core: n-dimensional
// float32 tensors with broadcasting and views, reverse-mode automatic
// differentiation, the ops and losses networks are built from, and seeded
// random numbers.
//
//	w := physnn.NewRNG(1).Normal(0, 0.1, 3, 1).SetRequiresGrad(true)
//	x := physnn.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
//	loss := physnn.MSE(x.MatMul(w), physnn.New([]float32{1, 0}, 2, 1))
//	if err := loss.Backward(); err != nil { ... }
//	fmt.Println(w.Grad())
//
// Layers live in physnn/nn, optimizers in physnn/optim, the training loop in
// physnn/train and checkpoints in physnn/checkpoint.
//
// # Tensors
//
// A [Tensor] is row-major and may be a strided view of another tensor's
// storage: Reshape (of a contiguous tensor), Transpose, Slice and Detach
// return views; every other op returns a new tensor. Ops never modify their
// inputs. [New] wraps the caller's slice without copying (as mat.NewDense
// does); the other constructors allocate. The zero Tensor has no storage and
// is not usable: create tensors with the constructors.
//
// Binary elementwise ops broadcast as NumPy does: shapes are aligned from the
// right and each pair of dimensions must be equal or 1.
//
// # Errors
//
// Tensor ops do not return errors, so they chain in one expression. An op on
// bad shapes returns a tensor holding a *[ShapeError] (for example
// "matmul [32 50] x [64 10]: inner sizes 50 and 64 differ; check the previous
// layer's output size"), later ops pass the first error on, and [Tensor.Err],
// [Tensor.Backward] and train.Fit report it. Accessors on such a tensor
// return empty values (Item and At return NaN). Nothing panics across the API:
// an error or panic in user code called by physnn (a [Custom] op) is returned
// as an error. NaN and Inf follow IEEE 754 through every op, so a NaN input is
// visible in the output.
//
// # Automatic differentiation
//
// Mark parameters with [Tensor.SetRequiresGrad]; ops on them record a graph.
// [Tensor.Backward] on a scalar loss adds d loss/d p into each parameter's
// gradient ([Tensor.Grad], [Tensor.GradValues]); gradients accumulate across
// Backward calls until [Tensor.ZeroGrad]. [NoGrad] runs code without
// recording (evaluation, parameter updates). [Custom] adds an op written in
// Go with its vector-Jacobian product.
//
// # Buffers
//
// Who owns what: a tensor made by [New] or [New64] uses the caller's slice;
// every other constructor and op result owns fresh storage, except the views
// listed above. A leaf's gradient buffer is allocated by the first Backward
// that reaches it and reused afterwards, so optimizers update
// [Tensor.Values] from [Tensor.GradValues] in place without allocating.
//
// Intermediate results and Backward's temporaries are allocated per op and
// left to the garbage collector, unless the computation starts from a
// tensor of a [Workspace]: then they come from the workspace, which
// [Workspace.Reset] recycles at the next step, so a steady training loop
// allocates only small bookkeeping (headers and graph nodes), not
// activation-sized arrays (train.Fit runs every step in one).
// [Tensor.Clone] always copies to the heap.
//
// # Precision
//
// The public API is float32. [New64] makes float64 tensors, which run the same
// generic kernels in double precision; an op mixing the two computes in
// float64. physnntest.CheckGrad uses this to check every gradient against
// finite differences. float32 exp, sigmoid and tanh use single-precision
// kernels (within 2e-7 relative of float64 math); on amd64 CPUs with AVX2
// the sigmoid of a tensor runs eight values at a time with the same
// operations, so the same results (build tag purego turns it off).
// Everything else is the same code in both precisions.
//
// # Performance
//
// Loops over large tensors (from 64k elements) are split over the cores;
// reductions add fixed blocks in order, so results do not depend on the
// number of cores. Matrix products with a size of 1 (a layer of one input
// or one output) use matrix-vector kernels instead of GEMM.
//
// # Randomness and cancellation
//
// There is no global random state: an [RNG] made by [NewRNG] with a seed
// belongs to a model or experiment. Long loops poll [Canceled], which reports
// the context the notebook kernel sets per cell with [SetCancelContext].
//
// # Concurrency
//
// Tensors are safe for concurrent reads; distinct graphs may be built and
// differentiated in different goroutines, also when they share parameters
// (each Backward adds into a parameter's gradient under a lock), but one graph
// must not be differentiated by two goroutines at once. [NoGrad] affects only
// the calling goroutine. An [RNG] and a [Workspace] are not safe for concurrent
// use.
package physnn
