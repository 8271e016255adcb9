package kernel_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gophys/gophys/kernel"
	"github.com/gophys/gophys/kernel/internal/wire"
	"github.com/gophys/gophys/kernel/kerneltest"
)

func start(t *testing.T, cfg kernel.Config) (*kerneltest.Interpreter, *kernel.Kernel, *kerneltest.Client) {
	t.Helper()
	in := kerneltest.NewInterpreter()
	k, c := kerneltest.Start(t, in, cfg)
	return in, k, c
}

func types(msgs []kerneltest.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Type()
		if m.Type() == kernel.MsgStatus {
			out[i] += ":" + fmt.Sprint(m.Content["execution_state"])
		}
	}
	return out
}

// indexOf returns the position of the message with msgID in everything sent.
func indexOf(t *testing.T, c *kerneltest.Client, msgID string) int {
	for i, m := range c.Messages(t) {
		if m.Header.MsgID == msgID {
			return i
		}
	}
	t.Fatalf("message %s was never sent", msgID)
	return -1
}

// TestEveryRequestIsAnsweredBetweenBusyAndIdle sends each request type the
// protocol defines (and one it does not) and checks the reply type, its
// status, and that busy comes first and idle last, after the reply.
func TestEveryRequestIsAnsweredBetweenBusyAndIdle(t *testing.T) {
	_, _, c := start(t, kernel.Config{})
	tests := []struct {
		name       string
		ch         kernel.Channel
		msgType    string
		content    map[string]any
		wantReply  string
		wantStatus string
	}{
		{"kernel_info on shell", kernel.Shell, kernel.MsgKernelInfoRequest, nil, kernel.MsgKernelInfoReply, "ok"},
		{"kernel_info on control", kernel.Control, kernel.MsgKernelInfoRequest, nil, kernel.MsgKernelInfoReply, "ok"},
		{"execute", kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "print hi"}, kernel.MsgExecuteReply, "ok"},
		{"complete", kernel.Shell, kernel.MsgCompleteRequest, map[string]any{"code": "pr", "cursor_pos": 2}, kernel.MsgCompleteReply, "ok"},
		{"inspect", kernel.Shell, kernel.MsgInspectRequest, map[string]any{"code": "x", "cursor_pos": 1}, kernel.MsgInspectReply, "ok"},
		{"is_complete", kernel.Shell, kernel.MsgIsCompleteRequest, map[string]any{"code": "print"}, kernel.MsgIsCompleteReply, "complete"},
		{"history", kernel.Shell, kernel.MsgHistoryRequest, map[string]any{"hist_access_type": "tail", "n": 3}, kernel.MsgHistoryReply, "ok"},
		{"comm_info", kernel.Shell, kernel.MsgCommInfoRequest, nil, kernel.MsgCommInfoReply, "ok"},
		{"interrupt on control", kernel.Control, kernel.MsgInterruptRequest, nil, kernel.MsgInterruptReply, "ok"},
		{"interrupt on shell is refused", kernel.Shell, kernel.MsgInterruptRequest, nil, kernel.MsgInterruptReply, "error"},
		{"unknown request", kernel.Shell, "frobnicate_request", nil, "frobnicate_reply", "error"},
		{"unknown request on control", kernel.Control, "debug_request", nil, "debug_reply", "error"},
		{"execute on control is refused", kernel.Control, kernel.MsgExecuteRequest, map[string]any{"code": "print x"}, kernel.MsgExecuteReply, "error"},
		{"bad content", kernel.Shell, kernel.MsgCompleteRequest, map[string]any{"code": 42}, kernel.MsgCompleteReply, "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := c.Send(tc.ch, tc.msgType, tc.content)
			reply := c.WaitReply(t, id)
			if reply.Type() != tc.wantReply || reply.Channel != tc.ch {
				t.Fatalf("reply %s on %v, want %s on %v", reply.Type(), reply.Channel, tc.wantReply, tc.ch)
			}
			if got := reply.Content["status"]; got != tc.wantStatus {
				t.Errorf("status = %v, want %s (content %v)", got, tc.wantStatus, reply.Content)
			}
			if tc.wantStatus == "error" {
				if _, ok := reply.Content["traceback"].([]any); !ok || reply.Content["ename"] == "" {
					t.Errorf("error reply lacks ename/traceback: %v", reply.Content)
				}
			}
			iopub := c.WaitIdle(t, id)
			got := types(iopub)
			if got[0] != "status:busy" || got[len(got)-1] != "status:idle" {
				t.Fatalf("iopub = %v, want busy first and idle last", got)
			}
			if indexOf(t, c, reply.Header.MsgID) > indexOf(t, c, iopub[len(iopub)-1].Header.MsgID) {
				t.Error("idle was published before the reply")
			}
		})
	}
}

func TestKernelInfoReply(t *testing.T) {
	_, _, c := start(t, kernel.Config{ImplementationVersion: "9.9.9"})
	reply := c.WaitReply(t, c.Send(kernel.Control, kernel.MsgKernelInfoRequest, nil))
	want := map[string]any{"protocol_version": "5.3", "implementation": "gophys", "implementation_version": "9.9.9",
		"banner": "fake interpreter", "status": "ok"}
	for key, v := range want {
		if reply.Content[key] != v {
			t.Errorf("%s = %v, want %v", key, reply.Content[key], v)
		}
	}
	li, _ := reply.Content["language_info"].(map[string]any)
	if li["name"] != "fake" || li["file_extension"] != ".txt" {
		t.Errorf("language_info = %v", li)
	}
	if links, _ := reply.Content["help_links"].([]any); len(links) != 1 {
		t.Errorf("help_links = %v", reply.Content["help_links"])
	}
	if reply.Header.Version != "5.3" || reply.Header.Date == "" {
		t.Errorf("header = %+v", reply.Header)
	}
}

func TestExecuteOutputsInOrder(t *testing.T) {
	_, _, c := start(t, kernel.Config{})
	tests := []struct {
		name      string
		code      string
		wantTypes []string
		wantReply string
		check     func(t *testing.T, reply kerneltest.Message, iopub []kerneltest.Message)
	}{
		{
			name:      "prints are batched and come before the result",
			code:      "print a\nprint b\neprint c\nvalue 3",
			wantTypes: []string{"status:busy", "execute_input", "stream", "stream", "execute_result", "status:idle"},
			wantReply: "ok",
			check: func(t *testing.T, reply kerneltest.Message, iopub []kerneltest.Message) {
				if iopub[2].Content["text"] != "a\nb\n" || iopub[2].Content["name"] != "stdout" {
					t.Errorf("first stream = %v", iopub[2].Content)
				}
				if iopub[3].Content["text"] != "c\n" || iopub[3].Content["name"] != "stderr" {
					t.Errorf("second stream = %v", iopub[3].Content)
				}
				data := iopub[4].Content["data"].(map[string]any)
				if data["text/plain"] != "3" || iopub[4].Content["execution_count"] != reply.Content["execution_count"] {
					t.Errorf("execute_result = %v, reply count %v", iopub[4].Content, reply.Content["execution_count"])
				}
			},
		},
		{
			name:      "error",
			code:      "print before\nfail boom",
			wantTypes: []string{"status:busy", "execute_input", "stream", "error", "status:idle"},
			wantReply: "error",
			check: func(t *testing.T, reply kerneltest.Message, iopub []kerneltest.Message) {
				if reply.Content["ename"] != "Error" || reply.Content["evalue"] != "boom" {
					t.Errorf("reply = %v", reply.Content)
				}
				if iopub[3].Content["ename"] != "Error" {
					t.Errorf("error message = %v", iopub[3].Content)
				}
			},
		},
		{
			name:      "display data always has metadata and transient",
			code:      "display text/html <b>x</b>\nshow d1 first\nupdate d1 second\nclear",
			wantTypes: []string{"status:busy", "execute_input", "display_data", "display_data", "update_display_data", "clear_output", "status:idle"},
			wantReply: "ok",
			check: func(t *testing.T, reply kerneltest.Message, iopub []kerneltest.Message) {
				for _, m := range iopub[2:5] {
					if _, ok := m.Content["metadata"].(map[string]any); !ok {
						t.Errorf("%s without metadata object: %v", m.Type(), m.Content)
					}
					if _, ok := m.Content["transient"].(map[string]any); !ok {
						t.Errorf("%s without transient object: %v", m.Type(), m.Content)
					}
				}
				if id := iopub[4].Content["transient"].(map[string]any)["display_id"]; id != "d1" {
					t.Errorf("update display_id = %v", id)
				}
			},
		},
		{
			name:      "a panicking interpreter becomes an error reply",
			code:      "panic oops",
			wantTypes: []string{"status:busy", "execute_input", "error", "status:idle"},
			wantReply: "error",
			check: func(t *testing.T, reply kerneltest.Message, iopub []kerneltest.Message) {
				if reply.Content["ename"] != "KernelPanic" || !strings.Contains(fmt.Sprint(reply.Content["evalue"]), "oops") {
					t.Errorf("reply = %v", reply.Content)
				}
			},
		},
		{
			name:      "pager payload",
			code:      "page some help",
			wantTypes: []string{"status:busy", "execute_input", "status:idle"},
			wantReply: "ok",
			check: func(t *testing.T, reply kerneltest.Message, iopub []kerneltest.Message) {
				payload, _ := reply.Content["payload"].([]any)
				if len(payload) != 1 || payload[0].(map[string]any)["source"] != "page" {
					t.Errorf("payload = %v", reply.Content["payload"])
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reply, iopub := c.Execute(t, tc.code, false)
			if got := types(iopub); strings.Join(got, " ") != strings.Join(tc.wantTypes, " ") {
				t.Fatalf("iopub = %v\nwant    %v", got, tc.wantTypes)
			}
			if reply.Content["status"] != tc.wantReply {
				t.Fatalf("status = %v, want %s: %v", reply.Content["status"], tc.wantReply, reply.Content)
			}
			tc.check(t, reply, iopub)
		})
	}
}

func TestExecutionCount(t *testing.T) {
	_, _, c := start(t, kernel.Config{})
	counts := []float64{}
	for _, req := range []map[string]any{
		{"code": "print 1"},
		{"code": "print 2", "store_history": false},
		{"code": "print 3", "silent": true},
		{"code": "print 4"},
	} {
		id := c.Send(kernel.Shell, kernel.MsgExecuteRequest, req)
		counts = append(counts, c.WaitReply(t, id).Content["execution_count"].(float64))
		iopub := c.WaitIdle(t, id)
		if req["silent"] == true {
			for _, m := range iopub {
				if m.Type() == kernel.MsgExecuteInput {
					t.Error("silent execute published execute_input")
				}
			}
		}
	}
	// store_history false and silent leave the counter alone.
	if want := []float64{1, 1, 1, 2}; fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("execution counts = %v, want %v", counts, want)
	}
}

func streamText(iopub []kerneltest.Message) (stdout, stderr string, messages int) {
	for _, m := range iopub {
		if m.Type() != kernel.MsgStream {
			continue
		}
		messages++
		if m.Content["name"] == "stderr" {
			stderr += m.Content["text"].(string)
		} else {
			stdout += m.Content["text"].(string)
		}
	}
	return
}

func TestStreamBatchingAndCap(t *testing.T) {
	tests := []struct {
		name         string
		cfg          kernel.Config
		code         string
		wantStdout   string
		maxMessages  int
		wantNote     string
		wantNoteNone bool
	}{
		{"many writes become few messages", kernel.Config{FlushInterval: 200 * time.Millisecond},
			"spam 1000 x", strings.Repeat("x", 1000), 1, "", true},
		{"default cap is generous", kernel.Config{}, "spam 100 abc", strings.Repeat("abc", 100), 100, "", true},
		{"configured cap drops the rest and says so", kernel.Config{StreamLimit: 100},
			"spam 50 abcd", strings.Repeat("abcd", 25), 100, "100 bytes dropped", false},
		{"the interpreter can change the cap", kernel.Config{},
			"limit 10\nspam 5 abcd", "abcdabcdab", 100, "10 bytes dropped", false},
		{"cap cuts at a rune boundary", kernel.Config{StreamLimit: 4},
			"spam 2 €", "€", 100, "3 bytes dropped", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, c := start(t, tc.cfg)
			reply, iopub := c.Execute(t, tc.code, false)
			if reply.Content["status"] != "ok" {
				t.Fatalf("reply = %v", reply.Content)
			}
			stdout, stderr, n := streamText(iopub)
			if stdout != tc.wantStdout {
				t.Errorf("stdout = %q, want %q", stdout, tc.wantStdout)
			}
			if tc.wantNoteNone && stderr != "" {
				t.Errorf("unexpected stderr %q", stderr)
			}
			if !tc.wantNoteNone && !strings.Contains(stderr, tc.wantNote) {
				t.Errorf("stderr note = %q, want it to contain %q", stderr, tc.wantNote)
			}
			if n-btoi(stderr != "") > tc.maxMessages {
				t.Errorf("%d stream messages, want at most %d", n, tc.maxMessages)
			}
			if indexOf(t, c, iopub[len(iopub)-2].Header.MsgID) > indexOf(t, c, reply.Header.MsgID) {
				t.Error("stream output published after execute_reply")
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestInterruptKeepsState(t *testing.T) {
	_, _, c := start(t, kernel.Config{})
	c.Execute(t, "set x 42", false)
	id := c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "print started\nloop"})
	c.WaitFor(t, "the looping cell's output", func(m kerneltest.Message) bool {
		return m.Parent.MsgID == id && m.Type() == kernel.MsgStream
	})
	// Control is served while the cell runs.
	info := c.WaitReply(t, c.Send(kernel.Control, kernel.MsgKernelInfoRequest, nil))
	if info.Content["status"] != "ok" {
		t.Fatalf("kernel_info during a cell = %v", info.Content)
	}
	ir := c.WaitReply(t, c.Send(kernel.Control, kernel.MsgInterruptRequest, nil))
	if ir.Type() != kernel.MsgInterruptReply || ir.Content["status"] != "ok" {
		t.Fatalf("interrupt reply = %s %v", ir.Type(), ir.Content)
	}
	reply := c.WaitReply(t, id)
	if reply.Content["status"] != "error" || reply.Content["ename"] != "Interrupted" {
		t.Fatalf("interrupted cell reply = %v", reply.Content)
	}
	_, iopub := c.Execute(t, "get x", false)
	if stdout, _, _ := streamText(iopub); stdout != "42\n" {
		t.Errorf("after interrupt, get x printed %q", stdout)
	}
}

func TestStopOnErrorAbortsQueuedCells(t *testing.T) {
	_, _, c := start(t, kernel.Config{})
	first := c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "sleep 100\nfail first", "stop_on_error": true})
	queued := c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "print never"})
	info := c.Send(kernel.Shell, kernel.MsgKernelInfoRequest, nil)
	if got := c.WaitReply(t, first).Content["status"]; got != "error" {
		t.Fatalf("first status = %v", got)
	}
	if got := c.WaitReply(t, queued).Content["status"]; got != "aborted" {
		t.Errorf("queued execute status = %v, want aborted", got)
	}
	if got := c.WaitReply(t, info).Content["status"]; got != "ok" {
		t.Errorf("queued kernel_info status = %v, want ok", got)
	}
	if reply, _ := c.Execute(t, "print later", false); reply.Content["status"] != "ok" {
		t.Errorf("a cell sent after the abort = %v", reply.Content)
	}
}

func TestStdin(t *testing.T) {
	_, _, c := start(t, kernel.Config{})
	t.Run("allowed", func(t *testing.T) {
		id := c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "print ask\ninput name?", "allow_stdin": true})
		req := c.WaitFor(t, "input_request", func(m kerneltest.Message) bool {
			return m.Type() == kernel.MsgInputRequest && m.Parent.MsgID == id
		})
		if req.Channel != kernel.Stdin || req.Content["prompt"] != "name?" || req.Content["password"] != false {
			t.Fatalf("input_request = %v on %v", req.Content, req.Channel)
		}
		// Output printed before the prompt is flushed before the request.
		if indexOf(t, c, req.Header.MsgID) < indexOf(t, c, c.WaitFor(t, "stream", func(m kerneltest.Message) bool {
			return m.Parent.MsgID == id && m.Type() == kernel.MsgStream
		}).Header.MsgID) {
			t.Error("input_request sent before earlier output")
		}
		c.SendWithParent(kernel.Stdin, kernel.MsgInputReply, map[string]any{"value": "gopher"}, req.Header)
		reply := c.WaitReply(t, id)
		if reply.Content["status"] != "ok" {
			t.Fatalf("reply = %v", reply.Content)
		}
		if stdout, _, _ := streamText(c.WaitIdle(t, id)); stdout != "ask\ngot: gopher\n" {
			t.Errorf("stdout = %q", stdout)
		}
	})
	t.Run("not allowed", func(t *testing.T) {
		reply, _ := c.Execute(t, "input x", false)
		if reply.Content["ename"] != "StdinNotImplemented" {
			t.Errorf("reply = %v, want the interpreter to see ErrNoStdin", reply.Content)
		}
	})
	t.Run("interrupted while waiting", func(t *testing.T) {
		id := c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "input x", "allow_stdin": true})
		c.WaitFor(t, "input_request", func(m kerneltest.Message) bool {
			return m.Type() == kernel.MsgInputRequest && m.Parent.MsgID == id
		})
		c.Send(kernel.Control, kernel.MsgInterruptRequest, nil)
		if got := c.WaitReply(t, id).Content["ename"]; got != "Interrupted" {
			t.Errorf("ename = %v", got)
		}
	})
}

func TestHistory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "gophys", "history.jsonl")
	cfg := kernel.Config{HistoryFile: file}
	history := func(c *kerneltest.Client, req map[string]any) []any {
		t.Helper()
		reply := c.WaitReply(t, c.Send(kernel.Shell, kernel.MsgHistoryRequest, req))
		if reply.Content["status"] != "ok" {
			t.Fatalf("history reply = %v", reply.Content)
		}
		h, _ := reply.Content["history"].([]any)
		return h
	}

	// First session: three cells, then the kernel stops.
	_, k1, c1 := start(t, cfg)
	for _, code := range []string{"value 1", "print a", "value 1"} {
		c1.Execute(t, code, false)
	}
	k1.Shutdown(false)
	c1.WaitFor(t, "transport closed", func(kerneltest.Message) bool { return c1.T.Closed() })
	time.Sleep(10 * time.Millisecond) // let Run finish closing the file

	_, _, c := start(t, cfg)
	c.Execute(t, "print b", false)
	c.Execute(t, "value 1", false)

	tests := []struct {
		name string
		req  map[string]any
		want string
	}{
		{"tail across sessions", map[string]any{"hist_access_type": "tail", "n": 3}, "[[1 3 value 1] [2 1 print b] [2 2 value 1]]"},
		{"tail with output", map[string]any{"hist_access_type": "tail", "n": 1, "output": true}, "[[2 2 [value 1 1]]]"},
		{"range of the current session", map[string]any{"hist_access_type": "range", "session": 0, "start": 1, "stop": 2}, "[[2 1 print b]]"},
		{"range of the previous session", map[string]any{"hist_access_type": "range", "session": -1, "start": 2}, "[[1 2 print a] [1 3 value 1]]"},
		{"range by absolute session", map[string]any{"hist_access_type": "range", "session": 1, "start": 0, "stop": 2}, "[[1 1 value 1]]"},
		{"search glob", map[string]any{"hist_access_type": "search", "pattern": "value ?"}, "[[1 1 value 1] [1 3 value 1] [2 2 value 1]]"},
		{"search newest n", map[string]any{"hist_access_type": "search", "pattern": "*", "n": 2}, "[[2 1 print b] [2 2 value 1]]"},
		{"search unique", map[string]any{"hist_access_type": "search", "pattern": "value*", "unique": true}, "[[2 2 value 1]]"},
		{"search no match", map[string]any{"hist_access_type": "search", "pattern": "nothing*"}, "[]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmt.Sprint(history(c, tc.req)); got != tc.want {
				t.Errorf("history = %s\nwant      %s", got, tc.want)
			}
		})
	}
	t.Run("bad access type is an error reply", func(t *testing.T) {
		reply := c.WaitReply(t, c.Send(kernel.Shell, kernel.MsgHistoryRequest, map[string]any{"hist_access_type": "sideways"}))
		if reply.Content["status"] != "error" {
			t.Errorf("reply = %v", reply.Content)
		}
	})
}

func TestComms(t *testing.T) {
	_, k, c := start(t, kernel.Config{})
	commID := wire.NewID()
	c.Send(kernel.Shell, kernel.MsgCommOpen, map[string]any{"comm_id": commID, "target_name": kernel.EchoTarget, "data": map[string]any{}})

	infoReply := c.WaitReply(t, c.Send(kernel.Shell, kernel.MsgCommInfoRequest, map[string]any{"target_name": kernel.EchoTarget}))
	comms := infoReply.Content["comms"].(map[string]any)
	if _, ok := comms[commID]; !ok || len(comms) != 1 {
		t.Fatalf("comm_info = %v, want the open echo comm", comms)
	}

	// Echo works while a cell runs: comm_msg is not queued behind execute.
	running := c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "loop"})
	c.WaitFor(t, "cell running", func(m kerneltest.Message) bool {
		return m.Parent.MsgID == running && m.Type() == kernel.MsgExecuteInput
	})
	msgID := c.Send(kernel.Shell, kernel.MsgCommMsg, map[string]any{"comm_id": commID, "data": map[string]any{"ping": 1.0}})
	echo := c.WaitFor(t, "echo", func(m kerneltest.Message) bool { return m.Type() == kernel.MsgCommMsg && m.Parent.MsgID == msgID })
	if fmt.Sprint(echo.Content["data"]) != "map[ping:1]" || echo.Content["comm_id"] != commID {
		t.Errorf("echo = %v", echo.Content)
	}
	if got := types(c.WaitIdle(t, msgID)); strings.Join(got, " ") != "status:busy comm_msg status:idle" {
		t.Errorf("comm_msg iopub = %v", got)
	}
	k.Interrupt()
	c.WaitReply(t, running)

	c.Send(kernel.Shell, kernel.MsgCommClose, map[string]any{"comm_id": commID, "data": map[string]any{}})
	infoReply = c.WaitReply(t, c.Send(kernel.Shell, kernel.MsgCommInfoRequest, nil))
	if comms := infoReply.Content["comms"].(map[string]any); len(comms) != 0 {
		t.Errorf("comm still listed after close: %v", comms)
	}

	t.Run("unknown target is closed at once", func(t *testing.T) {
		id := wire.NewID()
		open := c.Send(kernel.Shell, kernel.MsgCommOpen, map[string]any{"comm_id": id, "target_name": "no.such.target", "data": map[string]any{}})
		closeMsg := c.WaitFor(t, "comm_close", func(m kerneltest.Message) bool { return m.Type() == kernel.MsgCommClose && m.Parent.MsgID == open })
		if closeMsg.Content["comm_id"] != id {
			t.Errorf("comm_close = %v", closeMsg.Content)
		}
	})

	t.Run("kernel-side comms", func(t *testing.T) {
		got := make(chan string, 1)
		comm, err := k.OpenComm("jupyter.widget", kernel.CommMessage{Data: map[string]any{"state": "s"},
			Metadata: map[string]any{"version": "2.1.0"}},
			kernel.CommHandlerFuncs{Msg: func(c *kernel.Comm, m kernel.CommMessage) { got <- fmt.Sprint(m.Data) }})
		if err != nil {
			t.Fatal(err)
		}
		open := c.WaitFor(t, "comm_open", func(m kerneltest.Message) bool {
			return m.Type() == kernel.MsgCommOpen && m.Content["comm_id"] == comm.ID()
		})
		if open.Content["target_name"] != "jupyter.widget" || open.Metadata["version"] != "2.1.0" {
			t.Errorf("comm_open = %v, metadata %v", open.Content, open.Metadata)
		}
		c.Send(kernel.Shell, kernel.MsgCommMsg, map[string]any{"comm_id": comm.ID(), "data": map[string]any{"v": "x"}})
		select {
		case s := <-got:
			if s != "map[v:x]" {
				t.Errorf("handler got %s", s)
			}
		case <-time.After(kerneltest.Timeout):
			t.Fatal("handler not called")
		}
		if err := comm.Send(kernel.CommMessage{Data: map[string]any{"n": 1}, Buffers: [][]byte{{1, 2}}}); err != nil {
			t.Fatal(err)
		}
		sent := c.WaitFor(t, "comm_msg from kernel", func(m kerneltest.Message) bool {
			return m.Type() == kernel.MsgCommMsg && m.Content["comm_id"] == comm.ID() && len(m.Buffers) == 1
		})
		if fmt.Sprint(sent.Buffers[0]) != "[1 2]" {
			t.Errorf("buffers = %v", sent.Buffers)
		}
		if err := comm.Close(kernel.CommMessage{}); err != nil {
			t.Fatal(err)
		}
		if err := comm.Send(kernel.CommMessage{}); err != kernel.ErrCommClosed {
			t.Errorf("Send after Close = %v, want ErrCommClosed", err)
		}
	})
}

func TestHostileInputIsDroppedAndKernelSurvives(t *testing.T) {
	_, _, c := start(t, kernel.Config{})
	good := func() [][]byte {
		frames, err := wire.NewCodec(kerneltest.Key).Encode(&wire.Msg{
			Identities: [][]byte{[]byte("peer")},
			Header:     wire.NewHeader(kernel.MsgKernelInfoRequest, "s", "u"),
		})
		if err != nil {
			t.Fatal(err)
		}
		return frames
	}
	tests := []struct {
		name   string
		frames [][]byte
	}{
		{"bad signature", func() [][]byte { f := good(); f[2] = []byte("00ff"); return f }()},
		{"signed with another key", func() [][]byte {
			f, _ := wire.NewCodec([]byte("wrong")).Encode(&wire.Msg{Header: wire.NewHeader(kernel.MsgKernelInfoRequest, "s", "u")})
			return f
		}()},
		{"no delimiter", [][]byte{[]byte("peer"), []byte("garbage")}},
		{"delimiter only", [][]byte{[]byte(wire.Delimiter)}},
		{"empty", nil},
		{"header not JSON", func() [][]byte { f := good(); f[3] = []byte("{nope"); return f }()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(c.T.Sent())
			for _, ch := range []kernel.Channel{kernel.Shell, kernel.Control, kernel.Stdin} {
				if err := c.T.Inject(ch, tc.frames); err != nil {
					t.Fatal(err)
				}
			}
			reply := c.WaitReply(t, c.Send(kernel.Shell, kernel.MsgKernelInfoRequest, nil))
			if reply.Content["status"] != "ok" {
				t.Fatalf("kernel_info after hostile input = %v", reply.Content)
			}
			// Only the kernel_info exchange (busy, reply, idle) was sent.
			if n := len(c.T.Sent()) - before; n != 3 {
				t.Errorf("%d messages sent, want 3: the hostile frames must get no answer", n)
			}
		})
	}
}

func TestShutdown(t *testing.T) {
	tests := []struct {
		name    string
		ch      kernel.Channel
		restart bool
	}{
		{"control with restart", kernel.Control, true},
		{"shell without restart", kernel.Shell, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, _, c := start(t, kernel.Config{})
			// A running cell must not block shutdown on control.
			if tc.ch == kernel.Control {
				c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "loop"})
			}
			reply := c.WaitReply(t, c.Send(tc.ch, kernel.MsgShutdownRequest, map[string]any{"restart": tc.restart}))
			if reply.Content["status"] != "ok" || reply.Content["restart"] != tc.restart {
				t.Fatalf("shutdown_reply = %v", reply.Content)
			}
			c.WaitFor(t, "transport closed", func(kerneltest.Message) bool { return c.T.Closed() })
			if got := in.Shutdowns(); len(got) != 1 || got[0] != tc.restart {
				t.Errorf("Interpreter.Shutdown calls = %v, want [%v]", got, tc.restart)
			}
		})
	}
}

func TestCompleteInspectIsComplete(t *testing.T) {
	_, _, c := start(t, kernel.Config{})
	c.Execute(t, "set variable 1", false)
	tests := []struct {
		name    string
		msgType string
		content map[string]any
		check   func(t *testing.T, content map[string]any)
	}{
		{"complete a prefix", kernel.MsgCompleteRequest, map[string]any{"code": "get vari", "cursor_pos": 8},
			func(t *testing.T, r map[string]any) {
				if fmt.Sprint(r["matches"]) != "[variable]" || r["cursor_start"] != 4.0 || r["cursor_end"] != 8.0 {
					t.Errorf("complete = %v", r)
				}
			}},
		{"complete without cursor means the end", kernel.MsgCompleteRequest, map[string]any{"code": "pri"},
			func(t *testing.T, r map[string]any) {
				if fmt.Sprint(r["matches"]) != "[print]" {
					t.Errorf("complete = %v", r)
				}
			}},
		{"complete nothing", kernel.MsgCompleteRequest, map[string]any{"code": "zzz", "cursor_pos": 3},
			func(t *testing.T, r map[string]any) {
				if m, ok := r["matches"].([]any); !ok || len(m) != 0 {
					t.Errorf("matches = %v, want an empty list", r["matches"])
				}
			}},
		{"inspect found", kernel.MsgInspectRequest, map[string]any{"code": "variable", "cursor_pos": 3},
			func(t *testing.T, r map[string]any) {
				if r["found"] != true || r["data"].(map[string]any)["text/plain"] != "variable = 1" {
					t.Errorf("inspect = %v", r)
				}
			}},
		{"inspect missing", kernel.MsgInspectRequest, map[string]any{"code": "nope", "cursor_pos": 1},
			func(t *testing.T, r map[string]any) {
				if r["found"] != false || r["data"] == nil || r["metadata"] == nil {
					t.Errorf("inspect = %v", r)
				}
			}},
		{"incomplete has indent", kernel.MsgIsCompleteRequest, map[string]any{"code": "x {"},
			func(t *testing.T, r map[string]any) {
				if r["status"] != "incomplete" || r["indent"] != "    " {
					t.Errorf("is_complete = %v", r)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, c.WaitReply(t, c.Send(kernel.Shell, tc.msgType, tc.content)).Content)
		})
	}
}
