// Package goid tells goroutines apart, so that display and display/widgets
// can scope a redirection to the goroutine that asked for it (a widget
// callback running beside a cell must not divert the cell's displays).
package goid

import (
	"bytes"
	"runtime"
	"strconv"
)

// Current returns the calling goroutine's id, as runtime.Stack prints it in
// its first line ("goroutine 18 [running]:"); 0 if that line cannot be
// read. It costs about a microsecond, so callers use it per redirection,
// not per display.
func Current() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		if id, err := strconv.ParseInt(string(b[:i]), 10, 64); err == nil {
			return id
		}
	}
	return 0
}
