// Package install writes the gophys kernelspec (kernel.json and logos) into a
// Jupyter data directory: the user's (--user), the running Python
// environment's (--sys-prefix), or an explicit prefix (--prefix P).
//
// The kernelspec's argv[0] is the absolute path of the gophys binary, so the
// kernel starts without relying on PATH. Nothing else on the machine is touched.
package install
