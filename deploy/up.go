package deploy

import (
	"context"
	cryptorand "crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/identity"
	"github.com/fabkind/fabkind/images"
	"github.com/fabkind/fabkind/network"
)

// NetworkConfigMap records, in the network's namespace, what must stay the
// same across runs of `up` (the network ID).
const NetworkConfigMap = "fabkind-network"

// Network deploys a topology onto a cluster.
type Network struct {
	Topology *network.Topology
	Cluster  *cluster.Cluster
	Images   images.Set
	StateDir string         // host copies of admin and client identities (0700/0600)
	Engine   *images.Engine // the host's engine: source of the local images
	Out      io.Writer

	deployment   *network.Deployment
	material     map[string]*identity.OrgMaterial // by organization name
	registryDone chan error
}

// Steps are the ordered steps of `up` after the cluster exists.
func (n *Network) Steps() []Step {
	return []Step{
		{Name: "Namespace and network ID", Run: n.namespace},
		{Name: "Chaincode images to the network's registry (in the background)", Run: n.startRegistry},
		{Name: "Certificate authorities", Run: n.certificateAuthorities},
		{Name: "Identities (enrolled through each CA)", Run: n.identities},
		{Name: "Orderers (Raft)", Run: n.orderers},
		{Name: "Channels (genesis block to every orderer)", Run: n.channels},
		{Name: "Chaincode images in the network's registry", Run: n.waitRegistry},
		{Name: "Peers", Run: n.peers},
		{Name: "Peers joined to their channels", Run: n.join},
		{Name: "Anchor peers", Run: n.anchorPeers},
		{Name: "Every peer at the orderers' height", Run: n.heights},
	}
}

func (n *Network) ns() string { return n.Topology.Namespace() }

func (n *Network) namespace(ctx context.Context) error {
	t := n.Topology
	nsObj := &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: n.ns(), Labels: map[string]string{network.LabelManagedBy: network.ManagedBy, network.LabelNetwork: t.Name}},
	}
	if err := Apply(ctx, n.Cluster.Client, nsObj); err != nil {
		return err
	}
	id, err := n.networkID(ctx)
	if err != nil {
		return err
	}
	n.deployment = &network.Deployment{Topology: t, Images: n.Images, NetworkID: id,
		// hostdocker peers use the node's (the host's) engine, which has the local images.
		ChaincodeImagesInRegistry: t.Images == network.ImagesLocal && t.ChaincodeRuntime == network.RuntimeDinD}
	if t.Cluster.Existing != nil {
		n.deployment.StorageClass = t.Cluster.Existing.StorageClass
	}
	return nil
}

// networkID returns the network's CORE_PEER_NETWORKID, made once at random
// and kept in a ConfigMap so that a rerun converges on the same network.
func (n *Network) networkID(ctx context.Context) (string, error) {
	cms := n.Cluster.Client.CoreV1().ConfigMaps(n.ns())
	cm, err := cms.Get(ctx, NetworkConfigMap, metav1.GetOptions{})
	if err == nil && cm.Data["networkID"] != "" {
		return cm.Data["networkID"], nil
	}
	if err != nil && !apierrors.IsNotFound(err) {
		return "", err
	}
	id := n.Topology.Name + "-" + rand.String(6)
	err = Apply(ctx, n.Cluster.Client, &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: NetworkConfigMap, Namespace: n.ns(), Labels: map[string]string{network.LabelManagedBy: network.ManagedBy}},
		Data:       map[string]string{"networkID": id, "fabricVersion": n.Topology.Fabric.Version},
	})
	return id, err
}

func (n *Network) certificateAuthorities(ctx context.Context) error {
	d := n.deployment
	for _, o := range n.Topology.Organizations {
		secrets := n.Cluster.Client.CoreV1().Secrets(n.ns())
		if _, err := secrets.Get(ctx, network.CABootstrapSecret(o), metav1.GetOptions{}); apierrors.IsNotFound(err) {
			password, err := randomSecret()
			if err != nil {
				return err
			}
			if err := Apply(ctx, n.Cluster.Client, d.CASecret(o, "admin", password)); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if err := Apply(ctx, n.Cluster.Client, d.CAStorage(o), d.CADeployment(o), d.CAService(o)); err != nil {
			return err
		}
	}
	for _, o := range n.Topology.Organizations {
		if err := n.Cluster.WaitForDeployment(ctx, n.ns(), network.CAName(o)); err != nil {
			return err
		}
	}
	return nil
}

// randomSecret is a password made at random: no fixed passwords anywhere.
func randomSecret() (string, error) {
	b := make([]byte, 24)
	if _, err := cryptoRand(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

var cryptoRand = cryptorand.Read

// orgStateDir is the host folder of an organization's admin and client.
func (n *Network) orgStateDir(o network.Organization) string {
	return filepath.Join(n.StateDir, "organizations", o.Name)
}

func wrapOrg(o network.Organization, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("organization %s: %w", o.Name, err)
}
