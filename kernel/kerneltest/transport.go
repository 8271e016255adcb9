package kerneltest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophys/gophys/kernel"
	"github.com/gophys/gophys/kernel/internal/wire"
)

// Key is the HMAC key Start configures the kernel and client with.
var Key = []byte("kerneltest-key")

// Timeout bounds every wait in this package.
const Timeout = 5 * time.Second

// Transport is an in-memory kernel.Transport. Frames injected with Inject
// reach the kernel; frames the kernel sends are recorded in order.
type Transport struct {
	in [3]chan [][]byte // shell, control, stdin

	mu     sync.Mutex
	sent   []Sent
	closed bool
	// changed is closed and replaced whenever sent grows or the transport
	// closes, so waiters wake without polling.
	changed chan struct{}
}

// Sent is one multipart message the kernel sent.
type Sent struct {
	Channel kernel.Channel
	Frames  [][]byte
}

// NewTransport returns an open in-memory transport.
func NewTransport() *Transport {
	t := &Transport{changed: make(chan struct{})}
	for i := range t.in {
		t.in[i] = make(chan [][]byte, 256)
	}
	return t
}

// Incoming implements kernel.Transport.
func (t *Transport) Incoming(ch kernel.Channel) <-chan [][]byte {
	if ch < kernel.Shell || ch > kernel.Stdin {
		return nil
	}
	return t.in[ch]
}

// ErrClosed is returned by Send and Inject after Close.
var ErrClosed = errors.New("kerneltest: transport closed")

// Send implements kernel.Transport by recording frames.
func (t *Transport) Send(ch kernel.Channel, frames [][]byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return ErrClosed
	}
	cp := make([][]byte, len(frames))
	for i, f := range frames {
		cp[i] = append([]byte(nil), f...)
	}
	t.sent = append(t.sent, Sent{Channel: ch, Frames: cp})
	close(t.changed)
	t.changed = make(chan struct{})
	return nil
}

// Close implements kernel.Transport.
func (t *Transport) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	for _, c := range t.in {
		close(c)
	}
	close(t.changed)
	t.changed = make(chan struct{})
	return nil
}

// Closed reports whether the kernel closed the transport.
func (t *Transport) Closed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed
}

// Inject delivers raw frames to the kernel on ch, as a frontend would.
func (t *Transport) Inject(ch kernel.Channel, frames [][]byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return ErrClosed
	}
	t.in[ch] <- frames
	return nil
}

// Sent returns a copy of everything sent so far.
func (t *Transport) Sent() []Sent {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Sent(nil), t.sent...)
}

// wait calls check with all sent messages until it returns true, the
// transport closes, or ctx ends.
func (t *Transport) wait(ctx context.Context, check func([]Sent) bool) bool {
	for {
		t.mu.Lock()
		sent, changed, closed := t.sent, t.changed, t.closed
		t.mu.Unlock()
		if check(sent) {
			return true
		}
		if closed {
			return false
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return false
		}
	}
}

// Message is one decoded message the kernel sent.
type Message struct {
	Channel kernel.Channel
	Header  wire.Header
	Parent  wire.Header
	// Content is the JSON content decoded into generic values.
	Content  map[string]any
	Metadata map[string]any
	Buffers  [][]byte
}

// Type returns the message's msg_type.
func (m Message) Type() string { return m.Header.MsgType }

// Client speaks the Jupyter protocol to a kernel over a Transport.
type Client struct {
	T        *Transport
	codec    *wire.Codec
	Session  string
	Identity []byte // the routing identity sent with every request
}

// NewClient returns a client that signs with key.
func NewClient(t *Transport, key []byte) *Client {
	return &Client{T: t, codec: wire.NewCodec(key), Session: wire.NewID(), Identity: []byte("client-" + wire.NewID())}
}

// Send signs and sends a message of msgType with content (nil means {}) on
// ch and returns its msg_id.
func (c *Client) Send(ch kernel.Channel, msgType string, content any) string {
	return c.SendWithParent(ch, msgType, content, wire.Header{})
}

// SendWithParent is Send with a parent header (input_reply needs one).
func (c *Client) SendWithParent(ch kernel.Channel, msgType string, content any, parent wire.Header) string {
	raw, err := json.Marshal(content)
	if err != nil {
		panic("kerneltest: cannot marshal content: " + err.Error())
	}
	if string(raw) == "null" {
		raw = []byte("{}")
	}
	m := &wire.Msg{
		Identities: [][]byte{c.Identity},
		Header:     wire.NewHeader(msgType, c.Session, "tester"),
		Parent:     parent,
		Content:    raw,
	}
	frames, err := c.codec.Encode(m)
	if err != nil {
		panic("kerneltest: cannot encode: " + err.Error())
	}
	_ = c.T.Inject(ch, frames)
	return m.Header.MsgID
}

// Messages decodes everything the kernel sent so far. Frames that do not
// decode (which the kernel should never send) fail t.
func (c *Client) Messages(t testing.TB) []Message {
	t.Helper()
	return c.decodeAll(t, c.T.Sent())
}

func (c *Client) decodeAll(t testing.TB, sent []Sent) []Message {
	t.Helper()
	out := make([]Message, 0, len(sent))
	for _, s := range sent {
		m, err := c.codec.Decode(s.Frames)
		if err != nil {
			t.Fatalf("kernel sent an undecodable message on %v: %v", s.Channel, err)
		}
		msg := Message{Channel: s.Channel, Header: m.Header, Parent: m.Parent, Buffers: m.Buffers}
		if err := json.Unmarshal(m.Content, &msg.Content); err != nil {
			t.Fatalf("kernel sent content that is not an object: %v", err)
		}
		if err := json.Unmarshal(m.Metadata, &msg.Metadata); err != nil {
			t.Fatalf("kernel sent metadata that is not an object: %v", err)
		}
		out = append(out, msg)
	}
	return out
}

// WaitFor waits until some sent message satisfies match and returns it.
func (c *Client) WaitFor(t testing.TB, what string, match func(Message) bool) Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	var found *Message
	c.T.wait(ctx, func(sent []Sent) bool {
		for _, m := range c.decodeAll(t, sent) {
			if match(m) {
				found = &m
				return true
			}
		}
		return false
	})
	if found == nil {
		t.Fatalf("timed out waiting for %s", what)
	}
	return *found
}

// WaitReply waits for the reply (on shell, control or stdin) whose parent is
// msgID.
func (c *Client) WaitReply(t testing.TB, msgID string) Message {
	t.Helper()
	return c.WaitFor(t, "reply to "+msgID, func(m Message) bool {
		return m.Channel != kernel.IOPub && m.Parent.MsgID == msgID && strings.HasSuffix(m.Type(), "_reply")
	})
}

// WaitIdle waits for the idle status whose parent is msgID and returns every
// IOPub message with that parent, from busy to idle inclusive.
func (c *Client) WaitIdle(t testing.TB, msgID string) []Message {
	t.Helper()
	c.WaitFor(t, "idle after "+msgID, func(m Message) bool {
		return m.Channel == kernel.IOPub && m.Parent.MsgID == msgID &&
			m.Type() == kernel.MsgStatus && m.Content["execution_state"] == "idle"
	})
	return c.IOPub(t, msgID)
}

// IOPub returns the IOPub messages sent so far whose parent is msgID.
func (c *Client) IOPub(t testing.TB, msgID string) []Message {
	t.Helper()
	var out []Message
	for _, m := range c.Messages(t) {
		if m.Channel == kernel.IOPub && m.Parent.MsgID == msgID {
			out = append(out, m)
		}
	}
	return out
}

// Execute sends an execute_request for code (with allow_stdin as given) and
// returns its reply and IOPub messages once the kernel is idle.
func (c *Client) Execute(t testing.TB, code string, allowStdin bool) (Message, []Message) {
	t.Helper()
	id := c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{
		"code": code, "silent": false, "store_history": true,
		"user_expressions": map[string]any{}, "allow_stdin": allowStdin, "stop_on_error": true,
	})
	reply := c.WaitReply(t, id)
	return reply, c.WaitIdle(t, id)
}

// Start runs a kernel with interp on a new in-memory transport and returns
// it with a connected client. cfg's Interpreter, Transport and Key are set
// here; a zero FlushInterval becomes 5 ms to keep tests fast. The kernel is
// shut down when the test ends.
func Start(t testing.TB, interp kernel.Interpreter, cfg kernel.Config) (*kernel.Kernel, *Client) {
	t.Helper()
	tr := NewTransport()
	cfg.Interpreter, cfg.Transport, cfg.Key = interp, tr, Key
	if cfg.FlushInterval == 0 {
		cfg.FlushInterval = 5 * time.Millisecond
	}
	k, err := kernel.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = k.Run(context.Background())
	}()
	t.Cleanup(func() {
		k.Shutdown(false)
		select {
		case <-done:
		case <-time.After(Timeout):
			t.Error("kernel did not stop")
		}
	})
	return k, NewClient(tr, Key)
}
