//go:build amd64 && !purego

package optim

import "golang.org/x/sys/cpu"

// haveAVX2 reports whether the AVX2 loops of vec_amd64.s run.
var haveAVX2 = cpu.X86.HasAVX2

// Implemented in vec_amd64.s; each handles the first len(p) &^ 7 elements
// (len(g) &^ 7 for clipAVX2).

//go:noescape
func adamAVX2(p, g, m, v []float32, k *adamConsts)

//go:noescape
func clipAVX2(g []float32, limit float32)
