package widgets

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/gophys/gophys/display"
)

// Target names and protocol versions of ipywidgets 8 (messages.md of
// jupyter-widgets/ipywidgets): one comm per widget on WidgetTarget, and the
// optional control comm on ControlTarget through which a reloaded page asks
// for every widget's state at once.
const (
	WidgetTarget    = "jupyter.widget"
	ControlTarget   = "jupyter.widget.control"
	ProtocolVersion = "2.1.0"
)

// Comm is one open comm channel to the frontend, as the kernel provides it.
type Comm interface {
	// ID returns the comm_id.
	ID() string
	// Send publishes a comm_msg with data and binary buffers.
	Send(data map[string]any, buffers [][]byte) error
	// Close publishes comm_close and forgets the comm.
	Close(data map[string]any) error
}

// Handler receives the frontend's messages for one comm. The kernel calls it
// on its comm goroutine, concurrently with a running cell.
type Handler interface {
	// HandleMsg is called for each comm_msg.
	HandleMsg(c Comm, data map[string]any, buffers [][]byte)
	// HandleClose is called once when the frontend closes the comm.
	HandleClose(c Comm, data map[string]any)
}

// Target is called when the frontend opens a comm on a registered target
// name; it returns the handler of the comm's later messages, or an error,
// which makes the kernel close the comm.
type Target func(c Comm, data map[string]any, buffers [][]byte) (Handler, error)

// Comms is what the kernel offers widgets: opening comms from the kernel side
// and serving comms the frontend opens. The command that runs the kernel
// adapts the kernel to it and installs it with [SetComms]; display/widgets
// never imports the kernel.
type Comms interface {
	// Open opens a comm on the frontend's target and publishes comm_open with
	// data, metadata and buffers; h receives the frontend's later messages.
	Open(target string, data, metadata map[string]any, buffers [][]byte, h Handler) (Comm, error)
	// RegisterTarget serves comm_open from the frontend on name.
	RegisterTarget(name string, t Target)
}

// Parents is implemented by Comms that can say which frontend request the
// kernel serves, which [Output.Capture] needs to capture by message id, as
// ipywidgets does. Without it Capture appends displays directly.
type Parents interface {
	// CellParentID returns the msg_id of the running execute_request, or "".
	CellParentID() string
	// CommParentID returns the msg_id of the comm message whose handler
	// runs now, or "" between comm messages.
	CommParentID() string
	// CommPublisher returns a publisher whose outputs have that comm
	// message as their parent, or nil between comm messages.
	CommPublisher() display.Publisher
}

// ErrNoKernel is returned when a widget is created outside a kernel (no
// [SetComms] call), where there is no frontend to show it.
var ErrNoKernel = errors.New("widgets: no kernel comms: widgets work only inside the gophys kernel")

// ErrClosed is returned when a closed widget is changed or shown.
var ErrClosed = errors.New("widgets: widget is closed")

type commsSlot struct{ c Comms }

var current atomic.Pointer[commsSlot]

// SetComms installs the kernel's comms and registers the ControlTarget on
// them; nil removes them, after which new widgets fail with [ErrNoKernel].
// Widgets created earlier keep the comms they were opened on.
func SetComms(c Comms) {
	if c == nil {
		current.Store(nil)
		return
	}
	current.Store(&commsSlot{c: c})
	c.RegisterTarget(ControlTarget, controlTarget)
}

func comms() (Comms, error) {
	if s := current.Load(); s != nil {
		return s.c, nil
	}
	return nil, ErrNoKernel
}

// registry holds the live widgets by model id, for request_states.
var registry = struct {
	mu     sync.Mutex
	models map[string]*model
}{models: map[string]*model{}}

func register(m *model) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.models[m.id] = m
}

func unregister(id string) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	delete(registry.models, id)
}

// Live returns the model ids of the widgets that are open, sorted.
func Live() []string {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	ids := make([]string, 0, len(registry.models))
	for id := range registry.models {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// controlTarget serves jupyter.widget.control: a frontend that reloads the
// page sends request_states and gets every live widget's full state.
func controlTarget(c Comm, data map[string]any, buffers [][]byte) (Handler, error) {
	return controlHandler{}, nil
}

type controlHandler struct{}

func (controlHandler) HandleMsg(c Comm, data map[string]any, buffers [][]byte) {
	if data["method"] != "request_states" {
		return
	}
	registry.mu.Lock()
	models := make([]*model, 0, len(registry.models))
	for _, m := range registry.models {
		models = append(models, m)
	}
	registry.mu.Unlock()
	states := map[string]any{}
	for _, m := range models {
		// The layout ipywidgets' _handle_control_comm_msg sends, which the
		// JupyterLab manager reads when it restores widgets.
		states[m.id] = map[string]any{
			"model_name":           m.spec.modelName,
			"model_module":         m.spec.modelModule,
			"model_module_version": m.spec.modelVersion,
			"state":                m.fullState(),
		}
	}
	_ = c.Send(map[string]any{"method": "update_states", "states": states, "buffer_paths": []any{}}, nil)
}

func (controlHandler) HandleClose(Comm, map[string]any) {}

// errorOutput is where failures of callbacks and of messages from the
// frontend are reported. Inside the kernel standard error belongs to the
// running (or latest) cell, so the user sees them there.
var errorOutput = func() io.Writer { return os.Stderr }

func reportf(format string, args ...any) {
	fmt.Fprintf(errorOutput(), "widgets: "+format+"\n", args...)
}
