// Command runc-capfilter is an OCI runtime shim for hosts whose capability
// bounding set is narrower than the capability list a Docker engine grants to
// privileged containers (Docker 20.10 grants every capability it knows: moby
// issue 42906). On such a host runc fails with "unable to apply caps:
// operation not permitted". The shim removes, from the spec it is handed, only
// the capabilities missing from its own bounding set, then execs the real runc.
// On a host whose bounding set is complete it changes nothing.
//
// hack/ensure-docker.sh builds it and registers it with dockerd
// (--add-runtime / --default-runtime) only when the host needs it.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// realRunc is the runc this shim hands over to; FABKIND_REAL_RUNC overrides it.
var realRunc = "/usr/sbin/runc" // set with -ldflags -X main.realRunc=...

// capNames maps capability numbers (linux/capability.h) to the names OCI specs use.
var capNames = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

func main() {
	runc := os.Getenv("FABKIND_REAL_RUNC")
	if runc == "" {
		runc = realRunc
	}
	if missing := missingCaps(); len(missing) > 0 {
		if file := specFile(os.Args[1:]); file != "" {
			if err := filterFile(file, missing); err != nil {
				fmt.Fprintf(os.Stderr, "runc-capfilter: %s: %v\n", file, err)
				os.Exit(1)
			}
		}
	}
	args := append([]string{runc}, os.Args[1:]...)
	if err := syscall.Exec(runc, args, os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "runc-capfilter: exec %s: %v\n", runc, err)
		os.Exit(1)
	}
}

// missingCaps returns the names of known capabilities absent from this
// process's bounding set.
func missingCaps() map[string]bool {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(raw), "\n") {
		hex, ok := strings.CutPrefix(line, "CapBnd:")
		if !ok {
			continue
		}
		bnd, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
		if err != nil {
			return nil
		}
		missing := map[string]bool{}
		for i, name := range capNames {
			if bnd&(1<<uint(i)) == 0 {
				missing[name] = true
			}
		}
		return missing
	}
	return nil
}

// specFile finds the JSON file runc is about to read: the bundle's config.json
// for create/run, the --process file for exec. Global flags come before the
// command; runc accepts both "--flag value" and "--flag=value".
func specFile(args []string) string {
	cmd := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		if cmd == "" {
			switch {
			case a == "create" || a == "run" || a == "exec":
				cmd = a
			case strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && takesValue(a) && i+1 < len(args):
				i++
			}
			continue
		}
		name, value, hasValue := strings.Cut(a, "=")
		want := map[string][]string{"create": {"--bundle", "-b"}, "run": {"--bundle", "-b"}, "exec": {"--process", "-p"}}[cmd]
		if name == want[0] || name == want[1] {
			if !hasValue && i+1 < len(args) {
				value = args[i+1]
			}
			if cmd == "exec" {
				return value
			}
			return value + "/config.json"
		}
	}
	if cmd == "create" || cmd == "run" {
		return "config.json" // runc's default bundle is the working directory
	}
	return ""
}

// takesValue reports whether a runc global flag consumes the next argument.
func takesValue(flag string) bool {
	switch flag {
	case "--root", "--log", "--log-format", "--criu", "--rootless":
		return true
	}
	return false
}

// filterFile removes the missing capabilities from every capability list of
// an OCI spec (config.json) or process (exec --process) file, keeping all
// other fields untouched.
func filterFile(path string, missing map[string]bool) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	changed := false
	if p, ok := doc["process"]; ok { // config.json: capabilities under process
		var proc map[string]json.RawMessage
		if err := json.Unmarshal(p, &proc); err != nil {
			return err
		}
		if filterCaps(proc, missing) {
			out, err := json.Marshal(proc)
			if err != nil {
				return err
			}
			doc["process"], changed = out, true
		}
	} else {
		changed = filterCaps(doc, missing) // exec --process: the process object itself
	}
	if !changed {
		return nil
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o600)
}

func filterCaps(proc map[string]json.RawMessage, missing map[string]bool) bool {
	c, ok := proc["capabilities"]
	if !ok {
		return false
	}
	var sets map[string][]string
	if err := json.Unmarshal(c, &sets); err != nil {
		return false
	}
	changed := false
	for set, caps := range sets {
		kept := caps[:0]
		for _, name := range caps {
			if missing[name] {
				changed = true
				continue
			}
			kept = append(kept, name)
		}
		sets[set] = kept
	}
	if changed {
		out, _ := json.Marshal(sets)
		proc["capabilities"] = out
	}
	return changed
}
