package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// capturedKernelInfo is a kernel_info_request as jupyter_client 8.10 sends it
// (frames after the ROUTER identity), captured from a real session; its
// signature was made with capturedKey.
var (
	capturedKey      = []byte("b1a7e5d4-2f6c-4a0e-9d3b-6c1f0e2a9b8d")
	capturedIdentity = []byte("2f8d0c1e-5b6a-4e3f-8a9c-0d1e2f3a4b5c")
	capturedHeader   = []byte(`{"msg_id": "0b3e4e7c-6a3f0b1d9c2e4f5a6b7c8d9e_1234_0", "msg_type": "kernel_info_request", "username": "root", "session": "0b3e4e7c-6a3f0b1d9c2e4f5a6b7c8d9e", "date": "2026-11-24T02:30:00.123456Z", "version": "5.4"}`)
)

func capturedFrames(t testing.TB) [][]byte {
	t.Helper()
	parts := [][]byte{capturedHeader, []byte("{}"), []byte("{}"), []byte("{}")}
	sig := (&Codec{key: capturedKey}).sign(parts)
	hexSig := []byte(hexString(sig))
	return append([][]byte{capturedIdentity, []byte(Delimiter), hexSig}, parts...)
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&15])
	}
	return sb.String()
}

func TestDecodeCapturedRequest(t *testing.T) {
	m, err := NewCodec(capturedKey).Decode(capturedFrames(t))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got, want := m.Header.MsgType, "kernel_info_request"; got != want {
		t.Errorf("msg_type = %q, want %q", got, want)
	}
	if got := string(m.Identities[0]); got != string(capturedIdentity) {
		t.Errorf("identity = %q, want %q", got, capturedIdentity)
	}
	if m.Parent != (Header{}) {
		t.Errorf("parent = %+v, want zero", m.Parent)
	}
}

func TestDecodeErrors(t *testing.T) {
	good := capturedFrames(t)
	replace := func(i int, b string) [][]byte {
		f := append([][]byte(nil), good...)
		f[i] = []byte(b)
		return f
	}
	tests := []struct {
		name   string
		frames [][]byte
		key    []byte
		want   error
	}{
		{"no frames", nil, capturedKey, ErrMalformed},
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, capturedKey, ErrMalformed},
		{"delimiter last", [][]byte{[]byte("id"), []byte(Delimiter)}, capturedKey, ErrMalformed},
		{"too few parts", good[:len(good)-1], capturedKey, ErrMalformed},
		{"tampered content", replace(6, `{"x": 1}`), capturedKey, ErrBadSignature},
		{"wrong key", good, []byte("another key"), ErrBadSignature},
		{"signature not hex", replace(2, "zz"), capturedKey, ErrBadSignature},
		{"empty signature", replace(2, ""), capturedKey, ErrBadSignature},
		{"bad header JSON without key", replace(3, `{"msg_id": `), nil, ErrMalformed},
		{"content not an object without key", replace(6, `[1,2]`), nil, ErrMalformed},
		{"metadata empty without key", replace(5, ``), nil, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCodec(tc.key).Decode(tc.frames)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		key  []byte
		msg  Msg
	}{
		{"signed reply with parent", []byte("k"), Msg{
			Identities: [][]byte{[]byte("peer")},
			Header:     NewHeader("execute_reply", "s1", "gophys"),
			Parent:     Header{MsgID: "m0", Session: "s0", MsgType: "execute_request", Version: "5.4"},
			Content:    json.RawMessage(`{"status":"ok","execution_count":1}`),
		}},
		{"unsigned with buffers and metadata", nil, Msg{
			Header:   NewHeader("comm_msg", "s", "u"),
			Metadata: json.RawMessage(`{"a": [1, 2]}`),
			Content:  json.RawMessage(`{"data": {}}`),
			Buffers:  [][]byte{{0, 1, 2}, {}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCodec(tc.key)
			frames, err := c.Encode(&tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.key) == 0 && len(frames[len(tc.msg.Identities)+1]) != 0 {
				t.Errorf("unsigned message has signature %q", frames[len(tc.msg.Identities)+1])
			}
			got, err := c.Decode(frames)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.msg
			if want.Metadata == nil {
				want.Metadata = json.RawMessage("{}")
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", *got, want)
			}
		})
	}
}

func TestNewHeader(t *testing.T) {
	h := NewHeader("status", "sess", "user")
	if h.Version != ProtocolVersion || h.MsgType != "status" || h.Session != "sess" || h.Username != "user" {
		t.Errorf("header fields = %+v", h)
	}
	// jupyter_client parses dates with microseconds; UTC ends in Z.
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`).MatchString(h.Date) {
		t.Errorf("date %q is not RFC 3339 UTC with microseconds", h.Date)
	}
	if _, err := time.Parse(time.RFC3339Nano, h.Date); err != nil {
		t.Errorf("date does not parse: %v", err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(h.MsgID) {
		t.Errorf("msg_id %q is not a UUID", h.MsgID)
	}
	if NewHeader("status", "", "").MsgID == h.MsgID {
		t.Error("two headers share a msg_id")
	}
}

// splitFrames turns one fuzz input into frames separated by NUL bytes (JSON
// frames never contain NUL).
func splitFrames(data []byte) [][]byte { return bytes.Split(data, []byte{0}) }

func FuzzDecode(f *testing.F) {
	f.Add(bytes.Join(capturedFrames(f), []byte{0}), capturedKey)
	f.Add(bytes.Join(capturedFrames(f), []byte{0}), []byte(nil))
	f.Add([]byte(Delimiter+"\x00\x00{}\x00{}\x00{}\x00{}\x00buf"), []byte(nil))
	f.Add([]byte("x\x00"+Delimiter), []byte("k"))
	f.Fuzz(func(t *testing.T, data, key []byte) {
		c := NewCodec(key)
		m, err := c.Decode(splitFrames(data))
		if err != nil {
			return
		}
		frames, err := c.Encode(m)
		if err != nil {
			t.Fatalf("Encode of a decoded message: %v", err)
		}
		m2, err := c.Decode(frames)
		if err != nil {
			t.Fatalf("Decode of re-encoded message: %v", err)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip changed the message:\n%+v\n%+v", m, m2)
		}
	})
}

func BenchmarkCodec(b *testing.B) {
	c := NewCodec(capturedKey)
	frames := capturedFrames(b)
	b.Run("op=decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Decode(frames); err != nil {
				b.Fatal(err)
			}
		}
	})
	m, err := c.Decode(frames)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("op=encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Encode(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
