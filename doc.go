// Package gophys is the root of the gophys module: a Jupyter kernel for Go
// (package kernel and its yaegi adapter kernel/eval), a compiled deep-learning
// library for physicists (package physnn and its subpackages), and the rich
// displays that connect the two (package display).
//
// The root package only embeds the kernelspec template kernel.json, because
// go:embed cannot reach files above a package's directory.
package gophys
