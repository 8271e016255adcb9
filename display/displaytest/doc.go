// Package displaytest provides a [display.Publisher] that records what it is
// sent, for tests of code that displays (as net/http/httptest does for HTTP).
//
//	rec := displaytest.NewRecorder()
//	display.SetPublisher(rec)
//	defer display.SetPublisher(nil)
//	display.HTML("<b>x</b>")
//	got := rec.Published() // one bundle with text/html and text/plain
package displaytest
