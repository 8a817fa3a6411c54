package fabclient

import (
	"context"
	"fmt"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go/common"
	ob "github.com/hyperledger/fabric-protos-go/orderer"
	"google.golang.org/grpc"
)

// Broadcast sends one envelope to an orderer and waits for its verdict.
func Broadcast(ctx context.Context, conn *grpc.ClientConn, env *cb.Envelope) error {
	stream, err := ob.NewAtomicBroadcastClient(conn).Broadcast(ctx)
	if err != nil {
		return err
	}
	if err := stream.Send(env); err != nil {
		return err
	}
	resp, err := stream.Recv()
	if err != nil {
		return err
	}
	_ = stream.CloseSend()
	if resp.Status != cb.Status_SUCCESS {
		return fmt.Errorf("orderer answered %s: %s", resp.Status, resp.Info)
	}
	return nil
}

// ErrNoChange means a configuration update would change nothing.
var ErrNoChange = fmt.Errorf("the channel configuration has that already")

// AnchorPeersUpdate is the signed configuration update that makes the given
// peers the anchor peers of an organization on a channel, computed from the
// channel's current configuration. An org admin signs it.
func AnchorPeersUpdate(current *cb.Config, channel, mspID string, anchors []configtx.Address, admin *Signer) (*cb.Envelope, error) {
	c := configtx.New(current)
	org := c.Application().Organization(mspID)
	if org == nil {
		return nil, fmt.Errorf("channel %s has no organization %s", channel, mspID)
	}
	have, err := org.AnchorPeers()
	if err != nil {
		return nil, err
	}
	if sameAddresses(have, anchors) {
		return nil, ErrNoChange
	}
	for _, a := range have {
		if err := org.RemoveAnchorPeer(a); err != nil {
			return nil, err
		}
	}
	for _, a := range anchors {
		if err := org.AddAnchorPeer(a); err != nil {
			return nil, err
		}
	}
	update, err := c.ComputeMarshaledUpdate(channel)
	if err != nil {
		return nil, err
	}
	cert, err := admin.Certificate()
	if err != nil {
		return nil, err
	}
	id := &configtx.SigningIdentity{Certificate: cert, PrivateKey: admin.Key, MSPID: admin.MSPID}
	sig, err := id.CreateConfigSignature(update)
	if err != nil {
		return nil, err
	}
	env, err := configtx.NewEnvelope(update, sig)
	if err != nil {
		return nil, err
	}
	return env, id.SignEnvelope(env)
}

func sameAddresses(a, b []configtx.Address) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[configtx.Address]bool{}
	for _, x := range a {
		seen[x] = true
	}
	for _, x := range b {
		if !seen[x] {
			return false
		}
	}
	return true
}
