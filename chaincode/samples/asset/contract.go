package main

import (
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/contractapi"
)

// Asset is one entry of the registry.
type Asset struct {
	ID    string `json:"id"`
	Owner string `json:"owner"`
	Value int    `json:"value"`
}

// Contract stores assets under their ID.
type Contract struct {
	contractapi.Contract
}

// Create stores a new asset; an existing ID is an error.
func (c *Contract) Create(ctx contractapi.TransactionContextInterface, id, owner string, value int) error {
	existing, err := ctx.GetStub().GetState(id)
	if err != nil {
		return fmt.Errorf("reading %s: %w", id, err)
	}
	if existing != nil {
		return fmt.Errorf("asset %s exists already", id)
	}
	return c.put(ctx, Asset{ID: id, Owner: owner, Value: value})
}

// Transfer gives an asset to a new owner.
func (c *Contract) Transfer(ctx contractapi.TransactionContextInterface, id, owner string) error {
	a, err := c.Read(ctx, id)
	if err != nil {
		return err
	}
	a.Owner = owner
	return c.put(ctx, *a)
}

// Read returns an asset.
func (c *Contract) Read(ctx contractapi.TransactionContextInterface, id string) (*Asset, error) {
	b, err := ctx.GetStub().GetState(id)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", id, err)
	}
	if b == nil {
		return nil, fmt.Errorf("asset %s does not exist", id)
	}
	var a Asset
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", id, err)
	}
	return &a, nil
}

func (c *Contract) put(ctx contractapi.TransactionContextInterface, a Asset) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return ctx.GetStub().PutState(a.ID, b)
}
