package gemm

// kernel is one register-blocked micro-kernel and the tile it computes:
// fn(k, a, b, c, ldc, alpha, beta) sets the mr×nr tile of C at c (row
// stride ldc) to alpha·Apanel·Bpanel + beta·C, where the packed A panel
// holds k steps of mr values and the packed B panel k steps of nr values.
// beta == 0 does not read C.
type kernel[T float32 | float64] struct {
	name   string
	mr, nr int
	fn     func(k int, a, b, c *T, ldc int, alpha, beta T)
	// fnRowA, where not nil, is fn reading the mr rows of A in place (row
	// stride lda) instead of from a packed panel; see useRowA.
	fnRowA func(k int, a, b, c *T, ldc int, alpha, beta T, lda int)
	// fnRowB and fnRowAB, where not nil, are fn and fnRowA reading the nr
	// columns of B in place (row stride ldb) instead of from a packed
	// panel; see useRowB.
	fnRowB  func(k int, a, b, c *T, ldc int, alpha, beta T, ldb int)
	fnRowAB func(k int, a, b, c *T, ldc int, alpha, beta T, lda, ldb int)
	// halfB and halfAB, where not nil, are fnRowB and fnRowAB for a tile
	// of nr/2 columns: the partial last panel of a product whose width
	// leaves at most nr/2 columns there (n = 100 is 3 panels of 32 and 4
	// columns) costs half a full tile. They read the packed panel as B
	// rows nr values apart.
	halfB  func(k int, a, b, c *T, ldc int, alpha, beta T, ldb int)
	halfAB func(k int, a, b, c *T, ldc int, alpha, beta T, lda, ldb int)
	// fnColA, fnColAB and halfColAB, where not nil, are fnRowA, fnRowAB
	// and halfAB reading A in place from storage whose k steps are
	// contiguous (Aᵀ stored row-major): step p's mr values lie lda after
	// step p-1's. See useColA.
	fnColA    func(k int, a, b, c *T, ldc int, alpha, beta T, lda int)
	fnColAB   func(k int, a, b, c *T, ldc int, alpha, beta T, lda, ldb int)
	halfColAB func(k int, a, b, c *T, ldc int, alpha, beta T, lda, ldb int)
	// kc, mc and nc are the cache blocks: a kc×nr B panel stays in L1
	// across the mc/mr kernel calls that stream the mc×kc A block from
	// L2; the kc×nc B block lives in L2/L3.
	kc, mc, nc int
	// short, where not nil, is a kernel with fewer rows per tile that a
	// product uses when its rows fill the short kernel's tiles much
	// better (see fit): m = 64 wastes 8 of 72 rows in 12-row tiles and
	// none in 8-row ones.
	short *kernel[T]
}

// fit returns the kernel for a product with m rows: kern, or kern.short
// when that pads m to at least 5% fewer rows.
func (kern *kernel[T]) fit(m int) *kernel[T] {
	if s := kern.short; s != nil && 20*roundUp(m, s.mr) < 19*roundUp(m, kern.mr) {
		return s
	}
	return kern
}

// The kernels in use, chosen at init by CPU features (kernel_amd64.go) and
// swapped only by tests.
var (
	kernel32 kernel[float32]
	kernel64 kernel[float64]
)

// Portable kernels: plain Go, 4×4 tiles, used where no assembly kernel fits
// the CPU and in the purego build.
var (
	portable32 = kernel[float32]{name: "go4x4", mr: 4, nr: 4, fn: kernelGo4x4[float32], kc: 256, mc: 64}
	portable64 = kernel[float64]{name: "go4x4", mr: 4, nr: 4, fn: kernelGo4x4[float64], kc: 256, mc: 64}
)

// kernelGo4x4 is the portable micro-kernel. Sixteen named accumulators keep
// the tile in registers; an array would be spilled to the stack.
func kernelGo4x4[T float32 | float64](k int, a, b, c *T, ldc int, alpha, beta T) {
	ap := unsafeSlice(a, 4*k)
	bp := unsafeSlice(b, 4*k)
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 T
	for p := 0; p < k; p++ {
		av := ap[4*p : 4*p+4 : 4*p+4]
		bv := bp[4*p : 4*p+4 : 4*p+4]
		a0, a1, a2, a3 := av[0], av[1], av[2], av[3]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	cs := unsafeSlice(c, 3*ldc+4)
	store := func(r []T, v0, v1, v2, v3 T) {
		if beta == 0 {
			r[0], r[1], r[2], r[3] = alpha*v0, alpha*v1, alpha*v2, alpha*v3
			return
		}
		r[0] = alpha*v0 + beta*r[0]
		r[1] = alpha*v1 + beta*r[1]
		r[2] = alpha*v2 + beta*r[2]
		r[3] = alpha*v3 + beta*r[3]
	}
	store(cs[0:4:4], c00, c01, c02, c03)
	store(cs[ldc:ldc+4:ldc+4], c10, c11, c12, c13)
	store(cs[2*ldc:2*ldc+4:2*ldc+4], c20, c21, c22, c23)
	store(cs[3*ldc:3*ldc+4:3*ldc+4], c30, c31, c32, c33)
}

// defaultL2 is the L2 size assumed where the OS does not report one: 1 MiB,
// the per-core L2 of Zen 4/5 and of many Intel client cores.
const defaultL2 = 1 << 20
