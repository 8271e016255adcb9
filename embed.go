package gophys

import _ "embed"

// KernelSpecTemplate is the repository's kernel.json: the kernelspec that
// `gophys install` writes, with argv[0] replaced by the binary's absolute path.
//
//go:embed kernel.json
var KernelSpecTemplate []byte

// Version is the gophys release this build reports.
const Version = "0.1.0"
