package fabclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/golang/protobuf/proto"
	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go/common"
	"github.com/hyperledger/fabric-protos-go/msp"
	pb "github.com/hyperledger/fabric-protos-go/peer"

	"github.com/fabkind/fabkind/network"
)

type ca struct {
	pem  []byte
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t *testing.T, cn string) ca {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	c, _ := x509.ParseCertificate(der)
	return ca{pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), c, key}
}

func (c ca) issue(t *testing.T, cn, ou string) (*Signer, []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn, OrganizationalUnit: []string{ou}},
		DNSNames: []string{cn}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	s, err := NewSigner("Org1MSP", certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}))
	if err != nil {
		t.Fatal(err)
	}
	return s, certPEM
}

func TestProposalIsSignedByTheCreator(t *testing.T) {
	admin, _ := newCA(t, "org1-ca").issue(t, "org1-admin", "admin")
	sp, err := admin.Proposal("", "cscc", [][]byte{[]byte("JoinChain"), []byte("block")})
	if err != nil {
		t.Fatal(err)
	}
	prop := &pb.Proposal{}
	hdr := &cb.Header{}
	chdr := &cb.ChannelHeader{}
	shdr := &cb.SignatureHeader{}
	id := &msp.SerializedIdentity{}
	for _, step := range []error{proto.Unmarshal(sp.ProposalBytes, prop), proto.Unmarshal(prop.Header, hdr),
		proto.Unmarshal(hdr.ChannelHeader, chdr), proto.Unmarshal(hdr.SignatureHeader, shdr), proto.Unmarshal(shdr.Creator, id)} {
		if step != nil {
			t.Fatal(step)
		}
	}
	if id.Mspid != "Org1MSP" || cb.HeaderType(chdr.Type) != cb.HeaderType_ENDORSER_TRANSACTION || len(chdr.TxId) != 64 {
		t.Errorf("creator %s type %v txid %q", id.Mspid, chdr.Type, chdr.TxId)
	}
	want := sha256.Sum256(append(append([]byte{}, shdr.Nonce...), shdr.Creator...))
	if chdr.TxId != hexString(want[:]) {
		t.Error("the transaction ID is the hash of nonce and creator")
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sp.Signature, &rs); err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(sp.ProposalBytes)
	if !ecdsa.Verify(&admin.Key.PublicKey, digest[:], rs.R, rs.S) {
		t.Error("signature does not verify")
	}
	if rs.S.Cmp(new(big.Int).Rsh(elliptic.P256().Params().N, 1)) > 0 {
		t.Error("signature must be low-S")
	}
}

func TestAnchorPeersUpdate(t *testing.T) {
	top := network.DefaultTopology()
	in := network.ChannelInputs{CACerts: map[string][]byte{}, OrdererTLSCerts: map[string][]byte{}}
	cas := map[string]ca{}
	for _, o := range top.Organizations {
		cas[o.Name] = newCA(t, o.Name+"-ca")
		in.CACerts[o.Name] = cas[o.Name].pem
	}
	for _, n := range top.Orderers() {
		_, p := cas[n.Org.Name].issue(t, n.Host(), "orderer")
		in.OrdererTLSCerts[n.Pod()] = p
	}
	raw, err := top.GenesisBlock(top.Channels[0], in)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := network.DecodeBlock(raw)
	env := &cb.Envelope{}
	payload := &cb.Payload{}
	cfgEnv := &cb.ConfigEnvelope{}
	proto.Unmarshal(block.Data.Data[0], env)
	proto.Unmarshal(env.Payload, payload)
	proto.Unmarshal(payload.Data, cfgEnv)

	admin, _ := cas["org1"].issue(t, "org1-admin", "admin")
	anchor := []configtx.Address{{Host: top.Peers()[0].Host(), Port: 7051}}
	upd, err := AnchorPeersUpdate(cfgEnv.Config, "mychannel", "Org1MSP", anchor, admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(upd.Signature) == 0 {
		t.Error("the envelope must be signed")
	}
	updPayload := &cb.Payload{}
	cue := &cb.ConfigUpdateEnvelope{}
	cu := &cb.ConfigUpdate{}
	proto.Unmarshal(upd.Payload, updPayload)
	proto.Unmarshal(updPayload.Data, cue)
	proto.Unmarshal(cue.ConfigUpdate, cu)
	if len(cue.Signatures) != 1 || cu.ChannelId != "mychannel" {
		t.Errorf("signatures %d channel %s", len(cue.Signatures), cu.ChannelId)
	}
	org := cu.WriteSet.Groups["Application"].Groups["Org1MSP"]
	if org == nil || org.Values["AnchorPeers"] == nil {
		t.Fatal("the write set must set Org1MSP's AnchorPeers")
	}

	// Already set: nothing to do.
	c := configtx.New(cfgEnv.Config)
	c.Application().Organization("Org1MSP").AddAnchorPeer(anchor[0])
	if _, err := AnchorPeersUpdate(c.UpdatedConfig(), "mychannel", "Org1MSP", anchor, admin); !errors.Is(err, ErrNoChange) {
		t.Errorf("err = %v, want ErrNoChange", err)
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
