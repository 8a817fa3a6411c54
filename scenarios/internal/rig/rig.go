// Package rig holds what every scenario suite needs: the offline image set,
// kind clusters made for a suite, namespaces, and artifacts collected when a
// spec fails.
package rig

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/fabkind/fabkind/images"
)

// Images is the local image set, every image of the catalog present.
type Images struct {
	Engine *images.Engine
	Plan   *images.Plan
}

// LocalImages checks that every image of the catalog is built and returns
// their references. Scenarios never build images: `make e2e` runs
// `make images` first.
func LocalImages(ctx context.Context) (*Images, error) {
	engine, err := images.NewEngine(ctx)
	if err != nil {
		return nil, err
	}
	f := images.NewFactory(engine, images.DefaultCacheDir(), os.Stderr)
	planner, err := f.NewPlanner(ctx)
	if err != nil {
		return nil, err
	}
	plan, err := planner.Plan(ctx, nil)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, it := range plan.Items {
		if it.Status != images.Present {
			missing = append(missing, it.Recipe.Name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("images not built: %s; run `make images` first", strings.Join(missing, ", "))
	}
	return &Images{Engine: engine, Plan: plan}, nil
}

// Ref is the reference of a catalog image.
func (i *Images) Ref(name string) string {
	it, ok := i.Plan.Item(name)
	if !ok {
		panic("no image named " + name)
	}
	return it.Ref
}

// ArtifactsDir is where failed specs leave what a human needs:
// $FABKIND_ARTIFACTS, or _artifacts at the repository root.
func ArtifactsDir() string {
	if d := os.Getenv("FABKIND_ARTIFACTS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "_artifacts")
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// SafeName turns a spec's text into a folder name.
func SafeName(s string) string {
	s = strings.Trim(unsafeChars.ReplaceAllString(s, "-"), "-")
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}
