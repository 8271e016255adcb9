// Package zmqconn binds the five ZeroMQ sockets a Jupyter kernel listens on,
// as named by a connection file, using the pure-Go go-zeromq/zmq4. It is the
// only package in gophys that imports zmq4.
//
//	info, err := zmqconn.ReadConnectionFile(path)
//	conn, err := zmqconn.Listen(info, zmqconn.Options{Logger: logger})
//	defer conn.Close()
//	for frames := range conn.Incoming(zmqconn.Shell) { ... }
//	conn.Send(zmqconn.Shell, reply)
//
// # Sockets and goroutines
//
// shell, control and stdin are ROUTER sockets, iopub is PUB and the heartbeat
// is REP. Each receiving socket has one goroutine that moves arriving
// multipart messages into a Go channel (Incoming); the heartbeat goroutine
// echoes every message straight back. Sends on one socket are serialised by a
// mutex, because zmq4 sockets are not safe for concurrent writers.
//
// IOPub sends never block the caller: messages go into a bounded queue drained
// by one goroutine; when the queue is full (a frontend that stopped reading),
// the message is dropped and counted, and a warning is logged. The PUB
// socket's own high-water mark is set explicitly (zmq4 v0.17.0 defaults to 0,
// unbounded).
package zmqconn
