// Package identity makes Fabric identities: it enrolls them through a
// Fabric CA's REST API (our own small client) and lays them out as MSP and
// TLS material for Kubernetes Secrets and for the host's 0600 state folder.
package identity

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// CA is a client of one Fabric CA server (its REST API, over TLS).
type CA struct {
	URL    string // e.g. https://localhost:31234 (a port-forward)
	Name   string // the CA's name (FABRIC_CA_SERVER_CA_NAME)
	client *http.Client
}

// NewCA returns a client that trusts only the given CA's TLS root.
func NewCA(url, name string, tlsRoot []byte) (*CA, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(tlsRoot) {
		return nil, fmt.Errorf("the CA's TLS root is not a PEM certificate")
	}
	return &CA{URL: strings.TrimSuffix(url, "/"), Name: name, client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}}, nil
}

// Identity is an enrolled identity: its certificate and private key (PEM).
type Identity struct {
	MSPID string
	Cert  []byte // PEM
	Key   []byte // PEM, PKCS#8
}

// Certificate parses the identity's certificate.
func (id *Identity) Certificate() (*x509.Certificate, error) { return parseCert(id.Cert) }

// EnrollRequest asks the CA for a certificate.
type EnrollRequest struct {
	ID, Secret string
	Profile    string   // "" (enrollment certificate) or "tls"
	Hosts      []string // subject alternative names (TLS certificates)
}

type response struct {
	Success bool            `json:"success"`
	Result  json.RawMessage `json:"result"`
	Errors  []struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// Enroll makes a new P-256 key, has the CA certify it, and returns the
// identity (without MSP ID) and the CA's chain.
func (c *CA) Enroll(ctx context.Context, r EnrollRequest) (*Identity, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: r.ID}, DNSNames: r.Hosts}, key)
	if err != nil {
		return nil, nil, err
	}
	body, _ := json.Marshal(map[string]any{
		"certificate_request": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr})),
		"hosts":               r.Hosts,
		"profile":             r.Profile,
		"CAName":              c.Name,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"/api/v1/enroll", bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.SetBasicAuth(r.ID, r.Secret)
	var result struct {
		Cert       string `json:"Cert"`
		ServerInfo struct {
			CAChain string `json:"CAChain"`
		} `json:"ServerInfo"`
	}
	if err := c.do(req, &result); err != nil {
		return nil, nil, fmt.Errorf("enrolling %s at %s: %w", r.ID, c.Name, err)
	}
	cert, err := base64.StdEncoding.DecodeString(result.Cert)
	if err != nil {
		return nil, nil, err
	}
	chain, err := base64.StdEncoding.DecodeString(result.ServerInfo.CAChain)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return &Identity{Cert: cert, Key: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})}, chain, nil
}

// RegisterRequest registers an identity with the CA.
type RegisterRequest struct {
	ID     string `json:"id"`
	Type   string `json:"type"` // peer, orderer, admin, client: the OU NodeOUs sort by
	Secret string `json:"secret,omitempty"`
}

// Register registers an identity, signed by a registrar (the bootstrap
// admin). Registering an ID that exists is not an error: `up` converges.
func (c *CA) Register(ctx context.Context, registrar *Identity, r RegisterRequest) error {
	body, _ := json.Marshal(map[string]any{
		"id": r.ID, "type": r.Type, "secret": r.Secret, "affiliation": "", "max_enrollments": -1, "caname": c.Name,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"/api/v1/register", bytes.NewReader(body))
	if err != nil {
		return err
	}
	token, err := Token(registrar, req.Method, req.URL.RequestURI(), body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", token)
	err = c.do(req, nil)
	if err != nil && strings.Contains(err.Error(), "is already registered") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("registering %s at %s: %w", r.ID, c.Name, err)
	}
	return nil
}

func (c *CA) do(req *http.Request, result any) error {
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	if !r.Success {
		var msgs []string
		for _, e := range r.Errors {
			msgs = append(msgs, fmt.Sprintf("%s (code %d)", e.Message, e.Code))
		}
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.Join(msgs, "; "))
	}
	if result != nil {
		return json.Unmarshal(r.Result, result)
	}
	return nil
}

// Token is the Fabric CA authorization token of a request: the signer's
// certificate and its ECDSA signature (SHA-256, low-S) over
// method.b64(uri).b64(body).b64(cert).
func Token(signer *Identity, method, uri string, body []byte) (string, error) {
	key, err := parseKey(signer.Key)
	if err != nil {
		return "", err
	}
	b64 := base64.StdEncoding.EncodeToString
	b64cert := b64(signer.Cert)
	payload := method + "." + b64([]byte(uri)) + "." + b64(body) + "." + b64cert
	digest := sha256.Sum256([]byte(payload))
	sig, err := signLowS(key, digest[:])
	if err != nil {
		return "", err
	}
	return b64cert + "." + b64(sig), nil
}

// signLowS signs a digest and returns the DER signature with S in the
// lower half of the curve order, as Fabric requires.
func signLowS(key *ecdsa.PrivateKey, digest []byte) ([]byte, error) {
	r, s, err := ecdsa.Sign(rand.Reader, key, digest)
	if err != nil {
		return nil, err
	}
	n := key.Curve.Params().N
	if s.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		s = new(big.Int).Sub(n, s)
	}
	return asn1.Marshal(struct{ R, S *big.Int }{r, s})
}

func parseKey(p []byte) (*ecdsa.PrivateKey, error) {
	b, _ := pem.Decode(p)
	if b == nil {
		return nil, fmt.Errorf("private key is not PEM")
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		if ek, ok := k.(*ecdsa.PrivateKey); ok {
			return ek, nil
		}
		return nil, fmt.Errorf("private key is not ECDSA")
	}
	return x509.ParseECPrivateKey(b.Bytes)
}

func parseCert(p []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(p)
	if b == nil {
		return nil, fmt.Errorf("certificate is not PEM")
	}
	return x509.ParseCertificate(b.Bytes)
}
