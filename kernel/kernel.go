package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gophys/gophys/kernel/internal/wire"
)

// ProtocolVersion is the Jupyter messaging protocol version the kernel
// advertises.
const ProtocolVersion = wire.ProtocolVersion

// DefaultFlushInterval is how long stream output is batched before it is
// published.
const DefaultFlushInterval = 50 * time.Millisecond

// Config configures a Kernel. Interpreter and Transport are required; the
// zero value of every other field means its default.
type Config struct {
	Interpreter Interpreter
	Transport   Transport
	// Key is the HMAC-SHA256 key from the connection file; empty disables
	// signing, as the protocol specifies.
	Key []byte
	// Logger receives protocol problems (bad signatures, malformed frames);
	// default slog.Default(). It must not write to file descriptor 2 if the
	// interpreter captures it.
	Logger *slog.Logger
	// ImplementationVersion goes into kernel_info_reply.
	ImplementationVersion string
	// HistoryFile is the JSON-lines file history is loaded from and
	// appended to; empty keeps history in memory for this process only.
	HistoryFile string
	// StreamLimit caps the stream bytes one cell may send; 0 means
	// DefaultStreamLimit and a negative value means no cap.
	StreamLimit int64
	// FlushInterval is how long stream output is batched; default
	// DefaultFlushInterval.
	FlushInterval time.Duration
}

// Kernel serves the Jupyter protocol on a Transport and delegates code to an
// Interpreter. Create it with New, register comm targets, then call Run.
type Kernel struct {
	interp   Interpreter
	tr       Transport
	codec    *wire.Codec
	log      *slog.Logger
	version  string
	session  string
	flushInt time.Duration
	handlers map[string]handler

	ctx       context.Context // cancelled when the kernel shuts down
	cancelCtx context.CancelFunc

	execQueue chan *request // execute and other shell requests, in order
	commQueue chan *request // comm_* requests, served beside running cells

	execCount   int // touched only by the shell worker
	streamLimit atomic.Int64

	runMu      sync.Mutex
	cancelCell context.CancelFunc // cancels the running cell; nil when idle
	cellParent *wire.Header       // header of the running execute_request

	inputMu      sync.Mutex
	inputReplies chan *wire.Msg

	history *history
	comms   commRegistry

	shutdownOnce sync.Once
	shutdownCh   chan bool // carries the restart flag
	workers      sync.WaitGroup
}

// request is one decoded incoming message and the channel it came on.
type request struct {
	ch  Channel
	msg *wire.Msg
}

func (r *request) decode(v any) error {
	if len(r.msg.Content) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.msg.Content, v); err != nil {
		return fmt.Errorf("%s content: %w", r.msg.Header.MsgType, err)
	}
	return nil
}

// New returns a Kernel for cfg. It starts nothing; Run serves.
func New(cfg Config) (*Kernel, error) {
	if cfg.Interpreter == nil {
		return nil, errors.New("kernel: Config.Interpreter is nil")
	}
	if cfg.Transport == nil {
		return nil, errors.New("kernel: Config.Transport is nil")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = DefaultFlushInterval
	}
	if cfg.StreamLimit == 0 {
		cfg.StreamLimit = DefaultStreamLimit
	}
	ctx, cancel := context.WithCancel(context.Background())
	k := &Kernel{
		interp:       cfg.Interpreter,
		tr:           cfg.Transport,
		codec:        wire.NewCodec(cfg.Key),
		log:          cfg.Logger,
		version:      cfg.ImplementationVersion,
		session:      wire.NewID(),
		flushInt:     cfg.FlushInterval,
		handlers:     handlerTable(),
		ctx:          ctx,
		cancelCtx:    cancel,
		execQueue:    make(chan *request, 1024),
		commQueue:    make(chan *request, 1024),
		inputReplies: make(chan *wire.Msg, 1),
		shutdownCh:   make(chan bool, 1),
	}
	k.streamLimit.Store(cfg.StreamLimit)
	k.history = newHistory(cfg.HistoryFile, k.log)
	k.comms.init()
	k.RegisterCommTarget(EchoTarget, echoTarget)
	return k, nil
}

// SetStreamLimit sets the per-cell cap on stream output in bytes for every
// later write; zero or less means no cap.
func (k *Kernel) SetStreamLimit(maxBytes int64) {
	if maxBytes <= 0 {
		maxBytes = -1
	}
	k.streamLimit.Store(maxBytes)
}

// StreamLimit returns the per-cell cap on stream output (negative: none).
func (k *Kernel) StreamLimit() int64 { return k.streamLimit.Load() }

// Interrupt cancels the running cell, if any. It is what interrupt_request
// and SIGINT do.
func (k *Kernel) Interrupt() {
	k.runMu.Lock()
	defer k.runMu.Unlock()
	if k.cancelCell != nil {
		k.cancelCell()
	}
}

// Shutdown asks a running kernel to stop as if a shutdown_request had
// arrived (without a reply). Run then returns.
func (k *Kernel) Shutdown(restart bool) {
	k.shutdownOnce.Do(func() { k.shutdownCh <- restart })
}

// Run serves requests until a shutdown_request arrives, Shutdown is called,
// or ctx is cancelled. It then cancels the running cell, shuts the
// interpreter down, flushes and closes the transport, and returns nil.
func (k *Kernel) Run(ctx context.Context) error {
	go k.history.load()
	var receivers sync.WaitGroup
	receivers.Add(3)
	go func() { defer receivers.Done(); k.receiveShell() }()
	go func() { defer receivers.Done(); k.receiveControl() }()
	go func() { defer receivers.Done(); k.receiveStdin() }()
	k.workers.Add(2)
	go k.worker(k.execQueue)
	go k.worker(k.commQueue)

	restart := false
	select {
	case restart = <-k.shutdownCh:
	case <-ctx.Done():
	}
	k.Interrupt()
	k.cancelCtx()
	// An interpreter stuck in compiled code must not keep the process
	// alive: give Shutdown a bounded time.
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer k.recoverAndLog("Interpreter.Shutdown")
		k.interp.Shutdown(restart)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		k.log.Warn("interpreter did not shut down within 2s; exiting anyway")
	}
	k.history.close()
	if f, ok := k.tr.(Flusher); ok {
		f.Flush()
	}
	if err := k.tr.Close(); err != nil {
		k.log.Warn("close transport", "err", err)
	}
	receivers.Wait()
	close(k.execQueue)
	close(k.commQueue)
	waitTimeout(&k.workers, time.Second)
	return nil
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// decode turns frames into a request, logging and dropping what cannot be
// trusted or parsed.
func (k *Kernel) decode(ch Channel, frames [][]byte) *request {
	msg, err := k.codec.Decode(frames)
	switch {
	case errors.Is(err, wire.ErrBadSignature):
		k.log.Warn("dropping message with a bad signature", "channel", ch.String())
		return nil
	case err != nil:
		k.log.Warn("dropping malformed message", "channel", ch.String(), "err", err)
		return nil
	case msg.Header.MsgType == "":
		k.log.Warn("dropping message without msg_type", "channel", ch.String(), "msg_id", msg.Header.MsgID)
		return nil
	}
	return &request{ch: ch, msg: msg}
}

func isRequest(msgType string) bool { return strings.HasSuffix(msgType, "_request") }

func (k *Kernel) receiveShell() {
	for frames := range k.tr.Incoming(Shell) {
		r := k.decode(Shell, frames)
		if r == nil {
			continue
		}
		h, known := k.handlers[r.msg.Header.MsgType]
		switch {
		case known && h.lane == laneComm:
			k.enqueue(k.commQueue, r)
		case known || isRequest(r.msg.Header.MsgType):
			// Unknown requests are answered in order, by the worker.
			k.enqueue(k.execQueue, r)
		default:
			k.log.Info("ignoring non-request message on shell", "msg_type", r.msg.Header.MsgType)
		}
	}
}

func (k *Kernel) enqueue(q chan *request, r *request) {
	select {
	case q <- r:
	case <-k.ctx.Done():
	}
}

// receiveControl serves control requests on its own goroutine, so interrupt
// and shutdown work while a cell runs.
func (k *Kernel) receiveControl() {
	for frames := range k.tr.Incoming(Control) {
		if r := k.decode(Control, frames); r != nil {
			k.serve(r)
		}
	}
}

func (k *Kernel) receiveStdin() {
	for frames := range k.tr.Incoming(Stdin) {
		r := k.decode(Stdin, frames)
		if r == nil {
			continue
		}
		if r.msg.Header.MsgType != MsgInputReply {
			k.log.Info("ignoring message on stdin", "msg_type", r.msg.Header.MsgType)
			continue
		}
		select {
		case k.inputReplies <- r.msg:
		default:
			k.log.Info("dropping input_reply nobody waits for")
		}
	}
}

func (k *Kernel) worker(q chan *request) {
	defer k.workers.Done()
	for r := range q {
		k.serve(r)
	}
}

// serve runs one request's handler between busy and idle status messages
// whose parent is that request, so no handler can forget them.
func (k *Kernel) serve(r *request) {
	msgType := r.msg.Header.MsgType
	h, known := k.handlers[msgType]
	allowed := known && ((r.ch == Control && h.control) || (r.ch == Shell && h.lane != laneNone))
	if !allowed && !isRequest(msgType) {
		k.log.Info("ignoring non-request message", "channel", r.ch.String(), "msg_type", msgType)
		return
	}
	k.publish(&r.msg.Header, MsgStatus, statusContent{ExecutionState: "busy"})
	func() {
		defer func() {
			if p := recover(); p != nil {
				k.log.Error("handler panicked", "msg_type", msgType, "panic", p, "stack", string(debug.Stack()))
				if isRequest(msgType) {
					k.replyError(r, "KernelError", fmt.Sprintf("gophys failed handling %s: %v", msgType, p))
				}
			}
		}()
		switch {
		case allowed:
			h.run(k, r)
		case known:
			k.replyError(r, "UnsupportedRequest",
				fmt.Sprintf("%s is not served on the %s channel", msgType, r.ch))
		default:
			k.replyError(r, "UnsupportedRequest", fmt.Sprintf("gophys does not support %s", msgType))
		}
	}()
	k.publish(&r.msg.Header, MsgStatus, statusContent{ExecutionState: "idle"})
}

// replyType derives the reply's msg_type from a request's.
func replyType(requestType string) string {
	return strings.TrimSuffix(requestType, "_request") + "_reply"
}

// reply sends content as the reply to r on r's channel.
func (k *Kernel) reply(r *request, content any) {
	k.send(r.ch, r.msg.Identities, &r.msg.Header, replyType(r.msg.Header.MsgType), content)
}

// replyError answers r with status "error".
func (k *Kernel) replyError(r *request, ename, evalue string) {
	k.reply(r, errorContent{
		Status:    statusError,
		Ename:     ename,
		Evalue:    evalue,
		Traceback: []string{ename + ": " + evalue},
	})
}

// publish broadcasts one message on IOPub with parent as its parent header.
func (k *Kernel) publish(parent *wire.Header, msgType string, content any) {
	k.publishFull(parent, msgType, content, nil, nil)
}

// publishFull broadcasts a message with metadata (nil means {}) and binary
// buffers; comms need both.
func (k *Kernel) publishFull(parent *wire.Header, msgType string, content any, metadata map[string]any, buffers [][]byte) {
	topic := [][]byte{[]byte("kernel." + k.session + "." + msgType)}
	k.sendFull(IOPub, topic, parent, msgType, content, metadata, buffers)
}

// send sends one message on ch and returns its header (nil if it could not
// be encoded).
func (k *Kernel) send(ch Channel, identities [][]byte, parent *wire.Header, msgType string, content any) *wire.Header {
	return k.sendFull(ch, identities, parent, msgType, content, nil, nil)
}

func (k *Kernel) sendFull(ch Channel, identities [][]byte, parent *wire.Header, msgType string, content any,
	metadata map[string]any, buffers [][]byte) *wire.Header {
	raw, err := json.Marshal(content)
	if err != nil {
		k.log.Error("cannot encode message content", "msg_type", msgType, "err", err)
		// Tell the frontend instead of leaving it waiting: replace the
		// content with an error it can show.
		raw, _ = json.Marshal(errorContent{Status: statusError, Ename: "EncodingError",
			Evalue: err.Error(), Traceback: []string{err.Error()}})
		if ch == IOPub {
			msgType = MsgError
		}
	}
	var meta []byte
	if metadata != nil {
		if meta, err = json.Marshal(metadata); err != nil {
			k.log.Error("cannot encode message metadata", "msg_type", msgType, "err", err)
			meta = nil
		}
	}
	m := &wire.Msg{
		Identities: identities,
		Header:     wire.NewHeader(msgType, k.session, "gophys"),
		Metadata:   meta,
		Content:    raw,
		Buffers:    buffers,
	}
	if parent != nil {
		m.Parent = *parent
	}
	frames, err := k.codec.Encode(m)
	if err != nil {
		k.log.Error("cannot encode message", "msg_type", msgType, "err", err)
		return nil
	}
	if err := k.tr.Send(ch, frames); err != nil && k.ctx.Err() == nil {
		k.log.Warn("send failed", "channel", ch.String(), "msg_type", msgType, "err", err)
	}
	return &m.Header
}

func (k *Kernel) recoverAndLog(what string) {
	if p := recover(); p != nil {
		k.log.Error(what+" panicked", "panic", p, "stack", string(debug.Stack()))
	}
}
