// Command height is a client program a developer could write against a
// fabkind network: with only the files `fabkind export` wrote and
// fabric-sdk-go, it prints a channel's block height as a peer reports it.
//
//	fabkind export -o ./fabkind-export
//	go run . -export ./fabkind-export -channel mychannel
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/hyperledger/fabric-sdk-go/pkg/client/ledger"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/msp"
	mspctx "github.com/hyperledger/fabric-sdk-go/pkg/common/providers/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/core/config"
	"github.com/hyperledger/fabric-sdk-go/pkg/fabsdk"
)

func main() {
	dir := flag.String("export", "fabkind-export", "folder written by `fabkind export`")
	channel := flag.String("channel", "mychannel", "channel to query")
	peer := flag.String("peer", "", "peer to ask (a name from the profile's peers); default: the one in client/peer")
	flag.Parse()

	read := func(rel string) []byte {
		b, err := os.ReadFile(filepath.Join(*dir, rel))
		if err != nil {
			log.Fatal(err)
		}
		return b
	}
	sdk, err := fabsdk.New(config.FromFile(filepath.Join(*dir, "connection-profile.yaml")))
	if err != nil {
		log.Fatalf("loading the connection profile: %v", err)
	}
	defer sdk.Close()

	mspID := strings.TrimSpace(string(read("client/mspid")))
	mc, err := msp.New(sdk.Context(), msp.WithOrg(mspID))
	if err != nil {
		log.Fatal(err)
	}
	id, err := mc.CreateSigningIdentity(mspctx.WithCert(read("client/cert.pem")), mspctx.WithPrivateKey(read("client/key.pem")))
	if err != nil {
		log.Fatalf("loading the client identity: %v", err)
	}
	lc, err := ledger.New(sdk.ChannelContext(*channel, fabsdk.WithIdentity(id)))
	if err != nil {
		log.Fatalf("channel %s: %v", *channel, err)
	}
	if *peer == "" {
		*peer = strings.TrimSpace(string(read("client/peer")))
	}
	// fabric-sdk-go v1.0.0's ledger client drops every discovered peer when
	// choosing targets itself, so the peer is named (no discovery call then).
	info, err := lc.QueryInfo(ledger.WithTargetEndpoints(*peer))
	if err != nil {
		log.Fatalf("querying %s: %v", *channel, err)
	}
	fmt.Printf("channel %s height %d (peer %s)\n", *channel, info.BCI.Height, info.Endorser)
}
