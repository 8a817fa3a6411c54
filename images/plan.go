package images

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Status of an image in the local engine.
type Status string

const (
	Present Status = "present" // the image for the current inputs exists
	Missing Status = "missing" // no image of this recipe exists
	Stale   Status = "stale"   // only images made from older inputs exist
)

// Inventory answers what the local engine and the binary cache hold.
type Inventory interface {
	// Tags returns the tags present in the engine for a repository (no registry access).
	Tags(ctx context.Context, repository string) ([]string, error)
	// HasBinaries reports whether a Go build's programs are cached for a hash.
	HasBinaries(g GoBuild, hash string) bool
}

// Item is one recipe's state.
type Item struct {
	Recipe Recipe
	Hash   string
	Ref    string
	Status Status
	Older  []string // tags from older inputs (stale leftovers)
}

// StepKind says which builder runs a step.
type StepKind string

const (
	StepGo    StepKind = "go"    // compile programs (GoBuild)
	StepImage StepKind = "image" // make an image (Recipe)
)

// Step is one unit of work in a build, with the names of steps it waits for.
type Step struct {
	Kind  StepKind
	Name  string // recipe or Go build name; step IDs are Kind/Name
	Hash  string
	Ref   string   // image steps: the reference to create
	Deps  []string // step IDs
	Build GoBuild  // Go steps
	Item  Item     // image steps
}

// ID is the step's unique name, e.g. "go/fabric" or "image/fabric-peer".
func (s Step) ID() string { return string(s.Kind) + "/" + s.Name }

// Plan is the state of the catalog and, in dependency order, the steps that
// make the requested images.
type Plan struct {
	Items []Item
	Steps []Step
}

// Planner computes plans.
type Planner struct {
	Hasher    *Hasher
	Inventory Inventory
}

// Plan inspects every recipe and returns the steps that build the requested
// ones (all when want is empty) together with whatever they are made from.
func (p *Planner) Plan(ctx context.Context, want []string) (*Plan, error) {
	plan := &Plan{}
	byName := map[string]Item{}
	for _, r := range p.Hasher.Recipes {
		hash, err := p.Hasher.Recipe(r.Name)
		if err != nil {
			return nil, err
		}
		item := Item{Recipe: r, Hash: hash, Ref: Ref(r, hash), Status: Missing}
		tags, err := p.Inventory.Tags(ctx, Repository(r))
		if err != nil {
			return nil, fmt.Errorf("inspecting %s: %w", Repository(r), err)
		}
		current := strings.TrimPrefix(item.Ref, Repository(r)+":")
		for _, t := range tags {
			if t == current {
				item.Status = Present
			} else {
				item.Older = append(item.Older, t)
			}
		}
		if item.Status == Missing && len(item.Older) > 0 {
			item.Status = Stale
		}
		plan.Items = append(plan.Items, item)
		byName[r.Name] = item
	}
	if len(want) == 0 {
		for _, r := range p.Hasher.Recipes {
			want = append(want, r.Name)
		}
	}
	steps := map[string]Step{}
	var order []string
	var visitImage func(name string, path []string) (string, error)
	visitGo := func(name string) (string, error) {
		g, err := p.Hasher.findBuild(name)
		if err != nil {
			return "", err
		}
		hash := p.Hasher.GoBuild(g)
		if p.Inventory.HasBinaries(g, hash) {
			return "", nil
		}
		s := Step{Kind: StepGo, Name: name, Hash: hash, Build: g}
		if _, ok := steps[s.ID()]; !ok {
			steps[s.ID()] = s
			order = append(order, s.ID())
		}
		return s.ID(), nil
	}
	visitImage = func(name string, path []string) (string, error) {
		for _, seen := range path {
			if seen == name {
				return "", fmt.Errorf("image recipes form a cycle: %s", strings.Join(append(path, name), " -> "))
			}
		}
		item, ok := byName[name]
		if !ok {
			return "", fmt.Errorf("no image named %q in the catalog (see `fabkind images list`)", name)
		}
		if item.Status == Present {
			return "", nil
		}
		id := string(StepImage) + "/" + name
		if _, ok := steps[id]; ok {
			return id, nil
		}
		var deps []string
		add := func(dep string, err error) error {
			if err != nil {
				return err
			}
			if dep != "" {
				deps = append(deps, dep)
			}
			return nil
		}
		path = append(path, name)
		r := item.Recipe
		if r.From != "" && r.From != "scratch" {
			if err := add(visitImage(r.From, path)); err != nil {
				return "", err
			}
		}
		for _, c := range r.Copy {
			if c.Go != "" {
				if err := add(visitGo(c.Go)); err != nil {
					return "", err
				}
			}
		}
		if r.Node != nil {
			for _, c := range r.Node.Components {
				if err := add(visitImage(c, path)); err != nil {
					return "", err
				}
			}
		}
		sort.Strings(deps)
		deps = dedupe(deps)
		steps[id] = Step{Kind: StepImage, Name: name, Hash: item.Hash, Ref: item.Ref, Deps: deps, Item: item}
		order = append(order, id)
		return id, nil
	}
	for _, name := range want {
		if _, err := visitImage(name, nil); err != nil {
			return nil, err
		}
	}
	for _, id := range order {
		plan.Steps = append(plan.Steps, steps[id])
	}
	return plan, nil
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// Item returns the state of a recipe by name.
func (p *Plan) Item(name string) (Item, bool) {
	for _, it := range p.Items {
		if it.Recipe.Name == name {
			return it, true
		}
	}
	return Item{}, false
}
