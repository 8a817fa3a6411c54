package images

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/docker/docker/api/types/image"
)

// DebianSources returns the apt source lines mmdebstrap uses. They default
// to deb.debian.org and can be pointed at a mirror or snapshot with
// FABKIND_DEBIAN_MIRROR and FABKIND_DEBIAN_SECURITY_MIRROR. The mirror is not
// an input of the image hash: it serves the same packages.
func DebianSources(suite string) []string {
	mirror := envOr("FABKIND_DEBIAN_MIRROR", "http://deb.debian.org/debian")
	security := envOr("FABKIND_DEBIAN_SECURITY_MIRROR", "http://deb.debian.org/debian-security")
	return []string{
		fmt.Sprintf("deb %s %s main", mirror, suite),
		fmt.Sprintf("deb %s %s-updates main", mirror, suite),
		fmt.Sprintf("deb %s %s-security main", security, suite),
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// mmdebstrapArgs is the command line that makes a rootfs tar on stdout.
func mmdebstrapArgs(r Rootfs) []string {
	args := []string{
		"--variant=" + r.Variant,
		"--include=" + strings.Join(r.Packages, ","),
		"--aptopt=APT::Install-Recommends \"false\"",
		"--dpkgopt=path-exclude=/usr/share/man/*",
		"--dpkgopt=path-exclude=/usr/share/doc/*",
		"--dpkgopt=path-include=/usr/share/doc/*/copyright",
		"--dpkgopt=path-exclude=/usr/share/locale/*",
		"--customize-hook=rm -rf \"$1\"/var/lib/apt/lists/* \"$1\"/var/cache/apt/*",
		"--format=tar",
		r.Suite, "-",
	}
	return append(args, DebianSources(r.Suite)...)
}

// buildRootfs makes a Debian root filesystem with mmdebstrap and imports it
// into the engine as ref.
func (f *Factory) buildRootfs(ctx context.Context, s Step, log io.Writer) error {
	r := s.Item.Recipe
	if _, err := exec.LookPath("mmdebstrap"); err != nil {
		return fmt.Errorf("mmdebstrap is not installed (hack/ensure-docker.sh installs it)")
	}
	cmd := exec.CommandContext(ctx, "mmdebstrap", mmdebstrapArgs(*r.Rootfs)...)
	fmt.Fprintf(log, "+ mmdebstrap %s\n", strings.Join(cmd.Args[1:], " "))
	cmd.Stderr = log
	tar, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	body, importErr := f.Engine.ImageImport(ctx, image.ImportSource{Source: tar, SourceName: "-"}, s.Ref,
		image.ImportOptions{Changes: []string{labels(r.Name, s.Hash), `CMD ["/bin/bash"]`}})
	if importErr == nil {
		importErr = drain(body, log)
	}
	if importErr != nil {
		tar.Close() // unblock mmdebstrap so that it ends
	}
	waitErr := cmd.Wait()
	if waitErr != nil {
		return fmt.Errorf("mmdebstrap: %w", waitErr)
	}
	if importErr != nil {
		return fmt.Errorf("docker import: %w", importErr)
	}
	return nil
}

func labels(name, hash string) string {
	return fmt.Sprintf("LABEL dev.fabkind.recipe=%q dev.fabkind.inputs=%q", name, hash)
}
