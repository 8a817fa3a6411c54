package identity

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeCA speaks the part of Fabric CA's REST API the client uses, and
// checks what a real server checks: basic auth on enroll, a valid low-S
// token on register.
type fakeCA struct {
	t        *testing.T
	caCert   *x509.Certificate
	caKey    *ecdsa.PrivateKey
	caPEM    []byte
	secrets  map[string]string
	types    map[string]string
	lastHost []string
}

func newFakeCA(t *testing.T) *fakeCA {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "org1-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	return &fakeCA{t: t, caCert: cert, caKey: key, caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		secrets: map[string]string{"admin": "bootpw"}, types: map[string]string{"admin": "client"}}
}

func (f *fakeCA) reply(w http.ResponseWriter, result any, errMsg string) {
	out := map[string]any{"success": errMsg == "", "result": result, "errors": []any{}}
	if errMsg != "" {
		out["errors"] = []any{map[string]any{"code": 0, "message": errMsg}}
		w.WriteHeader(http.StatusBadRequest)
	}
	json.NewEncoder(w).Encode(out)
}

func (f *fakeCA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	switch r.URL.Path {
	case "/api/v1/enroll":
		user, pw, ok := r.BasicAuth()
		if !ok || f.secrets[user] != pw {
			f.reply(w, nil, "Authentication failure")
			return
		}
		var req struct {
			CSR   string   `json:"certificate_request"`
			Hosts []string `json:"hosts"`
		}
		json.Unmarshal(body, &req)
		f.lastHost = req.Hosts
		blk, _ := pem.Decode([]byte(req.CSR))
		csr, err := x509.ParseCertificateRequest(blk.Bytes)
		if err != nil || csr.CheckSignature() != nil {
			f.reply(w, nil, "bad CSR")
			return
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()),
			Subject:  pkix.Name{CommonName: user, OrganizationalUnit: []string{f.types[user]}},
			DNSNames: req.Hosts, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, _ := x509.CreateCertificate(rand.Reader, tmpl, f.caCert, csr.PublicKey, f.caKey)
		f.reply(w, map[string]any{
			"Cert":       base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
			"ServerInfo": map[string]any{"CAChain": base64.StdEncoding.EncodeToString(f.caPEM)},
		}, "")
	case "/api/v1/register":
		if err := f.verifyToken(r.Header.Get("Authorization"), r.Method, r.URL.RequestURI(), body); err != "" {
			f.reply(w, nil, err)
			return
		}
		var req struct{ ID, Type, Secret string }
		json.Unmarshal(body, &req)
		if _, ok := f.secrets[req.ID]; ok {
			f.reply(w, nil, "Identity '"+req.ID+"' is already registered")
			return
		}
		f.secrets[req.ID], f.types[req.ID] = req.Secret, req.Type
		f.reply(w, map[string]any{"secret": req.Secret}, "")
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeCA) verifyToken(token, method, uri string, body []byte) string {
	b64cert, b64sig, ok := strings.Cut(token, ".")
	if !ok {
		return "malformed token"
	}
	certPEM, _ := base64.StdEncoding.DecodeString(b64cert)
	sig, _ := base64.StdEncoding.DecodeString(b64sig)
	blk, _ := pem.Decode(certPEM)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil || cert.CheckSignatureFrom(f.caCert) != nil {
		return "token certificate not issued by this CA"
	}
	b64 := base64.StdEncoding.EncodeToString
	digest := sha256.Sum256([]byte(method + "." + b64([]byte(uri)) + "." + b64(body) + "." + b64cert))
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sig, &rs); err != nil {
		return "bad signature encoding"
	}
	if rs.S.Cmp(new(big.Int).Rsh(elliptic.P256().Params().N, 1)) > 0 {
		return "Invalid S. Must be smaller than half the order"
	}
	if !ecdsa.Verify(cert.PublicKey.(*ecdsa.PublicKey), digest[:], rs.R, rs.S) {
		return "token signature does not verify"
	}
	return ""
}

func TestEnrollRegisterEnroll(t *testing.T) {
	fake := newFakeCA(t)
	srv := httptest.NewTLSServer(fake)
	defer srv.Close()
	tlsRoot := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	ca, err := NewCA(srv.URL, "org1-ca", tlsRoot)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin, chain, err := ca.Enroll(ctx, EnrollRequest{ID: "admin", Secret: "bootpw"})
	if err != nil {
		t.Fatal(err)
	}
	if string(chain) != string(fake.caPEM) {
		t.Error("the CA chain must come back")
	}
	if _, _, err := ca.Enroll(ctx, EnrollRequest{ID: "admin", Secret: "wrong"}); err == nil || !strings.Contains(err.Error(), "Authentication failure") {
		t.Errorf("a wrong secret must fail with the CA's reason, got %v", err)
	}
	// Many registrations: each token must carry a low-S signature.
	for i := 0; i < 20; i++ {
		id := "peer" + string(rune('a'+i))
		if err := ca.Register(ctx, admin, RegisterRequest{ID: id, Type: "peer", Secret: "pw" + id}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ca.Register(ctx, admin, RegisterRequest{ID: "peera", Type: "peer", Secret: "x"}); err != nil {
		t.Errorf("registering again must converge, got %v", err)
	}
	tlsID, _, err := ca.Enroll(ctx, EnrollRequest{ID: "peera", Secret: "pwpeera", Profile: "tls", Hosts: []string{"org1-peer-0.org1-peer.fabkind.svc.cluster.local", "localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tlsID.Certificate()
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.OrganizationalUnit[0] != "peer" || len(cert.DNSNames) != 2 {
		t.Errorf("cert OU %v SANs %v", cert.Subject.OrganizationalUnit, cert.DNSNames)
	}
	key, err := parseKey(tlsID.Key)
	if err != nil || !key.PublicKey.Equal(cert.PublicKey) {
		t.Errorf("the key must match the certificate: %v", err)
	}
	if !strings.HasPrefix(string(tlsID.Key), "-----BEGIN PRIVATE KEY-----") {
		t.Error("keys are PKCS#8 PEM, as Fabric's keystore and OpenSSL expect")
	}
}

func TestNewCARejectsABadRoot(t *testing.T) {
	if _, err := NewCA("https://x", "ca", []byte("nope")); err == nil {
		t.Error("want an error")
	}
}

func TestWriteMSPKeepsKeysPrivate(t *testing.T) {
	dir := t.TempDir()
	n := &Node{Name: "admin", Sign: &Identity{Cert: []byte("c"), Key: []byte("k")}, TLS: &Identity{Cert: []byte("tc"), Key: []byte("tk")}}
	if err := WriteMSP(dir, []byte("ca"), n); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"msp/keystore/key.pem", "tls/client.key", "msp/signcerts/cert.pem"} {
		st, err := os.Stat(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %o, want 0600", rel, st.Mode().Perm())
		}
	}
	st, _ := os.Stat(filepath.Join(dir, "msp"))
	if st.Mode().Perm() != 0o700 {
		t.Errorf("msp folder mode %o", st.Mode().Perm())
	}
}

func TestSecretDataMatchesTheStatefulSetKeys(t *testing.T) {
	m := &OrgMaterial{CACert: []byte("ca"), Nodes: []Node{{Name: "org1-peer-0", Sign: &Identity{Cert: []byte("c"), Key: []byte("k")}, TLS: &Identity{Cert: []byte("tc"), Key: []byte("tk")}}}}
	d := m.SecretData()
	for _, k := range []string{"ca.pem", "tlsca.pem", "msp-config.yaml", "org1-peer-0.cert.pem", "org1-peer-0.key.pem", "org1-peer-0.tls.crt", "org1-peer-0.tls.key"} {
		if _, ok := d[k]; !ok {
			t.Errorf("missing key %s", k)
		}
	}
}
