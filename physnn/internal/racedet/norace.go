//go:build !race

package racedet

// Enabled is true when the binary was built with -race.
const Enabled = false
