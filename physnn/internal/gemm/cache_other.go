//go:build !linux

package gemm

// l2CacheBytes is defaultL2 where the cache size is not read from the OS.
func l2CacheBytes() int { return defaultL2 }
