// Command asset is fabkind's sample chaincode: a small key-value asset
// registry whose state the scenarios write and read back. It is built by the
// peer's Go chaincode builder (ccenv) from vendored dependencies, offline.
package main

import (
	"log"

	"github.com/hyperledger/fabric-contract-api-go/contractapi"
)

func main() {
	cc, err := contractapi.NewChaincode(&Contract{})
	if err != nil {
		log.Fatalf("creating the asset chaincode: %v", err)
	}
	if err := cc.Start(); err != nil {
		log.Fatalf("starting the asset chaincode: %v", err)
	}
}
