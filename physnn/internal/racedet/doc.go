// Package racedet reports whether the binary was built with the race
// detector. Allocation tests consult it: under -race, sync.Pool drops a
// quarter of the items put back, so "no allocations per step" cannot hold.
package racedet
