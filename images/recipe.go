// Package images is fabkind's offline image factory: a declarative catalog of
// every image the rig runs (catalog.go), a planner that hashes each image's
// inputs and decides what is missing (plan.go), and builders that make images
// from Go module sources and Debian packages only, pulling nothing from any
// registry (gobuild.go, rootfs.go, dockerfile.go, node.go).
package images

// Registry is the repository prefix of every image the factory builds. It is
// not a reachable registry: the images live in the local Docker engine.
const Registry = "fabkind.local"

// Role is the part an image plays in a Fabric network on kind. Internal
// images (kind node components, bases) have no role.
type Role string

const (
	RoleNode     Role = "node"
	RolePeer     Role = "peer"
	RoleOrderer  Role = "orderer"
	RoleCA       Role = "ca"
	RoleTools    Role = "tools"
	RoleCCEnv    Role = "ccenv"
	RoleBaseOS   Role = "baseos"
	RoleDinD     Role = "dind"
	RoleRegistry Role = "registry"
)

// Roles lists every role an image set fills, in display order.
var Roles = []Role{RoleNode, RolePeer, RoleOrderer, RoleCA, RoleTools, RoleCCEnv, RoleBaseOS, RoleDinD, RoleRegistry}

// Module is a Go module at an exact version, read from the module cache.
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version"`
}

func (m Module) String() string { return m.Path + "@" + m.Version }

// GoBuild builds Go programs from a module's source at a pinned version.
// The build runs in the module's own directory in the module cache, so the
// module's go.mod, go.sum and vendor folder decide dependencies exactly as
// upstream builds would. Binaries are cached by the hash of this value.
type GoBuild struct {
	Name     string   `json:"name"`
	Module   Module   `json:"module"`
	Packages []string `json:"packages,omitempty"` // relative to the module root, e.g. ./cmd/peer
	CGO      bool     `json:"cgo,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	LDFlags  []string `json:"ldflags,omitempty"`
	// StagingVersion, when set, rewrites the module's "=> ./staging/src/X"
	// replaces to "=> X StagingVersion" (Kubernetes: staging is not in the zip).
	StagingVersion string `json:"stagingVersion,omitempty"`
	// Wrapper, when set, builds a generated main package (one program named
	// Name) in a fresh module that requires Module (etcd: its server module
	// has relative replaces, so it is imported rather than built in place).
	Wrapper string `json:"wrapper,omitempty"`
	// CSource, when set, compiles one C file of Module with gcc -static into
	// a program named Name (the pause container).
	CSource string   `json:"csource,omitempty"`
	CFlags  []string `json:"cflags,omitempty"`
}

// Programs returns the names of the binaries the build produces.
func (g GoBuild) Programs() []string {
	if g.Wrapper != "" || g.CSource != "" {
		return []string{g.Name}
	}
	out := make([]string, 0, len(g.Packages))
	for _, p := range g.Packages {
		if p == "." {
			p = g.Module.Path
		}
		out = append(out, lastElem(p))
	}
	return out
}

// Rootfs is a Debian root filesystem made with mmdebstrap and imported as
// an image: the bottom layer of every non-scratch image.
type Rootfs struct {
	Suite    string   `json:"suite"`
	Variant  string   `json:"variant"`
	Packages []string `json:"packages"`
}

// Copy puts one input into an image. Exactly one source is set.
type Copy struct {
	Go       string   `json:"go,omitempty"`       // a GoBuild name: its programs (or Programs)
	Programs []string `json:"programs,omitempty"` // subset of the GoBuild's programs
	Module   *Module  `json:"module,omitempty"`   // a file or folder of a module (Path)
	Path     string   `json:"path,omitempty"`
	File     string   `json:"file,omitempty"`    // a file of this repository, images/files/<File>
	Content  string   `json:"content,omitempty"` // literal file content
	Dest     string   `json:"dest"`              // absolute; ends in / for a folder
	Mode     int64    `json:"mode,omitempty"`    // file mode; default 0644, programs 0755
	// Executable lists path patterns (path.Match, relative to a copied
	// folder) of files that get mode 0755 in the image, so no later RUN
	// chmod has to copy them into another layer.
	Executable []string `json:"executable,omitempty"`
}

// Node describes the extra assembly of a kind node image: component images
// imported into the node's containerd (namespace k8s.io, pinned) under the
// names kubeadm and the node's manifests ask for.
type Node struct {
	KubernetesVersion string   `json:"kubernetesVersion"`
	Components        []string `json:"components"` // recipe names; each lists ImportAs
}

// Recipe is one image of the catalog.
type Recipe struct {
	Name    string `json:"name"`
	Role    Role   `json:"role,omitempty"`
	Version string `json:"version"` // shown in the tag, e.g. 2.5.0
	Doc     string `json:"doc"`

	Rootfs *Rootfs `json:"rootfs,omitempty"` // a base: no From, no Copy

	From       string   `json:"from,omitempty"` // a recipe name, or "scratch"
	Copy       []Copy   `json:"copy,omitempty"`
	Run        []string `json:"run,omitempty"` // shell commands, run after the copies
	Env        []string `json:"env,omitempty"`
	User       string   `json:"user,omitempty"`
	Workdir    string   `json:"workdir,omitempty"`
	Expose     []string `json:"expose,omitempty"`
	Volumes    []string `json:"volumes,omitempty"`
	Entrypoint []string `json:"entrypoint,omitempty"`
	Cmd        []string `json:"cmd,omitempty"`
	StopSignal string   `json:"stopSignal,omitempty"`

	// ImportAs names this image takes inside a kind node's containerd.
	ImportAs []string `json:"importAs,omitempty"`
	Node     *Node    `json:"node,omitempty"`
}

func lastElem(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}
