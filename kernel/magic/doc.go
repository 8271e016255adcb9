// Package magic implements the kernel's % magics and ! shell lines: a table
// of name, one-line help and handler. %help prints the table.
//
// A cell is a magic cell when it starts with a magic line: `%%time` times the
// whole rest of the cell; leading `%name args` and `!command` lines run in
// order, and any Go code after them runs as a normal cell. `expr?` (a cell
// holding one expression followed by ?) shows documentation in the pager.
//
// The package knows nothing about Go evaluation: it reaches the interpreter
// through the small [Env] interface, which kernel/eval implements.
package magic
