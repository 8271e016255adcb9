package checkpoint_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/checkpoint"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
)

// handBuilt assembles a safetensors file from the format description
// (8-byte little-endian header size, JSON header, raw little-endian data),
// independently of Encode.
func handBuilt(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func f32le(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func TestDecodeHandBuiltFile(t *testing.T) {
	data := append(f32le(1.5, -2, 3, 4.25), binary.LittleEndian.AppendUint64(nil, math.Float64bits(0.125))...)
	header := `{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"s":{"dtype":"F64","shape":[],"data_offsets":[16,24]}}`
	c, err := checkpoint.Decode(handBuilt(header, data))
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Tensors["w"]; !slices.Equal(w.Shape(), []int{2, 2}) || !slices.Equal(w.Data(), []float32{1.5, -2, 3, 4.25}) {
		t.Errorf("w = %v %v", w.Shape(), w.Data())
	}
	if s := c.Tensors["s"]; s.Dims() != 0 || s.Item() != 0.125 {
		t.Errorf("s = %v (dims %d)", s.Item(), s.Dims())
	}
	if c.Metadata["format"] != "pt" {
		t.Errorf("metadata %v", c.Metadata)
	}
}

func TestEncodeLayout(t *testing.T) {
	tensors := map[string]*physnn.Tensor{
		"w": physnn.New([]float32{1, 2, 3}, 3),
		"a": physnn.Scalar(0.5),
	}
	b, err := checkpoint.Encode(tensors, map[string]string{"note": "hi"})
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(b)
	if n%8 != 0 {
		t.Errorf("header size %d is not a multiple of 8", n)
	}
	hdr := string(b[8 : 8+n])
	if trimmed := strings.TrimRight(hdr, " "); !strings.HasPrefix(hdr, "{") || !strings.HasSuffix(trimmed, "}") {
		t.Errorf("header %q is not a JSON object padded with spaces", hdr)
	}
	var parsed map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &parsed); err != nil {
		t.Fatal(err)
	}
	data := b[8+n:]
	if want := append(f32le(0.5), f32le(1, 2, 3)...); !slices.Equal(data, want) {
		t.Errorf("data section % x, want % x (tensors in name order)", data, want)
	}
	type entry struct {
		Dtype   string  `json:"dtype"`
		Shape   []int   `json:"shape"`
		Offsets []int64 `json:"data_offsets"`
	}
	wantEntries := map[string]entry{"a": {"F32", []int{}, []int64{0, 4}}, "w": {"F32", []int{3}, []int64{4, 16}}}
	for name, want := range wantEntries {
		var got entry
		if err := json.Unmarshal(parsed[name], &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Dtype != want.Dtype || !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Offsets, want.Offsets) {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
	var meta map[string]string
	if err := json.Unmarshal(parsed["__metadata__"], &meta); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if meta["sha256"] != hex.EncodeToString(sum[:]) || meta["note"] != "hi" {
		t.Errorf("metadata %v", meta)
	}
}

func TestDecodeRejects(t *testing.T) {
	good, err := checkpoint.Encode(map[string]*physnn.Tensor{"w": physnn.New([]float32{1, 2}, 2)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(good)
	flipped[len(flipped)-1] ^= 0x40
	cases := []struct {
		name   string
		b      []byte
		want   string
		target error
	}{
		{name: "corrupt data", b: flipped, target: checkpoint.ErrChecksum},
		{name: "truncated", b: good[:len(good)-3], want: "data_offsets"},
		{name: "too short", b: good[:5], want: "too short"},
		{name: "huge header size", b: append(binary.LittleEndian.AppendUint64(nil, 1<<40), '{', '}'), want: "exceeds"},
		{name: "not json", b: handBuilt("[1, 2]  ", nil), want: "not a UTF-8 JSON object"},
		{name: "bad dtype", b: handBuilt(`{"x":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`, []byte{0, 0}), want: `dtype "BF16"`},
		{name: "negative dim", b: handBuilt(`{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, f32le(1)), want: "shape [-1]"},
		{name: "size mismatch", b: handBuilt(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, f32le(1)), want: "do not hold 2"},
		{name: "hole", b: handBuilt(`{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32le(1, 2)), want: "overlap or hole"},
		{name: "overlap", b: handBuilt(`{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32le(1)), want: "overlap or hole"},
		{name: "trailing bytes", b: handBuilt(`{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32le(1, 2)), want: "cover 4"},
		{name: "metadata not strings", b: handBuilt(`{"__metadata__":{"a":1}}`, nil), want: "metadata"},
		{name: "empty name", b: handBuilt(`{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32le(1)), want: "empty name"},
		{name: "unknown field", b: handBuilt(`{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}}`, f32le(1)), want: "bad header entry"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkpoint.Decode(tc.b)
			if err == nil {
				t.Fatal("nil error")
			}
			if tc.want != "" && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			if tc.target != nil && !errors.Is(err, tc.target) {
				t.Errorf("error %v does not wrap %v", err, tc.target)
			}
		})
	}
}

func model(seed uint64, hidden int, act *nn.Lambda) *nn.Sequential {
	rng := physnn.NewRNG(seed)
	return nn.NewSequential(nn.NewDense(2, hidden, rng), nn.NewBatchNorm(hidden), act, nn.NewDense(hidden, 1, rng))
}

// trainSteps runs k Adam steps on fixed data.
func trainSteps(t *testing.T, m nn.Layer, opt optim.Optimizer, k int) {
	t.Helper()
	x := physnn.New([]float32{1, 2, -1, 0.5, 0, -2, 3, 1}, 4, 2)
	y := physnn.New([]float32{1, 0, -1, 2}, 4, 1)
	for range k {
		opt.ZeroGrad()
		if err := physnn.MSE(m.Forward(x), y).Backward(); err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
	}
}

func state(m nn.Layer) [][]float32 {
	var out [][]float32
	for _, p := range nn.StateTensors(m) {
		out = append(out, slices.Clone(p.Tensor.Data()))
	}
	return out
}

func sameState(a, b [][]float32) bool {
	return slices.EqualFunc(a, b, func(x, y []float32) bool { return slices.Equal(x, y) })
}

func TestModelRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	a := model(1, 8, nn.ReLU())
	optA := optim.NewAdam(a.Parameters(), optim.AdamConfig{LR: 0.01})
	trainSteps(t, a, optA, 3)
	if err := checkpoint.SaveModel(path, a, optA); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after Save, want only the checkpoint", len(entries))
	}

	b := model(2, 8, nn.ReLU())
	optB := optim.NewAdam(b.Parameters(), optim.AdamConfig{LR: 0.01})
	if err := checkpoint.LoadModel(path, b, optB); err != nil {
		t.Fatal(err)
	}
	if !sameState(state(a), state(b)) {
		t.Fatal("restored parameters and buffers differ")
	}
	// Running statistics are buffers: they must have moved from 0 and 1.
	if rm := b.Layers()[1].(*nn.BatchNorm).RunningMean.Data(); rm[0] == 0 {
		t.Error("batch-norm running mean not restored")
	}
	trainSteps(t, a, optA, 2)
	trainSteps(t, b, optB, 2)
	if !sameState(state(a), state(b)) {
		t.Error("training resumed from the checkpoint diverges from uninterrupted training")
	}
}

func TestLoadMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	saved := model(1, 8, nn.ReLU())
	if err := checkpoint.SaveModel(path, saved, optim.NewAdam(saved.Parameters(), optim.AdamConfig{})); err != nil {
		t.Fatal(err)
	}
	wider := model(3, 16, nn.ReLU())
	deeper := nn.NewSequential(nn.NewDense(2, 8, physnn.NewRNG(1)))
	cases := []struct {
		name  string
		model nn.Layer
		opt   func(m nn.Layer) optim.Optimizer
		want  string
	}{
		{"wider hidden layer", wider, nil, `tensor "0.weight" has shape [2 8] in the checkpoint, [2 16] in the model`},
		{"other activation", model(3, 8, nn.Tanh()), nil, "the checkpoint holds Sequential(Dense(2→8), BatchNorm(8), ReLU, Dense(8→1))"},
		{"missing layers in model", deeper, nil, "the model is Sequential(Dense(2→8))"},
		{"optimizer kind", model(3, 8, nn.ReLU()), func(m nn.Layer) optim.Optimizer {
			return optim.NewSGD(nn.Parameters(m), optim.SGDConfig{Momentum: 0.9})
		}, `"optimizer.default.0.momentum" is missing`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := state(tc.model)
			var opt optim.Optimizer
			if tc.opt != nil {
				opt = tc.opt(tc.model)
			}
			err := checkpoint.LoadModel(path, tc.model, opt)
			if !errors.Is(err, checkpoint.ErrArchMismatch) {
				t.Fatalf("error %v, want ErrArchMismatch", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			if !sameState(before, state(tc.model)) {
				t.Error("a failed load changed the model")
			}
		})
	}
}

func TestCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	m := model(1, 4, nn.ReLU())
	if err := checkpoint.SaveModel(path, m, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-2] ^= 1
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkpoint.LoadModel(path, m, nil); !errors.Is(err, checkpoint.ErrChecksum) {
		t.Errorf("error %v, want ErrChecksum", err)
	}
	if err := checkpoint.LoadModel(filepath.Join(t.TempDir(), "absent"), m, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v, want os.ErrNotExist", err)
	}
}

// Two models and their optimizers in one file, as a GAN would save them.
func TestSeveralModelsInOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gan.safetensors")
	gen, disc := model(1, 4, nn.ReLU()), model(2, 6, nn.Tanh())
	optG := optim.NewAdam(gen.Parameters(), optim.AdamConfig{})
	trainSteps(t, gen, optG, 2)
	c := checkpoint.New()
	c.AddModel("gen.", gen)
	c.AddModel("disc.", disc)
	c.AddOptimizer("gen_opt.", optG)
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := checkpoint.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	gen2, disc2 := model(5, 4, nn.ReLU()), model(6, 6, nn.Tanh())
	optG2 := optim.NewAdam(gen2.Parameters(), optim.AdamConfig{})
	for _, err := range []error{
		loaded.RestoreModel("gen.", gen2), loaded.RestoreModel("disc.", disc2), loaded.RestoreOptimizer("gen_opt.", optG2),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !sameState(state(gen), state(gen2)) || !sameState(state(disc), state(disc2)) {
		t.Error("restored models differ")
	}
	if err := loaded.RestoreModel("disc.", gen2); !errors.Is(err, checkpoint.ErrArchMismatch) {
		t.Errorf("discriminator into generator: %v, want ErrArchMismatch", err)
	}
}

func FuzzDecode(f *testing.F) {
	good, err := checkpoint.Encode(map[string]*physnn.Tensor{
		"w": physnn.New([]float32{1, 2, 3, 4}, 2, 2), "b": physnn.Scalar(1),
	}, map[string]string{"architecture": "x"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(handBuilt(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add(handBuilt(`{"x":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]}}`, nil))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := checkpoint.Decode(b)
		if err != nil {
			return
		}
		// Whatever decodes must survive a round trip unchanged.
		again, err := checkpoint.Encode(c.Tensors, c.Metadata)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		c2, err := checkpoint.Decode(again)
		if err != nil {
			t.Fatalf("decode of re-encoded file: %v", err)
		}
		for name, tensor := range c.Tensors {
			got := c2.Tensors[name]
			if got == nil || !slices.Equal(got.Shape(), tensor.Shape()) ||
				!slices.EqualFunc(got.Data(), tensor.Data(), func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }) {
				t.Fatalf("tensor %q changed in the round trip", name)
			}
		}
	})
}
