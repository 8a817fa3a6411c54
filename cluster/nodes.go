package cluster

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// WaitForNodesReady watches the cluster's nodes until want of them exist
// and all are Ready, or the timeout passes; the error names the nodes that
// are not Ready and why.
func (c *Cluster) WaitForNodesReady(ctx context.Context, want int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lw := named(ctx, c.Client.CoreV1().Nodes(), "")
	var notReady []string
	check := func(store cache.Store) (bool, error) {
		notReady = notReady[:0]
		nodes := store.List()
		for _, obj := range nodes {
			n := obj.(*corev1.Node)
			if reason := nodeNotReady(n); reason != "" {
				notReady = append(notReady, n.Name+": "+reason)
			}
		}
		sort.Strings(notReady)
		return len(nodes) >= want && len(notReady) == 0, nil
	}
	var store cache.Store
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.Node{}, func(s cache.Store) (bool, error) {
		store = s
		return check(s)
	}, func(watch.Event) (bool, error) { return check(store) })
	if err != nil {
		return fmt.Errorf("nodes not Ready after %s: %s (%w)", timeout, strings.Join(notReady, "; "), err)
	}
	return nil
}

func nodeNotReady(n *corev1.Node) string {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			if c.Status == corev1.ConditionTrue {
				return ""
			}
			return c.Reason + " " + c.Message
		}
	}
	return "no Ready condition yet"
}

// WaitForNamespaceGone watches until a namespace no longer exists.
func (c *Cluster) WaitForNamespaceGone(ctx context.Context, ns string) error {
	lw := named(ctx, c.Client.CoreV1().Namespaces(), ns)
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.Namespace{}, func(store cache.Store) (bool, error) {
		return len(store.List()) == 0, nil
	}, func(ev watch.Event) (bool, error) { return ev.Type == watch.Deleted, nil })
	return err
}
