package kernel

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gophys/gophys/kernel/internal/wire"
)

func (k *Kernel) handleExecute(r *request) {
	// Protocol defaults for fields a client leaves out.
	req := executeRequest{StoreHistory: true, StopOnError: true}
	if err := r.decode(&req); err != nil {
		k.replyError(r, "BadRequest", err.Error())
		return
	}
	if req.Silent {
		req.StoreHistory = false
	}
	if req.StoreHistory {
		k.execCount++
	}
	count := k.execCount
	parent := &r.msg.Header
	if !req.Silent {
		k.publish(parent, MsgExecuteInput, executeInputContent{Code: req.Code, ExecutionCount: count})
	}

	ctx, cancel := context.WithCancel(k.ctx)
	k.runMu.Lock()
	k.cancelCell, k.cellParent = cancel, parent
	k.runMu.Unlock()

	out := newCellOutput(k, r, req.AllowStdin)
	res := k.runCell(ctx, req.Code, out)

	k.runMu.Lock()
	k.cancelCell, k.cellParent = nil, nil
	k.runMu.Unlock()
	cancel()
	out.finish()

	var resultText *string
	if res.Value != nil {
		if s, ok := res.Value.Data["text/plain"].(string); ok {
			resultText = &s
		}
		if !req.Silent {
			k.publish(parent, MsgExecuteResult, executeResultContent{
				ExecutionCount: count,
				Data:           nonNilMap(res.Value.Data),
				Metadata:       nonNilMap(res.Value.Metadata),
			})
		}
	}
	if req.StoreHistory {
		k.history.add(count, req.Code, resultText)
	}
	if res.Err != nil {
		tb := res.Err.Traceback
		if tb == nil {
			tb = []string{}
		}
		k.publish(parent, MsgError, errorContent{Ename: res.Err.Name, Evalue: res.Err.Value, Traceback: tb})
		k.reply(r, errorContent{Status: statusError, Ename: res.Err.Name, Evalue: res.Err.Value,
			Traceback: tb, ExecutionCount: &count})
		if req.StopOnError {
			k.abortQueuedExecutes()
		}
		return
	}
	payload := res.Payload
	if payload == nil {
		payload = []map[string]any{}
	}
	k.reply(r, executeReplyOK{
		Status:          statusOK,
		ExecutionCount:  count,
		Payload:         payload,
		UserExpressions: k.userExpressions(req.UserExpressions),
	})
}

// runCell calls the interpreter, turning a panic that escaped it into an
// error result: the kernel outlives a broken interpreter call.
func (k *Kernel) runCell(ctx context.Context, code string, out *cellOutput) (res ExecuteResult) {
	defer func() {
		if p := recover(); p != nil {
			k.log.Error("Interpreter.Execute panicked", "panic", p)
			res = ExecuteResult{Err: &ExecError{
				Name:      "KernelPanic",
				Value:     fmt.Sprint(p),
				Traceback: []string{fmt.Sprintf("panic: %v", p), string(debug.Stack())},
			}}
		}
	}()
	return k.interp.Execute(ctx, code, out)
}

// userExpressions answers execute_request.user_expressions. The Interpreter
// contract has no way to evaluate them, so each one gets an error entry, as
// the protocol allows, rather than silence.
func (k *Kernel) userExpressions(exprs map[string]any) map[string]any {
	out := make(map[string]any, len(exprs))
	for name := range exprs {
		out[name] = errorContent{Status: statusError, Ename: "UnsupportedUserExpression",
			Evalue: "gophys does not evaluate user_expressions", Traceback: []string{}}
	}
	return out
}

// abortQueuedExecutes answers the execute requests already queued behind a
// failed cell with status "aborted", as ipykernel does for stop_on_error;
// other queued requests are served normally.
func (k *Kernel) abortQueuedExecutes() {
	for {
		select {
		case r, ok := <-k.execQueue:
			if !ok {
				return
			}
			if r.msg.Header.MsgType != MsgExecuteRequest {
				k.serve(r)
				continue
			}
			k.publish(&r.msg.Header, MsgStatus, statusContent{ExecutionState: "busy"})
			k.reply(r, statusReply{Status: statusAborted})
			k.publish(&r.msg.Header, MsgStatus, statusContent{ExecutionState: "idle"})
		default:
			return
		}
	}
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// cellOutput is the Output of one execute request: it batches stream text,
// enforces the per-cell cap, and keeps everything in order by flushing
// pending streams before any other output.
type cellOutput struct {
	k          *Kernel
	parent     *wire.Header
	identities [][]byte // the requester's routing identity, reused on stdin
	allowStdin bool

	mu       sync.Mutex
	segments []streamSegment // pending stream text, in order
	pending  int             // bytes in segments
	timer    *time.Timer     // armed while segments is non-empty
	accepted int64           // stream bytes accepted this cell
	dropped  int64           // stream bytes dropped by the cap
}

type streamSegment struct {
	name string
	text []byte
}

// maxPendingStream forces a flush before the batching interval ends, so one
// message stays reasonably small.
const maxPendingStream = 1 << 20

func newCellOutput(k *Kernel, r *request, allowStdin bool) *cellOutput {
	return &cellOutput{k: k, parent: &r.msg.Header, identities: r.msg.Identities, allowStdin: allowStdin}
}

// Stream implements Output.
func (o *cellOutput) Stream(name string, text []byte) {
	if len(text) == 0 {
		return
	}
	if name != "stderr" {
		name = "stdout"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if limit := o.k.streamLimit.Load(); limit > 0 {
		room := limit - o.accepted
		if room <= 0 {
			o.dropped += int64(len(text))
			return
		}
		if int64(len(text)) > room {
			keep := int(room)
			// Cut at a rune boundary so the kept text stays valid UTF-8.
			for keep > 0 && !utf8.RuneStart(text[keep]) {
				keep--
			}
			o.dropped += int64(len(text) - keep)
			text = text[:keep]
		}
	}
	o.accepted += int64(len(text))
	if n := len(o.segments); n > 0 && o.segments[n-1].name == name {
		o.segments[n-1].text = append(o.segments[n-1].text, text...)
	} else {
		o.segments = append(o.segments, streamSegment{name: name, text: append([]byte(nil), text...)})
	}
	o.pending += len(text)
	if o.pending >= maxPendingStream {
		o.flushLocked(false)
		return
	}
	if o.timer == nil {
		o.timer = time.AfterFunc(o.k.flushInt, o.flushFromTimer)
	}
}

func (o *cellOutput) flushFromTimer() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.timer = nil
	o.flushLocked(false)
}

// flushLocked publishes pending stream text. Unless final is set, a
// trailing incomplete UTF-8 sequence waits for the rest of its bytes.
func (o *cellOutput) flushLocked(final bool) {
	if o.timer != nil {
		o.timer.Stop()
		o.timer = nil
	}
	var carry *streamSegment
	for i, seg := range o.segments {
		text := seg.text
		if !final && i == len(o.segments)-1 {
			cut := incompleteUTF8Suffix(text)
			if cut > 0 {
				carry = &streamSegment{name: seg.name, text: append([]byte(nil), text[len(text)-cut:]...)}
				text = text[:len(text)-cut]
			}
		}
		if len(text) > 0 {
			o.k.publish(o.parent, MsgStream, streamContent{Name: seg.name, Text: string(text)})
		}
	}
	o.segments, o.pending = o.segments[:0], 0
	if carry != nil {
		o.segments = append(o.segments, *carry)
		o.pending = len(carry.text)
		o.timer = time.AfterFunc(o.k.flushInt, o.flushFromTimer)
	}
}

// incompleteUTF8Suffix returns how many trailing bytes of b start a UTF-8
// sequence that is not complete yet (0 to 3).
func incompleteUTF8Suffix(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}

// finish flushes everything the cell wrote and says how much the cap
// dropped. Output that arrives later (from goroutines the cell started) is
// still published, attributed to this cell.
func (o *cellOutput) finish() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	if o.dropped > 0 {
		note := fmt.Sprintf("\n[gophys: output truncated: %s dropped after the first %s of this cell; "+
			"the cap is set per cell]\n", formatBytes(o.dropped), formatBytes(o.accepted))
		o.k.publish(o.parent, MsgStream, streamContent{Name: "stderr", Text: note})
	}
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// SetStreamLimit implements StreamLimiter: it changes the kernel-wide cap,
// which also applies to the rest of the running cell.
func (o *cellOutput) SetStreamLimit(maxBytes int64) { o.k.SetStreamLimit(maxBytes) }

// StreamLimit implements StreamLimiter.
func (o *cellOutput) StreamLimit() int64 { return o.k.StreamLimit() }

// Display implements Output.
func (o *cellOutput) Display(d DisplayData) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	msgType := MsgDisplayData
	transient := map[string]any{}
	if d.DisplayID != "" {
		transient["display_id"] = d.DisplayID
	}
	if d.Update {
		if d.DisplayID == "" {
			o.k.log.Warn("update_display_data without a display ID; sending display_data")
		} else {
			msgType = MsgUpdateDisplayData
		}
	}
	o.k.publish(o.parent, msgType, displayContent{
		Data:      nonNilMap(d.Data),
		Metadata:  nonNilMap(d.Metadata),
		Transient: transient,
	})
}

// Flush publishes the pending stream text now (display.Flusher, through
// the interpreter's publisher).
func (o *cellOutput) Flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
}

// ClearOutput implements Output.
func (o *cellOutput) ClearOutput(wait bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	o.k.publish(o.parent, MsgClearOutput, clearOutputContent{Wait: wait})
}

// Input implements Output: it sends input_request on stdin to the client
// that sent the execute request and waits for its input_reply.
func (o *cellOutput) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", ErrNoStdin
	}
	o.mu.Lock()
	o.flushLocked(true)
	o.mu.Unlock()

	k := o.k
	k.inputMu.Lock()
	defer k.inputMu.Unlock()
	// Drop a stale reply to an earlier, abandoned request.
	select {
	case <-k.inputReplies:
	default:
	}
	sent := k.send(Stdin, o.identities, o.parent, MsgInputRequest,
		inputRequestContent{Prompt: prompt, Password: password})
	if sent == nil {
		return "", fmt.Errorf("kernel: could not send input_request")
	}
	for {
		select {
		case m := <-k.inputReplies:
			if m.Parent.MsgID != "" && m.Parent.MsgID != sent.MsgID {
				continue // a reply to some other prompt
			}
			var c inputReplyContent
			if err := (&request{msg: m}).decode(&c); err != nil {
				return "", fmt.Errorf("kernel: bad input_reply: %w", err)
			}
			return c.Value, nil
		case <-ctx.Done():
			return "", ctx.Err()
		case <-k.ctx.Done():
			return "", k.ctx.Err()
		}
	}
}
