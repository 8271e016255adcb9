package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Delimiter separates the routing identities from the signed message parts.
const Delimiter = "<IDS|MSG>"

// ProtocolVersion is the Jupyter messaging protocol version gophys speaks and
// writes into every header it creates.
const ProtocolVersion = "5.3"

// DateLayout is RFC 3339 with microseconds, the precision jupyter_client
// writes; headers created here are always in UTC.
const DateLayout = "2006-01-02T15:04:05.000000Z07:00"

var (
	// ErrBadSignature reports a message whose HMAC does not match its
	// content; the kernel drops such messages.
	ErrBadSignature = errors.New("wire: bad message signature")
	// ErrMalformed reports frames that are not a Jupyter message (missing
	// delimiter, too few frames, invalid JSON).
	ErrMalformed = errors.New("wire: malformed message")
)

// Header is a message header (and, for replies, the parent header).
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// NewHeader returns a header for a new message of msgType in session, with a
// fresh random msg_id and the current UTC time.
func NewHeader(msgType, session, username string) Header {
	return Header{
		MsgID:    NewID(),
		Session:  session,
		Username: username,
		Date:     time.Now().UTC().Format(DateLayout),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
}

// NewID returns a random 128-bit identifier formatted like a UUID, as
// jupyter_client uses for msg_id and session.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // crypto/rand.Read never returns an error on supported platforms.
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// Msg is one Jupyter message. Metadata and Content hold JSON objects exactly
// as received (or as the sender marshalled them); nil encodes as {}.
type Msg struct {
	Identities [][]byte // ZeroMQ routing prefix (ROUTER peers, or the PUB topic)
	Header     Header
	Parent     Header // the zero Header encodes as {} (no parent)
	Metadata   json.RawMessage
	Content    json.RawMessage
	Buffers    [][]byte // binary buffers after the content frame
}

// Codec signs and verifies messages with one HMAC-SHA256 key.
type Codec struct {
	key []byte
}

// NewCodec returns a Codec for key. An empty key disables signing and
// verification, as the protocol specifies.
func NewCodec(key []byte) *Codec {
	return &Codec{key: bytes.Clone(key)}
}

// Decode parses frames into a Msg, verifying the signature unless the key
// is empty. Errors wrap ErrMalformed or are ErrBadSignature.
func (c *Codec) Decode(frames [][]byte) (*Msg, error) {
	delim := -1
	for i, f := range frames {
		if string(f) == Delimiter {
			delim = i
			break
		}
	}
	if delim < 0 {
		return nil, fmt.Errorf("%w: no %s delimiter in %d frames", ErrMalformed, Delimiter, len(frames))
	}
	// The delimiter is followed by signature, header, parent, metadata, content.
	const signedParts = 5
	if len(frames)-delim-1 < signedParts {
		return nil, fmt.Errorf("%w: %d frames after the delimiter, want at least %d",
			ErrMalformed, len(frames)-delim-1, signedParts)
	}
	sig := frames[delim+1]
	parts := frames[delim+2 : delim+6]
	if len(c.key) > 0 {
		want := c.sign(parts)
		got := make([]byte, hex.DecodedLen(len(sig)))
		if n, err := hex.Decode(got, sig); err != nil || n != len(want) || !hmac.Equal(got[:n], want) {
			return nil, ErrBadSignature
		}
	}
	m := &Msg{}
	if delim > 0 {
		m.Identities = cloneFrames(frames[:delim])
	}
	if err := json.Unmarshal(parts[0], &m.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if err := json.Unmarshal(parts[1], &m.Parent); err != nil {
		return nil, fmt.Errorf("%w: parent_header: %v", ErrMalformed, err)
	}
	for _, p := range []struct {
		name string
		data []byte
		dst  *json.RawMessage
	}{{"metadata", parts[2], &m.Metadata}, {"content", parts[3], &m.Content}} {
		if !isJSONObject(p.data) {
			return nil, fmt.Errorf("%w: %s is not a JSON object", ErrMalformed, p.name)
		}
		*p.dst = bytes.Clone(p.data)
	}
	if rest := frames[delim+6:]; len(rest) > 0 {
		m.Buffers = cloneFrames(rest)
	}
	return m, nil
}

// Encode returns m's frames, signed with the codec's key.
func (c *Codec) Encode(m *Msg) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	parent := []byte("{}")
	if m.Parent != (Header{}) {
		if parent, err = json.Marshal(m.Parent); err != nil {
			return nil, fmt.Errorf("encode parent_header: %w", err)
		}
	}
	metadata, content := objectOrEmpty(m.Metadata), objectOrEmpty(m.Content)
	parts := [][]byte{header, parent, metadata, content}
	var sig []byte
	if len(c.key) > 0 {
		mac := c.sign(parts)
		sig = make([]byte, hex.EncodedLen(len(mac)))
		hex.Encode(sig, mac)
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, []byte(Delimiter), sig)
	frames = append(frames, parts...)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

func (c *Codec) sign(parts [][]byte) []byte {
	mac := hmac.New(sha256.New, c.key)
	for _, p := range parts {
		mac.Write(p)
	}
	return mac.Sum(nil)
}

func objectOrEmpty(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return []byte("{}")
	}
	return raw
}

// isJSONObject reports whether data is valid JSON whose top-level value is an
// object.
func isJSONObject(data []byte) bool {
	if !json.Valid(data) {
		return false
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '{'
}

func cloneFrames(frames [][]byte) [][]byte {
	out := make([][]byte, len(frames))
	for i, f := range frames {
		out[i] = bytes.Clone(f)
	}
	return out
}
