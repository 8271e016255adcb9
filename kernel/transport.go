package kernel

import "github.com/gophys/gophys/kernel/internal/wire"

// Channel names one of the four message channels of a Jupyter kernel. (The
// heartbeat never reaches the kernel core; the transport echoes it.)
type Channel = wire.Channel

// The channels.
const (
	Shell   = wire.Shell
	Control = wire.Control
	Stdin   = wire.Stdin
	IOPub   = wire.IOPub
)

// Transport moves raw multipart frames between the kernel and its frontends.
// The kernel signs, verifies and parses them (package wire), so a transport
// knows nothing about messages. ZeroMQ (ListenZMQ) is the real one;
// kerneltest.Transport is an in-memory one for tests.
type Transport interface {
	// Incoming returns the channel on which messages arriving on ch
	// (Shell, Control or Stdin) are delivered; it is closed when the
	// transport closes.
	Incoming(ch Channel) <-chan [][]byte
	// Send sends one multipart message on ch. Sending on IOPub must never
	// block: a transport queues and, when full, drops.
	Send(ch Channel, frames [][]byte) error
	// Close stops the transport; Incoming channels close.
	Close() error
}

// Flusher is implemented by transports that queue IOPub messages; the kernel
// calls Flush before closing so the last status and replies are delivered.
type Flusher interface {
	Flush()
}
