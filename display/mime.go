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
)
