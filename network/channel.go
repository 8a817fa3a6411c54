package network

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/golang/protobuf/proto"
	"github.com/hyperledger/fabric-config/configtx"
	"github.com/hyperledger/fabric-config/configtx/membership"
	"github.com/hyperledger/fabric-config/configtx/orderer"
	cb "github.com/hyperledger/fabric-protos-go/common"
)

// ChannelInputs are the certificates a channel's configuration names: each
// organization's CA certificate (root of its enrollment and TLS
// certificates) and each orderer's TLS certificate (Raft consenters).
type ChannelInputs struct {
	CACerts         map[string][]byte // by organization name, PEM
	OrdererTLSCerts map[string][]byte // by orderer pod name, PEM
}

// ChannelConfig is the configuration of a channel of the topology: every
// orderer organization orders it with etcdraft, the channel's peer
// organizations are its members, and NodeOUs tell admins, peers, orderers
// and clients apart.
func (t *Topology) ChannelConfig(ch Channel, in ChannelInputs) (configtx.Channel, error) {
	sig := func(rule string) configtx.Policy {
		return configtx.Policy{Type: configtx.SignaturePolicyType, Rule: rule}
	}
	meta := func(rule string) configtx.Policy {
		return configtx.Policy{Type: configtx.ImplicitMetaPolicyType, Rule: rule}
	}
	msp := func(o Organization) (configtx.MSP, error) {
		ca, err := parseCertPEM(in.CACerts[o.Name])
		if err != nil {
			return configtx.MSP{}, fmt.Errorf("CA certificate of %s: %w", o.Name, err)
		}
		ou := func(id string) membership.OUIdentifier {
			return membership.OUIdentifier{Certificate: ca, OrganizationalUnitIdentifier: id}
		}
		return configtx.MSP{
			Name: o.MSPID, RootCerts: []*x509.Certificate{ca}, TLSRootCerts: []*x509.Certificate{ca},
			CryptoConfig: membership.CryptoConfig{SignatureHashFamily: "SHA2", IdentityIdentifierHashFunction: "SHA256"},
			NodeOUs: membership.NodeOUs{Enable: true, ClientOUIdentifier: ou("client"), PeerOUIdentifier: ou("peer"),
				AdminOUIdentifier: ou("admin"), OrdererOUIdentifier: ou("orderer")},
		}, nil
	}
	var ordererOrgs []configtx.Organization
	var consenters []orderer.Consenter
	for _, o := range t.OrdererOrgs() {
		m, err := msp(o)
		if err != nil {
			return configtx.Channel{}, err
		}
		var endpoints []string
		for _, n := range t.Orderers() {
			if n.Org.Name != o.Name {
				continue
			}
			endpoints = append(endpoints, n.Address())
			cert, err := parseCertPEM(in.OrdererTLSCerts[n.Pod()])
			if err != nil {
				return configtx.Channel{}, fmt.Errorf("TLS certificate of %s: %w", n.Pod(), err)
			}
			consenters = append(consenters, orderer.Consenter{
				Address: orderer.EtcdAddress{Host: n.Host(), Port: PortOrderer}, ClientTLSCert: cert, ServerTLSCert: cert})
		}
		ordererOrgs = append(ordererOrgs, configtx.Organization{Name: o.MSPID, MSP: m, OrdererEndpoints: endpoints,
			Policies: map[string]configtx.Policy{
				"Readers": sig(fmt.Sprintf("OR('%s.member')", o.MSPID)),
				"Writers": sig(fmt.Sprintf("OR('%s.member')", o.MSPID)),
				"Admins":  sig(fmt.Sprintf("OR('%s.admin')", o.MSPID)),
			}})
	}
	var appOrgs []configtx.Organization
	for _, name := range ch.Organizations {
		o, _ := t.Org(name)
		m, err := msp(o)
		if err != nil {
			return configtx.Channel{}, err
		}
		id := o.MSPID
		appOrgs = append(appOrgs, configtx.Organization{Name: id, MSP: m, Policies: map[string]configtx.Policy{
			"Readers":     sig(fmt.Sprintf("OR('%[1]s.admin', '%[1]s.peer', '%[1]s.client')", id)),
			"Writers":     sig(fmt.Sprintf("OR('%[1]s.admin', '%[1]s.client')", id)),
			"Admins":      sig(fmt.Sprintf("OR('%s.admin')", id)),
			"Endorsement": sig(fmt.Sprintf("OR('%s.peer')", id)),
		}})
	}
	standard := map[string]configtx.Policy{"Readers": meta("ANY Readers"), "Writers": meta("ANY Writers"), "Admins": meta("MAJORITY Admins")}
	with := func(extra map[string]configtx.Policy) map[string]configtx.Policy {
		out := map[string]configtx.Policy{}
		for k, v := range standard {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	return configtx.Channel{
		Capabilities: []string{"V2_0"},
		Policies:     standard,
		Orderer: configtx.Orderer{
			OrdererType:  orderer.ConsensusTypeEtcdRaft,
			BatchTimeout: 2 * time.Second,
			BatchSize:    orderer.BatchSize{MaxMessageCount: 10, AbsoluteMaxBytes: 99 << 20, PreferredMaxBytes: 512 << 10},
			EtcdRaft: orderer.EtcdRaft{Consenters: consenters, Options: orderer.EtcdRaftOptions{
				TickInterval: "500ms", ElectionTick: 10, HeartbeatTick: 1, MaxInflightBlocks: 5, SnapshotIntervalSize: 16 << 20}},
			Organizations: ordererOrgs,
			Capabilities:  []string{"V2_0"},
			Policies:      with(map[string]configtx.Policy{"BlockValidation": meta("ANY Writers")}),
			State:         orderer.ConsensusStateNormal,
		},
		Application: configtx.Application{
			Organizations: appOrgs,
			Capabilities:  []string{"V2_0"},
			Policies: with(map[string]configtx.Policy{
				"Endorsement":          meta("MAJORITY Endorsement"),
				"LifecycleEndorsement": meta("MAJORITY Endorsement"),
			}),
		},
	}, nil
}

// GenesisBlock is block 0 of a channel, marshaled: what every orderer is
// given through its channel participation API and every peer joins with.
func (t *Topology) GenesisBlock(ch Channel, in ChannelInputs) ([]byte, error) {
	cfg, err := t.ChannelConfig(ch, in)
	if err != nil {
		return nil, err
	}
	block, err := configtx.NewApplicationChannelGenesisBlock(cfg, ch.Name)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", ch.Name, err)
	}
	return proto.Marshal(block)
}

// DecodeBlock parses a marshaled block.
func DecodeBlock(b []byte) (*cb.Block, error) {
	block := &cb.Block{}
	return block, proto.Unmarshal(b, block)
}

func parseCertPEM(p []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(p)
	if b == nil {
		return nil, fmt.Errorf("no PEM certificate")
	}
	return x509.ParseCertificate(b.Bytes)
}
