package network

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/golang/protobuf/proto"
	cb "github.com/hyperledger/fabric-protos-go/common"
	ob "github.com/hyperledger/fabric-protos-go/orderer"
	"github.com/hyperledger/fabric-protos-go/orderer/etcdraft"
)

func testCert(t *testing.T, cn string, isCA bool, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) ([]byte, *x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: isCA, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, DNSNames: []string{cn}}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), c, key
}

func TestGenesisBlockOfTheDefaultTopology(t *testing.T) {
	top := DefaultTopology()
	in := ChannelInputs{CACerts: map[string][]byte{}, OrdererTLSCerts: map[string][]byte{}}
	cas := map[string]*x509.Certificate{}
	keys := map[string]*ecdsa.PrivateKey{}
	for _, o := range top.Organizations {
		p, c, k := testCert(t, o.Name+"-ca", true, nil, nil)
		in.CACerts[o.Name], cas[o.Name], keys[o.Name] = p, c, k
	}
	for _, n := range top.Orderers() {
		p, _, _ := testCert(t, n.Host(), false, cas[n.Org.Name], keys[n.Org.Name])
		in.OrdererTLSCerts[n.Pod()] = p
	}
	raw, err := top.GenesisBlock(top.Channels[0], in)
	if err != nil {
		t.Fatal(err)
	}
	block, err := DecodeBlock(raw)
	if err != nil {
		t.Fatal(err)
	}
	if block.Header.Number != 0 {
		t.Errorf("block number %d", block.Header.Number)
	}
	env := &cb.Envelope{}
	payload := &cb.Payload{}
	chdr := &cb.ChannelHeader{}
	cfgEnv := &cb.ConfigEnvelope{}
	must(t, proto.Unmarshal(block.Data.Data[0], env))
	must(t, proto.Unmarshal(env.Payload, payload))
	must(t, proto.Unmarshal(payload.Header.ChannelHeader, chdr))
	must(t, proto.Unmarshal(payload.Data, cfgEnv))
	if chdr.ChannelId != "mychannel" || cb.HeaderType(chdr.Type) != cb.HeaderType_CONFIG {
		t.Errorf("channel %s type %v", chdr.ChannelId, chdr.Type)
	}
	groups := cfgEnv.Config.ChannelGroup.Groups
	if got := sortedKeys(groups["Application"].Groups); got != "Org1MSP,Org2MSP" {
		t.Errorf("application orgs %s", got)
	}
	if got := sortedKeys(groups["Orderer"].Groups); got != "OrdererMSP" {
		t.Errorf("orderer orgs %s", got)
	}
	for _, p := range []string{"Endorsement", "LifecycleEndorsement", "Admins", "Readers", "Writers"} {
		if _, ok := groups["Application"].Policies[p]; !ok {
			t.Errorf("application policy %s missing", p)
		}
	}
	if _, ok := groups["Orderer"].Policies["BlockValidation"]; !ok {
		t.Error("orderer BlockValidation policy missing")
	}
	ct := &ob.ConsensusType{}
	must(t, proto.Unmarshal(groups["Orderer"].Values["ConsensusType"].Value, ct))
	meta := &etcdraft.ConfigMetadata{}
	must(t, proto.Unmarshal(ct.Metadata, meta))
	if ct.Type != "etcdraft" || len(meta.Consenters) != 3 {
		t.Fatalf("consensus %s with %d consenters", ct.Type, len(meta.Consenters))
	}
	if meta.Consenters[0].Host != "orderer-orderer-0.orderer-orderer.fabkind.svc.cluster.local" || meta.Consenters[0].Port != 7050 {
		t.Errorf("consenter 0: %s:%d", meta.Consenters[0].Host, meta.Consenters[0].Port)
	}
	if !strings.Contains(string(meta.Consenters[1].ServerTlsCert), "BEGIN CERTIFICATE") {
		t.Error("consenters carry their TLS certificates")
	}
}

func TestGenesisBlockNeedsEveryCertificate(t *testing.T) {
	top := DefaultTopology()
	_, err := top.GenesisBlock(top.Channels[0], ChannelInputs{})
	if err == nil || !strings.Contains(err.Error(), "CA certificate of orderer") {
		t.Errorf("err = %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func sortedKeys(m map[string]*cb.ConfigGroup) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}
