//go:build !amd64 || purego

package optim

// haveAVX2 is false: the scalar loops handle everything.
const haveAVX2 = false

func adamAVX2(p, g, m, v []float32, k *adamConsts) {}

func clipAVX2(g []float32, limit float32) {}
