package network

import "testing"

func TestHostPortsAreDistinctNodePorts(t *testing.T) {
	top := DefaultTopology()
	top.Organizations[1].Peers = 3
	seen := map[int]bool{}
	for _, p := range top.HostPorts() {
		if p < 30000 || p > 32767 || seen[p] {
			t.Errorf("port %d is reused or outside the NodePort range", p)
		}
		seen[p] = true
	}
	if len(seen) != 3+3+1 {
		t.Errorf("%d ports for 7 nodes", len(seen))
	}
	d, _ := testDeployment(RuntimeDinD)
	n := d.Topology.Peers()[1]
	svc := d.ExposeService(n)
	if svc.Spec.Selector["statefulset.kubernetes.io/pod-name"] != n.Pod() || svc.Spec.Ports[0].NodePort != int32(d.Topology.HostPort(n)) {
		t.Errorf("service %+v", svc.Spec)
	}
}
