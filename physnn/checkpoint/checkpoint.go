package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
)

// ErrChecksum means the data section does not match the SHA-256 stored in
// the header: the file is corrupt or was truncated.
var ErrChecksum = errors.New("checkpoint: checksum mismatch")

// ErrArchMismatch means the file does not fit the model or optimizer it is
// loaded into: a tensor is missing, has another shape, or the architecture
// description differs. The error message names the tensor.
var ErrArchMismatch = errors.New("checkpoint: architecture mismatch")

// Checkpoint is a set of named tensors with string metadata, as stored in a
// safetensors file. Several models and optimizers fit in one checkpoint
// under different prefixes (two halves of a GAN, with their optimizers).
type Checkpoint struct {
	Tensors  map[string]*physnn.Tensor
	Metadata map[string]string
}

// New returns an empty checkpoint.
func New() *Checkpoint {
	return &Checkpoint{Tensors: map[string]*physnn.Tensor{}, Metadata: map[string]string{}}
}

// archKey is the metadata key of the architecture stored under prefix.
func archKey(prefix string) string {
	if prefix == "" {
		return "architecture"
	}
	return "architecture:" + prefix
}

// AddModel adds model's parameters and buffers (nn.StateTensors) under
// prefix+name, e.g. "gen.0.weight" for prefix "gen.", and records the
// model's architecture (nn.Describe) in the metadata. The tensors are shared,
// not copied, until Save.
func (c *Checkpoint) AddModel(prefix string, model nn.Layer) {
	for _, t := range nn.StateTensors(model) {
		c.Tensors[prefix+t.Name] = t.Tensor
	}
	c.Metadata[archKey(prefix)] = nn.Describe(model)
}

// AddOptimizer adds the optimizer's state (moments and step counts) under
// prefix+name.
func (c *Checkpoint) AddOptimizer(prefix string, opt optim.Optimizer) {
	for name, t := range opt.State() {
		c.Tensors[prefix+name] = t
	}
}

// Save writes the checkpoint to path atomically: it writes a temporary file
// in the same directory, syncs it to disk and renames it over path, so a
// crash leaves either the old file or the new one, never a torn one.
func (c *Checkpoint) Save(path string) error {
	b, err := Encode(c.Tensors, c.Metadata)
	if err != nil {
		return fmt.Errorf("save checkpoint %s: %w", path, err)
	}
	if err := writeAtomic(path, b); err != nil {
		return fmt.Errorf("save checkpoint %s: %w", path, err)
	}
	return nil
}

func writeAtomic(path string, b []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	// Sync the directory so the rename itself survives a crash; some file
	// systems do not support it, which is not an error worth failing for.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Load reads and verifies a safetensors file.
func Load(path string) (*Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	c, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	return c, nil
}

// RestoreModel copies the tensors stored under prefix into model's
// parameters and buffers. Every model tensor must be present with the same
// shape, and the stored architecture (if any) must equal the model's;
// otherwise it returns an error wrapping ErrArchMismatch that names the
// first offending tensor, and the model is unchanged.
func (c *Checkpoint) RestoreModel(prefix string, model nn.Layer) error {
	state := nn.StateTensors(model)
	for _, t := range state {
		if err := c.check(prefix+t.Name, t.Tensor); err != nil {
			return err
		}
	}
	if stored, ok := c.Metadata[archKey(prefix)]; ok {
		if have := nn.Describe(model); stored != have {
			return fmt.Errorf("%w: the checkpoint holds %s, the model is %s", ErrArchMismatch, stored, have)
		}
	}
	for _, t := range state {
		copy(t.Tensor.Values(), c.Tensors[prefix+t.Name].Data())
	}
	return nil
}

// RestoreOptimizer copies the optimizer state stored under prefix into
// opt, which must be of the same kind over parameters of the same shapes
// (errors wrap ErrArchMismatch and name the tensor; opt is then unchanged).
func (c *Checkpoint) RestoreOptimizer(prefix string, opt optim.Optimizer) error {
	sub, err := c.optimizerState(prefix, opt)
	if err != nil {
		return err
	}
	return loadState(opt, sub)
}

func loadState(opt optim.Optimizer, state map[string]*physnn.Tensor) error {
	if err := opt.LoadState(state); err != nil {
		return fmt.Errorf("%w: %w", ErrArchMismatch, err)
	}
	return nil
}

// optimizerState checks and returns the stored state of opt under prefix,
// keyed by opt's own state names.
func (c *Checkpoint) optimizerState(prefix string, opt optim.Optimizer) (map[string]*physnn.Tensor, error) {
	own := opt.State()
	sub := make(map[string]*physnn.Tensor, len(own))
	names := make([]string, 0, len(own))
	for name := range own {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := c.check(prefix+name, own[name]); err != nil {
			return nil, err
		}
		sub[name] = c.Tensors[prefix+name]
	}
	// Stored state for parameters the optimizer does not have means the
	// parameter groups differ.
	if prefix != "" {
		for name := range c.Tensors {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				if _, known := own[rest]; !known {
					return nil, fmt.Errorf("%w: optimizer state %q in the checkpoint has no counterpart in the optimizer", ErrArchMismatch, name)
				}
			}
		}
	}
	return sub, nil
}

func (c *Checkpoint) check(name string, want *physnn.Tensor) error {
	got, ok := c.Tensors[name]
	if !ok {
		return fmt.Errorf("%w: tensor %q is missing from the checkpoint", ErrArchMismatch, name)
	}
	if !slices.Equal(got.Shape(), want.Shape()) {
		return fmt.Errorf("%w: tensor %q has shape %v in the checkpoint, %v in the model", ErrArchMismatch, name, got.Shape(), want.Shape())
	}
	return nil
}

// optimizerPrefix is where SaveModel stores the optimizer state, apart from
// the model's own tensor names (which PyTorch users load unchanged).
const optimizerPrefix = "optimizer."

// SaveModel saves model (and opt's state, if opt is not nil, under
// "optimizer.") to path atomically.
func SaveModel(path string, model nn.Layer, opt optim.Optimizer) error {
	c := New()
	c.AddModel("", model)
	if opt != nil {
		c.AddOptimizer(optimizerPrefix, opt)
	}
	return c.Save(path)
}

// LoadModel restores a file written by SaveModel into model (and opt, if
// not nil). Errors wrap ErrChecksum for a corrupt file and ErrArchMismatch
// for a file of another architecture, naming the tensor; everything is
// checked before anything is copied, so on error model and opt are
// unchanged.
func LoadModel(path string, model nn.Layer, opt optim.Optimizer) error {
	c, err := Load(path)
	if err != nil {
		return err
	}
	var state map[string]*physnn.Tensor
	if opt != nil {
		if state, err = c.optimizerState(optimizerPrefix, opt); err != nil {
			return fmt.Errorf("load checkpoint %s: %w", path, err)
		}
	}
	if err := c.RestoreModel("", model); err != nil {
		return fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	if opt != nil {
		if err := loadState(opt, state); err != nil {
			return fmt.Errorf("load checkpoint %s: %w", path, err)
		}
	}
	return nil
}
