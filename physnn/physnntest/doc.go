// Package physnntest holds test helpers shared by physnn and the packages
// built on it: float comparison with stated tolerances and a finite-difference
// gradient check.
//
// # Gradient checks
//
// CheckGrad evaluates a function of tensors in float64 (the same kernels the
// float32 path runs, instantiated for float64), computes its gradient with
// Backward, and compares it with central finite differences computed by
// gonum's diff/fd. A function with a non-scalar result is reduced to
// Σ w⊙f(x) with fixed random weights w, so every entry of the Jacobian
// contributes. It then repeats Backward in float32 and checks that it agrees
// with the float64 gradient to float32 accuracy.
//
//	physnntest.CheckGrad(t, "tanh", func(in []*physnn.Tensor) *physnn.Tensor {
//		return in[0].Tanh()
//	}, physnn.New([]float32{-1, 0.5, 2}, 3))
//
// f is evaluated many times, so it must be deterministic: an op drawing
// random numbers (dropout, reparameterisation) needs an RNG created inside f
// with a fixed seed. Choose inputs away from kinks (ReLU and Abs at 0, ties in
// Max), where finite differences and sub-gradients legitimately disagree. The
// evaluations record graphs rather than run under NoGrad, so CheckGrad is safe
// in parallel tests.
package physnntest
