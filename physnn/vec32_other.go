//go:build !amd64 || purego

package physnn

// haveAVX2 is false: the vec32 wrappers run their scalar loops.
var haveAVX2 = false

func addToAVX2(dst, x, y []float32)           {}
func mulToAVX2(dst, x, y []float32)           {}
func addInPlaceAVX2(dst, x []float32)         {}
func scaleToAVX2(dst, x []float32, a float32) {}
func mulSigmoidDerivAVX2(dst, g, y []float32) {}
func axpyAVX2(dst, x []float32, a float32)    {}
func reluAVX2(dst, x []float32)               {}
func mulStepAVX2(dst, g, x []float32)         {}

func mulELUDerivYAVX2(dst, g, y []float32, alpha float32) {}

func eluBackRowsAVX2(gp, gb, g, y []float32, rows, stride int, alpha float32) {}

func maxPool2x2AVX2(y, idx, r0, r1 []float32) {}
