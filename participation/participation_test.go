package participation

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type pki struct {
	caPEM   []byte
	ca      *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte // a leaf for localhost
	keyPEM  []byte
}

func newPKI(t *testing.T) *pki {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		KeyUsage: x509.KeyUsageDigitalSignature, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	return &pki{caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), ca: ca, key: caKey,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd})}
}

// An orderer admin endpoint in miniature: mutual TLS, the multipart join,
// 405 on a second join, 404 for an unknown channel.
func TestJoinListChannel(t *testing.T) {
	p := newPKI(t)
	joined := map[string]uint64{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/participation/v1/channels":
			f, _, err := r.FormFile("config-block")
			if err != nil {
				w.WriteHeader(http.StatusBadRequest)
				json.NewEncoder(w).Encode(map[string]string{"error": "form does not contains part key: config-block"})
				return
			}
			b, _ := io.ReadAll(f)
			name := string(b)
			if _, ok := joined[name]; ok {
				w.WriteHeader(http.StatusMethodNotAllowed)
				json.NewEncoder(w).Encode(map[string]string{"error": "cannot join: channel already exists"})
				return
			}
			joined[name] = 1
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(ChannelInfo{Name: name, ConsensusRelation: "consenter", Status: "active", Height: 1})
		case r.Method == http.MethodGet && r.URL.Path == "/participation/v1/channels":
			var chans []map[string]string
			for n := range joined {
				chans = append(chans, map[string]string{"name": n})
			}
			json.NewEncoder(w).Encode(map[string]any{"systemChannel": nil, "channels": chans})
		case r.Method == http.MethodGet:
			name := r.URL.Path[len("/participation/v1/channels/"):]
			h, ok := joined[name]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				json.NewEncoder(w).Encode(map[string]string{"error": "channel does not exist"})
				return
			}
			json.NewEncoder(w).Encode(ChannelInfo{Name: name, Status: "active", ConsensusRelation: "consenter", Height: h})
		}
	}))
	serverCert, _ := tls.X509KeyPair(p.certPEM, p.keyPEM)
	pool := x509.NewCertPool()
	pool.AddCert(p.ca)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.StartTLS()
	defer srv.Close()

	c, err := New(srv.URL, p.caPEM, p.certPEM, p.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := c.Join(ctx, []byte("mychannel"))
	if err != nil || info.Status != "active" || info.Height != 1 {
		t.Fatalf("join: %+v %v", info, err)
	}
	if _, err := c.Join(ctx, []byte("mychannel")); !errors.Is(err, ErrAlreadyJoined) {
		t.Errorf("second join: %v, want ErrAlreadyJoined", err)
	}
	names, err := c.List(ctx)
	if err != nil || len(names) != 1 || names[0] != "mychannel" {
		t.Errorf("list %v %v", names, err)
	}
	if _, ok, err := c.Channel(ctx, "other"); ok || err != nil {
		t.Errorf("unknown channel: ok=%v err=%v", ok, err)
	}
	if info, ok, err := c.Channel(ctx, "mychannel"); !ok || err != nil || info.ConsensusRelation != "consenter" {
		t.Errorf("channel: %+v %v %v", info, ok, err)
	}

	// Without a client certificate the orderer refuses the connection.
	other := newPKI(t)
	stranger, _ := New(srv.URL, p.caPEM, other.certPEM, other.keyPEM)
	if _, err := stranger.List(ctx); err == nil {
		t.Error("a client certificate from another CA must be refused")
	}
}
