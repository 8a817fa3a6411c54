package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"sigs.k8s.io/yaml"

	"github.com/fabkind/fabkind/network"
)

// Export writes, under dir, what a program on the host needs to use the
// network with fabric-sdk-go: the cluster's kubeconfig, a connection
// profile whose peers and orderers are the host ports the kind cluster maps
// (the entity matchers map the addresses discovery hands back, the nodes'
// cluster DNS names, to those ports while TLS still checks the cluster
// name), and a client identity of the first peer organization. Private
// keys are written 0600.
func (n *Network) Export(dir string) ([]string, error) {
	if n.Topology.Cluster.Existing != nil {
		return nil, fmt.Errorf("export maps peers to host ports of a kind cluster fabkind made; on an existing cluster, port-forward the peers (kubectl port-forward) and edit the profile's urls")
	}
	if err := os.MkdirAll(filepath.Join(dir, "client", "keystore"), 0o700); err != nil {
		return nil, err
	}
	org := n.Topology.PeerOrgs()[0]
	m := n.material[org.Name]
	files := map[string][]byte{
		"client/cert.pem":         m.Client.Sign.Cert,
		"client/key.pem":          m.Client.Sign.Key,
		"client/mspid":            []byte(org.MSPID),
		"client/peer":             []byte(n.nodesOf(org)[0].Host()),
		"connection-profile.yaml": nil,
	}
	profile, err := n.ConnectionProfile(org, filepath.Join(dir, "client", "keystore"))
	if err != nil {
		return nil, err
	}
	files["connection-profile.yaml"] = profile
	if n.Cluster.Kubeconfig != "" {
		kc, err := os.ReadFile(n.Cluster.Kubeconfig)
		if err != nil {
			return nil, err
		}
		files["kubeconfig"] = kc
	}
	var written []string
	for rel, data := range files {
		path := filepath.Join(dir, rel)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
		written = append(written, path)
	}
	return written, nil
}

type endpoint struct {
	URL         string            `json:"url"`
	GRPCOptions map[string]any    `json:"grpcOptions"`
	TLSCACerts  map[string]string `json:"tlsCACerts"`
}

type matcher struct {
	Pattern                             string `json:"pattern"`
	URLSubstitutionExp                  string `json:"urlSubstitutionExp"`
	SSLTargetOverrideURLSubstitutionExp string `json:"sslTargetOverrideUrlSubstitutionExp"`
	MappedHost                          string `json:"mappedHost"`
}

// ConnectionProfile is a fabric-sdk-go connection profile for a client of
// org; the SDK keeps its keys in keystore.
func (n *Network) ConnectionProfile(org network.Organization, keystore string) ([]byte, error) {
	t := n.Topology
	grpcOpts := func(host string) map[string]any {
		return map[string]any{"ssl-target-name-override": host, "keep-alive-time": "0s", "keep-alive-timeout": "20s",
			"keep-alive-permit": false, "fail-fast": false, "allow-insecure": false}
	}
	peers, orderers := map[string]endpoint{}, map[string]endpoint{}
	matchers := map[string][]matcher{}
	orgs := map[string]any{}
	for _, o := range t.Organizations {
		var names []string
		for _, nd := range n.nodesOf(o) {
			ep := endpoint{URL: "grpcs://" + t.HostAddress(nd), GRPCOptions: grpcOpts(nd.Host()),
				TLSCACerts: map[string]string{"pem": string(n.material[o.Name].CACert)}}
			mt := matcher{Pattern: "^" + regexp.QuoteMeta(nd.Address()) + "$", URLSubstitutionExp: "grpcs://" + t.HostAddress(nd),
				SSLTargetOverrideURLSubstitutionExp: nd.Host(), MappedHost: nd.Host()}
			if nd.Role == "orderer" {
				orderers[nd.Host()] = ep
				matchers["orderer"] = append(matchers["orderer"], mt)
			} else {
				peers[nd.Host()] = ep
				matchers["peer"] = append(matchers["peer"], mt)
				names = append(names, nd.Host())
			}
		}
		entry := map[string]any{"mspid": o.MSPID, "cryptoPath": filepath.Join(keystore, "unused", "{username}")}
		if len(names) > 0 {
			entry["peers"] = names
		}
		orgs[o.MSPID] = entry
	}
	channels := map[string]any{}
	for _, ch := range t.Channels {
		chPeers := map[string]any{}
		for _, nd := range n.channelPeers(ch) {
			chPeers[nd.Host()] = map[string]bool{"endorsingPeer": true, "chaincodeQuery": true, "ledgerQuery": true, "eventSource": true}
		}
		var ords []string
		for _, nd := range t.Orderers() {
			ords = append(ords, nd.Host())
		}
		channels[ch.Name] = map[string]any{"peers": chPeers, "orderers": ords}
	}
	profile := map[string]any{
		"version": "1.0.0",
		"client": map[string]any{
			"organization":    org.MSPID,
			"logging":         map[string]string{"level": "info"},
			"credentialStore": map[string]any{"cryptoStore": map[string]string{"path": keystore}},
			"BCCSP": map[string]any{"security": map[string]any{"enabled": true, "default": map[string]string{"provider": "SW"},
				"hashAlgorithm": "SHA2", "softVerify": true, "level": 256}},
			"tlsCerts": map[string]any{"systemCertPool": false},
		},
		"organizations":  orgs,
		"peers":          peers,
		"orderers":       orderers,
		"channels":       channels,
		"entityMatchers": matchers,
	}
	return yaml.Marshal(profile)
}
