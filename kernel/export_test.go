package kernel

// ZMQAddr exposes the bound address of a ZeroMQ transport's socket to the
// external tests.
func ZMQAddr(tr Transport, socket string) string { return tr.(zmqTransport).addr(socket) }
