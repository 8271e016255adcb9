// Package eval runs Go notebook cells with the yaegi interpreter and
// implements [kernel.Interpreter].
//
//	in, err := eval.New(eval.Options{CaptureStdio: true})
//	res := in.Execute(ctx, "x := 21\nx * 2", out) // res.Value: "42"
//
// # Cells
//
// A cell may mix imports, declarations and statements in any order. Eval
// splits it at its top-level items and parses two views of it with
// go/parser: the declarations (Go-file semantics, so a function may call one
// declared lower in the cell) and the statements (run top to bottom). Each
// view keeps every byte at its cell position and starts with a //line
// directive, so every position yaegi reports is the cell's own line:column.
// yaegi then compiles the trees directly, in three steps: new imports (one
// at a time; repeated imports are skipped, since yaegi rejects them), the
// declarations, the statements. A var or const whose initialiser uses a name
// the cell's statements define runs among the statements.
//
// A package may be used without an import line: an unresolved X in X.Sel
// that names a preloaded package (kernel/symbols.PackageNames) is imported.
// A user's own name wins.
//
// # Rewrites
//
// Before compiling, Eval rewrites what yaegi v0.16.1 cannot run:
//
//   - `for i := range n` where n is provably an integer (a literal, a
//     constant, len(...), a variable whose type the kernel tracked) becomes a
//     classic loop reading n once; range over a function is an error; a range
//     yaegi cannot type gets an error saying how to write the loop;
//   - min and max call compiled helpers for int, float64, float32 and string
//     operands and an interpreted generic fallback otherwise; clear calls a
//     reflect-based helper;
//   - a go statement, and the literal of `wg.Go(func() {...})`, are wrapped
//     so a panic in the goroutine is recovered and reported on the cell's
//     stderr (yaegi lets it kill the process); time.AfterFunc and
//     context.AfterFunc are replaced by versions that do the same for
//     their callbacks;
//   - `a, b = x, nil` gives nil the destination's type (yaegi panics with
//     "reflect: New(nil)", issue #1583), by reading the destination into a
//     hidden variable first; a destination that calls a function is an
//     error saying to assign the nil on its own line;
//   - a closure created in a loop (stored, deferred, or run by a go
//     statement) reads a per-iteration copy of the loop variables it uses,
//     as in Go 1.22: yaegi keeps one slot per loop variable (issues #1594,
//     #1713). A range loop's body reads the copy everywhere (so &v differs
//     per iteration too); a three-clause loop's closures read it only when
//     the body never assigns the variable or takes its address, else the
//     loop runs as yaegi runs it;
//   - a top-level comma-ok define yaegi cannot type ("nil type"): `v, ok :=
//     x.(T)` becomes a call of a function literal returning (T, bool);
//     `v, ok := m[k]` becomes `v, ok := m[k], <literal returning whether k
//     is in m>` when m and k call nothing, else m and k, like the channel of
//     `v, ok := <-ch`, are evaluated first (see the split below) and the
//     function literal names their types;
//   - a top-level define whose value indexes a compiled value (a slice a
//     compiled function returned, a compiled struct's field), a string or
//     an array pointer (`x := t.Shape()[1]`, `last := h.Loss[len(h.Loss)-1]`,
//     `c := s[0]`) fails in yaegi's first typing pass ("constant definition
//     loop" or an interpreter panic). When compiling fails there, the cell
//     is split at that define like a generic define: the operand runs into a
//     hidden variable, then the define runs as `x := (U)(hidden.(T))[i]`
//     with T the operand's run-time type (its static type: an indexable
//     value is never an interface) and U its unnamed form, or `(byte)(...)`
//     for a string. The compile that failed ran nothing;
//   - a slices or maps call yaegi panics instantiating with a compiled slice
//     or map (`slices.Max(h.TrainLoss)`) gets the argument converted to its
//     unnamed type, read by evaluating it, and compiles again; an argument
//     with side effects gets an error naming the conversion to write;
//   - a top-level `switch v := x.(type)` runs inside `func() { ... }()`
//     like the multi-value defines above (yaegi panics on it);
//   - a package-level var whose value reads an earlier cell's variable runs
//     as a statement before the cell's statements (yaegi reports "variable
//     definition loop"), in Go's initialisation order, and the declarations
//     using it compile after it;
//   - os.Stdin reads go to the frontend (input_request), as fmt.Scan does;
//   - a top-level `x := g(args)`, `var x = g(args)` or `var x T = g(args)`
//     whose values call a generic function (slices, maps, cmp, the min/max
//     fallback, a cell's own generic functions) splits the statements: those
//     before it run with `__gophysGenN = g(args)` (the call runs once), then
//     `x := __gophysGenN.(T)` and the rest run, T named from the value's
//     dynamic type (a cell's struct types are found by name) or the type
//     the user wrote. The hidden variables are declared once and cleared;
//   - a top-level for, if, switch or block whose nested blocks define
//     several names from one value (`a, err := f()`, `v, ok := m[k]`) runs
//     inside `func() { ... }()`, unless it contains return or goto.
//
// A top-level defer is rejected: the cell is not a function, and yaegi would
// run the deferred call after every later cell.
//
// These cells were checked and need no rewrite: method values (`f :=
// acc.Add`), struct literals of compiled types (`train.Config{...}`), range
// over a channel, labeled break and continue, defer and recover inside
// functions and function literals, and a user variable named like a
// package (`strings := []string{...}`).
//
// # Values
//
// A final expression statement yielding exactly one value becomes the
// cell's execute_result: calls with no result or several (fmt.Println) show
// nothing, nor does a nil interface (the nil error of display.HTML). Values
// render through display.Render; values of types declared in cells are first
// checked, inside the interpreter, for HTML, MIMEBundle, Markdown, LaTeX,
// SVG, String and Error methods, which compiled code cannot see.
//
// Redefining a type identically is a no-op; changing it is an error naming
// the type and %reset, since yaegi keeps the old layout.
//
// # Output and input
//
// Output reaches the running cell, or the most recent one when no cell runs.
// With [Options.CaptureStdio] file descriptors 1 and 2 are pipes read into
// the cell (as ipykernel does), so compiled code and os.Stdout writes are
// captured in order with interpreted output; Execute flushes them before it
// returns. Reads from standard input become Output.Input calls.
//
// # Errors and interrupts
//
// Compile errors carry the cell's line:column and show the line with a
// caret. Runtime panics become an error named "panic" or "runtime error",
// with the interpreted frames (cell lines) as traceback. Every compile and
// run happens under recover: yaegi panics on some inputs itself.
//
// Interrupts stop the cell within a second. yaegi cancels by bumping a run
// id that every interpreted instruction checks, which also kills the
// goroutines and callbacks of earlier cells; Eval bumps it only until the
// cell has stopped and then restores it, so earlier goroutines that were
// blocked (on a channel, a sleep, a compiled call) and closures called back
// from compiled code keep working. A goroutine executing interpreted code
// during those microseconds stops. time.Sleep on the cell's own goroutine
// returns at the interrupt, and physnn's long loops poll the cell's context
// (SetCancelContext). A cell blocked in another compiled call that ignores
// cancellation (a WaitGroup, a network read) is abandoned after 500 ms; if
// that call ever returns, the rest of the cell's top-level statements run,
// since they share yaegi's global frame with later cells.
//
// # Memory
//
// yaegi appends every compiled syntax tree to a list only its debugger
// reads; Eval empties it after each cell and drops the position tables of
// cells nothing can run from later, so a trivial cell retains ~0.3 KiB
// instead of ~7 KiB. yaegi also gives every top-level temporary and variable
// a slot in its global frame, which never shrinks and is copied when it
// grows (one or two slots per simple cell); the final-value rewrite adds a
// slot only for composite literals.
//
// # Known limits (yaegi v0.16.1)
//
//   - A generic define names x's type from the result's dynamic type, or
//     takes the type the user wrote or a cell generic function's declared
//     result type when it mentions no type parameter (the error of
//     `func load[T any]() (T, error)`). When the dynamic type cannot be
//     written in a cell (an interface result holding an unexported type,
//     as same(err) does; a cell struct type whose fields another cell type
//     shares, since yaegi gives both one run-time type) the cell stops with
//     an error asking for `var x T = g(...)`, after the statements before
//     it and the call have run. A nil interface result of unknown static
//     type gives x type any. A value of a cell's non-struct named type
//     (type C float64) gives x the underlying type, since yaegi drops the
//     name when the value goes through any: write `var x C = g(...)`.
//   - Generic values are computed before the define's other values. A
//     package-level var that calls a generic function (or uses such a var)
//     runs as a statement before the cell's statements, and declarations
//     using it compile after it, so a method using it cannot be declared in
//     the cell of its type.
//   - The split costs one more compile: a cell of one generic define took
//     0.26-0.47 ms instead of ~0.11 ms here and retains ~0.4 KiB more than
//     the same call assigned to a declared variable (yaegi's instantiation
//     of the generic call itself retains ~1.4 KiB either way).
//   - A multi-value define in a nested block of a top-level statement that
//     also contains return or goto still fails in yaegi ("undefined").
//   - A package-level var that reads an earlier cell's variable runs as a
//     statement (see Rewrites), so a method using it cannot be declared in
//     the cell of its type.
//   - A final value keeps its interpreted methods (HTML, MIMEBundle, String
//     ... with value or pointer receivers) when it is a variable, a
//     composite literal, a call of anything but a compiled package function,
//     or an index of an earlier cell's slice or map of cell structs; other
//     expressions (a field, an index of a variable of this cell) show
//     through display.Render only: assign them to a variable first.
//   - A three-clause loop whose body assigns the loop variable (or takes
//     its address) keeps yaegi's one shared variable for closures.
//   - Splits at typing failures and hoisted comma-ok defines evaluate the
//     operand before the rest of the define's values; a define with several
//     values where an earlier value calls a function gets an error asking
//     for one define per line. An array operand is copied when hoisted.
package eval
