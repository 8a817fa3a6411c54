// Package buildinfo tells which fabkind this is.
package buildinfo

import "runtime/debug"

// Version is set by the Makefile (-X); otherwise the module version.
var Version = ""

// String returns the version, e.g. "v0.1.0-3-gabcdef" or "(devel)".
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
