//go:build race

package gemm

// raceEnabled: the race detector makes sync.Pool drop a quarter of the
// items put back, so the allocation tests cannot hold under it.
const raceEnabled = true
