package network

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Every peer and orderer is also reachable from the host: a NodePort
// Service per node, and (on kind clusters fabkind makes) the same port
// mapped on the host's 127.0.0.1. Programs on the host then reach
// 127.0.0.1:<port> while checking TLS against the node's cluster DNS name,
// which its certificate carries (the connection profile of `fabkind export`
// maps one to the other).
const (
	nodePortOrderers = 30050
	nodePortPeers    = 30150
)

// HostPort is the port on which the host reaches the node (its NodePort).
func (t *Topology) HostPort(n Node) int {
	nodes, base := t.Peers(), nodePortPeers
	if n.Role == "orderer" {
		nodes, base = t.Orderers(), nodePortOrderers
	}
	for i, x := range nodes {
		if x.Pod() == n.Pod() {
			return base + i
		}
	}
	return 0
}

// HostPorts lists every port the kind cluster maps on the host.
func (t *Topology) HostPorts() []int {
	var out []int
	for _, n := range append(t.Orderers(), t.Peers()...) {
		out = append(out, t.HostPort(n))
	}
	return out
}

// ExposeService is the NodePort Service of one node.
func (d *Deployment) ExposeService(n Node) *corev1.Service {
	t := d.Topology
	labels := t.Labels(n.Org, n.Role)
	selector := map[string]string{}
	for k, v := range labels {
		selector[k] = v
	}
	selector["statefulset.kubernetes.io/pod-name"] = n.Pod()
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: n.Pod() + "-host", Namespace: t.Namespace(), Labels: labels},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeNodePort,
			Selector: selector,
			Ports: []corev1.ServicePort{{Name: "grpc", Port: int32(n.Port()), TargetPort: intstr.FromInt32(int32(n.Port())),
				NodePort: int32(t.HostPort(n))}},
		},
	}
}

// HostAddress is where a program on the host reaches the node.
func (t *Topology) HostAddress(n Node) string { return fmt.Sprintf("127.0.0.1:%d", t.HostPort(n)) }
