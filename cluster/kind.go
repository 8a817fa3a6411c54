// Package cluster creates, reaches and removes the Kubernetes cluster a
// Fabric network runs on: a kind cluster made through kind's Go API, with
// client-go clients for it.
package cluster

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	kind "sigs.k8s.io/kind/pkg/cluster"
	"sigs.k8s.io/kind/pkg/cluster/nodes"
	"sigs.k8s.io/kind/pkg/cluster/nodeutils"
	kindcmd "sigs.k8s.io/kind/pkg/cmd"
)

// Spec is the shape of a kind cluster.
type Spec struct {
	Name      string // kind cluster name; its nodes are <Name>-control-plane, <Name>-worker...
	NodeImage string // a kind node image, e.g. one `fabkind images build` made
	Workers   int    // worker nodes besides the control plane
	// HostPorts are NodePorts also mapped on the host's 127.0.0.1 (same
	// number), through the control-plane node.
	HostPorts []int
	// DockerSocket mounts the host's Docker socket into every node, for the
	// legacy hostdocker chaincode runtime (peers then use the node's socket).
	DockerSocket bool
}

// kubeletCgroupV1Patch lets the kubelet (Kubernetes >= 1.35) run on hosts
// that still mount cgroup v1 controllers; on cgroup v2 hosts it is inert.
const kubeletCgroupV1Patch = `kind: KubeletConfiguration
apiVersion: kubelet.config.k8s.io/v1beta1
failCgroupV1: false
`

// KindConfig is the kind cluster configuration for a spec.
func KindConfig(s Spec) *v1alpha4.Cluster {
	cfg := &v1alpha4.Cluster{
		TypeMeta:             v1alpha4.TypeMeta{Kind: "Cluster", APIVersion: "kind.x-k8s.io/v1alpha4"},
		Name:                 s.Name,
		Nodes:                []v1alpha4.Node{{Role: v1alpha4.ControlPlaneRole, Image: s.NodeImage}},
		KubeadmConfigPatches: []string{kubeletCgroupV1Patch},
	}
	for _, p := range s.HostPorts {
		cfg.Nodes[0].ExtraPortMappings = append(cfg.Nodes[0].ExtraPortMappings, v1alpha4.PortMapping{
			ContainerPort: int32(p), HostPort: int32(p), ListenAddress: "127.0.0.1", Protocol: v1alpha4.PortMappingProtocolTCP})
	}
	for i := 0; i < s.Workers; i++ {
		cfg.Nodes = append(cfg.Nodes, v1alpha4.Node{Role: v1alpha4.WorkerRole, Image: s.NodeImage})
	}
	if s.DockerSocket {
		for i := range cfg.Nodes {
			cfg.Nodes[i].ExtraMounts = append(cfg.Nodes[i].ExtraMounts, v1alpha4.Mount{
				HostPath: "/var/run/docker.sock", ContainerPath: "/var/run/docker.sock"})
		}
	}
	v1alpha4.SetDefaultsCluster(cfg)
	return cfg
}

// Cluster is a reachable kind cluster.
type Cluster struct {
	Name       string
	Kubeconfig string // path of a kubeconfig for this cluster only (0600)
	REST       *rest.Config
	Client     kubernetes.Interface
	provider   *kind.Provider
}

func provider() *kind.Provider {
	return kind.NewProvider(kind.ProviderWithDocker(), kind.ProviderWithLogger(kindcmd.NewLogger()))
}

// Create makes a kind cluster and waits until its nodes are Ready. stateDir
// receives the cluster's kubeconfig. If creation fails midway, kind removes
// what it made.
func Create(ctx context.Context, s Spec, stateDir string, out io.Writer) (*Cluster, error) {
	if s.Name == "" || s.NodeImage == "" {
		return nil, fmt.Errorf("cluster spec: name and node image are required")
	}
	p := provider()
	existing, err := p.List()
	if err != nil {
		return nil, fmt.Errorf("listing kind clusters: %w", err)
	}
	for _, name := range existing {
		if name == s.Name {
			return nil, fmt.Errorf("a kind cluster named %q exists already; remove it with `kind delete cluster --name %s`", s.Name, s.Name)
		}
	}
	for _, p := range s.HostPorts {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return nil, fmt.Errorf("host port %d is in use (another fabkind network? `fabkind down` it, or stop what listens there): %w", p, err)
		}
		l.Close()
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, err
	}
	kubeconfig := filepath.Join(stateDir, "kubeconfig")
	start := time.Now()
	if err := p.Create(s.Name,
		kind.CreateWithV1Alpha4Config(KindConfig(s)),
		kind.CreateWithNodeImage(s.NodeImage),
		kind.CreateWithKubeconfigPath(kubeconfig),
		kind.CreateWithWaitForReady(2*time.Minute),
		kind.CreateWithDisplayUsage(false),
		kind.CreateWithDisplaySalutation(false),
	); err != nil {
		return nil, fmt.Errorf("creating kind cluster %s: %w", s.Name, err)
	}
	c, err := Open(s.Name, kubeconfig)
	if err != nil {
		return nil, err
	}
	// kind only warns when its wait for Ready times out; a cluster whose
	// nodes never get Ready (no pod network, say) is a failure here.
	if err := c.WaitForNodesReady(ctx, 1+s.Workers, 3*time.Minute); err != nil {
		return c, fmt.Errorf("kind cluster %s: %w; remove it with `kind delete cluster --name %s`", s.Name, err, s.Name)
	}
	fmt.Fprintf(out, "kind cluster %s is ready (%d nodes) in %s\n", s.Name, 1+s.Workers, time.Since(start).Round(100*time.Millisecond))
	return c, nil
}

// Exists reports whether a kind cluster of that name exists.
func Exists(name string) (bool, error) {
	names, err := provider().List()
	if err != nil {
		return false, fmt.Errorf("listing kind clusters: %w", err)
	}
	for _, n := range names {
		if n == name {
			return true, nil
		}
	}
	return false, nil
}

// OpenKind reaches an existing kind cluster, writing its kubeconfig under stateDir.
func OpenKind(name, stateDir string) (*Cluster, error) {
	cfg, err := provider().KubeConfig(name, false)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig of kind cluster %s: %w", name, err)
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(stateDir, "kubeconfig")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	return Open(name, path)
}

// Open reaches an existing kind cluster through a kubeconfig file.
func Open(name, kubeconfig string) (*Cluster, error) {
	if err := os.Chmod(kubeconfig, 0o600); err != nil {
		return nil, err
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", kubeconfig, err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Cluster{Name: name, Kubeconfig: kubeconfig, REST: cfg, Client: client, provider: provider()}, nil
}

// Delete removes the kind cluster (its node containers, network state and
// kubeconfig entry).
func (c *Cluster) Delete() error {
	if c.provider == nil {
		return fmt.Errorf("cluster %s was not made by fabkind; it is never deleted by fabkind", c.Name)
	}
	return c.provider.Delete(c.Name, c.Kubeconfig)
}

// Nodes are the cluster's node containers.
func (c *Cluster) Nodes() ([]nodes.Node, error) {
	if c.provider == nil {
		return nil, fmt.Errorf("cluster %s is not a kind cluster fabkind made: its nodes are not reachable", c.Name)
	}
	return c.provider.ListInternalNodes(c.Name)
}

// ImageSaver streams an image as a docker archive (the Docker engine's ImageSave).
type ImageSaver func(ctx context.Context, ref string) (io.ReadCloser, error)

// LoadImages makes local images available in every node's containerd, as
// `kind load docker-image` does, without any registry.
func (c *Cluster) LoadImages(ctx context.Context, save ImageSaver, refs ...string) error {
	ns, err := c.Nodes()
	if err != nil {
		return err
	}
	for _, ref := range refs {
		for _, n := range ns {
			if id, err := nodeutils.ImageID(n, ref); err == nil && id != "" {
				continue // already in this node
			}
			r, err := save(ctx, ref)
			if err != nil {
				return fmt.Errorf("saving %s: %w", ref, err)
			}
			err = nodeutils.LoadImageArchive(n, r)
			r.Close()
			if err != nil {
				return fmt.Errorf("loading %s into node %s: %w", ref, n.String(), err)
			}
		}
	}
	return nil
}

// CollectLogs writes kind's node logs (journal, containerd, kubelet, pods)
// under dir.
func (c *Cluster) CollectLogs(dir string) error {
	if c.provider == nil {
		return nil
	}
	return c.provider.CollectLogs(c.Name, dir)
}
