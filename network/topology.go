// Package network describes a Fabric network as data (Topology), derives
// every name, port and label the rig uses from it, and turns it into
// Kubernetes objects.
package network

import (
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

// APIVersion and Kind head every topology file.
const (
	APIVersion = "fabkind.dev/v1alpha1"
	Kind       = "Network"
)

// ChaincodeRuntime is how peers build and run chaincode.
type ChaincodeRuntime string

const (
	// RuntimeDinD gives every peer pod its own Docker daemon in a sidecar:
	// chaincode containers share the pod's network and die with it.
	RuntimeDinD ChaincodeRuntime = "dind"
	// RuntimeHostDocker mounts the node's Docker socket into the peer, the
	// legacy approach, kept only so scenarios can show what goes wrong.
	RuntimeHostDocker ChaincodeRuntime = "hostdocker"
)

// ImageSetName selects where images come from.
type ImageSetName string

const (
	ImagesOfficial ImageSetName = "official" // published images (kindest/node, hyperledger/fabric-*), pulled
	ImagesLocal    ImageSetName = "local"    // the set `fabkind images build` made, loaded into the nodes
)

// Topology is a Fabric network on Kubernetes, as data. Load fills defaults
// and validates it before anything is created.
type Topology struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Name names the network: the kind cluster, the namespace and the prefix
	// of the peers' CORE_PEER_NETWORKID. Default "fabkind".
	Name   string `json:"name"`
	Fabric Fabric `json:"fabric"`
	// Images is "official" (default) or "local".
	Images ImageSetName `json:"images"`
	// ChaincodeRuntime is "dind" (default) or "hostdocker".
	ChaincodeRuntime ChaincodeRuntime `json:"chaincodeRuntime"`
	Cluster          Cluster          `json:"cluster"`
	Organizations    []Organization   `json:"organizations"`
	Channels         []Channel        `json:"channels"`
}

// Fabric pins the Fabric release the network runs.
type Fabric struct {
	Version   string `json:"version"`   // default 2.5.0
	CAVersion string `json:"caVersion"` // default 1.5.15
}

// Cluster says where the network runs: a kind cluster fabkind creates
// (default), or an existing cluster named by a kubeconfig context.
type Cluster struct {
	Kind     *KindCluster     `json:"kind,omitempty"`
	Existing *ExistingCluster `json:"existing,omitempty"`
}

// KindCluster is a kind cluster fabkind creates and removes.
type KindCluster struct {
	// Workers is the number of worker nodes besides the control plane (default 0).
	Workers int `json:"workers"`
}

// ExistingCluster is a cluster fabkind deploys onto but never creates or removes.
type ExistingCluster struct {
	Kubeconfig string `json:"kubeconfig,omitempty"` // default $KUBECONFIG or ~/.kube/config
	Context    string `json:"context"`
	// Registry, when set, is where fabkind pushes the local image set for
	// that cluster to pull (e.g. localhost:5001/fabkind); otherwise the
	// cluster pulls the images by their own names.
	Registry string `json:"registry,omitempty"`
	// StorageClass for ledgers; default: the cluster's default class.
	StorageClass string `json:"storageClass,omitempty"`
}

// Organization is a Fabric organization: a peer organization (Peers > 0)
// or an orderer organization (Orderers > 0), with its own CA.
type Organization struct {
	Name     string `json:"name"`  // a DNS label, e.g. org1
	MSPID    string `json:"mspID"` // default: Name with its first letter upper-cased + "MSP", e.g. Org1MSP
	Peers    int    `json:"peers,omitempty"`
	Orderers int    `json:"orderers,omitempty"`
}

// Channel is an application channel, ordered by every orderer organization.
type Channel struct {
	Name          string   `json:"name"`
	Organizations []string `json:"organizations"` // peer organization names; default: all of them
}

// IsOrderer reports whether the organization runs orderers.
func (o Organization) IsOrderer() bool { return o.Orderers > 0 }

// Load reads, defaults and validates a topology file.
func Load(path string) (*Topology, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Parse decodes a topology (YAML or JSON), rejecting unknown fields, then
// fills defaults and validates it.
func Parse(raw []byte) (*Topology, error) {
	t := &Topology{}
	if err := yaml.UnmarshalStrict(raw, t); err != nil {
		return nil, fmt.Errorf("not a valid topology: %s", strings.TrimPrefix(err.Error(), "error unmarshaling JSON: while decoding JSON: "))
	}
	t.Default()
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// DefaultTopology is the network `fabkind up` makes without a file: three
// Raft orderers in an orderer organization, two peer organizations with one
// peer each, and one channel joining them.
func DefaultTopology() *Topology {
	t := &Topology{
		Organizations: []Organization{
			{Name: "orderer", Orderers: 3},
			{Name: "org1", Peers: 1},
			{Name: "org2", Peers: 1},
		},
		Channels: []Channel{{Name: "mychannel"}},
	}
	t.Default()
	return t
}

// Default fills every field left empty.
func (t *Topology) Default() {
	if t.APIVersion == "" {
		t.APIVersion = APIVersion
	}
	if t.Kind == "" {
		t.Kind = Kind
	}
	if t.Name == "" {
		t.Name = "fabkind"
	}
	if t.Fabric.Version == "" {
		t.Fabric.Version = "2.5.0"
	}
	if t.Fabric.CAVersion == "" {
		t.Fabric.CAVersion = "1.5.15"
	}
	if t.Images == "" {
		t.Images = ImagesOfficial
	}
	if t.ChaincodeRuntime == "" {
		t.ChaincodeRuntime = RuntimeDinD
	}
	if t.Cluster.Kind == nil && t.Cluster.Existing == nil {
		t.Cluster.Kind = &KindCluster{}
	}
	for i := range t.Organizations {
		o := &t.Organizations[i]
		if o.MSPID == "" && o.Name != "" {
			o.MSPID = strings.ToUpper(o.Name[:1]) + o.Name[1:] + "MSP"
		}
	}
	for i := range t.Channels {
		if len(t.Channels[i].Organizations) == 0 {
			for _, o := range t.Organizations {
				if !o.IsOrderer() {
					t.Channels[i].Organizations = append(t.Channels[i].Organizations, o.Name)
				}
			}
		}
	}
}

// PeerOrgs are the peer organizations, in file order.
func (t *Topology) PeerOrgs() []Organization {
	var out []Organization
	for _, o := range t.Organizations {
		if !o.IsOrderer() {
			out = append(out, o)
		}
	}
	return out
}

// OrdererOrgs are the orderer organizations, in file order.
func (t *Topology) OrdererOrgs() []Organization {
	var out []Organization
	for _, o := range t.Organizations {
		if o.IsOrderer() {
			out = append(out, o)
		}
	}
	return out
}

// Org returns the organization with the given name.
func (t *Topology) Org(name string) (Organization, bool) {
	for _, o := range t.Organizations {
		if o.Name == name {
			return o, true
		}
	}
	return Organization{}, false
}
