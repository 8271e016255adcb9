package wire

import "fmt"

// Channel names one of the four message channels of a Jupyter kernel. The
// heartbeat never carries messages; the transport echoes it.
type Channel int

// The message channels.
const (
	Shell Channel = iota
	Control
	Stdin
	IOPub
)

// NumChannels is the number of message channels.
const NumChannels = 4

func (c Channel) String() string {
	switch c {
	case Shell:
		return "shell"
	case Control:
		return "control"
	case Stdin:
		return "stdin"
	case IOPub:
		return "iopub"
	}
	return fmt.Sprintf("Channel(%d)", int(c))
}
