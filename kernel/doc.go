// Package kernel is the Jupyter protocol core of gophys: message types,
// request handlers, busy/idle status, execution counting, history, comms and
// stdin. It speaks protocol 5.3 over ZeroMQ and delegates running code to an
// Interpreter, so it knows nothing about Go evaluation (kernel/eval does).
package kernel
