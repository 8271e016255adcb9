package eval

import "context"

// The hooks below connect the interpreter to the compiled packages cells use:
// display renders final values and publishes what cells show; physnn checks
// a per-cell context in its long loops so an interrupt stops them.

// renderValue renders a final value through package display; ok is false
// when display has nothing richer than text.
func renderValue(v any) (data map[string]any, ok bool) {
	return nil, false
}

// setDisplayPublisher routes display's output to the running cell.
func setDisplayPublisher(r *router) {}

// setPhysnnContext hands physnn the running cell's context.
func setPhysnnContext(ctx context.Context) {}
