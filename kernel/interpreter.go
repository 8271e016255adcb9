package kernel

import "context"

// Interpreter is the language side of the kernel. The protocol layer calls it
// and knows nothing about how code runs; an Interpreter knows nothing about
// ZeroMQ or message framing (the xeus split). kernel/eval implements it with
// yaegi; kernel/kerneltest has a fake for protocol tests.
//
// Execute is never called concurrently with itself. Complete, Inspect and
// IsComplete may be called while a cell runs (they answer from what earlier
// cells declared).
type Interpreter interface {
	// Info describes the language for kernel_info_reply.
	Info() LanguageInfo

	// Execute runs one cell. ctx is cancelled when the frontend interrupts the
	// cell; the interpreter must then return promptly (within about a second)
	// with an error whose Name is "Interrupted", keeping its state. Everything
	// the cell prints or displays goes through out, in order, before Execute
	// returns.
	Execute(ctx context.Context, code string, out Output) ExecuteResult

	// Complete proposes completions for code at cursorPos (a Unicode code point
	// offset, protocol 5.2).
	Complete(code string, cursorPos int) Completion

	// Inspect returns documentation for the object at cursorPos; detailLevel 0
	// or 1 as in the protocol.
	Inspect(code string, cursorPos, detailLevel int) Inspection

	// IsComplete says whether code is ready to run as typed at a console.
	IsComplete(code string) IsComplete

	// Shutdown releases resources; restart says a fresh interpreter follows.
	Shutdown(restart bool)
}

// Output is what a running cell may send to the frontend. The kernel
// implements it once per execute request, so everything is attributed to the
// request that produced it. Stream writes are batched and capped by the
// kernel; all methods are safe for concurrent use.
type Output interface {
	// Stream appends text to a stream; name is "stdout" or "stderr".
	Stream(name string, text []byte)

	// Display publishes display_data, or update_display_data when d.Update is set.
	Display(d DisplayData)

	// ClearOutput asks the frontend to clear the cell's output; with wait set,
	// clearing happens when the next output arrives.
	ClearOutput(wait bool)

	// Input asks the user for a line of text through an input_request on the
	// stdin channel. It returns ErrNoStdin when the request had allow_stdin
	// false, and an error when ctx is cancelled.
	Input(ctx context.Context, prompt string, password bool) (string, error)
}

// DisplayData is one MIME bundle: Data maps MIME types to content (strings,
// JSON values, or []byte, which encodes as base64 as image/png requires).
type DisplayData struct {
	Data      map[string]any
	Metadata  map[string]any
	DisplayID string // sent as transient.display_id; required when Update is set
	Update    bool   // update_display_data instead of display_data
}

// ExecuteResult is what a finished cell reports.
type ExecuteResult struct {
	// Value is shown as execute_result; nil when the cell has no value.
	Value *DisplayData
	// Err is non-nil when the cell failed; the kernel publishes an error
	// message and replies with status "error".
	Err *ExecError
	// Payload entries go into execute_reply.payload (for example the pager:
	// {"source": "page", "data": {"text/plain": ...}, "start": 0}).
	Payload []map[string]any
}

// ExecError is a failed cell's ename, evalue and traceback (lines of text,
// possibly with ANSI colours).
type ExecError struct {
	Name      string
	Value     string
	Traceback []string
}

func (e *ExecError) Error() string { return e.Name + ": " + e.Value }

// Completion answers complete_request. CursorStart and CursorEnd delimit the
// text the matches replace, in code points.
type Completion struct {
	Matches     []string
	CursorStart int
	CursorEnd   int
	Metadata    map[string]any
}

// Inspection answers inspect_request.
type Inspection struct {
	Found    bool
	Data     map[string]any // usually {"text/plain": signature and doc}
	Metadata map[string]any
}

// IsComplete answers is_complete_request. Status is "complete",
// "incomplete", "invalid" or "unknown"; Indent is used when incomplete.
type IsComplete struct {
	Status string
	Indent string
}

// LanguageInfo is kernel_info_reply's language_info plus the banner.
type LanguageInfo struct {
	Name           string // "go"
	Version        string // the Go version the kernel was built with
	Mimetype       string // "text/x-go"
	FileExtension  string // ".go"
	PygmentsLexer  string // "go"
	CodemirrorMode string // "go"
	Banner         string
	HelpLinks      []HelpLink
}

// HelpLink is one entry of kernel_info_reply.help_links.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}
