package images

import (
	"regexp"
	"testing"
	"testing/fstest"
)

func hashOf(t *testing.T, h *Hasher, name string) string {
	t.Helper()
	v, err := h.Recipe(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestHashIsStable(t *testing.T) {
	recipes, builds, files := testCatalog()
	a := &Hasher{GoVersion: "go1.26.8", Files: files, Recipes: recipes, Builds: builds}
	b := &Hasher{GoVersion: "go1.26.8", Files: files, Recipes: recipes, Builds: builds}
	for _, r := range recipes {
		if hashOf(t, a, r.Name) != hashOf(t, b, r.Name) {
			t.Errorf("%s: two hashers disagree", r.Name)
		}
	}
}

func TestHashFollowsEveryInput(t *testing.T) {
	base := func() *Hasher {
		recipes, builds, files := testCatalog()
		return &Hasher{GoVersion: "go1.26.8", Files: files, Recipes: recipes, Builds: builds}
	}
	ref := base()
	cases := map[string]struct {
		change  func(h *Hasher)
		changed []string // recipes whose hash must change; the others must not
	}{
		"a base package": {func(h *Hasher) { h.Recipes[0].Rootfs.Packages = append(h.Recipes[0].Rootfs.Packages, "curl") },
			[]string{"base", "node", "app"}},
		"a module version": {func(h *Hasher) { h.Builds[0].Module.Version = "v1.0.1" }, []string{"node", "app"}},
		"a component's program": {func(h *Hasher) { h.Builds[1].LDFlags = []string{"-X main.v=2"} },
			[]string{"comp", "node"}},
		"a repository file": {func(h *Hasher) { h.Files = fstest.MapFS{"x/entry": {Data: []byte("changed")}} },
			[]string{"app"}},
		"the Go toolchain":   {func(h *Hasher) { h.GoVersion = "go1.27.0" }, []string{"comp", "node", "app"}},
		"an image's command": {func(h *Hasher) { h.Recipes[3].Cmd = []string{"run"} }, []string{"app"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := base()
			tc.change(h)
			for _, r := range h.Recipes {
				changed := hashOf(t, h, r.Name) != hashOf(t, ref, r.Name)
				if changed != contains(tc.changed, r.Name) {
					t.Errorf("%s: changed=%v, want %v", r.Name, changed, !changed)
				}
			}
		})
	}
}

func TestRefCarriesVersionAndHash(t *testing.T) {
	r := Recipe{Name: "fabric-peer", Version: "2.5.0"}
	ref := Ref(r, "0123456789abcdef0123")
	if ref != "fabkind.local/fabric-peer:2.5.0-0123456789ab" {
		t.Errorf("ref = %s", ref)
	}
	if !regexp.MustCompile(`^[a-z0-9./-]+:[A-Za-z0-9_.-]{1,128}$`).MatchString(Ref(Recipe{Name: "x", Version: "v1+meta"}, "abcdefabcdefabcdef")) {
		t.Error("tags must only hold characters Docker accepts")
	}
}

func TestEveryCatalogRecipeHashes(t *testing.T) {
	h := &Hasher{GoVersion: "go1.26.8", Files: Files, Recipes: Catalog, Builds: GoBuilds}
	seen := map[string]string{}
	for _, r := range Catalog {
		v := hashOf(t, h, r.Name)
		if other, dup := seen[v]; dup {
			t.Errorf("%s and %s share a hash", r.Name, other)
		}
		seen[v] = r.Name
	}
}
