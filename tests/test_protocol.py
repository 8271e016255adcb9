"""jupyter_kernel_test's conformance suite against the real gophys kernel.

Every sample attribute is set, so every test of KernelTests runs; none may be
skipped. (IopubWelcomeTests is protocol 5.5 and deliberately not imported:
gophys advertises 5.3, and zmq4's XPUB cannot see subscriptions.)
"""
import unittest

import jupyter_kernel_test


class GophysKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gophys"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "to stderr")'

    # test_completion checks the schema here; tests/test_kernel.py checks
    # the matches themselves without assuming where cursor_start lies.
    completion_samples = [{"text": "fmt.Print"}, {"text": "strings.ToUp"}]

    complete_code_samples = ["x := 1", 'fmt.Println("hi")', "func f() int { return 1 }"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "xs := []int{1,"]
    invalid_code_samples = ["x := )", "func ) {"]

    # The pager: `name?` returns a "page" payload, as IPython's `name?` does.
    code_page_something = "fmt.Println?"

    code_generate_error = 'panic("boom")'

    code_execute_result = [
        {"code": "1+2", "result": "3"},
        {"code": "6*7", "result": "42"},
    ]
    # Matches "6*7" only, which test_history runs several times.
    code_history_pattern = "6?7"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": 'display.HTML("<b>x</b>")', "mime": "text/html"},
        {"code": 'display.Markdown("*x*")', "mime": "text/markdown"},
    ]

    code_inspect_sample = "fmt.Println"

    code_clear_output = "display.Clear(false)"


if __name__ == "__main__":
    unittest.main()
