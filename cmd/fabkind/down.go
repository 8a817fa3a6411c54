package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/docker/docker/api/types/network"
	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/images"
)

// created records what `up` made on the host, so `down` removes exactly that.
type created struct {
	KindCluster        bool `json:"kindCluster"`
	KindNetworkCreated bool `json:"kindNetworkCreated"` // kind's "kind" Docker network did not exist before
}

func createdPath(stateDir string) string { return filepath.Join(stateDir, "created.json") }

func readCreated(stateDir string) created {
	var c created
	if b, err := os.ReadFile(createdPath(stateDir)); err == nil {
		_ = json.Unmarshal(b, &c)
	}
	return c
}

func writeCreated(stateDir string, c created) error {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return err
	}
	b, _ := json.Marshal(c)
	return os.WriteFile(createdPath(stateDir), b, 0o600)
}

// kindNetworkExists reports whether kind's Docker network exists.
func kindNetworkExists(ctx context.Context, e *images.Engine) bool {
	_, err := e.NetworkInspect(ctx, "kind", network.InspectOptions{})
	return err == nil
}

func newDownCommand(g *globalFlags) *cobra.Command {
	f := &upFlags{}
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Remove the network and everything fabkind made for it (a cluster it did not create stays)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			start := time.Now()
			top, err := loadTopology(f)
			if err != nil {
				return err
			}
			stateDir := stateDirOf(top)
			if e := top.Cluster.Existing; e != nil {
				c, err := cluster.OpenContext(e.Kubeconfig, e.Context)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, " • deleting namespace %s on cluster %s (the cluster stays)\n", top.Namespace(), e.Context)
				if err := deleteNamespace(ctx, c, top.Namespace()); err != nil {
					return err
				}
			} else {
				made := readCreated(stateDir)
				exists, err := cluster.Exists(top.Name)
				if err != nil {
					return err
				}
				if exists {
					c, err := cluster.OpenKind(top.Name, stateDir)
					if err != nil {
						return err
					}
					fmt.Fprintf(out, " • deleting kind cluster %s\n", top.Name)
					if err := c.Delete(); err != nil {
						return err
					}
				}
				if made.KindNetworkCreated {
					engine, err := images.NewEngine(ctx)
					if err != nil {
						return err
					}
					if info, err := engine.NetworkInspect(ctx, "kind", network.InspectOptions{}); err == nil && len(info.Containers) == 0 {
						fmt.Fprintln(out, " • removing Docker network kind (made by this network's up)")
						if err := engine.NetworkRemove(ctx, "kind"); err != nil {
							return err
						}
					}
				}
			}
			if err := os.RemoveAll(stateDir); err != nil {
				return err
			}
			fmt.Fprintf(out, "Network %s removed in %s\n", top.Name, time.Since(start).Round(100*time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "topology file (default: the built-in default topology)")
	return cmd
}

func deleteNamespace(ctx context.Context, c *cluster.Cluster, ns string) error {
	err := c.Client.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	return c.WaitForNamespaceGone(ctx, ns)
}
