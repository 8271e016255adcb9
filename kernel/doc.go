// Package kernel is the Jupyter protocol core of gophys: message types,
// request handlers, busy/idle status, execution counting, history, comms and
// stdin. It speaks protocol 5.3 and delegates running code to an
// Interpreter, so it knows nothing about Go evaluation (kernel/eval does),
// and it moves frames through a Transport, so it knows nothing about
// sockets (ListenZMQ binds the real ones; kernel/kerneltest has an
// in-memory one).
//
//	info, err := kernel.ReadConnectionFile(path)
//	tr, err := kernel.ListenZMQ(info, logger)
//	k, err := kernel.New(kernel.Config{Interpreter: interp, Transport: tr, Key: []byte(info.Key)})
//	err = k.Run(ctx) // returns after shutdown_request
//
// # Dispatch
//
// One table (handlers.go) maps each msg_type constant to its handler. Every
// request is served between a busy and an idle status message whose parent
// is that request, and every request gets a reply: a type the table lacks is
// answered with "<name>_reply" {status: "error", ename:
// "UnsupportedRequest"}. Messages with a bad signature, malformed frames and
// non-request messages are logged (log/slog) and dropped; the kernel keeps
// running.
//
// # Concurrency
//
// Shell requests are served in order by one worker, except comm_open,
// comm_msg, comm_close and comm_info, which a second worker serves so that
// widget messages are handled while a cell runs. Control requests
// (kernel_info, interrupt, shutdown) are served on their own goroutine, so
// interrupt and shutdown work during a cell. Interpreter.Execute is never
// called concurrently with itself.
//
// # Output
//
// The Output passed to Execute batches stream text for up to FlushInterval
// (50 ms), keeps it in order with displays and errors, flushes it before
// execute_reply, and caps it per cell (DefaultStreamLimit, 10 MiB; see
// StreamLimiter) with a note saying how much was dropped. IOPub never
// blocks the interpreter: the transport queues and drops when a frontend
// stops reading.
//
// # History
//
// Executed cells are kept as (session, line, input[, output]) like IPython's
// history and appended to a JSON-lines file (Config.HistoryFile; the command
// uses gophys/history.jsonl in the Jupyter data directory). Sessions are
// numbered across restarts; history_request supports tail, range and glob
// search with unique and n.
//
// # Comms
//
// RegisterCommTarget serves comm_open from the frontend; OpenComm opens a
// comm from the kernel side (widgets). A comm_open for an unknown target is
// answered with comm_close at once. The built-in target EchoTarget
// ("gophys.echo") echoes every comm_msg, for tests and connectivity checks.
package kernel
