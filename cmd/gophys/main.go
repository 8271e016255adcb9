// Command gophys is the gophys Jupyter kernel for Go.
//
// Usage:
//
//	gophys kernel --connection-file F [--log-level L]   run the kernel (what the kernelspec's argv runs)
//	gophys install [--user | --sys-prefix | --prefix P] [--name N]
//	gophys version
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gophys/gophys"
	"github.com/gophys/gophys/install"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage:
  gophys kernel --connection-file F [--log-level debug|info|warn|error]
  gophys install [--user | --sys-prefix | --prefix P] [--name N]
  gophys version
`

// run executes one subcommand and returns the process exit code: 0 on
// success, 1 on a runtime failure, 2 on a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "version", "--version":
		fmt.Fprintf(stdout, "gophys %s\n", gophys.Version)
		return 0
	case "install":
		return runInstall(args[1:], stdout, stderr)
	case "kernel":
		return runKernel(args[1:], stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "gophys: unknown command %q\n%s", args[0], usage)
		return 2
	}
}

func runInstall(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o install.Options
	fs.BoolVar(&o.User, "user", false, "install into the per-user Jupyter data directory")
	fs.BoolVar(&o.SysPrefix, "sys-prefix", false, "install into the active Python environment ($VIRTUAL_ENV or python3's sys.prefix)")
	fs.StringVar(&o.Prefix, "prefix", "", "install into `PREFIX`/share/jupyter")
	fs.StringVar(&o.Name, "name", "gophys", "kernelspec `name`")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir, err := install.KernelSpec(o)
	if err != nil {
		fmt.Fprintf(stderr, "gophys install: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "installed kernelspec %s in %s\n", o.Name, dir)
	return 0
}
