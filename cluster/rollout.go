package cluster

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/watch"
	watchtools "k8s.io/client-go/tools/watch"
)

// WaitForDeployment watches a Deployment until its current generation has
// every replica updated and ready.
func (c *Cluster) WaitForDeployment(ctx context.Context, ns, name string) error {
	lw := named(ctx, c.Client.AppsV1().Deployments(ns), name)
	var last string
	_, err := watchtools.UntilWithSync(ctx, lw, &appsv1.Deployment{}, nil, func(ev watch.Event) (bool, error) {
		d, ok := ev.Object.(*appsv1.Deployment)
		if !ok {
			return false, nil
		}
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		s := d.Status
		last = fmt.Sprintf("%d/%d ready, %d updated", s.ReadyReplicas, want, s.UpdatedReplicas)
		return s.ObservedGeneration >= d.Generation && s.UpdatedReplicas == want && s.ReadyReplicas == want && s.Replicas == want, nil
	})
	if err != nil {
		return fmt.Errorf("deployment %s/%s not ready (%s): %w", ns, name, last, err)
	}
	return nil
}

// WaitForStatefulSet watches a StatefulSet until every replica of its
// current revision is ready.
func (c *Cluster) WaitForStatefulSet(ctx context.Context, ns, name string) error {
	lw := named(ctx, c.Client.AppsV1().StatefulSets(ns), name)
	var last string
	_, err := watchtools.UntilWithSync(ctx, lw, &appsv1.StatefulSet{}, nil, func(ev watch.Event) (bool, error) {
		ss, ok := ev.Object.(*appsv1.StatefulSet)
		if !ok {
			return false, nil
		}
		want := int32(1)
		if ss.Spec.Replicas != nil {
			want = *ss.Spec.Replicas
		}
		s := ss.Status
		last = fmt.Sprintf("%d/%d ready", s.ReadyReplicas, want)
		return s.ObservedGeneration >= ss.Generation && s.ReadyReplicas == want && s.UpdatedReplicas == want &&
			(s.UpdateRevision == "" || s.CurrentRevision == s.UpdateRevision), nil
	})
	if err != nil {
		return fmt.Errorf("statefulset %s/%s not ready (%s): %w", ns, name, last, err)
	}
	return nil
}
