//go:build amd64 && !purego

package physnn

import "golang.org/x/sys/cpu"

// haveAVX2 reports whether the AVX2 loops of vec32_amd64.s and
// fastmath_amd64.s run.
var haveAVX2 = cpu.X86.HasAVX2

// Implemented in vec32_amd64.s; each handles len(dst) &^ 7 elements.

//go:noescape
func addToAVX2(dst, x, y []float32)

//go:noescape
func mulToAVX2(dst, x, y []float32)

//go:noescape
func addInPlaceAVX2(dst, x []float32)

//go:noescape
func scaleToAVX2(dst, x []float32, a float32)

//go:noescape
func mulSigmoidDerivAVX2(dst, g, y []float32)

//go:noescape
func axpyAVX2(dst, x []float32, a float32)

//go:noescape
func reluAVX2(dst, x []float32)

//go:noescape
func mulStepAVX2(dst, g, x []float32)

//go:noescape
func mulELUDerivYAVX2(dst, g, y []float32, alpha float32)

//go:noescape
func eluBackRowsAVX2(gp, gb, g, y []float32, rows, stride int, alpha float32)

//go:noescape
func maxPool2x2AVX2(y, idx, r0, r1 []float32)
