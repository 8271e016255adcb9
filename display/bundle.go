package display

// Bundle is one displayable value: Data maps MIME types to content and always
// holds "text/plain" so a report renders anywhere. Text formats are strings;
// binary formats ([]byte) are base64-encoded on the wire, as Jupyter expects
// for image/png.
type Bundle struct {
	Data     map[string]any
	Metadata map[string]any
	// DisplayID names the output so it can be updated in place later
	// (update_display_data); empty for a one-off display.
	DisplayID string
}

// Publisher receives what display sends to the frontend. The kernel sets it
// (SetPublisher) around each cell; outside a kernel it is nil and display
// falls back to writing text to standard output.
type Publisher interface {
	// Publish sends b as display_data.
	Publish(b Bundle) error
	// Update replaces the output named b.DisplayID (update_display_data).
	Update(b Bundle) error
	// Clear clears the cell's output; with wait set, when new output arrives.
	Clear(wait bool) error
}
