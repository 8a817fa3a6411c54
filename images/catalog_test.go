package images

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"text/template"
)

// The catalog is data; these tests hold it to the rules the builders rely on.

func TestCatalogNamesAreUniqueAndDependenciesComeFirst(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Catalog {
		if seen[r.Name] {
			t.Errorf("recipe %s appears twice", r.Name)
		}
		if r.From != "" && r.From != "scratch" && !seen[r.From] {
			t.Errorf("%s: from %q must be a recipe listed before it", r.Name, r.From)
		}
		if r.Node != nil {
			for _, c := range r.Node.Components {
				if !seen[c] {
					t.Errorf("%s: component %q must be a recipe listed before it", r.Name, c)
				}
			}
		}
		seen[r.Name] = true
	}
}

func TestCatalogRecipesAreWellFormed(t *testing.T) {
	for _, r := range Catalog {
		if r.Version == "" || r.Doc == "" {
			t.Errorf("%s: version and doc are required", r.Name)
		}
		if r.Rootfs != nil {
			if r.From != "" || len(r.Copy) > 0 || len(r.Run) > 0 {
				t.Errorf("%s: a rootfs recipe has no from, copy or run", r.Name)
			}
			if len(r.Rootfs.Packages) == 0 || r.Rootfs.Suite == "" {
				t.Errorf("%s: a rootfs names its suite and packages", r.Name)
			}
			continue
		}
		if r.From == "" {
			t.Errorf("%s: from is required (a recipe or scratch)", r.Name)
		}
		if r.From == "scratch" && len(r.Run) > 0 {
			t.Errorf("%s: a scratch image has no shell to run %q", r.Name, r.Run[0])
		}
		for i, c := range r.Copy {
			sources := 0
			for _, set := range []bool{c.Go != "", c.Module != nil, c.File != "", c.Content != ""} {
				if set {
					sources++
				}
			}
			if sources != 1 {
				t.Errorf("%s: copy %d has %d sources, want exactly one", r.Name, i, sources)
			}
			if !strings.HasPrefix(c.Dest, "/") {
				t.Errorf("%s: copy %d: dest %q must be absolute", r.Name, i, c.Dest)
			}
			if c.Go != "" {
				g, err := FindGoBuild(c.Go)
				if err != nil {
					t.Errorf("%s: copy %d: %v", r.Name, i, err)
					continue
				}
				progs := c.Programs
				if len(progs) == 0 {
					progs = g.Programs()
				}
				for _, p := range progs {
					if !contains(g.Programs(), p) {
						t.Errorf("%s: copy %d: %s builds no program %q", r.Name, i, c.Go, p)
					}
				}
				if !strings.HasSuffix(c.Dest, "/") && len(progs) != 1 {
					t.Errorf("%s: copy %d: %d programs cannot go to the single file %s", r.Name, i, len(progs), c.Dest)
				}
			}
			if c.File != "" {
				if _, err := fs.Stat(Files, c.File); err != nil {
					t.Errorf("%s: copy %d: %v", r.Name, i, err)
				}
			}
		}
	}
}

func TestEveryRoleIsFilledOnce(t *testing.T) {
	count := map[Role]int{}
	for _, r := range Catalog {
		if r.Role != "" {
			count[r.Role]++
		}
	}
	for _, role := range Roles {
		if count[role] != 1 {
			t.Errorf("role %s is filled by %d recipes, want 1", role, count[role])
		}
	}
}

func TestNodeComponentsCarryTheNamesKubeadmAsksFor(t *testing.T) {
	node, err := Find("kind-node")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, c := range node.Node.Components {
		r, err := Find(c)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.ImportAs) == 0 {
			t.Errorf("component %s has no ImportAs", c)
		}
		for _, n := range r.ImportAs {
			names[n] = true
		}
	}
	// What `kubeadm config images list` prints for v1.37.2, and the pause
	// image kind's containerd config names.
	for _, want := range []string{
		"registry.k8s.io/kube-apiserver:v1.37.2", "registry.k8s.io/kube-controller-manager:v1.37.2",
		"registry.k8s.io/kube-scheduler:v1.37.2", "registry.k8s.io/kube-proxy:v1.37.2",
		"registry.k8s.io/coredns/coredns:v1.14.6", "registry.k8s.io/pause:3.10.2",
		"registry.k8s.io/etcd:3.7.0-0", "registry.k8s.io/pause:3.10",
		flannelImage, localPathImage,
	} {
		if !names[want] {
			t.Errorf("no node component is imported as %s", want)
		}
	}
}

func TestNodeManifestsNameTheImportedAddOnImages(t *testing.T) {
	for file, image := range map[string]string{"kind/default-cni.yaml": flannelImage, "kind/default-storage.yaml": localPathImage} {
		b, err := fs.ReadFile(Files, file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "image: "+image) {
			t.Errorf("%s does not run %s", file, image)
		}
	}
}

func TestGoBuildPrograms(t *testing.T) {
	for _, g := range GoBuilds {
		if len(g.Programs()) == 0 {
			t.Errorf("%s builds nothing", g.Name)
		}
		if g.Wrapper == "" && g.CSource == "" && len(g.Packages) == 0 {
			t.Errorf("%s: packages, wrapper or csource is required", g.Name)
		}
	}
	g, _ := FindGoBuild("runc")
	if got := g.Programs(); len(got) != 1 || got[0] != "runc" {
		t.Errorf("runc programs = %v, want [runc] (package . is named after the module)", got)
	}
	g, _ = FindGoBuild("fabric")
	if got := path.Join(g.Programs()...); !strings.Contains(got, "peer/orderer") || !strings.Contains(got, "osnadmin") {
		t.Errorf("fabric programs = %v", got)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestCNIManifestIsAKindTemplate(t *testing.T) {
	b, err := fs.ReadFile(Files, "kind/default-cni.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// kind renders the manifest only when it holds this phrase.
	if !strings.Contains(string(b), "would you kindly template this file") {
		t.Fatal("default-cni.yaml lacks kind's template marker: {{ .PodSubnet }} would reach flannel unrendered")
	}
	tmpl, err := template.New("cni").Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := tmpl.Execute(&out, struct{ PodSubnet string }{"10.244.0.0/16"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"Network": "10.244.0.0/16"`) {
		t.Errorf("rendered manifest does not carry the pod subnet:\n%s", out.String())
	}
}
