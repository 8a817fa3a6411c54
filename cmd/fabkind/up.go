package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/deploy"
	"github.com/fabkind/fabkind/images"
	"github.com/fabkind/fabkind/network"
)

type upFlags struct {
	file   string
	images string
}

func newUpCommand(g *globalFlags) *cobra.Command {
	f := &upFlags{}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Create (or converge on) a Fabric network on kind",
		Long: `Creates or reuses the cluster, makes the images available in it and deploys
the network step by step: certificate authorities, identities enrolled
through them, Raft orderers, channels (genesis block through the orderers'
channel participation API), peers with DinD sidecars, channel joins and
anchor peers; it ends when every peer has the orderers' height. Every step
is idempotent: run up again to converge, or to resume after an interrupt.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			start := time.Now()
			top, err := loadTopology(f)
			if err != nil {
				return err
			}
			stateDir := stateDirOf(top)
			set, engine, err := imageSet(cmd, g, top)
			if err != nil {
				return err
			}
			var c *cluster.Cluster
			steps := []deploy.Step{{Name: "Cluster", Run: func(ctx2 ctxT) error {
				c, err = ensureCluster(ctx2, top, set, stateDir, out)
				return err
			}}}
			if top.Images == network.ImagesLocal && top.Cluster.Kind != nil {
				steps = append(steps, deploy.Step{Name: "Images loaded into the nodes", Run: func(ctx2 ctxT) error {
					return c.LoadImages(ctx2, engine.Save, set[images.RolePeer], set[images.RoleOrderer],
						set[images.RoleCA], set[images.RoleDinD], set[images.RoleRegistry])
				}})
			}
			if err := deploy.RunSteps(ctx, out, steps); err != nil {
				return err
			}
			n := &deploy.Network{Topology: top, Cluster: c, Images: set, StateDir: stateDir, Out: out, Engine: engine}
			if err := deploy.RunSteps(ctx, out, n.Steps()); err != nil {
				return fmt.Errorf("%w\nRerun `fabkind up` to resume; `fabkind down` removes what was made", err)
			}
			fmt.Fprintf(out, "Network %s is up in %s (state: %s)\n",
				top.Name, time.Since(start).Round(100*time.Millisecond), stateDir)
			return nil
		},
	}
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "topology file (default: the built-in default topology, docs/topology.md)")
	cmd.Flags().StringVar(&f.images, "images", "", `override the topology's image set: "official" or "local"`)
	return cmd
}

func loadTopology(f *upFlags) (*network.Topology, error) {
	var top *network.Topology
	var err error
	if f.file != "" {
		if top, err = network.Load(f.file); err != nil {
			return nil, err
		}
	} else {
		top = network.DefaultTopology()
	}
	if f.images != "" {
		top.Images = network.ImageSetName(f.images)
		if err := top.Validate(); err != nil {
			return nil, fmt.Errorf("--images: %w", err)
		}
	}
	return top, nil
}

// stateDirOf is a network's host state folder (kubeconfig, admin and client
// identities, what up made on the host).
func stateDirOf(top *network.Topology) string { return filepath.Join(stateRoot(), top.Name) }

// stateRoot is where fabkind keeps per-network host state (0700).
func stateRoot() string {
	if d := os.Getenv("FABKIND_STATE_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "fabkind")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "state", "fabkind")
}
