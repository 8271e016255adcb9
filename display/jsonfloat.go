package display

import (
	"math"
	"strconv"
)

// Number is a float64 that encodes NaN and ±Inf as JSON null, which
// encoding/json refuses to encode for a plain float64. The custom MIME
// payloads use it wherever a statistic can be undefined (the correlation
// with a constant parameter, a loss that diverged), so a payload always
// encodes and renderers read null as "undefined".
type Number float64

// MarshalJSON writes n as the shortest decimal that reads back exactly, or
// null when n is not finite.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Number(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*n = Number(f)
	return nil
}
