package widgets

import (
	"math"
	"sort"
	"strconv"
)

func mathNaN() float64 { return math.NaN() }

func strconvF(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
