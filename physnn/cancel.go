package physnn

import (
	"context"
	"sync/atomic"
)

// cancelHook is the context the kernel sets for the running cell.
type cancelHook struct {
	ctx  context.Context
	done <-chan struct{}
}

var currentCancel atomic.Pointer[cancelHook]

// SetCancelContext sets the context that long-running compiled loops
// (training, sampling) poll with Canceled between steps. The notebook kernel
// sets one per cell so an interrupt stops training; programs may set their
// own. A nil ctx removes the hook.
func SetCancelContext(ctx context.Context) {
	if ctx == nil {
		currentCancel.Store(nil)
		return
	}
	currentCancel.Store(&cancelHook{ctx: ctx, done: ctx.Done()})
}

// Canceled returns the error of the context set by SetCancelContext once it
// is done (context.Canceled or context.DeadlineExceeded), and nil otherwise
// or when none is set. It does not block or allocate, so loops may call it
// every step.
func Canceled() error {
	h := currentCancel.Load()
	if h == nil || h.done == nil {
		return nil
	}
	select {
	case <-h.done:
		return h.ctx.Err()
	default:
		return nil
	}
}
