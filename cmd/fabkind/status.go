package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newStatusCommand(g *globalFlags) *cobra.Command {
	f := &upFlags{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the network: pods and readiness, channel heights on every node, chaincode containers in each peer's DinD",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			n, err := openNetwork(cmd, f)
			if err != nil {
				return err
			}
			st, err := n.Status(ctx)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Network %s (CORE_PEER_NETWORKID %s) on cluster %s\n\n", n.Topology.Name, st.NetworkID, n.Cluster.Name)
			w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "POD\tORG\tCOMPONENT\tPHASE\tREADY\tRESTARTS\tNODE")
			for _, p := range st.Pods {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%v\t%d\t%s\n", p.Name, p.Org, p.Component, p.Phase, p.Ready, p.Restarts, p.Node)
			}
			w.Flush()
			fmt.Fprintln(out)
			w = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "CHANNEL\tNODE\tROLE\tHEIGHT")
			for _, h := range st.Heights {
				height := fmt.Sprint(h.Height)
				if h.Err != nil {
					height = "error: " + h.Err.Error()
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", h.Channel, h.Node, h.Role, height)
			}
			w.Flush()
			fmt.Fprintln(out)
			w = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "PEER\tCHAINCODE CONTAINER\tIMAGE\tSTATUS")
			for _, c := range st.Chaincodes {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", c.Peer, c.Name, c.Image, c.Status)
			}
			if len(st.Chaincodes) == 0 {
				fmt.Fprintln(w, "(none)\t\t\t")
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "topology file (default: the built-in default topology)")
	return cmd
}
