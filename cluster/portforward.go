package cluster

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// Forward is a port-forward from a local port on 127.0.0.1 to a pod.
type Forward struct {
	LocalPort int
	stop      chan struct{}
}

// Close ends the port-forward.
func (f *Forward) Close() { close(f.stop) }

// PortForward forwards a free local port to a port of the first Running pod
// matching selector in ns, and returns once the forward listens.
func (c *Cluster) PortForward(ctx context.Context, ns, selector string, port int) (*Forward, error) {
	pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	var pod string
	for _, p := range pods.Items {
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			pod = p.Name
			break
		}
	}
	if pod == "" {
		return nil, fmt.Errorf("no running pod matches %s in %s", selector, ns)
	}
	return c.PortForwardPod(ctx, ns, pod, port)
}

// PortForwardPod forwards a free local port to a port of a pod.
func (c *Cluster) PortForwardPod(ctx context.Context, ns, pod string, port int) (*Forward, error) {
	transport, upgrader, err := spdy.RoundTripperFor(c.REST)
	if err != nil {
		return nil, err
	}
	url := c.Client.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("portforward").URL()
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, url)
	stop, ready := make(chan struct{}), make(chan struct{})
	var errOut strings.Builder
	pf, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", port)}, stop, ready, io.Discard, &errOut)
	if err != nil {
		return nil, err
	}
	failed := make(chan error, 1)
	go func() { failed <- pf.ForwardPorts() }()
	select {
	case <-ready:
	case err := <-failed:
		return nil, fmt.Errorf("port-forward to %s/%s:%d: %v %s", ns, pod, port, err, errOut.String())
	case <-ctx.Done():
		close(stop)
		return nil, ctx.Err()
	}
	ports, err := pf.GetPorts()
	if err != nil || len(ports) == 0 {
		close(stop)
		return nil, fmt.Errorf("port-forward to %s/%s:%d has no local port: %v", ns, pod, port, err)
	}
	return &Forward{LocalPort: int(ports[0].Local), stop: stop}, nil
}
