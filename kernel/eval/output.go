package eval

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/gophys/gophys/kernel"
)

// router sends output to the running cell, or to the most recent one when no
// cell runs (a goroutine printing after its cell finished). It is shared by
// every interpreter state, since yaegi's writers are fixed at creation.
type router struct {
	mu    sync.Mutex
	out   kernel.Output
	ctx   context.Context
	trace []string // yaegi's panic lines for the running cell
}

// begin makes out the destination for a new cell.
func (r *router) begin(ctx context.Context, out kernel.Output) {
	r.mu.Lock()
	r.out, r.ctx, r.trace = out, ctx, nil
	r.mu.Unlock()
}

// current returns the destination and the running cell's context.
func (r *router) current() (kernel.Output, context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out, r.ctx
}

// stream sends text to the current destination; it drops the text when no
// cell has run yet.
func (r *router) stream(name string, text []byte) {
	if len(text) == 0 {
		return
	}
	out, _ := r.current()
	if out == nil {
		return
	}
	// Output takes ownership of nothing: copy, the caller reuses its buffer.
	out.Stream(name, bytes.Clone(text))
}

// panicLine matches what yaegi writes to its stderr for each interpreted
// frame a panic unwinds ("cell:3:5: panic: main.f(...)"); those lines become
// the error's traceback instead of stream text.
var panicLine = regexp.MustCompile(`^(?:cell:)?(\d+):(\d+): panic(?:: (.*))?$`)

// takeTrace returns and clears the collected panic frames.
func (r *router) takeTrace() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.trace
	r.trace = nil
	return t
}

// streamWriter is an io.Writer for one stream name. The stderr writer
// diverts yaegi's panic frame lines into the router's trace.
type streamWriter struct {
	r    *router
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	if w.name == "stderr" && bytes.Contains(p, []byte(": panic")) {
		var rest []byte
		for _, line := range bytes.SplitAfter(p, []byte("\n")) {
			if m := panicLine.FindSubmatch(bytes.TrimRight(line, "\n")); m != nil {
				frame := "  at cell line " + string(m[1]) + ", column " + string(m[2])
				if len(m[3]) > 0 {
					frame = "  " + string(bytes.TrimSuffix(m[3], []byte("(...)"))) + " at cell line " + string(m[1]) + ", column " + string(m[2])
				}
				w.r.mu.Lock()
				w.r.trace = append(w.r.trace, frame)
				w.r.mu.Unlock()
				continue
			}
			rest = append(rest, line...)
		}
		w.r.stream(w.name, rest)
		return len(p), nil
	}
	w.r.stream(w.name, p)
	return len(p), nil
}

// stdinReader is what cells read standard input from: each read with an
// empty buffer asks the frontend for a line (input_request).
type stdinReader struct {
	r   *router
	mu  sync.Mutex
	buf []byte
}

func (s *stdinReader) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) == 0 {
		out, ctx := s.r.current()
		if out == nil || ctx == nil {
			return 0, io.EOF
		}
		line, err := out.Input(ctx, "", false)
		if err != nil {
			if ctx.Err() != nil {
				return 0, io.EOF
			}
			return 0, fmt.Errorf("eval: read standard input: %w", err)
		}
		s.buf = append(s.buf, line...)
		s.buf = append(s.buf, '\n')
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// fdCapture redirects file descriptors 1 and 2 into pipes whose readers
// forward to the router, as ipykernel does, so compiled code and direct
// os.Stdout writes reach the cell.
type fdCapture struct {
	pipes  []*fdPipe
	logOut *os.File // a duplicate of the original stderr, for the kernel's logs
}

type fdPipe struct {
	fd      int
	name    string
	writer  *os.File // os.Stdout or os.Stderr, now writing into the pipe
	r       *os.File
	seq     atomic.Uint64
	flushed chan uint64 // marker numbers the reader has passed
}

// flushMarker brackets a number the reader looks for; NUL bytes make it
// unlikely in real output.
const flushMarker = "\x00gophys-flush-"

// captureStdio starts capturing fds 1 and 2. It returns the capture, whose
// logOut is where the kernel's own logs should go from now on.
func captureStdio(r *router) (*fdCapture, error) {
	c := &fdCapture{}
	saved, err := unix.Dup(2)
	if err != nil {
		return nil, fmt.Errorf("eval: duplicate stderr: %w", err)
	}
	c.logOut = os.NewFile(uintptr(saved), "/dev/stderr")
	for _, s := range []struct {
		fd   int
		name string
		file *os.File
	}{{1, "stdout", os.Stdout}, {2, "stderr", os.Stderr}} {
		pr, pw, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("eval: capture %s: %w", s.name, err)
		}
		if err := unix.Dup2(int(pw.Fd()), s.fd); err != nil {
			return nil, fmt.Errorf("eval: capture %s: %w", s.name, err)
		}
		pw.Close()
		p := &fdPipe{fd: s.fd, name: s.name, writer: s.file, r: pr, flushed: make(chan uint64, 16)}
		c.pipes = append(c.pipes, p)
		go p.forward(r)
	}
	return c, nil
}

// forward copies the pipe to the router, removing flush markers and
// acknowledging them.
func (p *fdPipe) forward(r *router) {
	w := streamWriter{r: r, name: p.name}
	buf := make([]byte, 32<<10)
	var pending []byte
	for {
		n, err := p.r.Read(buf)
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.Index(pending, []byte(flushMarker))
			if i < 0 {
				break
			}
			end := bytes.IndexByte(pending[i+len(flushMarker):], 0)
			if end < 0 {
				break // the marker's tail has not arrived yet
			}
			w.Write(pending[:i])
			num, _ := strconv.ParseUint(string(pending[i+len(flushMarker):i+len(flushMarker)+end]), 10, 64)
			pending = append(pending[:0], pending[i+len(flushMarker)+end+1:]...)
			select {
			case p.flushed <- num:
			default:
			}
		}
		// Keep back a possible partial marker; send the rest.
		keep := 0
		if i := bytes.LastIndexByte(pending, 0); i >= 0 && bytes.HasPrefix([]byte(flushMarker), pending[i:min(len(pending), i+len(flushMarker))]) {
			keep = len(pending) - i
		}
		w.Write(pending[:len(pending)-keep])
		pending = append(pending[:0], pending[len(pending)-keep:]...)
		if err != nil {
			return
		}
	}
}

// flush waits until everything written to the captured descriptors so far
// has been forwarded.
func (c *fdCapture) flush() {
	if c == nil {
		return
	}
	for _, p := range c.pipes {
		num := p.seq.Add(1)
		if _, err := p.writer.WriteString(flushMarker + strconv.FormatUint(num, 10) + "\x00"); err != nil {
			continue
		}
		for got := range p.flushed {
			if got >= num {
				break
			}
		}
	}
}

// yaegiLogFilter wraps the standard logger's output and drops the lines
// yaegi v0.16.1 logs right before panicking inside the interpreter (its
// log.Panic calls); Eval reports those panics as cell errors, so the raw
// log line would only repeat them in the cell's stderr. Everything else
// passes through.
type yaegiLogFilter struct{ w io.Writer }

// yaegiLogNoise are the endings of those lines (after log's date prefix).
var yaegiLogNoise = [][]byte{
	[]byte("nil type\n"),
	[]byte("nil reflect type\n"),
}

func (f yaegiLogFilter) Write(p []byte) (int, error) {
	for _, noise := range yaegiLogNoise {
		if bytes.HasSuffix(p, noise) && (len(p) == len(noise) || p[len(p)-len(noise)-1] == ' ') {
			return len(p), nil
		}
	}
	return f.w.Write(p)
}
