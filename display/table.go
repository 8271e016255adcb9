package display

import (
	"fmt"
	"html"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/mat"
)

// Limits that keep tables of big values small enough for a notebook: a
// matrix shows its first and last rows and columns around an ellipsis, a
// slice of structs its first rows and a count of the rest.
const (
	matrixEdgeRows = 10  // rows shown at each end of a tall matrix
	matrixEdgeCols = 8   // columns shown at each end of a wide matrix
	maxTableRows   = 100 // rows shown of a slice of structs
	textExcerpt    = 4   // rows/columns at each end in a big matrix's text form
)

// tableStyle keeps numbers aligned and the table compact; JupyterLab styles
// the rest.
const tableStyle = `font-variant-numeric:tabular-nums`

// formatFloat prints x with 6 significant digits, enough to read and short
// enough to keep columns narrow.
func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// shown returns the indices to show out of n, keeping edge at each end;
// gap is the position after which an ellipsis goes, or -1.
func shown(n, edge int) (idx []int, gap int) {
	if n <= 2*edge {
		idx = make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx, -1
	}
	for i := 0; i < edge; i++ {
		idx = append(idx, i)
	}
	for i := n - edge; i < n; i++ {
		idx = append(idx, i)
	}
	return idx, edge - 1
}

// matrixBundle shows m as an HTML table with row and column indices.
func matrixBundle(m mat.Matrix) (Bundle, error) {
	r, c := m.Dims()
	name := strings.TrimPrefix(fmt.Sprintf("%T", m), "*")
	rows, rowGap := shown(r, matrixEdgeRows)
	cols, colGap := shown(c, matrixEdgeCols)

	var sb strings.Builder
	fmt.Fprintf(&sb, `<table class="gophys-matrix" style="%s"><caption>%s %d×%d</caption>`,
		tableStyle, html.EscapeString(name), r, c)
	sb.WriteString("<thead><tr><th></th>")
	for k, j := range cols {
		fmt.Fprintf(&sb, "<th>%d</th>", j)
		if k == colGap {
			sb.WriteString("<th>…</th>")
		}
	}
	sb.WriteString("</tr></thead><tbody>")
	for ki, i := range rows {
		fmt.Fprintf(&sb, "<tr><th>%d</th>", i)
		for kj, j := range cols {
			fmt.Fprintf(&sb, "<td>%s</td>", formatFloat(m.At(i, j)))
			if kj == colGap {
				sb.WriteString("<td>…</td>")
			}
		}
		sb.WriteString("</tr>")
		if ki == rowGap {
			sb.WriteString("<tr><th>⋮</th>")
			for kj := range cols {
				sb.WriteString("<td>⋮</td>")
				if kj == colGap {
					sb.WriteString("<td></td>")
				}
			}
			sb.WriteString("</tr>")
		}
	}
	sb.WriteString("</tbody></table>")

	opts := []mat.FormatOption{mat.Squeeze()}
	if r > 2*textExcerpt || c > 2*textExcerpt {
		opts = append(opts, mat.Excerpt(textExcerpt))
	}
	text := fmt.Sprintf("%s %d×%d", name, r, c)
	if r > 0 && c > 0 {
		text += "\n" + fmt.Sprintf("%.6g", mat.Formatted(m, opts...))
	}
	return Bundle{
		Data:     map[string]any{MIMEHTML: sb.String(), MIMEText: text},
		Metadata: map[string]any{},
	}, nil
}

// structTableBundle shows a slice or array of structs (or of pointers to
// structs) as a table with one column per exported field. ok is false for
// anything else, and for structs without exported fields.
func structTableBundle(v any) (b Bundle, ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return Bundle{}, false
	}
	elem := rv.Type().Elem()
	ptr := elem.Kind() == reflect.Pointer
	if ptr {
		elem = elem.Elem()
	}
	if elem.Kind() != reflect.Struct {
		return Bundle{}, false
	}
	var fields []int
	var header []string
	for i := 0; i < elem.NumField(); i++ {
		if f := elem.Field(i); f.IsExported() {
			fields = append(fields, i)
			header = append(header, f.Name)
		}
	}
	if len(fields) == 0 {
		return Bundle{}, false
	}

	n := rv.Len()
	rows := make([][]string, 0, min(n, maxTableRows))
	for i := 0; i < n && i < maxTableRows; i++ {
		row := make([]string, len(fields))
		item := rv.Index(i)
		if ptr {
			if item.IsNil() {
				rows = append(rows, row)
				continue
			}
			item = item.Elem()
		}
		for k, fi := range fields {
			row[k] = formatCell(item.Field(fi))
		}
		rows = append(rows, row)
	}

	// Types declared in a notebook cell reach us as anonymous struct types
	// (yaegi builds them with reflect.StructOf); their full spelling would
	// swamp the caption, so only named types are named.
	caption := fmt.Sprintf("%d rows", n)
	if name := elem.Name(); name != "" {
		caption = fmt.Sprintf("%s, %d rows", name, n)
	}
	if n == 1 {
		caption = strings.TrimSuffix(caption, "s")
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<table class="gophys-table" style="%s"><caption>%s</caption><thead><tr><th></th>`,
		tableStyle, html.EscapeString(caption))
	for _, h := range header {
		fmt.Fprintf(&sb, "<th>%s</th>", html.EscapeString(h))
	}
	sb.WriteString("</tr></thead><tbody>")
	for i, row := range rows {
		fmt.Fprintf(&sb, "<tr><th>%d</th>", i)
		for _, cell := range row {
			fmt.Fprintf(&sb, "<td>%s</td>", html.EscapeString(cell))
		}
		sb.WriteString("</tr>")
	}
	sb.WriteString("</tbody></table>")
	more := ""
	if n > len(rows) {
		more = fmt.Sprintf("… %d more rows", n-len(rows))
		fmt.Fprintf(&sb, "<p>%s</p>", more)
	}

	var text strings.Builder
	text.WriteString(caption + "\n")
	tw := tabwriter.NewWriter(&text, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\t%s\t\n", strings.Join(header, "\t"))
	for i, row := range rows {
		fmt.Fprintf(tw, "%d\t%s\t\n", i, strings.Join(row, "\t"))
	}
	tw.Flush()
	lines := strings.Split(text.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	text.Reset()
	text.WriteString(strings.Join(lines, "\n"))
	if more != "" {
		text.WriteString(more)
	}
	return Bundle{
		Data: map[string]any{
			MIMEHTML: sb.String(),
			MIMEText: strings.TrimRight(text.String(), "\n"),
		},
		Metadata: map[string]any{},
	}, true
}

// formatCell prints one field: floats with 6 significant digits, everything
// else as %v. Tabs and newlines become spaces so the text table stays aligned.
func formatCell(f reflect.Value) string {
	var s string
	switch f.Kind() {
	case reflect.Float32:
		s = strconv.FormatFloat(f.Float(), 'g', 6, 32)
	case reflect.Float64:
		s = formatFloat(f.Float())
	default:
		s = fmt.Sprint(f.Interface())
	}
	return strings.NewReplacer("\t", " ", "\n", " ").Replace(s)
}
