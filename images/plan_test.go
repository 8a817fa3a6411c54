package images

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeInventory holds tags per repository and cached Go builds by name.
type fakeInventory struct {
	tags   map[string][]string
	cached map[string]bool
}

func (f *fakeInventory) Tags(_ context.Context, repo string) ([]string, error) {
	return f.tags[repo], nil
}
func (f *fakeInventory) HasBinaries(g GoBuild, _ string) bool { return f.cached[g.Name] }

// testCatalog is a small catalog with every kind of dependency.
func testCatalog() ([]Recipe, []GoBuild, fstest.MapFS) {
	files := fstest.MapFS{"x/entry": {Data: []byte("#!/bin/sh\n")}}
	builds := []GoBuild{
		{Name: "tool", Module: Module{"example.com/tool", "v1.0.0"}, Packages: []string{"./cmd/tool"}},
		{Name: "other", Module: Module{"example.com/other", "v2.0.0"}, Packages: []string{"."}},
	}
	recipes := []Recipe{
		{Name: "base", Version: "bookworm", Rootfs: &Rootfs{Suite: "bookworm", Variant: "minbase", Packages: []string{"bash"}}},
		{Name: "comp", Version: "1", From: "scratch", ImportAs: []string{"registry.example/comp:1"},
			Copy: []Copy{{Go: "other", Dest: "/other"}}},
		{Name: "node", Role: RoleNode, Version: "1", From: "base", Node: &Node{Components: []string{"comp"}},
			Copy: []Copy{{Go: "tool", Dest: "/usr/bin/"}}},
		{Name: "app", Role: RolePeer, Version: "2.5.0", From: "base",
			Copy: []Copy{{Go: "tool", Dest: "/usr/bin/"}, {File: "x/entry", Dest: "/entry", Mode: 0o755}}},
	}
	return recipes, builds, files
}

func newTestPlanner(inv *fakeInventory) *Planner {
	recipes, builds, files := testCatalog()
	return &Planner{Hasher: &Hasher{GoVersion: "go1.26.8", Files: files, Recipes: recipes, Builds: builds}, Inventory: inv}
}

func stepIDs(p *Plan) []string {
	var ids []string
	for _, s := range p.Steps {
		ids = append(ids, s.ID())
	}
	return ids
}

func TestPlanFromNothingBuildsEverythingInDependencyOrder(t *testing.T) {
	p, err := newTestPlanner(&fakeInventory{}).Plan(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(stepIDs(p), " ")
	want := "image/base go/other image/comp go/tool image/node image/app"
	if got != want {
		t.Fatalf("steps = %s\nwant    %s", got, want)
	}
	pos := map[string]int{}
	for i, s := range p.Steps {
		pos[s.ID()] = i
		for _, d := range s.Deps {
			if _, ok := pos[d]; !ok {
				t.Errorf("%s runs before its dependency %s", s.ID(), d)
			}
		}
	}
	node := p.Steps[4]
	if strings.Join(node.Deps, " ") != "go/tool image/base image/comp" {
		t.Errorf("node deps = %v", node.Deps)
	}
	for _, it := range p.Items {
		if it.Status != Missing {
			t.Errorf("%s: status %s, want missing", it.Recipe.Name, it.Status)
		}
	}
}

func TestPlanSkipsWhatIsPresentAndCached(t *testing.T) {
	planner := newTestPlanner(&fakeInventory{})
	all, err := planner.Plan(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	inv := &fakeInventory{tags: map[string][]string{}, cached: map[string]bool{"tool": true}}
	for _, it := range all.Items {
		if it.Recipe.Name != "app" {
			inv.tags[Repository(it.Recipe)] = []string{strings.TrimPrefix(it.Ref, Repository(it.Recipe)+":")}
		}
	}
	p, err := newTestPlanner(inv).Plan(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(stepIDs(p), " "); got != "image/app" {
		t.Fatalf("steps = %q, want only image/app (its base is present, its program cached)", got)
	}
	if len(p.Steps[0].Deps) != 0 {
		t.Errorf("app deps = %v, want none: everything it needs exists", p.Steps[0].Deps)
	}
	// Everything present: nothing to do.
	inv.tags["fabkind.local/app"] = []string{strings.TrimPrefix(all.Items[3].Ref, "fabkind.local/app:")}
	p, err = newTestPlanner(inv).Plan(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 0 {
		t.Errorf("steps = %v, want none", stepIDs(p))
	}
}

func TestPlanReportsStaleImages(t *testing.T) {
	inv := &fakeInventory{tags: map[string][]string{"fabkind.local/app": {"2.5.0-000000000000"}}}
	p, err := newTestPlanner(inv).Plan(context.Background(), []string{"app"})
	if err != nil {
		t.Fatal(err)
	}
	app := p.Items[3]
	if app.Status != Stale || len(app.Older) != 1 {
		t.Errorf("app: status %s older %v, want stale with one older tag", app.Status, app.Older)
	}
	if got := strings.Join(stepIDs(p), " "); got != "image/base go/tool image/app" {
		t.Errorf("steps for app = %s", got)
	}
}

func TestPlanRejectsUnknownImages(t *testing.T) {
	_, err := newTestPlanner(&fakeInventory{}).Plan(context.Background(), []string{"nope"})
	if err == nil || !strings.Contains(err.Error(), `no image named "nope"`) {
		t.Errorf("err = %v, want one naming the unknown image", err)
	}
}

func TestPlanRejectsCycles(t *testing.T) {
	recipes := []Recipe{
		{Name: "a", Version: "1", From: "b"},
		{Name: "b", Version: "1", From: "a"},
	}
	p := &Planner{Inventory: &fakeInventory{}, Hasher: &Hasher{Recipes: recipes}}
	if _, err := p.Plan(context.Background(), nil); err == nil {
		t.Fatal("a cycle must be an error")
	}
}
