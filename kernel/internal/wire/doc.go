// Package wire converts between ZeroMQ multipart frames and Jupyter messages.
//
// A Jupyter message on the wire is
//
//	[identities...] "<IDS|MSG>" signature header parent_header metadata content [buffers...]
//
// Decode verifies the HMAC-SHA256 signature over the four JSON frames exactly
// as received (in constant time) and returns a [Msg]; Encode builds the frames
// and signs them. A Codec whose key is empty neither signs nor verifies, as
// the protocol specifies for connection files with an empty key.
//
//	c := wire.NewCodec(key)
//	msg, err := c.Decode(frames)
//	if errors.Is(err, wire.ErrBadSignature) { /* drop and log */ }
//	frames, err = c.Encode(reply)
//
// # Errors
//
// Decode never panics on hostile input: a missing delimiter, too few frames
// or invalid JSON yield an error wrapping [ErrMalformed]; a signature that
// does not match yields [ErrBadSignature]. Callers drop such messages.
//
// # Concurrency
//
// A Codec is immutable and safe for concurrent use.
package wire
