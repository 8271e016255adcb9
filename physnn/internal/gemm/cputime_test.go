package gemm

import (
	"time"

	"github.com/gophys/gophys/physnn/internal/gemm/cputime"
)

// processCPUTime is the user+system CPU time of the whole process so far.
func processCPUTime() time.Duration { return cputime.Process() }
