package kernel

import (
	"log/slog"
	"time"

	"github.com/gophys/gophys/kernel/internal/zmqconn"
)

// ConnectionInfo is the content of a Jupyter connection file (ports,
// transport, ip, key, signature scheme).
type ConnectionInfo = zmqconn.ConnectionInfo

// ReadConnectionFile reads and validates a connection file. Its errors name
// the file and the problem, for the command line to print.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	return zmqconn.ReadConnectionFile(path)
}

// ListenZMQ binds the five ZeroMQ sockets info describes and returns them as
// a Transport. logger receives socket errors.
func ListenZMQ(info ConnectionInfo, logger *slog.Logger) (Transport, error) {
	c, err := zmqconn.Listen(info, zmqconn.Options{Logger: logger})
	if err != nil {
		return nil, err
	}
	return zmqTransport{c}, nil
}

// zmqTransport adapts zmqconn.Conn to Transport.
type zmqTransport struct{ c *zmqconn.Conn }

func (t zmqTransport) Incoming(ch Channel) <-chan [][]byte { return t.c.Incoming(ch) }

func (t zmqTransport) Send(ch Channel, frames [][]byte) error { return t.c.Send(ch, frames) }

// Flush waits (at most a second) until queued IOPub messages have left.
func (t zmqTransport) Flush() { t.c.Flush(time.Second) }

func (t zmqTransport) Close() error { return t.c.Close() }

// addr returns the bound address of one socket ("shell", "iopub", ...);
// tests use it to find ports chosen for port 0.
func (t zmqTransport) addr(name string) string { return t.c.Addr(name).String() }
