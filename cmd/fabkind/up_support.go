package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/images"
	"github.com/fabkind/fabkind/network"
)

type ctxT = context.Context

// imageSet resolves the topology's image set: the local one must be built.
func imageSet(cmd *cobra.Command, g *globalFlags, top *network.Topology) (images.Set, *images.Engine, error) {
	ctx := cmd.Context()
	engine, err := images.NewEngine(ctx)
	if err != nil {
		return nil, nil, err
	}
	f := images.NewFactory(engine, g.cacheDir, cmd.ErrOrStderr())
	planner, err := f.NewPlanner(ctx)
	if err != nil {
		return nil, nil, err
	}
	plan, err := planner.Plan(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	dind, _ := plan.Item("dind")
	if top.Images == network.ImagesOfficial {
		return images.OfficialSet(top.Fabric.Version, top.Fabric.CAVersion, dind.Ref), engine, nil
	}
	if top.Fabric.Version != images.FabricVersion {
		return nil, nil, fmt.Errorf("fabric.version: the local image set builds Fabric %s, not %s; set fabric.version to %s or add the version to the catalog (docs/images.md)",
			images.FabricVersion, top.Fabric.Version, images.FabricVersion)
	}
	set, err := images.LocalSet(plan)
	return set, engine, err
}

// ensureCluster creates the topology's kind cluster or reuses it, or opens
// the existing cluster it names.
func ensureCluster(ctx context.Context, top *network.Topology, set images.Set, stateDir string, out io.Writer) (*cluster.Cluster, error) {
	if e := top.Cluster.Existing; e != nil {
		return cluster.OpenContext(e.Kubeconfig, e.Context)
	}
	exists, err := cluster.Exists(top.Name)
	if err != nil {
		return nil, err
	}
	if exists {
		fmt.Fprintf(out, "   reusing kind cluster %s\n", top.Name)
		return cluster.OpenKind(top.Name, stateDir)
	}
	engine, err := images.NewEngine(ctx)
	if err != nil {
		return nil, err
	}
	// Record what this up makes on the host before making it, so that down
	// (also after an interrupt) removes exactly that.
	if err := writeCreated(stateDir, created{KindCluster: true, KindNetworkCreated: !kindNetworkExists(ctx, engine)}); err != nil {
		return nil, err
	}
	return cluster.Create(ctx, cluster.Spec{Name: top.Name, NodeImage: set[images.RoleNode], Workers: top.Cluster.Kind.Workers, HostPorts: top.HostPorts(),
		DockerSocket: top.ChaincodeRuntime == network.RuntimeHostDocker}, stateDir, out)
}
