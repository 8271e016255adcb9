package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/gophys/gophys"
	"github.com/gophys/gophys/display/widgets"
	"github.com/gophys/gophys/install"
	"github.com/gophys/gophys/kernel"
	"github.com/gophys/gophys/kernel/eval"
)

// runKernel serves one kernel session on the sockets named by the
// connection file. Usage errors (missing flag, missing or invalid file)
// exit with 2 and name the problem.
func runKernel(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	connFile := fs.String("connection-file", "", "the Jupyter connection `file` (the kernelspec passes {connection_file})")
	logLevel := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *connFile == "" {
		fmt.Fprintln(stderr, "gophys kernel: missing --connection-file F (Jupyter passes it through the kernelspec's argv)")
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gophys kernel: unexpected arguments %q\n", fs.Args())
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "gophys kernel: bad --log-level: %v\n", err)
		return 2
	}
	info, err := kernel.ReadConnectionFile(*connFile)
	if err != nil {
		fmt.Fprintf(stderr, "gophys kernel: --connection-file: %v\n", err)
		return 2
	}

	// The interpreter redirects file descriptors 1 and 2 into the running
	// cell; keep a duplicate of the real stderr for the kernel's own logs
	// and for crash reports, so they never land in a notebook.
	logOut, err := dupStderr()
	if err != nil {
		fmt.Fprintf(stderr, "gophys kernel: %v\n", err)
		return 1
	}
	// Passed explicitly rather than made the default: the log package's
	// output (from compiled libraries) should still reach the cell.
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))
	if err := debug.SetCrashOutput(logOut, debug.CrashOptions{}); err != nil {
		logger.Warn("crash reports stay on fd 2", "err", err)
	}

	tr, err := kernel.ListenZMQ(info, logger)
	if err != nil {
		logger.Error("cannot bind the kernel sockets", "err", err)
		return 1
	}
	var k *kernel.Kernel // set before any cell runs; the magic below needs it
	interp, err := eval.New(eval.Options{
		CaptureStdio: true,
		SetOutputLimit: func(bytes int64) error {
			k.SetStreamLimit(bytes)
			return nil
		},
	})
	if err != nil {
		logger.Error("cannot start the interpreter", "err", err)
		tr.Close()
		return 1
	}
	k, err = kernel.New(kernel.Config{
		Interpreter:           interp,
		Transport:             tr,
		Key:                   []byte(info.Key),
		Logger:                logger,
		ImplementationVersion: gophys.Version,
		HistoryFile:           historyFile(logger),
	})
	if err != nil {
		logger.Error("cannot start the kernel", "err", err)
		tr.Close()
		return 1
	}
	// Widgets open their comms through the kernel from now on.
	widgets.SetComms(widgetComms{k})

	// SIGINT interrupts the running cell (interrupt_mode "signal" frontends
	// and Ctrl-C in a terminal); SIGTERM shuts down cleanly.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for s := range signals {
			if s == syscall.SIGINT {
				k.Interrupt()
			} else {
				k.Shutdown(false)
			}
		}
	}()
	if err := k.Run(context.Background()); err != nil {
		logger.Error("kernel stopped", "err", err)
		return 1
	}
	return 0
}

// dupStderr returns a new file on a duplicate of file descriptor 2.
func dupStderr() (*os.File, error) {
	fd, err := syscall.Dup(2)
	if err != nil {
		return nil, fmt.Errorf("duplicate stderr for logging: %w", err)
	}
	syscall.CloseOnExec(fd) // shell lines (!cmd) must not inherit it
	return os.NewFile(uintptr(fd), "stderr"), nil
}

// historyFile is gophys/history.jsonl in the Jupyter data directory, or ""
// (history in memory only) when there is none.
func historyFile(logger *slog.Logger) string {
	dir, err := install.UserDataDir()
	if err != nil {
		logger.Warn("history will not be saved", "err", err)
		return ""
	}
	return filepath.Join(dir, "gophys", "history.jsonl")
}
