package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/fabkind/fabkind/images"
	"github.com/fabkind/fabkind/internal/buildinfo"
)

type globalFlags struct {
	cacheDir string
}

func newRootCommand() *cobra.Command {
	g := &globalFlags{}
	root := &cobra.Command{
		Use:           "fabkind",
		Short:         "A real Hyperledger Fabric network on kind, with DinD-sidecar peers",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.cacheDir, "cache-dir", images.DefaultCacheDir(),
		"where fabkind keeps built programs and build logs (env FABKIND_CACHE_DIR)")
	root.AddCommand(newVersionCommand(), newImagesCommand(g), newUpCommand(g), newStatusCommand(g), newDownCommand(g), newExportCommand(g))
	return root
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print fabkind's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "fabkind %s %s %s/%s\n",
				buildinfo.String(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
