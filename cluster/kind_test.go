package cluster

import (
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

func TestKindConfig(t *testing.T) {
	cfg := KindConfig(Spec{Name: "fab", NodeImage: "fabkind.local/kind-node:v1.37.2-abc", Workers: 2})
	if cfg.Name != "fab" || len(cfg.Nodes) != 3 {
		t.Fatalf("name %q, %d nodes; want fab, 3", cfg.Name, len(cfg.Nodes))
	}
	roles := []v1alpha4.NodeRole{v1alpha4.ControlPlaneRole, v1alpha4.WorkerRole, v1alpha4.WorkerRole}
	for i, n := range cfg.Nodes {
		if n.Role != roles[i] || n.Image != "fabkind.local/kind-node:v1.37.2-abc" {
			t.Errorf("node %d: role %s image %s", i, n.Role, n.Image)
		}
	}
	if len(cfg.KubeadmConfigPatches) != 1 || !strings.Contains(cfg.KubeadmConfigPatches[0], "failCgroupV1: false") {
		t.Errorf("patches = %v, want the kubelet cgroup v1 patch", cfg.KubeadmConfigPatches)
	}
	if cfg.Networking.DisableDefaultCNI {
		t.Error("the node image's own CNI manifest must be installed")
	}
	if cfg.Networking.PodSubnet == "" {
		t.Error("defaults must be filled (pod subnet for flannel)")
	}
}

func TestKindConfigMapsHostPortsOnTheControlPlane(t *testing.T) {
	cfg := KindConfig(Spec{Name: "fab", NodeImage: "img", Workers: 1, HostPorts: []int{30050, 30150}})
	m := cfg.Nodes[0].ExtraPortMappings
	if len(m) != 2 || m[0].ContainerPort != 30050 || m[0].HostPort != 30050 || m[0].ListenAddress != "127.0.0.1" {
		t.Errorf("mappings %+v", m)
	}
	if len(cfg.Nodes[1].ExtraPortMappings) != 0 {
		t.Error("workers map no ports")
	}
}

func TestKindConfigMountsTheDockerSocketOnlyForHostDocker(t *testing.T) {
	if m := KindConfig(Spec{Name: "a", NodeImage: "i", Workers: 1}).Nodes[1].ExtraMounts; len(m) != 0 {
		t.Errorf("dind clusters mount nothing from the host: %v", m)
	}
	for _, n := range KindConfig(Spec{Name: "a", NodeImage: "i", Workers: 1, DockerSocket: true}).Nodes {
		if len(n.ExtraMounts) != 1 || n.ExtraMounts[0].HostPath != "/var/run/docker.sock" {
			t.Errorf("node %s mounts %v", n.Role, n.ExtraMounts)
		}
	}
}
