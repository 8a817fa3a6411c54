package cluster

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// lister is the List and Watch of one typed resource client.
type lister[L runtime.Object] interface {
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

// named is a ListWatch of one object by name (name "" = every object).
func named[L runtime.Object](ctx context.Context, api lister[L], name string) *cache.ListWatch {
	sel := func(o *metav1.ListOptions) {
		if name != "" {
			o.FieldSelector = fields.OneTermEqualSelector("metadata.name", name).String()
		}
	}
	return &cache.ListWatch{
		ListFunc: func(o metav1.ListOptions) (runtime.Object, error) { sel(&o); return api.List(ctx, o) },
		WatchFunc: func(o metav1.ListOptions) (watch.Interface, error) {
			sel(&o)
			return api.Watch(ctx, o)
		},
	}
}
