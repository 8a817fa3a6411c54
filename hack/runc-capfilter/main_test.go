package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestSpecFile(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--root", "/run/r", "--log", "/l.json", "--log-format", "json", "create", "--bundle", "/b", "--pid-file", "p", "id"}, "/b/config.json"},
		{[]string{"--root=/run/r", "create", "-b", "/b2", "id"}, "/b2/config.json"},
		{[]string{"run", "--bundle=/b3", "id"}, "/b3/config.json"},
		{[]string{"create", "id"}, "config.json"},
		{[]string{"--root", "/r", "exec", "--process", "/tmp/p.json", "--detach", "id"}, "/tmp/p.json"},
		{[]string{"exec", "-p", "/tmp/q.json", "id"}, "/tmp/q.json"},
		{[]string{"--root", "/r", "start", "id"}, ""},
		{[]string{"--root", "/r", "delete", "--force", "id"}, ""},
	}
	for _, c := range cases {
		if got := specFile(c.args); got != c.want {
			t.Errorf("specFile(%v) = %q, want %q", c.args, got, c.want)
		}
	}
}

func TestFilterFileRemovesOnlyMissingCapabilities(t *testing.T) {
	dir := t.TempDir()
	caps := map[string][]string{
		"bounding":  {"CAP_CHOWN", "CAP_SYS_RESOURCE", "CAP_SYS_ADMIN"},
		"effective": {"CAP_SYS_RESOURCE"},
		"permitted": {"CAP_CHOWN"},
	}
	spec := map[string]any{"ociVersion": "1.0.2", "process": map[string]any{"args": []string{"sh"}, "capabilities": caps}, "hostname": "x"}
	path := filepath.Join(dir, "config.json")
	write(t, path, spec)
	if err := filterFile(path, map[string]bool{"CAP_SYS_RESOURCE": true}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Hostname string
		Process  struct {
			Args         []string
			Capabilities map[string][]string
		}
	}
	read(t, path, &got)
	if got.Hostname != "x" || len(got.Process.Args) != 1 {
		t.Errorf("other fields changed: %+v", got)
	}
	want := map[string][]string{"bounding": {"CAP_CHOWN", "CAP_SYS_ADMIN"}, "effective": {}, "permitted": {"CAP_CHOWN"}}
	for set, w := range want {
		if g := got.Process.Capabilities[set]; len(g) != len(w) || (len(w) > 0 && g[0] != w[0]) {
			t.Errorf("%s = %v, want %v", set, g, w)
		}
	}

	// exec --process files hold the process object itself.
	proc := filepath.Join(dir, "process.json")
	write(t, proc, map[string]any{"args": []string{"ls"}, "capabilities": caps})
	if err := filterFile(proc, map[string]bool{"CAP_SYS_RESOURCE": true}); err != nil {
		t.Fatal(err)
	}
	var p struct{ Capabilities map[string][]string }
	read(t, proc, &p)
	if len(p.Capabilities["bounding"]) != 2 {
		t.Errorf("process bounding = %v", p.Capabilities["bounding"])
	}

	// Nothing missing: the file is left byte for byte.
	before, _ := os.ReadFile(proc)
	if err := filterFile(proc, map[string]bool{"CAP_BPF": true}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(proc)
	if string(before) != string(after) {
		t.Error("file rewritten although no capability was removed")
	}
}

func write(t *testing.T, path string, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
