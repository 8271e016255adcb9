package zmqconn

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

func TestReadConnectionFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string // "" means the file does not exist
		wantErr string
	}{
		{"valid", `{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-sha256"}`, ""},
		{"missing file", "", "no such file"},
		{"not JSON", `{"transport": tcp`, "not valid JSON"},
		{"missing ip", `{"transport":"tcp","signature_scheme":"hmac-sha256"}`, `missing "ip"`},
		{"bad transport", `{"transport":"udp","ip":"x"}`, "unsupported transport"},
		{"bad scheme", `{"transport":"tcp","ip":"x","signature_scheme":"hmac-md5","key":"k"}`, "unsupported signature_scheme"},
		{"port out of range", `{"transport":"tcp","ip":"x","shell_port":70000}`, "shell_port 70000 is out of range"},
		{"key without scheme", `{"transport":"tcp","ip":"x","key":"k"}`, "signature_scheme"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
			if tc.content != "" {
				if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := ReadConnectionFile(path)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

// TestSocketsOnRealZMQ binds on free ports and talks to every socket with
// zmq4 client sockets, as a frontend would.
func TestSocketsOnRealZMQ(t *testing.T) {
	conn, err := Listen(ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ep := func(name string) string { return "tcp://" + conn.Addr(name).String() }

	t.Run("heartbeat echoes", func(t *testing.T) {
		req := zmq4.NewReq(ctx)
		defer req.Close()
		if err := req.Dial(ep("hb")); err != nil {
			t.Fatal(err)
		}
		if err := req.Send(zmq4.NewMsgString("ping")); err != nil {
			t.Fatal(err)
		}
		msg, err := req.Recv()
		if err != nil || string(msg.Frames[0]) != "ping" {
			t.Fatalf("echo = %q, %v", msg.Frames, err)
		}
	})

	for _, ch := range []Channel{Shell, Control, Stdin} {
		t.Run(ch.String()+" round trip", func(t *testing.T) {
			dealer := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("client-"+ch.String())))
			defer dealer.Close()
			if err := dealer.Dial(ep(ch.String())); err != nil {
				t.Fatal(err)
			}
			if err := dealer.Send(zmq4.NewMsgFrom([]byte("<IDS|MSG>"), []byte("hello"))); err != nil {
				t.Fatal(err)
			}
			var frames [][]byte
			select {
			case frames = <-conn.Incoming(ch):
			case <-ctx.Done():
				t.Fatal("no message arrived")
			}
			if string(frames[0]) != "client-"+ch.String() || string(frames[2]) != "hello" {
				t.Fatalf("frames = %q, want identity then the message", frames)
			}
			if err := conn.Send(ch, [][]byte{frames[0], []byte("reply")}); err != nil {
				t.Fatal(err)
			}
			msg, err := dealer.Recv()
			if err != nil || string(msg.Frames[0]) != "reply" {
				t.Fatalf("reply = %q, %v", msg.Frames, err)
			}
		})
	}

	t.Run("iopub publishes", func(t *testing.T) {
		sub := zmq4.NewSub(ctx)
		defer sub.Close()
		if err := sub.Dial(ep("iopub")); err != nil {
			t.Fatal(err)
		}
		if err := sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			msg, err := sub.Recv()
			if err == nil {
				got <- string(msg.Frames[1])
			}
		}()
		// A PUB socket drops messages until the subscription arrives: repeat.
		for {
			if err := conn.Send(IOPub, [][]byte{[]byte("status"), []byte("busy")}); err != nil {
				t.Fatal(err)
			}
			select {
			case s := <-got:
				if s != "busy" {
					t.Fatalf("got %q", s)
				}
				conn.Flush(time.Second)
				return
			case <-time.After(20 * time.Millisecond):
			case <-ctx.Done():
				t.Fatal("nothing published")
			}
		}
	})
}

func TestIOPubNeverBlocks(t *testing.T) {
	conn, err := Listen(ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}, Options{IOPubQueue: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	const sends = 10000 // far more than the queue holds
	for range sends {
		if err := conn.Send(IOPub, [][]byte{[]byte("t"), make([]byte, 1024)}); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("%d iopub sends took %v; they must not block", sends, d)
	}
	conn.Flush(2 * time.Second)
}

func TestCloseStopsGoroutines(t *testing.T) {
	conn, err := Listen(ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { conn.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	if _, open := <-conn.Incoming(Shell); open {
		t.Error("Incoming(Shell) still open after Close")
	}
	if err := conn.Send(Shell, [][]byte{[]byte("x")}); err == nil {
		t.Error("Send after Close succeeded")
	}
}
