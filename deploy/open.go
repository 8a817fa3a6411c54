package deploy

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fabkind/fabkind/identity"
	"github.com/fabkind/fabkind/network"
)

// Load reads a deployed network's state (network ID, identities) from the
// cluster without changing anything, for status, export and scenarios.
func (n *Network) Load(ctx context.Context) error {
	cm, err := n.Cluster.Client.CoreV1().ConfigMaps(n.ns()).Get(ctx, NetworkConfigMap, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("no network %s on this cluster (namespace %s has no %s); run fabkind up", n.Topology.Name, n.ns(), NetworkConfigMap)
	}
	if err != nil {
		return err
	}
	n.deployment = &network.Deployment{Topology: n.Topology, Images: n.Images, NetworkID: cm.Data["networkID"]}
	n.material = map[string]*identity.OrgMaterial{}
	for _, o := range n.Topology.Organizations {
		m, err := n.loadMaterial(ctx, o)
		if err != nil {
			return err
		}
		if m == nil {
			return fmt.Errorf("organization %s has no identities yet; run fabkind up", o.Name)
		}
		n.material[o.Name] = m
	}
	return nil
}

// NetworkID is CORE_PEER_NETWORKID of the loaded or deployed network.
func (n *Network) NetworkID() string { return n.deployment.NetworkID }

// Material returns an organization's identities.
func (n *Network) Material(org string) *identity.OrgMaterial { return n.material[org] }
