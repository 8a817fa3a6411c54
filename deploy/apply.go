// Package deploy makes a topology real on a cluster: the ordered, named,
// idempotent steps of `fabkind up`, each applying typed objects with
// server-side apply and waiting by watches.
package deploy

import (
	"context"
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// FieldManager owns every field fabkind applies.
const FieldManager = "fabkind"

// Apply server-side applies typed objects (their TypeMeta must be set), so
// that running `up` again converges instead of failing or duplicating.
func Apply(ctx context.Context, c kubernetes.Interface, objs ...runtime.Object) error {
	for _, obj := range objs {
		data, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		opts := metav1.PatchOptions{FieldManager: FieldManager, Force: ptrTrue()}
		meta, err := metaOf(obj)
		if err != nil {
			return err
		}
		ns, name := meta.GetNamespace(), meta.GetName()
		switch obj.(type) {
		case *corev1.Namespace:
			_, err = c.CoreV1().Namespaces().Patch(ctx, name, types.ApplyPatchType, data, opts)
		case *corev1.Secret:
			_, err = c.CoreV1().Secrets(ns).Patch(ctx, name, types.ApplyPatchType, data, opts)
		case *corev1.ConfigMap:
			_, err = c.CoreV1().ConfigMaps(ns).Patch(ctx, name, types.ApplyPatchType, data, opts)
		case *corev1.Service:
			_, err = c.CoreV1().Services(ns).Patch(ctx, name, types.ApplyPatchType, data, opts)
		case *corev1.PersistentVolumeClaim:
			_, err = c.CoreV1().PersistentVolumeClaims(ns).Patch(ctx, name, types.ApplyPatchType, data, opts)
		case *appsv1.Deployment:
			_, err = c.AppsV1().Deployments(ns).Patch(ctx, name, types.ApplyPatchType, data, opts)
		case *appsv1.StatefulSet:
			_, err = c.AppsV1().StatefulSets(ns).Patch(ctx, name, types.ApplyPatchType, data, opts)
		default:
			return fmt.Errorf("apply: unsupported object %T", obj)
		}
		if err != nil {
			return fmt.Errorf("applying %T %s/%s: %w", obj, ns, name, err)
		}
	}
	return nil
}

func metaOf(obj runtime.Object) (metav1.Object, error) {
	m, ok := obj.(metav1.Object)
	if !ok {
		return nil, fmt.Errorf("%T has no object metadata", obj)
	}
	return m, nil
}

func ptrTrue() *bool { b := true; return &b }
