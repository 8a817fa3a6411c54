package network

import "fmt"

// Ports every Fabric process listens on inside its pod.
const (
	PortPeer         = 7051
	PortChaincode    = 7052
	PortOrderer      = 7050
	PortOrdererAdmin = 7053
	PortCA           = 7054
	PortOperations   = 9443
)

// Labels on every object fabkind makes.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by" // = ManagedBy
	LabelNetwork   = "fabkind.dev/network"          // the topology name
	LabelOrg       = "fabkind.dev/org"              // an organization name
	LabelComponent = "app.kubernetes.io/component"  // peer | orderer | ca
	ManagedBy      = "fabkind"
)

// Paths inside Fabric containers.
const (
	IdentitiesDir   = "/var/hyperledger/identities" // <pod>/msp, <pod>/tls from the org's identity Secret
	LedgerDir       = "/var/hyperledger/production"
	DinDSocketDir   = "/var/run/dind"
	DinDSocket      = DinDSocketDir + "/docker.sock"
	DockerDataDir   = "/var/lib/docker"
	HostDockerSock  = "/var/run/docker.sock"
	FieldPodName    = "POD_NAME"
	ChaincodeAddr   = "localhost" // chaincode containers share the peer pod's network
	FabricCfgPath   = "/etc/hyperledger/fabric"
	ContainerPeer   = "peer"
	ContainerDinD   = "dind"
	ContainerOrd    = "orderer"
	ContainerCA     = "ca"
	VolumeLedger    = "ledger"
	VolumeIDs       = "identities"
	VolumeDinDSock  = "dind-socket"
	VolumeDockerLib = "docker-data"
)

// Namespace is the Kubernetes namespace of the network.
func (t *Topology) Namespace() string { return t.Name }

// Node is one Fabric process of an organization: a peer or an orderer.
type Node struct {
	Org   Organization
	Index int
	Role  string // "peer" | "orderer"
	ns    string
}

// Peers lists every peer of the topology, org by org.
func (t *Topology) Peers() []Node {
	var out []Node
	for _, o := range t.PeerOrgs() {
		for i := 0; i < o.Peers; i++ {
			out = append(out, Node{Org: o, Index: i, Role: "peer", ns: t.Namespace()})
		}
	}
	return out
}

// Orderers lists every orderer of the topology.
func (t *Topology) Orderers() []Node {
	var out []Node
	for _, o := range t.OrdererOrgs() {
		for i := 0; i < o.Orderers; i++ {
			out = append(out, Node{Org: o, Index: i, Role: "orderer", ns: t.Namespace()})
		}
	}
	return out
}

// StatefulSet is the name of the StatefulSet (and its headless Service)
// that runs the organization's nodes of this role.
func (n Node) StatefulSet() string { return StatefulSetName(n.Org, n.Role) }

// StatefulSetName is "<org>-peer" or "<org>-orderer".
func StatefulSetName(o Organization, role string) string { return o.Name + "-" + role }

// Pod is the node's pod name, e.g. org1-peer-0.
func (n Node) Pod() string { return fmt.Sprintf("%s-%d", n.StatefulSet(), n.Index) }

// Host is the node's stable DNS name inside the cluster; its TLS
// certificate carries it.
func (n Node) Host() string {
	return fmt.Sprintf("%s.%s.%s.svc.cluster.local", n.Pod(), n.StatefulSet(), n.ns)
}

// Port is the node's main gRPC port.
func (n Node) Port() int {
	if n.Role == "orderer" {
		return PortOrderer
	}
	return PortPeer
}

// Address is host:port of the node's main endpoint.
func (n Node) Address() string { return fmt.Sprintf("%s:%d", n.Host(), n.Port()) }

// HostPattern is the DNS name of a StatefulSet's pods with the pod name left
// as a Kubernetes env reference, for the StatefulSet's shared pod template.
func HostPattern(o Organization, role, ns string) string {
	return fmt.Sprintf("$(%s).%s.%s.svc.cluster.local", FieldPodName, StatefulSetName(o, role), ns)
}

// CAName is the Deployment, Service and storage name of an org's CA.
func CAName(o Organization) string { return o.Name + "-ca" }

// CAHost is the CA's DNS name inside the cluster.
func (t *Topology) CAHost(o Organization) string {
	return fmt.Sprintf("%s.%s.svc.cluster.local", CAName(o), t.Namespace())
}

// IdentitySecret holds an organization's node identities (MSP and TLS
// material of every peer or orderer), keyed per pod.
func IdentitySecret(o Organization) string { return o.Name + "-identities" }

// AdminSecretName holds an organization's admin and user identities
// (keys admin.cert.pem, admin.key.pem, admin.tls.crt, admin.tls.key, the
// same for user, ca.pem and msp-config.yaml).
func AdminSecretName(o Organization) string { return o.Name + "-admin" }

// Labels are the labels of an org's objects of one component.
func (t *Topology) Labels(o Organization, component string) map[string]string {
	return map[string]string{
		LabelManagedBy: ManagedBy,
		LabelNetwork:   t.Name,
		LabelOrg:       o.Name,
		LabelComponent: component,
	}
}
