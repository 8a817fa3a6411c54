package images

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDockerfileRendersEveryField(t *testing.T) {
	r := Recipe{Name: "app", Version: "1", From: "base",
		Copy: []Copy{{Go: "tool", Dest: "/usr/bin/"}, {File: "x/entry", Dest: "/entry"}},
		Env:  []string{"A=b c"}, Run: []string{"true"}, Volumes: []string{"/data"}, Expose: []string{"7051"},
		Entrypoint: []string{"/entry"}, Cmd: []string{"serve", "--x"}, User: "chaincode", StopSignal: "SIGRTMIN+3"}
	got := Dockerfile(r, "fabkind.local/base:1-abc", "0123456789abcdef")
	for _, want := range []string{
		"FROM fabkind.local/base:1-abc\n", "COPY 0/ /usr/bin/\n", "COPY 1/entry /entry\n",
		"ENV A=\"b c\"\n", "RUN true\n", `VOLUME ["/data"]`, "EXPOSE 7051\n", "STOPSIGNAL SIGRTMIN+3\n",
		`ENTRYPOINT ["/entry"]`, `CMD ["serve","--x"]`, "USER chaincode\n",
		`LABEL dev.fabkind.recipe="app" dev.fabkind.inputs="0123456789abcdef"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, "USER") < strings.Index(got, "RUN") {
		t.Error("USER must come after RUN, so that RUN steps run as root")
	}
}

func TestWriteContextLaysOutEveryCopy(t *testing.T) {
	bins := t.TempDir()
	for _, p := range []string{"tool", "other"} {
		if err := os.WriteFile(filepath.Join(bins, p), []byte("ELF "+p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mod := t.TempDir()
	if err := os.MkdirAll(filepath.Join(mod, "conf", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(mod, "conf", "a.yaml"), []byte("a"), 0o444)
	os.WriteFile(filepath.Join(mod, "conf", "sub", "b.yaml"), []byte("b"), 0o444)
	m := Module{"example.com/m", "v1"}
	r := Recipe{Name: "app", Copy: []Copy{
		{Go: "tools", Dest: "/usr/bin/"},
		{Go: "tools", Programs: []string{"other"}, Dest: "/opt/renamed"},
		{Module: &m, Path: "conf/", Dest: "/etc/app/", Executable: []string{"sub/*"}},
		{Module: &m, Path: "conf/a.yaml", Dest: "/etc/a.yaml"},
		{File: "x/entry", Dest: "/entry", Mode: 0o755},
		{Content: "v1.37.2", Dest: "/kind/version"},
	}}
	src := contextSource{
		files:    fstest.MapFS{"x/entry": {Data: []byte("#!/bin/sh")}},
		programs: func(string) (string, error) { return bins, nil },
		progList: func(string) ([]string, error) { return []string{"tool", "other"}, nil },
		module:   func(Module) (string, error) { return mod, nil },
	}
	var buf bytes.Buffer
	if err := writeContext(&buf, r, "FROM scratch\n", src); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	modes := map[string]int64{}
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		got[h.Name], modes[h.Name] = string(b), h.Mode
	}
	want := map[string]string{
		"Dockerfile": "FROM scratch\n", "0/tool": "ELF tool", "0/other": "ELF other", "1/renamed": "ELF other",
		"2/a.yaml": "a", "2/sub/b.yaml": "b", "3/a.yaml": "a", "4/entry": "#!/bin/sh", "5/version": "v1.37.2",
	}
	for name, content := range want {
		if got[name] != content {
			t.Errorf("%s = %q, want %q", name, got[name], content)
		}
	}
	if len(got) != len(want) {
		t.Errorf("context has %d files, want %d: %v", len(got), len(want), got)
	}
	if modes["0/tool"] != 0o755 || modes["4/entry"] != 0o755 || modes["2/a.yaml"] != 0o644 || modes["2/sub/b.yaml"] != 0o755 {
		t.Errorf("modes: tool %o entry %o a.yaml %o sub/b.yaml %o", modes["0/tool"], modes["4/entry"], modes["2/a.yaml"], modes["2/sub/b.yaml"])
	}
}

func TestCopyModfileRewritesOnlyStagingReplaces(t *testing.T) {
	mod := t.TempDir()
	gomod := "module k8s.io/kubernetes\n\nreplace (\n\tk8s.io/api => ./staging/src/k8s.io/api\n\tk8s.io/client-go => ./staging/src/k8s.io/client-go\n\texample.com/x => example.com/y v1.0.0\n)\n"
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o444)
	os.WriteFile(filepath.Join(mod, "go.sum"), []byte("sums"), 0o444)
	work := t.TempDir()
	path, err := copyModfile(mod, work, "v0.37.2")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{"k8s.io/api => k8s.io/api v0.37.2", "k8s.io/client-go => k8s.io/client-go v0.37.2", "example.com/x => example.com/y v1.0.0"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("rewritten go.mod lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "./staging") {
		t.Errorf("a staging path is left:\n%s", b)
	}
	if sum, _ := os.ReadFile(filepath.Join(work, "go.sum")); string(sum) != "sums" {
		t.Error("go.sum not copied next to the modfile")
	}
}

func TestMmdebstrapArgs(t *testing.T) {
	t.Setenv("FABKIND_DEBIAN_MIRROR", "http://mirror.example/debian")
	args := strings.Join(mmdebstrapArgs(Rootfs{Suite: "bookworm", Variant: "minbase", Packages: []string{"bash", "curl"}}), " ")
	for _, want := range []string{"--variant=minbase", "--include=bash,curl", "bookworm - deb http://mirror.example/debian bookworm main"} {
		if !strings.Contains(args, want) {
			t.Errorf("args lack %q: %s", want, args)
		}
	}
}
