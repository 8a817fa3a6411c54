package network

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultsFillAMinimalFile(t *testing.T) {
	top, err := Parse([]byte(`
organizations:
- {name: orderer, orderers: 3}
- {name: org1, peers: 1}
- {name: org2, peers: 2}
channels:
- {name: mychannel}
`))
	if err != nil {
		t.Fatal(err)
	}
	if top.APIVersion != APIVersion || top.Kind != Kind || top.Name != "fabkind" {
		t.Errorf("header defaults: %s %s %s", top.APIVersion, top.Kind, top.Name)
	}
	if top.Fabric.Version != "2.5.0" || top.Fabric.CAVersion != "1.5.15" {
		t.Errorf("fabric defaults: %+v", top.Fabric)
	}
	if top.Images != ImagesOfficial || top.ChaincodeRuntime != RuntimeDinD {
		t.Errorf("images %s runtime %s, want official dind", top.Images, top.ChaincodeRuntime)
	}
	if top.Cluster.Kind == nil || top.Cluster.Kind.Workers != 0 || top.Cluster.Existing != nil {
		t.Errorf("cluster default: %+v", top.Cluster)
	}
	for name, want := range map[string]string{"orderer": "OrdererMSP", "org1": "Org1MSP", "org2": "Org2MSP"} {
		if o, _ := top.Org(name); o.MSPID != want {
			t.Errorf("%s: mspID %s, want %s", name, o.MSPID, want)
		}
	}
	if got := strings.Join(top.Channels[0].Organizations, ","); got != "org1,org2" {
		t.Errorf("channel orgs default to every peer org, got %s", got)
	}
	if len(top.PeerOrgs()) != 2 || len(top.OrdererOrgs()) != 1 {
		t.Errorf("peer orgs %d orderer orgs %d", len(top.PeerOrgs()), len(top.OrdererOrgs()))
	}
}

func TestExplicitValuesAreKept(t *testing.T) {
	top, err := Parse([]byte(`
apiVersion: fabkind.dev/v1alpha1
kind: Network
name: demo
fabric: {version: 3.0.0, caVersion: 1.5.13}
images: local
chaincodeRuntime: hostdocker
cluster: {kind: {workers: 2}}
organizations:
- {name: ord, mspID: OrdMSP, orderers: 1}
- {name: bank, mspID: BankMSP, peers: 1}
- {name: shop, peers: 1}
channels:
- {name: trade, organizations: [bank]}
`))
	if err != nil {
		t.Fatal(err)
	}
	if top.Name != "demo" || top.Fabric.Version != "3.0.0" || top.Images != ImagesLocal || top.ChaincodeRuntime != RuntimeHostDocker || top.Cluster.Kind.Workers != 2 {
		t.Errorf("explicit values lost: %+v", top)
	}
	if got := strings.Join(top.Channels[0].Organizations, ","); got != "bank" {
		t.Errorf("channel orgs = %s, want bank only", got)
	}
}

func TestDefaultTopologyIsValidAndMatchesTheFixture(t *testing.T) {
	def := DefaultTopology()
	if err := def.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(def.OrdererOrgs()) != 1 || def.OrdererOrgs()[0].Orderers != 3 || len(def.PeerOrgs()) != 2 {
		t.Errorf("default topology: %+v", def.Organizations)
	}
	fixture, err := Load(filepath.Join("..", "fixtures", "topology.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fixture.Images = def.Images // the fixture runs the offline set
	if got, want := mustYAML(t, fixture), mustYAML(t, def); got != want {
		t.Errorf("fixtures/topology.yaml differs from DefaultTopology (images aside):\n%s\nwant\n%s", got, want)
	}
}

func TestExamplesAreValid(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "fixtures", "*.yaml"))
	if len(files) < 2 {
		t.Fatalf("want the default topology and examples in fixtures/, found %v", files)
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// Every validation error names the field and the fix.
func TestValidationErrors(t *testing.T) {
	orgs := "organizations: [{name: orderer, orderers: 3}, {name: org1, peers: 1}]\n"
	chans := "channels: [{name: ch}]\n"
	base := orgs + chans
	cases := []struct {
		name, yaml, field, fix string
	}{
		{"unknown field", base + "peerz: 3\n", `unknown field "peerz"`, ""},
		{"unknown nested field", "organizations: [{name: org1, peer: 1}]\n", `unknown field "peer"`, ""},
		{"apiVersion", base + "apiVersion: v1\n", "apiVersion", "fabkind.dev/v1alpha1"},
		{"kind", base + "kind: Cluster\n", "kind", "Network"},
		{"name", base + "name: My_Net\n", "name", "lower-case"},
		{"fabric version", base + "fabric: {version: latest}\n", "fabric.version", "MAJOR.MINOR.PATCH"},
		{"fabric 1.4", base + "fabric: {version: 1.4.12}\n", "fabric.version", "2.x or 3.x"},
		{"ca version", base + "fabric: {caVersion: x}\n", "fabric.caVersion", "MAJOR.MINOR.PATCH"},
		{"images", base + "images: remote\n", "images", `"official"`},
		{"runtime", base + "chaincodeRuntime: k8s\n", "chaincodeRuntime", `"dind"`},
		{"both clusters", base + "cluster: {kind: {}, existing: {context: x}}\n", "cluster", "keep one"},
		{"workers", base + "cluster: {kind: {workers: 20}}\n", "cluster.kind.workers", "0 to 8"},
		{"existing without context", base + "cluster: {existing: {}}\n", "cluster.existing.context", "kubeconfig context"},
		{"hostdocker on existing", base + "chaincodeRuntime: hostdocker\ncluster: {existing: {context: c}}\n", "chaincodeRuntime", "use dind"},
		{"no orgs", "channels: [{name: ch}]\n", "organizations", "at least one"},
		{"org name", "organizations: [{name: Org1, peers: 1}, {name: o, orderers: 1}]\nchannels: [{name: ch}]\n", "organizations[0].name", "lower-case"},
		{"duplicate org", "organizations: [{name: a, peers: 1}, {name: a, orderers: 1}]\nchannels: [{name: ch}]\n", "organizations[1].name", "own name"},
		{"msp id", "organizations: [{name: a, mspID: 'A MSP', peers: 1}, {name: o, orderers: 1}]\nchannels: [{name: ch}]\n", "organizations[0].mspID", "e.g. Org1MSP"},
		{"duplicate msp", "organizations: [{name: a, mspID: X, peers: 1}, {name: o, mspID: X, orderers: 1}]\nchannels: [{name: ch}]\n", "organizations[1].mspID", "own MSP ID"},
		{"both roles", "organizations: [{name: a, peers: 1, orderers: 1}]\nchannels: [{name: ch}]\n", "organizations[0]", "split it"},
		{"no role", chans + "organizations: [{name: orderer, orderers: 3}, {name: idle}]\n", "organizations[1]", "set peers"},
		{"negative", "organizations: [{name: a, peers: -1}, {name: o, orderers: 1}]\nchannels: [{name: ch}]\n", "organizations[0]", "0 or more"},
		{"too many peers", "organizations: [{name: a, peers: 9}, {name: o, orderers: 1}]\nchannels: [{name: ch}]\n", "organizations[0].peers", "1 to 4"},
		{"too many orderers", "organizations: [{name: a, peers: 1}, {name: o, orderers: 9}]\nchannels: [{name: ch}]\n", "organizations[1].orderers", "at most 7"},
		{"no orderer", "organizations: [{name: a, peers: 1}]\nchannels: [{name: ch}]\n", "organizations", "add an orderer organization"},
		{"two orderers", "organizations: [{name: a, peers: 1}, {name: o, orderers: 2}]\nchannels: [{name: ch}]\n", "organizations", "1 orderer, or 3"},
		{"no peer", "organizations: [{name: o, orderers: 1}]\nchannels: [{name: ch, organizations: [o]}]\n", "organizations", "add a peer organization"},
		{"no channel", "organizations: [{name: a, peers: 1}, {name: o, orderers: 1}]\n", "channels", "at least one channel"},
		{"channel name", orgs + "channels: [{name: MyChannel}]\n", "channels[0].name", "lower-case"},
		{"duplicate channel", orgs + "channels: [{name: ch}, {name: ch}]\n", "channels[1].name", "own name"},
		{"unknown channel org", orgs + "channels: [{name: ch, organizations: [org9]}]\n", "channels[0].organizations[0]", "from organizations"},
		{"orderer org in channel", orgs + "channels: [{name: ch, organizations: [orderer]}]\n", "channels[0].organizations[0]", "peer organizations only"},
		{"org twice in channel", orgs + "channels: [{name: ch, organizations: [org1, org1]}]\n", "channels[0].organizations[1]", "once"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml))
			if err == nil {
				t.Fatalf("accepted:\n%s", c.yaml)
			}
			msg := err.Error()
			if c.fix == "" { // a decoding error
				if !strings.Contains(msg, c.field) {
					t.Errorf("error %q does not name %s", msg, c.field)
				}
				return
			}
			var fe FieldError
			found := false
			for _, e := range unwrapAll(err) {
				if errors.As(e, &fe) && fe.Field == c.field && strings.Contains(fe.Fix, c.fix) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error for field %s with fix containing %q; got:\n%s", c.field, c.fix, msg)
			}
		})
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	_, err := Parse([]byte("name: X\nimages: y\norganizations: [{name: o, orderers: 2}]\nchannels: []\n"))
	if err == nil {
		t.Fatal("accepted")
	}
	if n := len(unwrapAll(err)); n < 4 {
		t.Errorf("got %d errors, want every problem (name, images, 2 orderers, no peer, no channel): %v", n, err)
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, []byte("images: nope\n"), 0o644)
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want it to name %s", err, path)
	}
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
