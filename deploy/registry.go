package deploy

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/docker/docker/api/types/image"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/fabkind/fabkind/images"
	"github.com/fabkind/fabkind/network"
)

// startRegistry fills the network's registry while the next steps run:
// pushing the chaincode images is the longest part of up and depends on
// nothing but the namespace.
func (n *Network) startRegistry(ctx context.Context) error {
	n.registryDone = make(chan error, 1)
	go func() { n.registryDone <- n.registry(ctx) }()
	return nil
}

// waitRegistry waits for startRegistry's work.
func (n *Network) waitRegistry(ctx context.Context) error {
	if n.registryDone == nil {
		return n.registry(ctx)
	}
	select {
	case err := <-n.registryDone:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// registry runs the network's own registry and fills it, from the host's
// engine through a port-forward, with the chaincode images every peer's
// DinD daemon pulls when its pod starts (also after a pod is recreated).
func (n *Network) registry(ctx context.Context) error {
	if !n.deployment.ChaincodeImagesInRegistry {
		return nil
	}
	pvc, dep, svc := n.deployment.RegistryObjects()
	if err := Apply(ctx, n.Cluster.Client, pvc, dep, svc); err != nil {
		return err
	}
	if err := n.Cluster.WaitForDeployment(ctx, n.ns(), network.RegistryName); err != nil {
		return err
	}
	selector := labels.SelectorFromSet(dep.Spec.Selector.MatchLabels).String()
	fwd, err := n.Cluster.PortForward(ctx, n.ns(), selector, network.PortRegistry)
	if err != nil {
		return err
	}
	defer fwd.Close()
	local := fmt.Sprintf("localhost:%d", fwd.LocalPort)
	for _, role := range []images.Role{images.RoleCCEnv, images.RoleBaseOS} {
		ref := n.Images[role]
		inRegistry := n.Topology.RegistryRef(ref)
		path := strings.TrimPrefix(inRegistry, n.Topology.RegistryHost()+"/")
		if registryHas(ctx, local, path) {
			continue
		}
		if err := n.push(ctx, ref, local+"/"+path); err != nil {
			return fmt.Errorf("pushing %s to the network's registry: %w", ref, err)
		}
	}
	return nil
}

// push tags ref as target in the host engine, pushes it, and drops the tag.
func (n *Network) push(ctx context.Context, ref, target string) error {
	if n.Engine == nil {
		return fmt.Errorf("no Docker engine to push %s from", ref)
	}
	if err := n.Engine.ImageTag(ctx, ref, target); err != nil {
		return err
	}
	defer n.Engine.ImageRemove(context.WithoutCancel(ctx), target, image.RemoveOptions{})
	t0 := time.Now()
	body, err := n.Engine.ImagePush(ctx, target, image.PushOptions{RegistryAuth: base64.URLEncoding.EncodeToString([]byte("{}"))})
	if err != nil {
		return err
	}
	if err := images.Drain(body); err != nil {
		return err
	}
	fmt.Fprintf(n.Out, "   pushed %s to the network's registry (%s)\n", ref, time.Since(t0).Round(100*time.Millisecond))
	return nil
}

// registryHas reports whether the registry at host has name:tag.
func registryHas(ctx context.Context, host, nameTag string) bool {
	name, tag, _ := strings.Cut(nameTag, ":")
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, "http://"+host+"/v2/"+name+"/manifests/"+tag, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
