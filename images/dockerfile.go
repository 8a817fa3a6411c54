package images

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/build"
)

// Dockerfile renders a recipe as a Dockerfile for the classic builder. Copy
// number i reads from the build context's folder "i/".
func Dockerfile(r Recipe, fromRef, hash string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("FROM %s", fromRef)
	for i, c := range r.Copy {
		if strings.HasSuffix(c.Dest, "/") {
			w("COPY %d/ %s", i, c.Dest)
		} else {
			w("COPY %d/%s %s", i, filepath.Base(c.Dest), c.Dest)
		}
	}
	for _, e := range r.Env {
		k, v, _ := strings.Cut(e, "=")
		w("ENV %s=%s", k, strconv.Quote(v))
	}
	for _, cmd := range r.Run {
		w("RUN %s", cmd)
	}
	if r.Workdir != "" {
		w("WORKDIR %s", r.Workdir)
	}
	for _, p := range r.Expose {
		w("EXPOSE %s", p)
	}
	if len(r.Volumes) > 0 {
		w("VOLUME %s", jsonArray(r.Volumes))
	}
	if r.StopSignal != "" {
		w("STOPSIGNAL %s", r.StopSignal)
	}
	if len(r.Entrypoint) > 0 {
		w("ENTRYPOINT %s", jsonArray(r.Entrypoint))
	}
	if len(r.Cmd) > 0 {
		w("CMD %s", jsonArray(r.Cmd))
	}
	if r.User != "" {
		w("USER %s", r.User)
	}
	w("%s", labels(r.Name, hash))
	return b.String()
}

func jsonArray(s []string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// contextSource resolves a recipe's inputs for the build context.
type contextSource struct {
	files    fs.FS                                      // images/files
	programs func(build string) (dir string, err error) // Go build name -> binary dir
	module   func(m Module) (dir string, err error)     // module -> module cache dir
	progList func(build string) ([]string, error)       // Go build name -> program names
}

// writeContext streams the build context (Dockerfile and every Copy input)
// as a tar.
func writeContext(w io.Writer, r Recipe, dockerfile string, src contextSource) error {
	tw := tar.NewWriter(w)
	epoch := time.Unix(0, 0)
	addFile := func(name string, mode int64, size int64, body io.Reader) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: size, ModTime: epoch, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := io.CopyN(tw, body, size)
		return err
	}
	addBytes := func(name string, mode int64, b []byte) error {
		return addFile(name, mode, int64(len(b)), strings.NewReader(string(b)))
	}
	addPath := func(name string, mode int64, path string) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		return addFile(name, mode, st.Size(), f)
	}
	if err := addBytes("Dockerfile", 0o644, []byte(dockerfile)); err != nil {
		return err
	}
	for i, c := range r.Copy {
		prefix := strconv.Itoa(i) + "/"
		dirDest := strings.HasSuffix(c.Dest, "/")
		target := func(name string) string {
			if dirDest {
				return prefix + name
			}
			return prefix + filepath.Base(c.Dest)
		}
		mode := func(def int64) int64 {
			if c.Mode != 0 {
				return c.Mode
			}
			return def
		}
		switch {
		case c.Go != "":
			dir, err := src.programs(c.Go)
			if err != nil {
				return err
			}
			progs := c.Programs
			if len(progs) == 0 {
				if progs, err = src.progList(c.Go); err != nil {
					return err
				}
			}
			if !dirDest && len(progs) != 1 {
				return fmt.Errorf("copy %d: %d programs of %s cannot go to the single file %s", i, len(progs), c.Go, c.Dest)
			}
			for _, p := range progs {
				if err := addPath(target(p), mode(0o755), filepath.Join(dir, p)); err != nil {
					return err
				}
			}
		case c.Module != nil:
			dir, err := src.module(*c.Module)
			if err != nil {
				return err
			}
			root := filepath.Join(dir, c.Path)
			if !dirDest {
				if err := addPath(target(""), mode(0o644), root); err != nil {
					return err
				}
				continue
			}
			var paths []string
			err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.Type().IsRegular() {
					paths = append(paths, p)
				}
				return nil
			})
			if err != nil {
				return err
			}
			sort.Strings(paths)
			for _, p := range paths {
				rel, _ := filepath.Rel(root, p)
				rel = filepath.ToSlash(rel)
				m := mode(0o644)
				for _, pattern := range c.Executable {
					if ok, _ := path.Match(pattern, rel); ok {
						m = 0o755
					}
				}
				if err := addPath(prefix+rel, m, p); err != nil {
					return err
				}
			}
		case c.File != "":
			b, err := fs.ReadFile(src.files, c.File)
			if err != nil {
				return err
			}
			if err := addBytes(target(filepath.Base(c.File)), mode(0o644), b); err != nil {
				return err
			}
		default:
			if err := addBytes(target("content"), mode(0o644), []byte(c.Content)); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

// buildDockerfile builds a recipe with the engine's classic builder, FROM
// images that already exist locally; nothing is pulled.
func (f *Factory) buildDockerfile(ctx context.Context, s Step, ref string, log io.Writer) error {
	r := s.Item.Recipe
	fromRef := "scratch"
	if r.From != "scratch" {
		from, ok := f.refs[r.From]
		if !ok {
			return fmt.Errorf("base image %s is unknown", r.From)
		}
		fromRef = from
	}
	dockerfile := Dockerfile(r, fromRef, s.Hash)
	fmt.Fprintf(log, "--- Dockerfile\n%s---\n", dockerfile)
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeContext(pw, r, dockerfile, f.contextSource(ctx)))
	}()
	resp, err := f.Engine.ImageBuild(ctx, pr, build.ImageBuildOptions{
		Version: build.BuilderV1, Tags: []string{ref}, Remove: true, ForceRemove: true,
		PullParent: false, Dockerfile: "Dockerfile",
	})
	if err != nil {
		pr.CloseWithError(err)
		return err
	}
	err = drain(resp.Body, log)
	pr.Close()
	return err
}
