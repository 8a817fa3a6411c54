package fabclient

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"

	"github.com/golang/protobuf/proto"
	"github.com/golang/protobuf/ptypes"
	cb "github.com/hyperledger/fabric-protos-go/common"
	pb "github.com/hyperledger/fabric-protos-go/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// Dial opens a TLS gRPC connection that trusts only tlsCA and expects the
// server certificate to name serverName (e.g. "localhost" through a
// port-forward, or the node's cluster DNS name).
func Dial(address string, tlsCA []byte, serverName string) (*grpc.ClientConn, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(tlsCA) {
		return nil, fmt.Errorf("TLS CA is not a PEM certificate")
	}
	creds := credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: serverName, MinVersion: tls.VersionTLS12})
	return grpc.NewClient(address, grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(100<<20), grpc.MaxCallSendMsgSize(100<<20)))
}

// Peer sends signed proposals to one peer.
type Peer struct {
	Conn   *grpc.ClientConn
	Signer *Signer
}

// JoinChannel asks the peer to join the channel whose genesis block this is.
func (p *Peer) JoinChannel(ctx context.Context, genesisBlock []byte) error {
	_, err := p.invoke(ctx, "", "cscc", "JoinChain", genesisBlock)
	return err
}

// Channels lists the channels the peer has joined.
func (p *Peer) Channels(ctx context.Context) ([]string, error) {
	payload, err := p.invoke(ctx, "", "cscc", "GetChannels")
	if err != nil {
		return nil, err
	}
	resp := &pb.ChannelQueryResponse{}
	if err := proto.Unmarshal(payload, resp); err != nil {
		return nil, err
	}
	var names []string
	for _, c := range resp.Channels {
		names = append(names, c.ChannelId)
	}
	return names, nil
}

// ChainInfo returns the peer's view of a channel: height and block hashes.
func (p *Peer) ChainInfo(ctx context.Context, channel string) (*cb.BlockchainInfo, error) {
	payload, err := p.invoke(ctx, channel, "qscc", "GetChainInfo", []byte(channel))
	if err != nil {
		return nil, err
	}
	info := &cb.BlockchainInfo{}
	return info, proto.Unmarshal(payload, info)
}

// ChannelConfig returns the channel's current configuration as the peer has it.
func (p *Peer) ChannelConfig(ctx context.Context, channel string) (*cb.Config, error) {
	payload, err := p.invoke(ctx, "", "cscc", "GetChannelConfig", []byte(channel))
	if err != nil {
		return nil, err
	}
	cfg := &cb.Config{}
	return cfg, proto.Unmarshal(payload, cfg)
}

func (p *Peer) invoke(ctx context.Context, channel, chaincode, fn string, args ...[]byte) ([]byte, error) {
	sp, err := p.Signer.Proposal(channel, chaincode, append([][]byte{[]byte(fn)}, args...))
	if err != nil {
		return nil, err
	}
	resp, err := pb.NewEndorserClient(p.Conn).ProcessProposal(ctx, sp)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", chaincode, fn, err)
	}
	if resp.Response == nil || resp.Response.Status != 200 {
		msg := "no response"
		if resp.Response != nil {
			msg = fmt.Sprintf("status %d: %s", resp.Response.Status, resp.Response.Message)
		}
		return nil, fmt.Errorf("%s %s: %s", chaincode, fn, msg)
	}
	return resp.Response.Payload, nil
}

// Proposal builds and signs a proposal to invoke a chaincode function.
func (s *Signer) Proposal(channel, chaincode string, args [][]byte) (*pb.SignedProposal, error) {
	nonce := make([]byte, 24)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	creator := s.Serialize()
	txid := sha256.Sum256(append(append([]byte{}, nonce...), creator...))
	ext, err := proto.Marshal(&pb.ChaincodeHeaderExtension{ChaincodeId: &pb.ChaincodeID{Name: chaincode}})
	if err != nil {
		return nil, err
	}
	chdr, err := proto.Marshal(&cb.ChannelHeader{
		Type: int32(cb.HeaderType_ENDORSER_TRANSACTION), ChannelId: channel, TxId: hex.EncodeToString(txid[:]),
		Timestamp: ptypes.TimestampNow(), Extension: ext,
	})
	if err != nil {
		return nil, err
	}
	shdr, err := proto.Marshal(&cb.SignatureHeader{Creator: creator, Nonce: nonce})
	if err != nil {
		return nil, err
	}
	hdr, err := proto.Marshal(&cb.Header{ChannelHeader: chdr, SignatureHeader: shdr})
	if err != nil {
		return nil, err
	}
	cis, err := proto.Marshal(&pb.ChaincodeInvocationSpec{ChaincodeSpec: &pb.ChaincodeSpec{
		Type: pb.ChaincodeSpec_GOLANG, ChaincodeId: &pb.ChaincodeID{Name: chaincode}, Input: &pb.ChaincodeInput{Args: args}}})
	if err != nil {
		return nil, err
	}
	payload, err := proto.Marshal(&pb.ChaincodeProposalPayload{Input: cis})
	if err != nil {
		return nil, err
	}
	prop, err := proto.Marshal(&pb.Proposal{Header: hdr, Payload: payload})
	if err != nil {
		return nil, err
	}
	sig, err := s.Sign(prop)
	if err != nil {
		return nil, err
	}
	return &pb.SignedProposal{ProposalBytes: prop, Signature: sig}, nil
}
