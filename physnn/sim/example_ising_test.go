package sim_test

import (
	"fmt"

	"github.com/gophys/gophys/physnn/sim"
)

// The 1-D decimation flow: each step halves the correlation length.
func ExampleDecimate1D() {
	K := 1.0
	for range 3 {
		next := sim.Decimate1D(K)
		fmt.Printf("K %.5f → %.5f, ξ %.4f → %.4f\n", K, next, sim.CorrelationLength1D(K), sim.CorrelationLength1D(next))
		K = next
	}
	// Output:
	// K 1.00000 → 0.66250, ξ 3.6719 → 1.8359
	// K 0.66250 → 0.35006, ξ 1.8359 → 0.9180
	// K 0.35006 → 0.11367, ξ 0.9180 → 0.4590
}

func ExampleOnsagerMagnetization() {
	fmt.Printf("T_c = %.6f, M(2.0) = %.4f, u(T_c) = %.5f\n",
		sim.CriticalTemperature, sim.OnsagerMagnetization(2.0), sim.OnsagerEnergy(sim.CriticalTemperature))
	// Output: T_c = 2.269185, M(2.0) = 0.9113, u(T_c) = -1.41421
}
