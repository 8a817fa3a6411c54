package images

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// GoBuilder compiles GoBuilds from the module cache into a content-addressed
// binary cache: <CacheDir>/bin/<name>-<hash12>/<program>.
type GoBuilder struct {
	CacheDir string
}

// Dir is where a build's programs live once built.
func (b *GoBuilder) Dir(g GoBuild, hash string) string {
	return filepath.Join(b.CacheDir, "bin", g.Name+"-"+hash[:12])
}

// Has reports whether every program of the build is cached.
func (b *GoBuilder) Has(g GoBuild, hash string) bool {
	for _, p := range g.Programs() {
		if _, err := os.Stat(filepath.Join(b.Dir(g, hash), p)); err != nil {
			return false
		}
	}
	return true
}

// Build compiles g, writing the go command's output to log.
func (b *GoBuilder) Build(ctx context.Context, g GoBuild, hash string, log io.Writer) error {
	final := b.Dir(g, hash)
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp(filepath.Dir(final), "."+g.Name+"-work-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	out := filepath.Join(work, "out") + string(filepath.Separator)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	env := append(os.Environ(), "GOFLAGS=-buildvcs=false", "GOWORK=off")
	if g.CGO {
		env = append(env, "CGO_ENABLED=1")
	} else {
		env = append(env, "CGO_ENABLED=0")
	}
	run := func(dir string, name string, args ...string) error {
		fmt.Fprintf(log, "+ (cd %s && %s %s)\n", dir, name, strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, log, log
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
		}
		return nil
	}
	buildArgs := func() []string {
		args := []string{"build", "-v", "-trimpath"}
		if len(g.Tags) > 0 {
			args = append(args, "-tags", strings.Join(g.Tags, ","))
		}
		if len(g.LDFlags) > 0 {
			args = append(args, "-ldflags", strings.Join(g.LDFlags, " "))
		}
		return args
	}

	switch {
	case g.Wrapper != "":
		src := filepath.Join(work, "src")
		if err := os.MkdirAll(src, 0o755); err != nil {
			return err
		}
		gomod := fmt.Sprintf("module fabkind.local/build/%s\n\ngo 1.26\n", g.Name)
		if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte(gomod), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(g.Wrapper), 0o644); err != nil {
			return err
		}
		if err := run(src, "go", "get", g.Module.String()); err != nil {
			return err
		}
		if err := run(src, "go", "mod", "tidy"); err != nil {
			return err
		}
		if err := run(src, "go", append(buildArgs(), "-o", filepath.Join(out, g.Name), ".")...); err != nil {
			return err
		}
	case g.CSource != "":
		dir, err := ModuleDir(ctx, g.Module)
		if err != nil {
			return err
		}
		args := append(append([]string{}, g.CFlags...), "-o", filepath.Join(out, g.Name), filepath.Join(dir, g.CSource))
		if err := run(work, "gcc", args...); err != nil {
			return err
		}
	default:
		dir, err := ModuleDir(ctx, g.Module)
		if err != nil {
			return err
		}
		// Module zips carry no vendor folder (only vendor/modules.txt), and
		// the module cache is read-only: build with a copy of go.mod/go.sum
		// (-modfile) in module mode, so nothing is written next to the source.
		modfile, err := copyModfile(dir, work, g.StagingVersion)
		if err != nil {
			return err
		}
		args := append(buildArgs(), "-modfile", modfile, "-mod=mod")
		args = append(args, "-o", out)
		args = append(args, g.Packages...)
		if err := run(dir, "go", args...); err != nil {
			return err
		}
	}
	for _, p := range g.Programs() {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			return fmt.Errorf("the build did not produce %s: %w", p, err)
		}
	}
	os.RemoveAll(final)
	return os.Rename(out, final)
}

// ModuleDir downloads a module into the module cache (a no-op when it is
// there already) and returns its directory.
func ModuleDir(ctx context.Context, m Module) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", m.String())
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil || info.Error != "" || runErr != nil {
		return "", fmt.Errorf("go mod download %s: %s%s (is the Go module proxy reachable and the version served?)",
			m, info.Error, strings.TrimSpace(stderr.String()))
	}
	return info.Dir, nil
}

var stagingReplace = regexp.MustCompile(`(?m)^(\s*(?:replace\s+)?)(k8s\.io/[A-Za-z0-9._-]+) => \./staging/src/k8s\.io/[A-Za-z0-9._-]+\s*$`)

// copyModfile copies the module's go.mod and go.sum into work and returns
// the go.mod path. With stagingVersion set, every
// "=> ./staging/src/k8s.io/X" replace names the published k8s.io/X module at
// that version instead (Kubernetes: staging folders are not in the zip).
func copyModfile(moduleDir, work, stagingVersion string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(moduleDir, "go.mod"))
	if err != nil {
		return "", err
	}
	if stagingVersion != "" {
		if len(stagingReplace.FindAll(raw, -1)) == 0 {
			return "", fmt.Errorf("%s/go.mod has no ./staging replaces to rewrite", moduleDir)
		}
		raw = stagingReplace.ReplaceAll(raw, []byte("${1}${2} => ${2} "+stagingVersion))
	}
	modfile := filepath.Join(work, "go.mod")
	if err := os.WriteFile(modfile, raw, 0o644); err != nil {
		return "", err
	}
	sum, err := os.ReadFile(filepath.Join(moduleDir, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return "", err
	}
	return modfile, os.WriteFile(filepath.Join(work, "go.sum"), sum, 0o644)
}
