// Package fabclient is a small Fabric gRPC client on the v1 protos: signed
// proposals to a peer's system chaincodes (join a channel, list channels,
// read a channel's height and configuration) and broadcasts to an orderer
// (channel configuration updates), with an organization admin's identity.
package fabclient

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"

	"github.com/golang/protobuf/proto"
	"github.com/hyperledger/fabric-protos-go/msp"
)

// Signer is an identity that signs Fabric messages.
type Signer struct {
	MSPID string
	Cert  []byte // PEM
	Key   *ecdsa.PrivateKey
}

// NewSigner parses a PEM certificate and PKCS#8 (or SEC 1) ECDSA key.
func NewSigner(mspID string, certPEM, keyPEM []byte) (*Signer, error) {
	b, _ := pem.Decode(keyPEM)
	if b == nil {
		return nil, fmt.Errorf("private key of %s is not PEM", mspID)
	}
	var key *ecdsa.PrivateKey
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		var ok bool
		if key, ok = k.(*ecdsa.PrivateKey); !ok {
			return nil, fmt.Errorf("private key of %s is not ECDSA", mspID)
		}
	} else if key, err = x509.ParseECPrivateKey(b.Bytes); err != nil {
		return nil, fmt.Errorf("private key of %s: %w", mspID, err)
	}
	return &Signer{MSPID: mspID, Cert: certPEM, Key: key}, nil
}

// Serialize is the signer's identity as Fabric transmits it.
func (s *Signer) Serialize() []byte {
	b, _ := proto.Marshal(&msp.SerializedIdentity{Mspid: s.MSPID, IdBytes: s.Cert})
	return b
}

// Sign signs SHA-256(msg) with a low-S ECDSA signature, as Fabric verifies.
func (s *Signer) Sign(msg []byte) ([]byte, error) {
	digest := sha256.Sum256(msg)
	r, sv, err := ecdsa.Sign(rand.Reader, s.Key, digest[:])
	if err != nil {
		return nil, err
	}
	n := s.Key.Curve.Params().N
	if sv.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		sv = new(big.Int).Sub(n, sv)
	}
	return asn1.Marshal(struct{ R, S *big.Int }{r, sv})
}

// Certificate parses the signer's certificate.
func (s *Signer) Certificate() (*x509.Certificate, error) {
	b, _ := pem.Decode(s.Cert)
	if b == nil {
		return nil, fmt.Errorf("certificate of %s is not PEM", s.MSPID)
	}
	return x509.ParseCertificate(b.Bytes)
}
