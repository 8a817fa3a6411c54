package identity

import (
	"fmt"
	"os"
	"path/filepath"
)

// NodeOUsConfig is an MSP's config.yaml: identities are classified by the
// OU their enrollment certificate carries (client, peer, admin, orderer),
// which the CA sets from the registered type.
const NodeOUsConfig = `NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: orderer
`

// Node is an enrolled peer or orderer: its signing identity and its TLS
// identity.
type Node struct {
	Name string // the pod name
	Sign *Identity
	TLS  *Identity
}

// OrgMaterial is everything an organization's pods and the host need.
type OrgMaterial struct {
	MSPID  string
	CACert []byte // the org CA's certificate: root of enrollment and TLS certificates
	Nodes  []Node
	Admin  *Node // signing identity of an org admin, with a TLS client certificate
	Client *Node // an application user
}

// SecretData lays the nodes' material out under the keys the
// StatefulSets map to each pod's msp/ and tls/ folders
// (network.identityItems).
func (m *OrgMaterial) SecretData() map[string][]byte {
	d := map[string][]byte{
		"ca.pem":          m.CACert,
		"tlsca.pem":       m.CACert,
		"msp-config.yaml": []byte(NodeOUsConfig),
	}
	for _, n := range m.Nodes {
		d[n.Name+".cert.pem"] = n.Sign.Cert
		d[n.Name+".key.pem"] = n.Sign.Key
		d[n.Name+".tls.crt"] = n.TLS.Cert
		d[n.Name+".tls.key"] = n.TLS.Key
	}
	return d
}

// WriteMSP writes an identity as an MSP folder (and its TLS material under
// tls/) for Fabric's own tools: private keys 0600, folders 0700.
func WriteMSP(dir string, caCert []byte, n *Node) error {
	files := map[string][]byte{
		"msp/cacerts/ca.pem":       caCert,
		"msp/tlscacerts/tlsca.pem": caCert,
		"msp/signcerts/cert.pem":   n.Sign.Cert,
		"msp/keystore/key.pem":     n.Sign.Key,
		"msp/config.yaml":          []byte(NodeOUsConfig),
		"tls/ca.crt":               caCert,
	}
	if n.TLS != nil {
		files["tls/client.crt"] = n.TLS.Cert
		files["tls/client.key"] = n.TLS.Key
	}
	for rel, data := range files {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}
