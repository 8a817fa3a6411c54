package main

import (
	"path/filepath"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/spf13/cobra"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/deploy"
)

func isNotFound(err error) bool { return apierrors.IsNotFound(err) }

// openNetwork reaches a deployed network (read only).
func openNetwork(cmd *cobra.Command, f *upFlags) (*deploy.Network, error) {
	top, err := loadTopology(f)
	if err != nil {
		return nil, err
	}
	stateDir := stateDirOf(top)
	var c *cluster.Cluster
	if e := top.Cluster.Existing; e != nil {
		c, err = cluster.OpenContext(e.Kubeconfig, e.Context)
	} else {
		c, err = cluster.OpenKind(top.Name, stateDir)
	}
	if err != nil {
		return nil, err
	}
	n := &deploy.Network{Topology: top, Cluster: c, StateDir: stateDir, Out: cmd.OutOrStdout()}
	return n, n.Load(cmd.Context())
}

func absOr(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
