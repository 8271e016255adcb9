package optim

import (
	"math"

	"github.com/gophys/gophys/physnn"
)

// ClipValue limits every gradient element of params to [-limit, limit] in
// place. Parameters without a gradient are skipped. It allocates nothing.
func ClipValue(params []*physnn.Tensor, limit float32) {
	for _, p := range params {
		g := p.GradValues()
		if haveAVX2 && len(g) >= 8 {
			n := len(g) &^ 7
			clipAVX2(g[:n], limit)
			g = g[n:]
		}
		for i, v := range g {
			if v > limit {
				g[i] = limit
			} else if v < -limit {
				g[i] = -limit
			}
		}
	}
}

// ClipGlobalNorm scales the gradients of params together, in place, so that
// their joint L2 norm is at most maxNorm, and returns the norm before
// clipping (as PyTorch's clip_grad_norm_ does). A NaN or infinite norm is
// returned unchanged and the gradients are left as they are, so the caller
// can skip the step.
func ClipGlobalNorm(params []*physnn.Tensor, maxNorm float32) float64 {
	norm := math.Sqrt(sumSquares(params))
	if math.IsNaN(norm) || math.IsInf(norm, 0) || norm <= float64(maxNorm) {
		return norm
	}
	scaleGrads(params, float32(float64(maxNorm)/(norm+1e-6)))
	return norm
}
