package zmqconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gophys/gophys/kernel/internal/wire"
)

// ConnectionInfo is the content of a Jupyter connection file.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name"`
}

// ReadConnectionFile reads and validates the connection file at path.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("read connection file: %w", err)
	}
	var info ConnectionInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return ConnectionInfo{}, fmt.Errorf("connection file %s is not valid JSON: %w", path, err)
	}
	if err := info.Validate(); err != nil {
		return ConnectionInfo{}, fmt.Errorf("connection file %s: %w", path, err)
	}
	return info, nil
}

// Validate checks the fields a kernel needs; port 0 means "pick a free port".
func (c ConnectionInfo) Validate() error {
	switch c.Transport {
	case "tcp", "ipc":
	case "":
		return errors.New(`missing "transport" (want "tcp" or "ipc")`)
	default:
		return fmt.Errorf(`unsupported transport %q (want "tcp" or "ipc")`, c.Transport)
	}
	if c.IP == "" {
		return errors.New(`missing "ip"`)
	}
	for _, p := range []struct {
		name string
		port int
	}{{"shell_port", c.ShellPort}, {"control_port", c.ControlPort}, {"stdin_port", c.StdinPort},
		{"iopub_port", c.IOPubPort}, {"hb_port", c.HBPort}} {
		if p.port < 0 || p.port > 65535 {
			return fmt.Errorf("%s %d is out of range", p.name, p.port)
		}
		if p.port == 0 && c.Transport == "ipc" {
			return fmt.Errorf("%s must be set for the ipc transport", p.name)
		}
	}
	switch c.SignatureScheme {
	case "hmac-sha256":
	case "":
		if c.Key != "" {
			return errors.New(`"key" is set but "signature_scheme" is missing (want "hmac-sha256")`)
		}
	default:
		return fmt.Errorf("unsupported signature_scheme %q (want hmac-sha256)", c.SignatureScheme)
	}
	return nil
}

// Channel names one of the four message sockets.
type Channel = wire.Channel

// The message channels. The heartbeat is served internally.
const (
	Shell       = wire.Shell
	Control     = wire.Control
	Stdin       = wire.Stdin
	IOPub       = wire.IOPub
	numChannels = wire.NumChannels
)

// ErrUnknownChannel is returned by Send for a channel that does not exist.
var ErrUnknownChannel = errors.New("zmqconn: unknown channel")

// Default sizes; see Options.
const (
	DefaultIOPubQueue = 4096
	DefaultIOPubHWM   = 10000
	// routerSendTimeout bounds a reply to a peer that went away; zmq4's
	// default is five minutes.
	routerSendTimeout = 10 * time.Second
)

// Options tunes a Conn; the zero value means defaults.
type Options struct {
	Logger     *slog.Logger // where socket errors go; default slog.Default()
	IOPubQueue int          // messages buffered before iopub drops; default DefaultIOPubQueue
	IOPubHWM   int          // zmq4 PUB high-water mark; default DefaultIOPubHWM
}

// Conn holds the bound sockets and their goroutines.
type Conn struct {
	ctx    context.Context
	cancel context.CancelFunc
	log    *slog.Logger

	sockets  [numChannels]zmq4.Socket
	hb       zmq4.Socket
	sendMu   [numChannels]sync.Mutex
	incoming [numChannels]chan [][]byte
	iopubQ   chan [][]byte
	dropped  atomic.Int64
	pending  atomic.Int64 // iopub messages queued or being sent
	addrs    map[string]net.Addr

	closeOnce sync.Once
	wg        sync.WaitGroup
}

// Listen binds all five sockets described by info and starts their
// goroutines.
func Listen(info ConnectionInfo, opt Options) (*Conn, error) {
	if err := info.Validate(); err != nil {
		return nil, err
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.IOPubQueue <= 0 {
		opt.IOPubQueue = DefaultIOPubQueue
	}
	if opt.IOPubHWM <= 0 {
		opt.IOPubHWM = DefaultIOPubHWM
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Conn{ctx: ctx, cancel: cancel, log: opt.Logger, addrs: map[string]net.Addr{}}
	// zmq4 logs to os.Stderr by default, which the interpreter may redirect
	// into a cell; send its complaints to our logger instead.
	zlog := log.New(slog.NewLogLogger(opt.Logger.Handler(), slog.LevelWarn).Writer(), "zmq4: ", 0)
	routerOpts := []zmq4.Option{zmq4.WithLogger(zlog), zmq4.WithTimeout(routerSendTimeout)}
	c.sockets[Shell] = zmq4.NewRouter(ctx, routerOpts...)
	c.sockets[Control] = zmq4.NewRouter(ctx, routerOpts...)
	c.sockets[Stdin] = zmq4.NewRouter(ctx, routerOpts...)
	c.sockets[IOPub] = zmq4.NewPub(ctx, zmq4.WithLogger(zlog))
	c.hb = zmq4.NewRep(ctx, zmq4.WithLogger(zlog))
	if err := c.sockets[IOPub].SetOption(zmq4.OptionHWM, opt.IOPubHWM); err != nil {
		c.Close()
		return nil, fmt.Errorf("set iopub high-water mark: %w", err)
	}
	binds := []struct {
		name string
		sock zmq4.Socket
		port int
	}{
		{"shell", c.sockets[Shell], info.ShellPort},
		{"control", c.sockets[Control], info.ControlPort},
		{"stdin", c.sockets[Stdin], info.StdinPort},
		{"iopub", c.sockets[IOPub], info.IOPubPort},
		{"hb", c.hb, info.HBPort},
	}
	for _, b := range binds {
		ep := endpoint(info, b.port)
		if err := b.sock.Listen(ep); err != nil {
			c.Close()
			return nil, fmt.Errorf("bind %s socket to %s: %w", b.name, ep, err)
		}
		c.addrs[b.name] = b.sock.Addr()
	}
	for ch := Shell; ch <= Stdin; ch++ {
		c.incoming[ch] = make(chan [][]byte, 64)
		c.wg.Add(1)
		go c.receive(ch)
	}
	c.iopubQ = make(chan [][]byte, opt.IOPubQueue)
	c.wg.Add(2)
	go c.publish()
	go c.heartbeat()
	return c, nil
}

func endpoint(info ConnectionInfo, port int) string {
	if info.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", info.IP, port)
	}
	return fmt.Sprintf("tcp://%s:%d", info.IP, port)
}

// Addr returns the bound address of socket name ("shell", "control",
// "stdin", "iopub" or "hb"), which tells the port chosen for port 0.
func (c *Conn) Addr(name string) net.Addr { return c.addrs[name] }

// Incoming returns the channel on which messages arriving on ch (Shell,
// Control or Stdin) are delivered. It is closed when the Conn closes.
func (c *Conn) Incoming(ch Channel) <-chan [][]byte {
	if ch < Shell || ch > Stdin {
		return nil
	}
	return c.incoming[ch]
}

// Send sends one multipart message on ch. For IOPub it only queues the
// message and never blocks.
func (c *Conn) Send(ch Channel, frames [][]byte) error {
	if ch < Shell || ch >= numChannels {
		return fmt.Errorf("%w: %v", ErrUnknownChannel, ch)
	}
	if c.ctx.Err() != nil {
		return net.ErrClosed
	}
	if ch == IOPub {
		c.pending.Add(1)
		select {
		case c.iopubQ <- frames:
		default:
			c.pending.Add(-1)
			if n := c.dropped.Add(1); n == 1 || n%1000 == 0 {
				c.log.Warn("iopub queue full; dropping messages", "dropped", n)
			}
		}
		return nil
	}
	c.sendMu[ch].Lock()
	defer c.sendMu[ch].Unlock()
	return c.sockets[ch].Send(zmq4.NewMsgFrom(frames...))
}

// Dropped returns how many iopub messages were dropped because the queue was
// full.
func (c *Conn) Dropped() int64 { return c.dropped.Load() }

func (c *Conn) receive(ch Channel) {
	defer c.wg.Done()
	defer close(c.incoming[ch])
	for {
		msg, err := c.sockets[ch].Recv()
		if err != nil {
			if c.ctx.Err() != nil {
				return
			}
			c.log.Warn("receive failed", "channel", ch.String(), "err", err)
			// Avoid a hot loop if the socket keeps failing.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		select {
		case c.incoming[ch] <- msg.Frames:
		case <-c.ctx.Done():
			return
		}
	}
}

func (c *Conn) publish() {
	defer c.wg.Done()
	for {
		select {
		case frames := <-c.iopubQ:
			c.sendMu[IOPub].Lock()
			err := c.sockets[IOPub].Send(zmq4.NewMsgFrom(frames...))
			c.sendMu[IOPub].Unlock()
			c.pending.Add(-1)
			if err != nil && c.ctx.Err() == nil {
				c.log.Warn("iopub send failed", "err", err)
			}
		case <-c.ctx.Done():
			return
		}
	}
}

// Flush waits until the iopub queue is empty or timeout passes, so that the
// last messages (shutdown_reply, idle) leave before Close.
func (c *Conn) Flush(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for c.pending.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

func (c *Conn) heartbeat() {
	defer c.wg.Done()
	for {
		msg, err := c.hb.Recv()
		if err != nil {
			if c.ctx.Err() != nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if err := c.hb.Send(msg); err != nil && c.ctx.Err() == nil {
			c.log.Warn("heartbeat echo failed", "err", err)
		}
	}
}

// Close closes all sockets and waits for the goroutines to stop.
func (c *Conn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.cancel()
		for _, s := range append(c.sockets[:], c.hb) {
			if s != nil {
				if e := s.Close(); e != nil && err == nil && !errors.Is(e, net.ErrClosed) {
					err = e
				}
			}
		}
		c.wg.Wait()
	})
	return err
}
