package kernel

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// historyEntry is one line of the history file. A line with Line 0 marks the
// start of a session (so session numbers stay unique across restarts even
// when a session ran no cell).
type historyEntry struct {
	Session int     `json:"session"`
	Line    int     `json:"line"`
	Input   string  `json:"input,omitempty"`
	Output  *string `json:"output,omitempty"`
	Time    string  `json:"time,omitempty"`
}

// history keeps executed cells, numbered (session, line) like IPython's
// history database, and appends them to a JSON-lines file.
type history struct {
	path string
	log  *slog.Logger

	loadOnce sync.Once
	loaded   chan struct{}

	mu      sync.Mutex
	session int
	entries []historyEntry // all sessions, oldest first, no session markers
	file    *os.File
}

func newHistory(path string, log *slog.Logger) *history {
	return &history{path: path, log: log, loaded: make(chan struct{})}
}

// load reads earlier sessions and opens the file for appending. It runs in
// the background so a large history never delays kernel start-up; queries
// and additions wait for it.
func (h *history) load() {
	h.loadOnce.Do(func() {
		defer close(h.loaded)
		h.mu.Lock()
		defer h.mu.Unlock()
		maxSession := 0
		if h.path != "" {
			if f, err := os.Open(h.path); err == nil {
				sc := bufio.NewScanner(f)
				sc.Buffer(make([]byte, 64<<10), 64<<20)
				for sc.Scan() {
					var e historyEntry
					if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
						continue // a torn or foreign line; skip it
					}
					maxSession = max(maxSession, e.Session)
					if e.Line > 0 {
						h.entries = append(h.entries, e)
					}
				}
				if err := sc.Err(); err != nil {
					h.log.Warn("reading history", "file", h.path, "err", err)
				}
				f.Close()
			} else if !os.IsNotExist(err) {
				h.log.Warn("reading history", "file", h.path, "err", err)
			}
		}
		h.session = maxSession + 1
		if h.path == "" {
			return
		}
		if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
			h.log.Warn("history will not be saved", "err", err)
			return
		}
		f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			h.log.Warn("history will not be saved", "err", err)
			return
		}
		h.file = f
		h.writeLocked(historyEntry{Session: h.session, Time: time.Now().UTC().Format(time.RFC3339)})
	})
}

func (h *history) writeLocked(e historyEntry) {
	if h.file == nil {
		return
	}
	line, err := json.Marshal(e)
	if err != nil {
		return
	}
	// One write per line: O_APPEND keeps lines from concurrent kernels whole.
	if _, err := h.file.Write(append(line, '\n')); err != nil {
		h.log.Warn("writing history", "err", err)
	}
}

// add records one executed cell.
func (h *history) add(line int, input string, output *string) {
	h.load()
	<-h.loaded
	h.mu.Lock()
	defer h.mu.Unlock()
	e := historyEntry{Session: h.session, Line: line, Input: input, Output: output}
	h.entries = append(h.entries, e)
	e.Time = time.Now().UTC().Format(time.RFC3339)
	h.writeLocked(e)
}

func (h *history) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.file != nil {
		h.file.Close()
		h.file = nil
	}
}

// query answers a history_request with IPython's semantics: tail (the last
// n cells of all sessions), range (lines [start, stop) of one session; 0 is
// the current session, negative counts back) and search (glob over inputs,
// newest n, optionally unique).
func (h *history) query(req historyRequest) ([]any, error) {
	h.load()
	<-h.loaded
	h.mu.Lock()
	defer h.mu.Unlock()
	var picked []historyEntry
	switch req.HistAccessType {
	case "tail":
		n := 10 // IPython's default for get_tail
		if req.N != nil {
			n = *req.N
		}
		picked = lastN(h.entries, n)
	case "range":
		session := req.Session
		if session <= 0 {
			session += h.session
		}
		for _, e := range h.entries {
			if e.Session == session && e.Line >= req.Start && (req.Stop == nil || e.Line < *req.Stop) {
				picked = append(picked, e)
			}
		}
	case "search":
		pattern := req.Pattern
		if pattern == "" {
			pattern = "*"
		}
		re, err := globRegexp(pattern)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		// Walk newest first so unique keeps the latest occurrence.
		for i := len(h.entries) - 1; i >= 0; i-- {
			e := h.entries[i]
			if !re.MatchString(e.Input) || (req.Unique && seen[e.Input]) {
				continue
			}
			seen[e.Input] = true
			picked = append(picked, e)
			if req.N != nil && len(picked) >= *req.N {
				break
			}
		}
		for i, j := 0, len(picked)-1; i < j; i, j = i+1, j-1 {
			picked[i], picked[j] = picked[j], picked[i]
		}
	default:
		return nil, fmt.Errorf("unknown hist_access_type %q (want tail, range or search)", req.HistAccessType)
	}
	out := make([]any, len(picked))
	for i, e := range picked {
		if req.Output {
			var output any
			if e.Output != nil {
				output = *e.Output
			}
			out[i] = []any{e.Session, e.Line, []any{e.Input, output}}
		} else {
			out[i] = []any{e.Session, e.Line, e.Input}
		}
	}
	return out, nil
}

func lastN(entries []historyEntry, n int) []historyEntry {
	if n < 0 {
		n = 0
	}
	if n > len(entries) {
		n = len(entries)
	}
	return entries[len(entries)-n:]
}

// globRegexp compiles a SQLite GLOB pattern (what IPython's history search
// uses): * any run, ? one character, [...] a class ([^...] negated); the
// whole input must match.
func globRegexp(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			end := strings.IndexByte(pattern[i+1:], ']')
			if end == 0 { // "[]...]": a ']' first is literal
				end = 1 + strings.IndexByte(pattern[i+2:], ']')
			}
			if end <= 0 {
				b.WriteString(`\[`)
				continue
			}
			class := pattern[i+1 : i+1+end]
			neg := strings.HasPrefix(class, "^")
			class = strings.TrimPrefix(class, "^")
			b.WriteByte('[')
			if neg {
				b.WriteByte('^')
			}
			b.WriteString(strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(class))
			b.WriteByte(']')
			i += end + 1
		default:
			if c < utf8.RuneSelf {
				b.WriteString(regexp.QuoteMeta(string(rune(c))))
			} else {
				b.WriteByte(c) // part of a multi-byte character: literal
			}
		}
	}
	b.WriteString(`\z`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("bad history pattern %q: %w", pattern, err)
	}
	return re, nil
}
