package main

import (
	"fmt"
	"sort"

	"github.com/spf13/cobra"
)

func newExportCommand(g *globalFlags) *cobra.Command {
	f := &upFlags{}
	var dir string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the kubeconfig, a fabric-sdk-go connection profile and a client identity for programs on the host",
		Long: `Writes what a program on the host needs to use the network with fabric-sdk-go:
  kubeconfig               the cluster's kubeconfig
  connection-profile.yaml  peers and orderers at their host ports (127.0.0.1); TLS still checks
                           their cluster names, and the addresses discovery hands back are mapped
                           to the host ports (entityMatchers)
  client/cert.pem, client/key.pem, client/mspid, client/peer
                           a client identity of the first peer organization (key 0600) and one of its peers
examples/height in this repository reads exactly these files.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := openNetwork(cmd, f)
			if err != nil {
				return err
			}
			if dir == "" {
				dir = n.Topology.Name + "-export"
			}
			files, err := n.Export(dir)
			if err != nil {
				return err
			}
			sort.Strings(files)
			for _, p := range files {
				fmt.Fprintln(cmd.OutOrStdout(), p)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Try: (cd examples/height && go run . -export %s -channel %s)\n", absOr(dir), n.Topology.Channels[0].Name)
			return nil
		},
	}
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "topology file (default: the built-in default topology)")
	cmd.Flags().StringVarP(&dir, "output", "o", "", "folder to write (default: <network>-export)")
	return cmd
}
