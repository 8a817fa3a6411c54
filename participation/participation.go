// Package participation is a client of a Fabric orderer's channel
// participation API (what osnadmin speaks): join an orderer to a channel
// with the channel's genesis block, list and inspect its channels. Every
// call uses mutual TLS with an orderer organization admin's TLS identity.
package participation

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"time"
)

// ChannelInfo is an orderer's view of one channel.
type ChannelInfo struct {
	Name              string `json:"name"`
	URL               string `json:"url"`
	ConsensusRelation string `json:"consensusRelation"` // consenter | follower | config-tracker | other
	Status            string `json:"status"`            // active | onboarding | inactive | failed
	Height            uint64 `json:"height"`
}

// Client talks to one orderer's admin endpoint.
type Client struct {
	BaseURL string // https://host:port
	http    *http.Client
}

// New returns a client that trusts tlsCA for the orderer and presents the
// given client certificate and key (PEM).
func New(baseURL string, tlsCA, clientCert, clientKey []byte) (*Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(tlsCA) {
		return nil, fmt.Errorf("the orderer's TLS CA is not a PEM certificate")
	}
	cert, err := tls.X509KeyPair(clientCert, clientKey)
	if err != nil {
		return nil, fmt.Errorf("admin TLS identity: %w", err)
	}
	return &Client{BaseURL: baseURL, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}}}, nil
}

// ErrAlreadyJoined is returned by Join when the orderer has the channel.
var ErrAlreadyJoined = fmt.Errorf("the orderer has joined the channel already")

// Join gives the orderer a channel's genesis (or latest config) block.
func (c *Client) Join(ctx context.Context, block []byte) (*ChannelInfo, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("config-block", "config.block")
	if err != nil {
		return nil, err
	}
	if _, err := part.Write(block); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/participation/v1/channels", &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	info := &ChannelInfo{}
	status, err := c.do(req, info)
	if status == http.StatusMethodNotAllowed {
		return nil, ErrAlreadyJoined
	}
	if err != nil {
		return nil, err
	}
	if status != http.StatusCreated {
		return nil, fmt.Errorf("join: unexpected HTTP %d", status)
	}
	return info, nil
}

// Channel returns the orderer's view of a channel; ok is false when the
// orderer has not joined it.
func (c *Client) Channel(ctx context.Context, name string) (info *ChannelInfo, ok bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+"/participation/v1/channels/"+name, nil)
	if err != nil {
		return nil, false, err
	}
	info = &ChannelInfo{}
	status, err := c.do(req, info)
	if status == http.StatusNotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return info, true, nil
}

// List returns the names of the channels the orderer has joined.
func (c *Client) List(ctx context.Context) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+"/participation/v1/channels", nil)
	if err != nil {
		return nil, err
	}
	var list struct {
		Channels []struct {
			Name string `json:"name"`
		} `json:"channels"`
	}
	if _, err := c.do(req, &list); err != nil {
		return nil, err
	}
	var names []string
	for _, ch := range list.Channels {
		names = append(names, ch.Name)
	}
	return names, nil
}

func (c *Client) do(req *http.Request, out any) (int, error) {
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		return resp.StatusCode, fmt.Errorf("%s %s: HTTP %d: %s", req.Method, req.URL.Path, resp.StatusCode, e.Error)
	}
	return resp.StatusCode, json.Unmarshal(raw, out)
}
