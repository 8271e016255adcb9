//go:build !amd64 || purego

package physnn

// haveSigmoidVec is false: there is no vector kernel for this platform.
var haveSigmoidVec = false

// sigmoidVec does nothing without a vector kernel: the scalar code
// handles every value.
func sigmoidVec(dst, x []float32) int { return 0 }

// eluVec does nothing without a vector kernel.
func eluVec(dst, x []float32, alpha float32) int { return 0 }

// mulELUDerivVec does nothing without a vector kernel.
func mulELUDerivVec(dst, g, x []float32, alpha float32) int { return 0 }

// haveAVX512 is false: there is no vector kernel for this platform.
var haveAVX512 = false
