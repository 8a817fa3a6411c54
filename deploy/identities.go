package deploy

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/fabkind/fabkind/identity"
	"github.com/fabkind/fabkind/network"
)

// EnrollmentSecret keeps the enrollment secrets fabkind registered, so that
// a rerun can enroll again instead of failing on "already registered".
func EnrollmentSecret(o network.Organization) string { return o.Name + "-enrollment" }

// identities enrolls, through each organization's own CA reached by a
// port-forward from the host, every node (a signing and a TLS identity),
// an admin and a client user. Private keys go only into Secrets and the
// host's 0600 state files.
func (n *Network) identities(ctx context.Context) error {
	n.material = map[string]*identity.OrgMaterial{}
	roots := map[string]string{}
	for _, o := range n.Topology.Organizations {
		m, err := n.loadMaterial(ctx, o)
		if err != nil {
			return wrapOrg(o, err)
		}
		if m == nil {
			if m, err = n.enrollOrg(ctx, o); err != nil {
				return wrapOrg(o, err)
			}
		}
		n.material[o.Name] = m
		roots[o.Name+".pem"] = string(m.CACert)
		if err := identity.WriteMSP(n.orgStateDir(o)+"/admin", m.CACert, m.Admin); err != nil {
			return err
		}
		if err := identity.WriteMSP(n.orgStateDir(o)+"/user", m.CACert, m.Client); err != nil {
			return err
		}
	}
	return Apply(ctx, n.Cluster.Client, &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: network.TLSRootsConfigMap, Namespace: n.ns(), Labels: map[string]string{network.LabelManagedBy: network.ManagedBy}},
		Data:       roots,
	})
}

// nodesOf lists the pods of an organization's peers or orderers.
func (n *Network) nodesOf(o network.Organization) []network.Node {
	var out []network.Node
	for _, nd := range append(n.Topology.Peers(), n.Topology.Orderers()...) {
		if nd.Org.Name == o.Name {
			out = append(out, nd)
		}
	}
	return out
}

// loadMaterial returns the organization's identities from its Secrets when
// they cover every current node (a rerun), or nil.
func (n *Network) loadMaterial(ctx context.Context, o network.Organization) (*identity.OrgMaterial, error) {
	secrets := n.Cluster.Client.CoreV1().Secrets(n.ns())
	ids, err := secrets.Get(ctx, network.IdentitySecret(o), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	adm, err := secrets.Get(ctx, network.AdminSecretName(o), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	m := &identity.OrgMaterial{MSPID: o.MSPID, CACert: ids.Data["ca.pem"]}
	for _, nd := range n.nodesOf(o) {
		p := nd.Pod()
		sign := &identity.Identity{MSPID: o.MSPID, Cert: ids.Data[p+".cert.pem"], Key: ids.Data[p+".key.pem"]}
		tls := &identity.Identity{MSPID: o.MSPID, Cert: ids.Data[p+".tls.crt"], Key: ids.Data[p+".tls.key"]}
		if len(sign.Cert) == 0 || len(sign.Key) == 0 || len(tls.Cert) == 0 || len(tls.Key) == 0 {
			return nil, nil // a node was added: enroll again
		}
		m.Nodes = append(m.Nodes, identity.Node{Name: p, Sign: sign, TLS: tls})
	}
	person := func(prefix string) *identity.Node {
		return &identity.Node{Name: prefix,
			Sign: &identity.Identity{MSPID: o.MSPID, Cert: adm.Data[prefix+".cert.pem"], Key: adm.Data[prefix+".key.pem"]},
			TLS:  &identity.Identity{MSPID: o.MSPID, Cert: adm.Data[prefix+".tls.crt"], Key: adm.Data[prefix+".tls.key"]}}
	}
	m.Admin, m.Client = person("admin"), person("user")
	return m, nil
}

func (n *Network) enrollOrg(ctx context.Context, o network.Organization) (*identity.OrgMaterial, error) {
	c := n.Cluster
	selector := labels.SelectorFromSet(n.Topology.Labels(o, "ca")).String()
	pod, err := c.RunningPod(ctx, n.ns(), selector)
	if err != nil {
		return nil, err
	}
	caCert, _, err := c.Exec(ctx, n.ns(), pod, network.ContainerCA, nil, "cat", network.CAHome+"/ca-cert.pem")
	if err != nil {
		return nil, fmt.Errorf("reading the CA certificate: %w", err)
	}
	fwd, err := c.PortForwardPod(ctx, n.ns(), pod, network.PortCA)
	if err != nil {
		return nil, err
	}
	defer fwd.Close()
	ca, err := identity.NewCA(fmt.Sprintf("https://localhost:%d", fwd.LocalPort), network.CAName(o), []byte(caCert))
	if err != nil {
		return nil, err
	}
	boot, err := c.Client.CoreV1().Secrets(n.ns()).Get(ctx, network.CABootstrapSecret(o), metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	registrar, _, err := ca.Enroll(ctx, identity.EnrollRequest{
		ID: string(boot.Data[network.CABootstrapUserKey]), Secret: string(boot.Data[network.CABootstrapPasswordKey])})
	if err != nil {
		return nil, err
	}
	secrets, err := n.enrollmentSecrets(ctx, o)
	if err != nil {
		return nil, err
	}
	enroll := func(id, typ string, hosts []string) (*identity.Node, error) {
		if secrets[id] == "" {
			if secrets[id], err = randomSecret(); err != nil {
				return nil, err
			}
			// Keep the secret before registering, so a failure in between
			// leaves a state that the next run can complete.
			if err := n.saveEnrollmentSecrets(ctx, o, secrets); err != nil {
				return nil, err
			}
		}
		if err := ca.Register(ctx, registrar, identity.RegisterRequest{ID: id, Type: typ, Secret: secrets[id]}); err != nil {
			return nil, err
		}
		sign, _, err := ca.Enroll(ctx, identity.EnrollRequest{ID: id, Secret: secrets[id]})
		if err != nil {
			return nil, err
		}
		tls, _, err := ca.Enroll(ctx, identity.EnrollRequest{ID: id, Secret: secrets[id], Profile: "tls", Hosts: hosts})
		if err != nil {
			return nil, err
		}
		sign.MSPID, tls.MSPID = o.MSPID, o.MSPID
		return &identity.Node{Name: id, Sign: sign, TLS: tls}, nil
	}
	m := &identity.OrgMaterial{MSPID: o.MSPID, CACert: []byte(caCert)}
	for _, nd := range n.nodesOf(o) {
		node, err := enroll(nd.Pod(), nd.Role, []string{nd.Host(), nd.Pod(), "localhost"})
		if err != nil {
			return nil, err
		}
		m.Nodes = append(m.Nodes, *node)
	}
	if m.Admin, err = enroll(o.Name+"-admin", "admin", []string{"localhost"}); err != nil {
		return nil, err
	}
	if m.Client, err = enroll(o.Name+"-user", "client", []string{"localhost"}); err != nil {
		return nil, err
	}
	data := map[string][]byte{"ca.pem": m.CACert, "msp-config.yaml": []byte(identity.NodeOUsConfig)}
	for prefix, p := range map[string]*identity.Node{"admin": m.Admin, "user": m.Client} {
		data[prefix+".cert.pem"], data[prefix+".key.pem"] = p.Sign.Cert, p.Sign.Key
		data[prefix+".tls.crt"], data[prefix+".tls.key"] = p.TLS.Cert, p.TLS.Key
	}
	err = Apply(ctx, c.Client,
		n.secret(o, network.IdentitySecret(o), "identities", m.SecretData()),
		n.secret(o, network.AdminSecretName(o), "identities", data))
	return m, err
}

func (n *Network) secret(o network.Organization, name, component string, data map[string][]byte) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: n.ns(), Labels: n.Topology.Labels(o, component)},
		Type:       corev1.SecretTypeOpaque,
		Data:       data,
	}
}

func (n *Network) enrollmentSecrets(ctx context.Context, o network.Organization) (map[string]string, error) {
	s, err := n.Cluster.Client.CoreV1().Secrets(n.ns()).Get(ctx, EnrollmentSecret(o), metav1.GetOptions{})
	out := map[string]string{}
	if apierrors.IsNotFound(err) {
		return out, nil
	} else if err != nil {
		return nil, err
	}
	for k, v := range s.Data {
		out[k] = string(v)
	}
	return out, nil
}

func (n *Network) saveEnrollmentSecrets(ctx context.Context, o network.Organization, secrets map[string]string) error {
	data := map[string][]byte{}
	keys := make([]string, 0, len(secrets))
	for k := range secrets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		data[k] = []byte(secrets[k])
	}
	return Apply(ctx, n.Cluster.Client, n.secret(o, EnrollmentSecret(o), "ca", data))
}
