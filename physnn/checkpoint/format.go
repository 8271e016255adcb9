package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/gophys/gophys/physnn"
)

// The safetensors layout (https://github.com/huggingface/safetensors,
// README "Format"): an 8-byte little-endian unsigned header size N, N bytes
// of UTF-8 JSON mapping each tensor name to {"dtype", "shape",
// "data_offsets": [begin, end)} (offsets relative to the data section) plus
// an optional "__metadata__" string→string map, then the data section of
// raw little-endian values, fully covered by the tensors without holes.

const (
	metadataKey = "__metadata__"
	// ChecksumKey is the metadata key holding the hex SHA-256 of the data
	// section.
	ChecksumKey = "sha256"
	// maxHeaderSize bounds the JSON header, as the reference implementation
	// does (100 MB), so a corrupt size field cannot exhaust memory.
	maxHeaderSize = 100 << 20
)

type headerEntry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Encode returns the safetensors bytes of tensors and metadata. Tensors are
// laid out in name order as float32 ("F32"); the SHA-256 of the data
// section is added to the metadata under ChecksumKey. The header is padded
// with spaces to a multiple of 8 bytes so the data section is aligned.
func Encode(tensors map[string]*physnn.Tensor, metadata map[string]string) ([]byte, error) {
	names := make([]string, 0, len(tensors))
	for name := range tensors {
		names = append(names, name)
	}
	sort.Strings(names)
	header := make(map[string]any, len(tensors)+1)
	var data []byte
	for _, name := range names {
		t := tensors[name]
		switch {
		case name == metadataKey:
			return nil, fmt.Errorf("checkpoint: %q is reserved for metadata", name)
		case name == "" || !utf8.ValidString(name):
			return nil, fmt.Errorf("checkpoint: invalid tensor name %q", name)
		case t == nil:
			return nil, fmt.Errorf("checkpoint: tensor %q is nil", name)
		case t.Err() != nil:
			return nil, fmt.Errorf("checkpoint: tensor %q: %w", name, t.Err())
		}
		begin := int64(len(data))
		for _, v := range t.Data() {
			data = binary.LittleEndian.AppendUint32(data, math.Float32bits(v))
		}
		shape := t.Shape()
		if shape == nil {
			shape = []int{}
		}
		header[name] = headerEntry{Dtype: "F32", Shape: shape, DataOffsets: [2]int64{begin, int64(len(data))}}
	}
	meta := make(map[string]string, len(metadata)+1)
	for k, v := range metadata {
		meta[k] = v
	}
	sum := sha256.Sum256(data)
	meta[ChecksumKey] = hex.EncodeToString(sum[:])
	header[metadataKey] = meta
	js, err := json.Marshal(header)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: encode header: %w", err)
	}
	if pad := len(js) % 8; pad != 0 {
		js = append(js, bytes.Repeat([]byte{' '}, 8-pad)...)
	}
	out := make([]byte, 8, 8+len(js)+len(data))
	binary.LittleEndian.PutUint64(out, uint64(len(js)))
	out = append(append(out, js...), data...)
	return out, nil
}

// Decode parses safetensors bytes into a Checkpoint. It accepts F32 and F64
// tensors (F64 is converted to float32) and verifies the data section's
// SHA-256 when the metadata holds one (files written by other tools may
// not); a mismatch returns an error wrapping ErrChecksum.
func Decode(b []byte) (*Checkpoint, error) {
	entries, meta, data, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if want, ok := meta[ChecksumKey]; ok {
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != want {
			return nil, fmt.Errorf("%w: data section has SHA-256 %s, header says %s", ErrChecksum, got, want)
		}
	}
	c := &Checkpoint{Tensors: make(map[string]*physnn.Tensor, len(entries)), Metadata: meta}
	for name, e := range entries {
		raw := data[e.DataOffsets[0]:e.DataOffsets[1]]
		var vals []float32
		switch e.Dtype {
		case "F32":
			vals = make([]float32, len(raw)/4)
			for i := range vals {
				vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		case "F64":
			vals = make([]float32, len(raw)/8)
			for i := range vals {
				vals[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:])))
			}
		}
		var t *physnn.Tensor
		if len(e.Shape) == 0 {
			t = physnn.Scalar(vals[0]) // New without a shape would make it 1-D
		} else {
			t = physnn.New(vals, e.Shape...)
		}
		if err := t.Err(); err != nil {
			return nil, fmt.Errorf("checkpoint: tensor %q: %w", name, err)
		}
		c.Tensors[name] = t
	}
	return c, nil
}

// parseHeader validates the layout and returns the tensor entries, the
// metadata and the data section.
func parseHeader(b []byte) (map[string]headerEntry, map[string]string, []byte, error) {
	if len(b) < 8 {
		return nil, nil, nil, fmt.Errorf("checkpoint: %d bytes is too short for a safetensors file", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > maxHeaderSize || n > uint64(len(b)-8) {
		return nil, nil, nil, fmt.Errorf("checkpoint: header size %d exceeds the file (%d bytes) or the %d-byte limit", n, len(b), maxHeaderSize)
	}
	hdr := b[8 : 8+n]
	if len(hdr) == 0 || hdr[0] != '{' || !utf8.Valid(hdr) {
		return nil, nil, nil, errors.New("checkpoint: header is not a UTF-8 JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint: header: %w", err)
	}
	data := b[8+n:]
	meta := map[string]string{}
	if m, ok := raw[metadataKey]; ok {
		if err := json.Unmarshal(m, &meta); err != nil {
			return nil, nil, nil, fmt.Errorf("checkpoint: metadata must map strings to strings: %w", err)
		}
		delete(raw, metadataKey)
	}
	entries := make(map[string]headerEntry, len(raw))
	type span struct {
		begin, end int64
		name       string
	}
	spans := make([]span, 0, len(raw))
	for name, r := range raw {
		if name == "" {
			return nil, nil, nil, errors.New("checkpoint: header has a tensor with an empty name")
		}
		var e headerEntry
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, nil, nil, fmt.Errorf("checkpoint: tensor %q: bad header entry: %w", name, err)
		}
		size := int64(0)
		switch e.Dtype {
		case "F32":
			size = 4
		case "F64":
			size = 8
		default:
			return nil, nil, nil, fmt.Errorf("checkpoint: tensor %q: dtype %q not supported (F32 and F64 are)", name, e.Dtype)
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && count > int64(len(data))/int64(d)) {
				return nil, nil, nil, fmt.Errorf("checkpoint: tensor %q: shape %v does not fit the %d-byte data section", name, e.Shape, len(data))
			}
			count *= int64(d)
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin < 0 || end < begin || end > int64(len(data)) || end-begin != count*size {
			return nil, nil, nil, fmt.Errorf("checkpoint: tensor %q: data_offsets [%d, %d) do not hold %d %s values within %d bytes",
				name, begin, end, count, e.Dtype, len(data))
		}
		if e.Shape == nil {
			e.Shape = []int{}
		}
		entries[name] = e
		spans = append(spans, span{begin, end, name})
	}
	// The tensors must tile the data section exactly: no overlaps, no holes.
	slices.SortFunc(spans, func(a, b span) int {
		if a.begin != b.begin {
			return int(a.begin - b.begin)
		}
		return int(a.end - b.end)
	})
	pos := int64(0)
	for _, s := range spans {
		if s.begin != pos {
			return nil, nil, nil, fmt.Errorf("checkpoint: tensor %q starts at byte %d of the data section, want %d (overlap or hole)", s.name, s.begin, pos)
		}
		pos = s.end
	}
	if pos != int64(len(data)) {
		return nil, nil, nil, fmt.Errorf("checkpoint: data section has %d bytes, the tensors cover %d", len(data), pos)
	}
	return entries, meta, data, nil
}
