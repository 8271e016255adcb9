// Package kerneltest runs a gophys kernel without sockets, for tests: an
// in-memory [Transport] that records everything the kernel sends, a [Client]
// that speaks the protocol over it as jupyter_client would, and a scriptable
// fake [Interpreter].
//
//	k, c := kerneltest.Start(t, kerneltest.NewInterpreter(), kernel.Config{})
//	id := c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "print hi"})
//	reply := c.WaitReply(t, id)
//	outputs := c.WaitIdle(t, id)
//
// It plays the role net/http/httptest plays for net/http (and xeus's mock
// server for xeus): fakes in a sibling package, reusable by every caller's
// tests. All types are safe for concurrent use.
package kerneltest
