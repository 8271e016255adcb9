package display

// MIME types display puts in bundles. The names follow the Jupyter messaging
// spec and the IANA registry; frontends pick the richest one they can render.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMELaTeX    = "text/latex"
	MIMEJSON     = "application/json"
	MIMEPNG      = "image/png"
	MIMESVG      = "image/svg+xml"

	// MIMELatents carries a latent table as [LatentsPayload] JSON; the
	// gophys JupyterLab extension renders it as a sortable table.
	MIMELatents = "application/vnd.gophys.latents+json"
	// MIMEProgress carries a training progress display as [ProgressPayload]
	// JSON; the gophys JupyterLab extension renders the bar and loss curve.
	MIMEProgress = "application/vnd.gophys.progress+json"
)

// SchemaVersion is the version of the [LatentsPayload] and [ProgressPayload]
// JSON schemas this package writes. A renderer that meets a version it does
// not know shows the text/html fallback instead. Adding optional fields keeps
// the version; renaming, removing or changing the meaning of one bumps it.
const SchemaVersion = 1
