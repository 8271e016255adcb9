package kernel

import "errors"

// ErrNoStdin is returned by Output.Input when the execute request had
// allow_stdin false (for example a notebook run by nbclient): the cell cannot
// ask the user for input.
var ErrNoStdin = errors.New("kernel: stdin is not available (the frontend does not allow input)")

// DefaultStreamLimit is how many bytes of stream output one cell may send
// before the rest is dropped and counted.
const DefaultStreamLimit = 10 << 20

// StreamLimiter is implemented by the Output the kernel passes to
// Interpreter.Execute. An interpreter that offers a magic to change the cap
// type-asserts the Output to StreamLimiter; the new limit applies to the
// running cell and to every later cell.
type StreamLimiter interface {
	// SetStreamLimit sets the per-cell cap on stream output in bytes;
	// zero or less means no cap.
	SetStreamLimit(maxBytes int64)
	// StreamLimit returns the current cap.
	StreamLimit() int64
}
