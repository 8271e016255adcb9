package kernel_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gophys/gophys/kernel"
	"github.com/gophys/gophys/kernel/internal/wire"
	"github.com/gophys/gophys/kernel/kerneltest"
)

// TestKernelOverRealZMQ runs the kernel on real sockets (ports chosen by the
// OS) and talks to it with zmq4 client sockets: kernel_info on shell, an
// execute whose output arrives on iopub, a forged message that is dropped,
// and shutdown on control.
func TestKernelOverRealZMQ(t *testing.T) {
	key := []byte("real-zmq-key")
	tr, err := kernel.ListenZMQ(kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1",
		Key: string(key), SignatureScheme: "hmac-sha256"}, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	k, err := kernel.New(kernel.Config{Interpreter: kerneltest.NewInterpreter(), Transport: tr, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = k.Run(context.Background()) }()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dial := func(s zmq4.Socket, name string) zmq4.Socket {
		t.Helper()
		if err := s.Dial("tcp://" + kernel.ZMQAddr(tr, name)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	shell := dial(zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("tester"))), "shell")
	control := dial(zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("tester"))), "control")
	iopub := dial(zmq4.NewSub(ctx), "iopub")
	if err := iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	codec := wire.NewCodec(key)
	send := func(s zmq4.Socket, c *wire.Codec, msgType string, content string) string {
		t.Helper()
		m := &wire.Msg{Header: wire.NewHeader(msgType, "sess", "tester"), Content: json.RawMessage(content)}
		frames, err := c.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
			t.Fatal(err)
		}
		return m.Header.MsgID
	}
	recv := func(s zmq4.Socket) *wire.Msg {
		t.Helper()
		msg, err := s.Recv()
		if err != nil {
			t.Fatal(err)
		}
		m, err := codec.Decode(msg.Frames)
		if err != nil {
			t.Fatalf("kernel sent an undecodable message: %v", err)
		}
		return m
	}

	// One reader owns the SUB socket, so no message is stolen by a waiter
	// that gave up.
	published := make(chan *wire.Msg, 256)
	go func() {
		for {
			msg, err := iopub.Recv()
			if err != nil {
				close(published)
				return
			}
			if m, err := codec.Decode(msg.Frames); err == nil {
				published <- m
			}
		}
	}()
	nextPublished := func() *wire.Msg {
		t.Helper()
		select {
		case m, ok := <-published:
			if !ok {
				t.Fatal("iopub closed")
			}
			return m
		case <-ctx.Done():
			t.Fatal("nothing published")
		}
		return nil
	}
	// A PUB socket drops messages until the subscription has arrived, so
	// repeat kernel_info until its status shows up on iopub.
	for subscribed := false; !subscribed; {
		id := send(shell, codec, kernel.MsgKernelInfoRequest, "{}")
		if r := recv(shell); r.Header.MsgType != kernel.MsgKernelInfoReply || r.Parent.MsgID != id {
			t.Fatalf("got %s for %s", r.Header.MsgType, id)
		}
		select {
		case m := <-published:
			subscribed = m != nil
		case <-time.After(200 * time.Millisecond):
		}
	}

	forged := send(shell, wire.NewCodec([]byte("wrong key")), kernel.MsgExecuteRequest, `{"code":"print forged"}`)
	id := send(shell, codec, kernel.MsgExecuteRequest, `{"code":"print over zmq"}`)
	reply := recv(shell)
	if reply.Parent.MsgID != id || reply.Header.MsgType != kernel.MsgExecuteReply {
		t.Fatalf("reply %s to %s, want execute_reply to %s (forged %s must be dropped)",
			reply.Header.MsgType, reply.Parent.MsgID, id, forged)
	}
	var stream string
	for {
		m := nextPublished()
		if m.Parent.MsgID == forged {
			t.Fatal("the forged request produced output")
		}
		if m.Header.MsgType == kernel.MsgStream {
			var c struct{ Text string }
			_ = json.Unmarshal(m.Content, &c)
			stream += c.Text
		}
		if m.Header.MsgType == kernel.MsgStatus && string(m.Content) == `{"execution_state":"idle"}` && m.Parent.MsgID == id {
			break
		}
	}
	if stream != "over zmq\n" {
		t.Errorf("stream = %q", stream)
	}

	send(control, codec, kernel.MsgShutdownRequest, `{"restart":false}`)
	if r := recv(control); r.Header.MsgType != kernel.MsgShutdownReply {
		t.Fatalf("got %s, want shutdown_reply", r.Header.MsgType)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after shutdown")
	}
}
