package images

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// factoryVersion changes whenever the builders change in a way that changes
// their output for the same recipe, so that every image is rebuilt.
const factoryVersion = "1"

// Hasher computes the input hash of Go builds and recipes. The hash covers the
// recipe itself (sources, versions, packages, commands), the content of this
// repository's files it copies, the hashes of what it is built from, the Go
// toolchain that compiles its programs and the factory version.
type Hasher struct {
	GoVersion string // `go env GOVERSION` of the toolchain that compiles programs
	Files     fs.FS  // this repository's image files (images/files)
	Recipes   []Recipe
	Builds    []GoBuild

	memo    map[string]string
	working map[string]bool // recipes being hashed, to catch cycles
}

// GoBuild returns the input hash of a Go build.
func (h *Hasher) GoBuild(g GoBuild) string {
	return digest("go", factoryVersion, h.GoVersion, mustJSON(g))
}

// Recipe returns the input hash of a recipe, memoized.
func (h *Hasher) Recipe(name string) (string, error) {
	if v, ok := h.memo[name]; ok {
		return v, nil
	}
	r, err := h.find(name)
	if err != nil {
		return "", err
	}
	if h.working[name] {
		return "", fmt.Errorf("image recipes form a cycle through %s", name)
	}
	if h.working == nil {
		h.working = map[string]bool{}
	}
	h.working[name] = true
	defer delete(h.working, name)
	parts := []string{"image", factoryVersion, mustJSON(r)}
	if r.From != "" && r.From != "scratch" {
		dep, err := h.Recipe(r.From)
		if err != nil {
			return "", fmt.Errorf("%s: from: %w", name, err)
		}
		parts = append(parts, "from="+dep)
	}
	for _, c := range r.Copy {
		switch {
		case c.Go != "":
			g, err := h.findBuild(c.Go)
			if err != nil {
				return "", fmt.Errorf("%s: copy: %w", name, err)
			}
			parts = append(parts, "go="+h.GoBuild(g))
		case c.File != "":
			b, err := fs.ReadFile(h.Files, c.File)
			if err != nil {
				return "", fmt.Errorf("%s: copy: %w", name, err)
			}
			parts = append(parts, "file="+c.File+"="+digest(string(b)))
		}
	}
	if r.Node != nil {
		comps := append([]string(nil), r.Node.Components...)
		sort.Strings(comps)
		for _, c := range comps {
			dep, err := h.Recipe(c)
			if err != nil {
				return "", fmt.Errorf("%s: component: %w", name, err)
			}
			parts = append(parts, "component="+dep)
		}
	}
	v := digest(parts...)
	if h.memo == nil {
		h.memo = map[string]string{}
	}
	h.memo[name] = v
	return v, nil
}

func (h *Hasher) find(name string) (Recipe, error) {
	for _, r := range h.Recipes {
		if r.Name == name {
			return r, nil
		}
	}
	return Recipe{}, fmt.Errorf("no recipe named %q", name)
}

func (h *Hasher) findBuild(name string) (GoBuild, error) {
	for _, g := range h.Builds {
		if g.Name == name {
			return g, nil
		}
	}
	return GoBuild{}, fmt.Errorf("no Go build named %q", name)
}

// Ref is the reference of a recipe's image for a given input hash:
// fabkind.local/<name>:<version>-<hash12>.
func Ref(r Recipe, hash string) string {
	return Registry + "/" + r.Name + ":" + tagSafe(r.Version) + "-" + hash[:12]
}

// Repository is the reference without tag.
func Repository(r Recipe) string { return Registry + "/" + r.Name }

func tagSafe(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			return c
		}
		return '_'
	}, s)
}

func digest(parts ...string) string {
	s := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(s, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(s.Sum(nil))
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
