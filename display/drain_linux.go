package display

import (
	"time"

	"golang.org/x/sys/unix"
)

// drainStdio is Flush's fallback for publishers that cannot flush standard
// output themselves. The kernel captures file descriptors 1 and 2 with
// pipes whose reader forwards the text to the cell; drainStdio waits until
// those pipes hold no unread bytes and then gives the reader a few
// milliseconds to hand on what it read last. It gives up after about
// 200 ms, and costs nothing when the descriptors are not pipes (a
// terminal, a file, a test).
func drainStdio() {
	deadline := time.Now().Add(200 * time.Millisecond)
	pipes := false
	for _, fd := range []int{1, 2} {
		var st unix.Stat_t
		if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
			continue
		}
		pipes = true
		for time.Now().Before(deadline) {
			n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
			if err != nil || n == 0 {
				break
			}
			time.Sleep(200 * time.Microsecond)
		}
	}
	if pipes {
		time.Sleep(drainSettle)
	}
}

// drainSettle is how long the pipe reader gets to pass on the text it read
// last; its work is microseconds, the margin is for a loaded machine.
const drainSettle = 5 * time.Millisecond
