// Package widgets speaks the Jupyter widget protocol of ipywidgets 8, so
// JupyterLab's standard widget manager (jupyterlab_widgets) shows sliders,
// dropdowns, buttons, checkboxes, text fields, output areas and boxes that
// Go code creates and observes:
//
//	s, err := widgets.NewIntSlider("epochs", 1, 100, 1, 10)
//	s.OnChange(func(v int) { fmt.Println("epochs:", v) })
//	s.Display()
//
// and [Interact] re-renders a function's result, a plot for example, as its
// controls move:
//
//	widgets.Interact(func(b float64) *plot.Plot { return decode(b) },
//		widgets.FloatRange("b", 0.4, 1.2, 0.01))
//
// # Overview
//
// Each widget is a model in the frontend, kept in sync over one comm on the
// "jupyter.widget" target (comm metadata {version: "2.1.0"}). Its state
// names the JavaScript model and view (@jupyter-widgets/controls 2.0.0,
// base 2.0.0, output 1.0.0); every visible widget refers to a Layout model
// and, where ipywidgets has one, a style model as "IPY_MODEL_<id>", opened
// just before it. A widget is shown by Display, or by being a cell's final
// value, as display_data of type application/vnd.jupyter.widget-view+json
// with a text/plain fallback and a static text/html snapshot of its state
// (control values, an Output's contents with plots as images), which
// JupyterLab's widget manager outranks and HTML reports show.
//
// From the frontend the package handles update (the new values are checked,
// echoed back as echo_update as protocol 2.1.0 asks, stored, and then the
// callbacks run), request_state (the full state), custom messages (a
// Button's clicks) and comm_close. The "jupyter.widget.control" target
// answers request_states with update_states for every live widget, and the
// kernel's comm_info lists the widgets' comms, so a reloaded page gets its
// widgets back. Changes made from Go (SetValue) send update and run the same
// callbacks; setting a value a widget already has sends nothing.
//
// [Output] is filled directly, the kernel writing its outputs state in
// nbformat's layout (Show, Append, Print, Clear), or by capture as
// ipywidgets' `with out:` does: [Output.Capture] sets the area's msg_id to
// the request the kernel serves (the cell's execute_request, or in a widget
// callback the comm message that triggered it) and the frontend routes the
// outputs of that request into the area until msg_id is cleared. The kernel
// tells widgets which request it serves through [Parents].
//
// # The kernel connection
//
// The package never imports the kernel. The command that runs the kernel
// installs a [Comms] with [SetComms]; without one (tests, scripts) creating
// a widget fails with [ErrNoKernel].
//
// # Concurrency and errors
//
// Widget messages are handled while a cell runs: callbacks (OnChange,
// OnClick and Interact's function) run on the kernel's comm goroutine,
// concurrently with the cell, one message at a time, so a slider can steer a
// training in progress. Keep them short: the next widget message waits for
// them. Share data between a callback and a cell through a channel, a mutex
// or an atomic value. A callback's output goes to the running cell, or to
// the most recent one. A panicking callback is recovered and reported on
// standard error, which the kernel shows in that cell; values the frontend
// sends that do not fit a widget (a fractional IntSlider value, an index out
// of range) are refused and reported the same way. All methods are safe for
// concurrent use; after Close they return [ErrClosed].
package widgets
