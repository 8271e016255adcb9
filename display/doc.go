// Package display turns Go values into what a notebook shows: MIME bundles of
// HTML, Markdown, LaTeX, JSON, PNG and SVG, each with a text/plain fallback.
//
// In a gophys notebook a cell's final value is shown through [Render], and
// any code can show more as it runs:
//
//	display.Markdown("## Loss after training")
//	display.Show(p)                // p is a *plot.Plot: a crisp PNG
//	display.Show(weights)          // a *mat.Dense: an HTML table
//
// # Overview
//
// [Render] dispatches on the value's type: [Bundle] as is; values with their
// own rendering methods ([MIMEBundleRenderer], [HTMLRenderer],
// [MarkdownRenderer], [LaTeXRenderer], [SVGRenderer], [PNGRenderer]);
// gonum/plot plots (*plot.Plot, or a [Figure] for another size or SVG) as a
// PNG at twice the screen resolution whose metadata gives the logical size,
// so it is sharp on HiDPI screens and not oversized elsewhere; image.Image as
// PNG; gonum mat.Matrix and slices of structs as HTML tables; errors as red
// text. Every bundle carries text/plain, so a notebook exported to HTML, or
// read in a console, still shows something meaningful.
//
// [Show] publishes what Render makes; [HTML], [Markdown], [LaTeX], [JSON],
// [Text], [PNG], [SVG], [Image], [Plot] and [PlotSVG] publish one format
// directly; [Publish] sends a ready-made [Bundle]; [Clear] clears the cell's
// output. [New] shows a value under a display ID and returns a [Handle] whose
// Update replaces it in place.
//
// # Publisher and console mode
//
// Output leaves through the [Publisher] that the kernel installs with
// [SetPublisher] around each cell; display never talks to sockets and does not
// import the kernel. With no publisher (a test, a script, `go run`), display
// is in console mode: each display writes its text/plain form to standard
// output, so the same code runs in and out of a notebook. Display IDs are
// random per [Handle], so they never collide across cells.
// [WithPublisher] redirects one goroutine's displays for the duration of a
// function (a widget callback's, beside a running cell), and [Flush] makes
// sure printed text has left before what is displayed next.
//
// # Live training progress
//
// [NewProgress] shows a bar with counts, elapsed time and ETA, and loss
// curves, and replaces it in place (update_display_data) as work advances.
// *[Progress] implements train.Callback, so it goes into
// train.Config.Callbacks; in a notebook, display also registers it with
// train.SetDefaultCallbacks, so every train.Fit shows progress without being
// asked while a publisher is set ([AutoProgress] turns that off). Updates
// are throttled to at most five a second ([MinProgressInterval]); the final
// state is always sent, so it stays in the notebook and in exported
// reports. Each update carries [MIMEProgress] JSON, an HTML bar with an
// inline SVG curve (no PNG, which would cost milliseconds per update), and a
// text line. In console mode one text line is redrawn with a carriage
// return. Measured: a throttled OnStep costs about 0.2 µs and a full update
// (payload, HTML, SVG, JSON encoding; about 17 kB) about 0.23 ms, so the
// display adds well under 1% to any training step longer than 50 µs.
// BenchmarkFitProgressOverhead trains a small MLP with and without the
// default display side by side: 0.1–1.4 % more CPU time (four runs) on
// 4,096-step fits of about 160 ms CPU with about five displays each, below
// the 2 % target; measured on a shared, loaded machine, whose wall times
// (quartiles of the per-pair ratio ±10–30 %) are too noisy to resolve it.
//
// # Latent tables
//
// [NewLatentTable] (or [NewLatentTableFromTensors]) computes per-latent
// statistics of an encoder's posterior, mean, σ, KL to the N(0, 1) prior,
// activity Var(μ), active or not, and the correlation and R² with each named
// physical parameter; [Table] computes and shows it in one call. The bundle
// carries [MIMELatents] JSON (rendered by the gophys JupyterLab extension as
// a sortable table), an HTML table that highlights active latents and strong
// R², and aligned text.
//
// # Custom MIME types and their schemas
//
// The JSON of [MIMEProgress] is a [ProgressPayload] and that of
// [MIMELatents] a [LatentsPayload]; their Go struct definitions, with their
// json tags, are the schemas. Both carry "version": [SchemaVersion] (1).
// Adding optional fields keeps the version; renaming or removing a field, or
// changing its meaning, increments it, and a renderer that meets a version it
// does not know must fall back to the text/html entry. Statistics that can
// be undefined are [Number]s, which encode NaN and ±Inf as null. Strings
// (titles, names, error texts) are plain text: renderers must escape them.
//
// # Plot helpers
//
// One-liners over gonum/plot for what physicists plot most: [Lines] (curves
// or scatter points with error bands), [Histograms] (overlaid on common
// bins, optionally normalized to densities), [ROC] and [ROCPlot] (curves with
// their AUC). They return a *plot.Plot to adjust or [Show]. [Heatmap] draws
// a 2-D grid with axes and a colour bar, and [ImageGrid] many small grids
// (receptive fields, Ising lattices, jet images) side by side; both are
// crisp, unlike gonum/plot's HeatMap: every cell is painted in one colour on
// whole device pixels after the axes are drawn, so there are no seams
// between cells and no blur, and their PNGs carry their logical size for
// HiDPI screens.
//
// # Errors
//
// Nothing in display panics across its API. Every function that shows
// something returns an error. A value that cannot be rendered (a plot whose
// Draw panics, bytes that are not a PNG, a value that cannot be encoded as
// JSON) is shown as a red error message where it would have appeared, and the
// error is returned as well, so a failing display is visible even when the
// call is one statement among many in a cell. [Render] recovers panics from
// the value's own methods and returns an error bundle instead. Errors from the
// publisher itself (or a panic in it) are returned, wrapped with "display: ".
//
// # Concurrency
//
// All functions are safe for concurrent use, including [SetPublisher] while
// other goroutines display: each display goes wholly to the publisher that is
// current when it is sent. A goroutine that outlives its cell displays into
// whatever publisher is current when it displays.
//
// # Values defined in notebook cells
//
// The renderer interfaces are found by type assertion, which sees the methods
// of compiled types only. A type declared in a notebook cell lives in the
// yaegi interpreter: passed to Show or Render as an any, its methods are
// invisible. The kernel renders a cell's final value through such methods
// itself. To show a cell-defined value elsewhere in a cell, declare a
// variable of the interface type, which makes yaegi pass a wrapper whose
// methods call the cell's (in yaegi v0.16.1 a conversion expression such as
// display.HTMLRenderer(card) does not):
//
//	var r display.HTMLRenderer = card
//	display.Show(r)
//
// Render prints the wrapped value, not the wrapper, as text/plain.
package display
