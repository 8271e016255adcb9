//go:build !linux

package display

// drainStdio does nothing where the pipes cannot be asked for their unread
// bytes; the kernel runs on Linux.
func drainStdio() {}
