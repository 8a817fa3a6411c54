// Package chaincode prepares and packages chaincode for Fabric peers: Go
// sources with vendored dependencies (so the peer's builder needs no module
// proxy), in the layout Fabric's Go platform expects.
package chaincode

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// GoBuildScript is what Fabric 2.5's Go platform runs in the ccenv image for
// a module with a vendor folder: a static build from /chaincode/input/src to
// /chaincode/output/chaincode that needs no network.
const GoBuildScript = `set -e
cd /chaincode/input/src
GO111MODULE=on go build -v -mod=vendor -ldflags "-linkmode external -extldflags '-static'" -o /chaincode/output/chaincode .
`

// VendorGo copies the Go chaincode module in src to dst (which must not
// exist) and vendors its dependencies there with `go mod vendor`. Only the
// host needs the module proxy; the peer's build then runs offline.
func VendorGo(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(filepath.Join(src, "go.mod")); err != nil {
		return fmt.Errorf("%s is not a Go module (no go.mod): %w", src, err)
	}
	if err := copyTree(src, dst); err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	cmd := exec.CommandContext(ctx, "go", "mod", "vendor")
	cmd.Dir = dst
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod vendor in %s: %w\n%s", dst, err, out)
	}
	return nil
}

// WriteSourceTar writes dir's files as a tar whose paths start with prefix
// (Fabric's code packages put Go sources under "src/").
func WriteSourceTar(w io.Writer, dir, prefix string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		hdr := &tar.Header{Name: prefix + filepath.ToSlash(rel), Mode: 0o644, Size: info.Size(), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if rel != "." && (d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
