//go:build openblas

package gemm

import "github.com/gophys/gophys/physnn/internal/gemm/openblas"

// init registers the OpenBLAS backend. The cgo binding lives in package
// openblas because Go does not allow cgo in a package with Go assembly.
func init() {
	OpenBLAS = &Backend{
		Name:  openblas.Config(),
		Sgemm: openblas.Sgemm,
		Dgemm: openblas.Dgemm,
	}
}
