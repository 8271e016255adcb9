package physnn

import (
	"errors"
	"math"
	"slices"
)

// Losses. Each returns a scalar tensor, the mean over all elements unless
// stated otherwise. MSE, L1, KLDiagGaussian and Reparameterize are built
// from ops, as any user-defined loss can be; BCEWithLogits and CrossEntropy
// are fused for numerical stability.

func sameShapeLoss(op string, pred, target *Tensor) error {
	if err := firstErr(pred, target); err != nil {
		return err
	}
	if !slices.Equal(pred.shape, target.shape) {
		return &ShapeError{Op: op, A: cloneInts(pred.shape), B: cloneInts(target.shape),
			Reason: "prediction and target shapes differ; reshape the target (e.g. [N] to [N 1]) rather than rely on broadcasting"}
	}
	return nil
}

// MSE returns the mean squared error mean((pred - target)²). The shapes must
// be equal (no broadcasting, which would silently compare [N 1] with [N]).
func MSE(pred, target *Tensor) (result *Tensor) {
	defer recoverOp("MSE", &result)
	if err := sameShapeLoss("mse", pred, target); err != nil {
		return errTensor(err)
	}
	d := pred.Sub(target)
	return d.Mul(d).Mean()
}

// L1 returns the mean absolute error mean(|pred - target|), whose gradient
// is the sign of the difference (0 where it is 0). The shapes must be equal.
func L1(pred, target *Tensor) (result *Tensor) {
	defer recoverOp("L1", &result)
	if err := sameShapeLoss("l1", pred, target); err != nil {
		return errTensor(err)
	}
	return pred.Sub(target).Abs().Mean()
}

// BCEWithLogits returns the binary cross-entropy of targets in [0, 1] given
// logits x, mean(max(x,0) - x·t + log(1 + e^-|x|)), which equals
// -[t·log σ(x) + (1-t)·log(1-σ(x))] without overflow for any x. The shapes
// must be equal.
func BCEWithLogits(logits, target *Tensor) (result *Tensor) {
	defer recoverOp("BCEWithLogits", &result)
	if err := sameShapeLoss("bce_with_logits", logits, target); err != nil {
		return errTensor(err)
	}
	x, t := promote(logits.contiguous(), target.contiguous())
	var sum float64
	if x.dt == f64 {
		sum = bceSum(x.st.f64[x.offset:], t.st.f64[t.offset:], numel(x.shape))
	} else {
		sum = bceSum(x.st.f32[x.offset:], t.st.f32[t.offset:], numel(x.shape))
	}
	y := x.ws.alloc(x.dt, []int{})
	fill(y, sum/float64(numel(x.shape)))
	return recordVJP(y, "bce_with_logits", []*Tensor{logits, target}, bceVJP, opArgs{})
}

// bceSum returns Σ max(x,0) − x·t + log(1 + e^−|x|) over the first n
// elements, in float64.
func bceSum[T float](xs, ts []T, n int) float64 {
	var sum float64
	for i, x := range xs[:n] {
		v := float64(x)
		sum += math.Max(v, 0) - v*float64(ts[i]) + math.Log1p(math.Exp(-math.Abs(v)))
	}
	return sum
}

func bceVJP(nd *node, g *Tensor) []*Tensor {
	// d/dx = σ(x) - t, d/dt = -x, each divided by n and scaled by g.
	logits, target := nd.inputs[0], nd.inputs[1]
	x, t := promote(logits.contiguous(), target.contiguous())
	scale := g.item64() / float64(numel(x.shape))
	var gx, gt *Tensor
	if logits.requiresGrad {
		gx = unary(uMulScalar, sub(unary(uSigmoid, x, 0), t), scale)
	}
	if target.requiresGrad {
		gt = unary(uMulScalar, x, -scale)
	}
	return nd.ret2(gx, gt)
}

// CrossEntropy returns the mean over the batch of -log softmax(logits)[i,
// labels[i]] for logits [N, C] and N integer class labels in [0, C).
// Mismatched sizes or out-of-range labels give a *ShapeError.
func CrossEntropy(logits *Tensor, labels []int) (result *Tensor) {
	defer recoverOp("CrossEntropy", &result)
	if err := logits.check(); err != nil {
		return errTensor(err)
	}
	if len(logits.shape) != 2 {
		return shapeErr("cross_entropy", logits.shape, nil, "logits must be [N C]")
	}
	n, c := logits.shape[0], logits.shape[1]
	if len(labels) != n {
		return shapeErr("cross_entropy", logits.shape, []int{len(labels)}, "%d labels for a batch of %d", len(labels), n)
	}
	for i, l := range labels {
		if l < 0 || l >= c {
			return shapeErr("cross_entropy", logits.shape, nil, "label %d at row %d is outside [0, %d)", l, i, c)
		}
	}
	if n == 0 {
		return shapeErr("cross_entropy", logits.shape, nil, "empty batch")
	}
	labels = append([]int(nil), labels...)
	ls := logSoftmax(logits, 1)
	lv := ls.Float64()
	var sum float64
	for i, l := range labels {
		sum -= lv[i*c+l]
	}
	y := logits.ws.alloc(logits.dt, []int{})
	fill(y, sum/float64(n))
	return record(y, "cross_entropy", []*Tensor{logits}, func(g *Tensor) []*Tensor {
		// d/dlogits = (softmax - onehot(labels)) / N, scaled by g.
		gx := unary(uExp, ls, 0)
		onehot := g.ws.alloc(gx.dt, gx.shape)
		for i, l := range labels {
			if onehot.dt == f64 {
				onehot.st.f64[i*c+l] = 1
			} else {
				onehot.st.f32[i*c+l] = 1
			}
		}
		return []*Tensor{unary(uMulScalar, sub(gx, onehot), g.Float64()[0]/float64(n))}
	})
}

// KLDiagGaussian returns KL(N(mu, e^logVar) ‖ N(0, priorStd²)) for a
// diagonal Gaussian, summed over the last axis and averaged over the batch
// (the first axis; a 1-D input is one sample):
//
//	½ Σ [ (e^logVar + mu²)/σ² - 1 - logVar + log σ² ],  σ = priorStd.
//
// mu and logVar must have equal shapes and priorStd must be positive.
func KLDiagGaussian(mu, logVar *Tensor, priorStd float32) (result *Tensor) {
	defer recoverOp("KLDiagGaussian", &result)
	if err := sameShapeLoss("kl_diag_gaussian", mu, logVar); err != nil {
		return errTensor(err)
	}
	if !(priorStd > 0) {
		return errTensor(errors.New("physnn: kl_diag_gaussian: priorStd must be positive"))
	}
	batch := 1
	if len(mu.shape) >= 2 {
		batch = mu.shape[0]
	}
	if batch == 0 {
		return shapeErr("kl_diag_gaussian", mu.shape, nil, "empty batch")
	}
	s2 := float64(priorStd) * float64(priorStd)
	terms := logVar.Exp().Add(mu.Mul(mu)).MulScalar(float32(1 / s2)).
		Sub(logVar).AddScalar(float32(math.Log(s2) - 1))
	return terms.Sum().MulScalar(float32(0.5 / float64(batch)))
}

// Reparameterize draws z = mu + e^(logVar/2)·ε with ε ~ N(0, 1) from rng,
// so gradients flow to mu and logVar (the reparameterisation trick of
// Kingma & Welling 2014). mu and logVar must have equal shapes.
func Reparameterize(mu, logVar *Tensor, rng *RNG) (result *Tensor) {
	defer recoverOp("Reparameterize", &result)
	if err := sameShapeLoss("reparameterize", mu, logVar); err != nil {
		return errTensor(err)
	}
	if rng == nil {
		return errTensor(errNilRNG)
	}
	// ε is drawn into the workspace (as RNG.Normal(0, 1, ...) would draw it).
	eps := mu.ws.allocOverwrite(f32, mu.shape)
	for i := range eps.st.f32 {
		eps.st.f32[i] = float32(rng.r.NormFloat64())
	}
	return mu.Add(logVar.MulScalar(0.5).Exp().Mul(eps))
}

// item64 returns the value of a one-element tensor in float64.
func (t *Tensor) item64() float64 {
	if t.dt == f64 {
		return t.st.f64[t.offset]
	}
	return float64(t.st.f32[t.offset])
}
