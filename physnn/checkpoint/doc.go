// Package checkpoint saves and loads physnn models, optimizer state and any
// other named tensors as safetensors files, the format PyTorch, JAX and the
// Hugging Face tools read.
//
//	err := checkpoint.SaveModel("net.safetensors", model, opt)
//	...
//	err = checkpoint.LoadModel("net.safetensors", model, opt)
//
// # Format
//
// A file is an 8-byte little-endian header size, a JSON header mapping each
// tensor name to its dtype ("F32"), shape and byte range, and the raw
// little-endian data, as specified at https://github.com/huggingface/safetensors.
// The header's "__metadata__" map holds "sha256", the hex SHA-256 of the data
// section, and "architecture" (nn.Describe of the model). Model tensors use
// the model's parameter and buffer names ("0.weight", "1.running_mean"), so
// PyTorch's safetensors.torch.load_file reads them directly (note that
// nn.Dense stores its weight as [in, out], the transpose of nn.Linear's);
// SaveModel stores optimizer state under "optimizer.". F64 tensors from other
// tools load as float32.
//
// # Several models
//
// A [Checkpoint] holds any set of named tensors: AddModel and AddOptimizer
// put models and optimizers under prefixes ("gen.", "disc.", "gen_opt."),
// and RestoreModel and RestoreOptimizer take them back out.
//
// # Safety
//
// Save writes a temporary file in the target directory, syncs it and renames
// it over the target, so a crash never leaves a torn checkpoint. Load checks
// the layout (sizes, offsets that tile the data section exactly, a 100 MB
// header limit) and the checksum: a corrupt file gives an error wrapping
// [ErrChecksum]. Restoring into a model or optimizer whose tensor names,
// shapes or architecture differ gives an error wrapping [ErrArchMismatch]
// that names the tensor, and changes nothing. No function panics on a bad
// file.
package checkpoint
