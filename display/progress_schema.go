package display

// ProgressPayload is the JSON sent under [MIMEProgress] (schema version 1):
// the whole state of one progress display, resent in full by every update,
// so a renderer only ever draws the latest payload.
//
// Example (abridged):
//
//	{"version":1,"title":"training","status":"running","current":120,"total":500,
//	 "unit":"step","epoch":3,"epochs":10,"elapsed_s":4.2,"eta_s":13.3,
//	 "series":[{"name":"batch loss","x":[1,2,...],"y":[0.9,0.7,...]},
//	           {"name":"val loss","x":[50,100],"y":[0.5,0.4]}],
//	 "metrics":{"train loss":0.41,"val loss":0.4}}
type ProgressPayload struct {
	// Version is the schema version, 1 ([SchemaVersion]).
	Version int `json:"version"`
	// Title labels the display; may be empty.
	Title string `json:"title,omitempty"`
	// Status is "running" while work goes on, then "done" (finished),
	// "stopped" (ended early: early stopping, a callback, or an interrupt
	// from the kernel) or "error" (see Error).
	Status string `json:"status"`
	// Error says why when Status is "error", or "stopped" by an interrupt;
	// plain text, never HTML.
	Error string `json:"error,omitempty"`
	// Current counts the units done; Total the units planned, 0 when unknown
	// (the renderer then shows a count without a bar).
	Current int `json:"current"`
	Total   int `json:"total"`
	// Unit names what Current counts, such as "step".
	Unit string `json:"unit"`
	// Epoch is the epoch in progress (1-based) and Epochs those configured;
	// both 0 when the work has no epochs.
	Epoch  int `json:"epoch"`
	Epochs int `json:"epochs"`
	// ElapsedSeconds is the time since the display started; ETASeconds the
	// estimated time left, null when unknown.
	ElapsedSeconds Number `json:"elapsed_s"`
	ETASeconds     Number `json:"eta_s"`
	// Series are the curves to plot against the same x axis (Unit): the
	// batch loss, the epoch training and validation losses. Long series are
	// downsampled (bucket means) to at most a few hundred points, so the
	// payload stays small however long training runs.
	Series []ProgressSeries `json:"series"`
	// Metrics holds the latest scalar values to show beside the bar, such
	// as the last epoch's losses and metrics; null values are undefined.
	Metrics map[string]Number `json:"metrics,omitempty"`
	// LogY asks for a logarithmic y axis (set when the losses span more than
	// two decades and are all positive).
	LogY bool `json:"log_y,omitempty"`
}

// ProgressSeries is one curve of a [ProgressPayload]: X and Y have the same
// length, X increases. Points with an undefined Y (NaN loss) are left out.
type ProgressSeries struct {
	Name string    `json:"name"`
	X    []float64 `json:"x"`
	Y    []float64 `json:"y"`
}
