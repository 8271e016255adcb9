//go:build !amd64 || purego

package gemm

func availableKernels32() []kernel[float32] { return []kernel[float32]{sized(portable32)} }

func availableKernels64() []kernel[float64] { return []kernel[float64]{sized(portable64)} }

// flopsPerCycle is unknown off amd64; 0 disables the fraction-of-peak metric.
func flopsPerCycle() (f32, f64 float64) { return 0, 0 }

// cycleChain has no portable fixed-latency chain; 0 disables the clock
// estimate.
func cycleChain(n int) int { return 0 }
