package gemm

import "unsafe"

// unsafeSlice views n elements from p. The kernels receive pointers (the
// assembly ABI); the portable kernel turns them back into bounds-checked
// slices of the length the caller guarantees.
func unsafeSlice[T any](p *T, n int) []T { return unsafe.Slice(p, n) }
