package deploy

import (
	"context"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fabkind/fabkind/network"
)

// PodState is one Fabric pod as Kubernetes sees it.
type PodState struct {
	Name, Org, Component, Phase, Node string
	Ready                             bool
	Restarts                          int32
}

// HeightState is one node's height of one channel.
type HeightState struct {
	Channel, Node, Role string
	Height              uint64
	Err                 error
}

// ChaincodeContainer is a container running in a peer's DinD daemon.
type ChaincodeContainer struct {
	Peer, Name, Image, Status string
}

// Status is what `fabkind status` shows.
type Status struct {
	NetworkID  string
	Pods       []PodState
	Heights    []HeightState
	Chaincodes []ChaincodeContainer
}

// Status reads the network's pods, every node's channel heights, and the
// chaincode containers inside each peer's DinD daemon.
func (n *Network) Status(ctx context.Context) (*Status, error) {
	st := &Status{NetworkID: n.deployment.NetworkID}
	pods, err := n.Cluster.Client.CoreV1().Pods(n.ns()).List(ctx, metav1.ListOptions{LabelSelector: network.LabelManagedBy + "=" + network.ManagedBy})
	if err != nil {
		return nil, err
	}
	for _, p := range pods.Items {
		ps := PodState{Name: p.Name, Org: p.Labels[network.LabelOrg], Component: p.Labels[network.LabelComponent], Phase: string(p.Status.Phase), Node: p.Spec.NodeName}
		for _, c := range p.Status.Conditions {
			if c.Type == "Ready" && c.Status == "True" {
				ps.Ready = true
			}
		}
		for _, cs := range append(p.Status.InitContainerStatuses, p.Status.ContainerStatuses...) {
			ps.Restarts += cs.RestartCount
		}
		st.Pods = append(st.Pods, ps)
	}
	sort.Slice(st.Pods, func(i, j int) bool { return st.Pods[i].Name < st.Pods[j].Name })
	for _, ch := range n.Topology.Channels {
		for _, nd := range n.Topology.Orderers() {
			h := HeightState{Channel: ch.Name, Node: nd.Pod(), Role: "orderer"}
			c, done, err := n.ordererAdmin(ctx, nd)
			if err == nil {
				info, ok, e := c.Channel(ctx, ch.Name)
				done()
				switch {
				case e != nil:
					err = e
				case !ok:
					err = fmt.Errorf("not joined")
				default:
					h.Height = info.Height
				}
			}
			h.Err = err
			st.Heights = append(st.Heights, h)
		}
		for _, nd := range n.channelPeers(ch) {
			height, err := n.peerHeight(ctx, nd, ch.Name)
			st.Heights = append(st.Heights, HeightState{Channel: ch.Name, Node: nd.Pod(), Role: "peer", Height: height, Err: err})
		}
	}
	if n.Topology.ChaincodeRuntime == network.RuntimeDinD {
		for _, nd := range n.Topology.Peers() {
			out, _, err := n.Cluster.Exec(ctx, n.ns(), nd.Pod(), network.ContainerDinD, nil,
				"docker", "-H", "unix://"+network.DinDSocket, "ps", "--format", "{{.Names}}\t{{.Image}}\t{{.Status}}")
			if err != nil {
				st.Chaincodes = append(st.Chaincodes, ChaincodeContainer{Peer: nd.Pod(), Status: "unreachable: " + err.Error()})
				continue
			}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if f := strings.Split(line, "\t"); len(f) == 3 {
					st.Chaincodes = append(st.Chaincodes, ChaincodeContainer{Peer: nd.Pod(), Name: f[0], Image: f[1], Status: f[2]})
				}
			}
		}
	}
	return st, nil
}
