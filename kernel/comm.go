package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/gophys/gophys/kernel/internal/wire"
)

// EchoTarget is the built-in diagnostic comm target: every comm_msg sent to
// a comm opened on it comes back unchanged (data and buffers). Tests and
// connectivity checks use it.
const EchoTarget = "gophys.echo"

// CommMessage is the payload of comm_open, comm_msg and comm_close.
type CommMessage struct {
	Data     map[string]any
	Metadata map[string]any
	Buffers  [][]byte
}

// CommHandler receives the frontend's messages for one comm. Its methods run
// on the kernel's comm goroutine, beside a running cell, so they must be
// quick and safe for concurrent use with the cell.
type CommHandler interface {
	// HandleMsg is called for each comm_msg.
	HandleMsg(c *Comm, m CommMessage)
	// HandleClose is called once when the frontend closes the comm.
	HandleClose(c *Comm, m CommMessage)
}

// CommHandlerFuncs adapts two functions to CommHandler; nil fields are
// no-ops.
type CommHandlerFuncs struct {
	Msg   func(c *Comm, m CommMessage)
	Close func(c *Comm, m CommMessage)
}

// HandleMsg implements CommHandler.
func (f CommHandlerFuncs) HandleMsg(c *Comm, m CommMessage) {
	if f.Msg != nil {
		f.Msg(c, m)
	}
}

// HandleClose implements CommHandler.
func (f CommHandlerFuncs) HandleClose(c *Comm, m CommMessage) {
	if f.Close != nil {
		f.Close(c, m)
	}
}

// CommTarget is called when the frontend opens a comm on a registered
// target. It returns the handler for the comm's later messages, or an error,
// in which case the kernel closes the comm.
type CommTarget func(c *Comm, open CommMessage) (CommHandler, error)

// ErrCommClosed is returned by Comm.Send and Comm.Close on a closed comm.
var ErrCommClosed = errors.New("kernel: comm is closed")

// Comm is one open comm channel between kernel and frontend.
type Comm struct {
	k       *Kernel
	id      string
	target  string
	handler CommHandler
	// parent is the header of the message that last touched this comm, so
	// replies and outputs are attributed to it (widget callbacks).
	parent atomic.Pointer[wire.Header]
	closed atomic.Bool
}

// ID returns the comm_id.
func (c *Comm) ID() string { return c.id }

// Target returns the target name the comm was opened on.
func (c *Comm) Target() string { return c.target }

// Send publishes a comm_msg to the frontend. Its parent is the request the
// kernel is serving, as in ipykernel: the comm message whose handler runs
// now, else the running cell, else the message that last touched this comm.
func (c *Comm) Send(m CommMessage) error {
	if c.closed.Load() {
		return ErrCommClosed
	}
	c.k.publishComm(c.k.commParent(c), MsgCommMsg, commMsgContent{CommID: c.id, Data: nonNilMap(m.Data)}, m)
	return nil
}

// Close publishes comm_close and forgets the comm. The handler's
// HandleClose is not called (it is for closes from the frontend).
func (c *Comm) Close(m CommMessage) error {
	if !c.closed.CompareAndSwap(false, true) {
		return ErrCommClosed
	}
	c.k.comms.remove(c.id)
	c.k.publishComm(c.k.commParent(c), MsgCommClose, commMsgContent{CommID: c.id, Data: nonNilMap(m.Data)}, m)
	return nil
}

// commRegistry holds targets and open comms.
type commRegistry struct {
	mu      sync.Mutex
	targets map[string]CommTarget
	open    map[string]*Comm
	// serving is the header of the comm message whose handler (or target)
	// runs now on the comm goroutine; nil between messages.
	serving atomic.Pointer[wire.Header]
}

// commParent is the parent header for a message the kernel sends on c.
func (k *Kernel) commParent(c *Comm) *wire.Header {
	if h := k.comms.serving.Load(); h != nil {
		return h
	}
	k.runMu.Lock()
	h := k.cellParent
	k.runMu.Unlock()
	if h != nil {
		return h
	}
	return c.parent.Load()
}

// serve runs fn, a comm handler for the message with header h, with h
// recorded as the comm message being served.
func (r *commRegistry) serve(h *wire.Header, fn func()) {
	r.serving.Store(h)
	defer r.serving.Store(nil)
	fn()
}

func (r *commRegistry) init() {
	r.targets = map[string]CommTarget{}
	r.open = map[string]*Comm{}
}

func (r *commRegistry) get(id string) *Comm {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.open[id]
}

func (r *commRegistry) remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.open, id)
}

// RegisterCommTarget makes target available to comm_open from the frontend;
// registering a name again replaces the earlier target, and a nil target
// removes it.
func (k *Kernel) RegisterCommTarget(name string, target CommTarget) {
	k.comms.mu.Lock()
	defer k.comms.mu.Unlock()
	if target == nil {
		delete(k.comms.targets, name)
		return
	}
	k.comms.targets[name] = target
}

// OpenComm opens a comm from the kernel side on the frontend's target (for
// example "jupyter.widget") and publishes comm_open. handler receives the
// frontend's later messages; it may be nil. The comm_open is attributed to
// the request being served: the comm message whose handler runs now, else
// the running cell, if any.
func (k *Kernel) OpenComm(target string, open CommMessage, handler CommHandler) (*Comm, error) {
	if target == "" {
		return nil, errors.New("kernel: OpenComm needs a target name")
	}
	if handler == nil {
		handler = CommHandlerFuncs{}
	}
	c := &Comm{k: k, id: wire.NewID(), target: target, handler: handler}
	c.parent.Store(k.commParent(c))
	k.comms.mu.Lock()
	k.comms.open[c.id] = c
	k.comms.mu.Unlock()
	k.publishComm(c.parent.Load(), MsgCommOpen,
		commOpenContent{CommID: c.id, TargetName: target, Data: nonNilMap(open.Data)}, open)
	return c, nil
}

func (k *Kernel) publishComm(parent *wire.Header, msgType string, content any, m CommMessage) {
	// Metadata travels in the message's metadata frame, not in content.
	k.publishFull(parent, msgType, content, m.Metadata, m.Buffers)
}

func commMessageOf(r *request, data map[string]any) CommMessage {
	var meta map[string]any
	if len(r.msg.Metadata) > 0 {
		_ = json.Unmarshal(r.msg.Metadata, &meta) // wire already checked it is a JSON object
	}
	return CommMessage{Data: nonNilMap(data), Metadata: meta, Buffers: r.msg.Buffers}
}

func (k *Kernel) handleCommOpen(r *request) {
	var req commOpenContent
	if err := r.decode(&req); err != nil || req.CommID == "" {
		k.log.Warn("dropping bad comm_open", "err", err)
		return
	}
	k.comms.mu.Lock()
	target := k.comms.targets[req.TargetName]
	k.comms.mu.Unlock()
	parent := &r.msg.Header
	if target == nil {
		// The spec: an unknown target gets an immediate comm_close.
		k.log.Info("comm_open for unknown target", "target", req.TargetName)
		k.publish(parent, MsgCommClose, commMsgContent{CommID: req.CommID, Data: map[string]any{}})
		return
	}
	c := &Comm{k: k, id: req.CommID, target: req.TargetName}
	c.parent.Store(parent)
	var err error
	var handler CommHandler
	k.comms.serve(parent, func() { handler, err = k.callCommTarget(target, c, commMessageOf(r, req.Data)) })
	if err != nil {
		k.log.Info("comm target refused the comm", "target", req.TargetName, "err", err)
		c.closed.Store(true)
		k.publish(parent, MsgCommClose, commMsgContent{CommID: req.CommID,
			Data: map[string]any{"error": err.Error()}})
		return
	}
	if handler == nil {
		handler = CommHandlerFuncs{}
	}
	c.handler = handler
	k.comms.mu.Lock()
	k.comms.open[c.id] = c
	k.comms.mu.Unlock()
}

func (k *Kernel) callCommTarget(target CommTarget, c *Comm, m CommMessage) (h CommHandler, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("comm target panicked: %v", p)
		}
	}()
	return target(c, m)
}

func (k *Kernel) handleCommMsg(r *request) {
	var req commMsgContent
	if err := r.decode(&req); err != nil {
		k.log.Warn("dropping bad comm_msg", "err", err)
		return
	}
	c := k.comms.get(req.CommID)
	if c == nil {
		k.log.Info("comm_msg for unknown comm", "comm_id", req.CommID)
		return
	}
	c.parent.Store(&r.msg.Header)
	defer k.recoverAndLog("comm handler " + c.target)
	k.comms.serve(&r.msg.Header, func() { c.handler.HandleMsg(c, commMessageOf(r, req.Data)) })
}

func (k *Kernel) handleCommClose(r *request) {
	var req commMsgContent
	if err := r.decode(&req); err != nil {
		k.log.Warn("dropping bad comm_close", "err", err)
		return
	}
	c := k.comms.get(req.CommID)
	if c == nil {
		return
	}
	k.comms.remove(c.id)
	c.closed.Store(true)
	c.parent.Store(&r.msg.Header)
	defer k.recoverAndLog("comm close handler " + c.target)
	k.comms.serve(&r.msg.Header, func() { c.handler.HandleClose(c, commMessageOf(r, req.Data)) })
}

func (k *Kernel) handleCommInfo(r *request) {
	var req commInfoRequest
	if err := r.decode(&req); err != nil {
		k.replyError(r, "BadRequest", err.Error())
		return
	}
	comms := map[string]commInfoTarget{}
	k.comms.mu.Lock()
	for id, c := range k.comms.open {
		if req.TargetName == "" || c.target == req.TargetName {
			comms[id] = commInfoTarget{TargetName: c.target}
		}
	}
	k.comms.mu.Unlock()
	k.reply(r, commInfoReply{Status: statusOK, Comms: comms})
}

// echoTarget implements EchoTarget.
func echoTarget(c *Comm, open CommMessage) (CommHandler, error) {
	return CommHandlerFuncs{Msg: func(c *Comm, m CommMessage) {
		_ = c.Send(CommMessage{Data: m.Data, Buffers: m.Buffers})
	}}, nil
}
