package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fabkind/fabkind/images"
)

func newImagesCommand(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "images",
		Short: "Build and list the offline image set (built here from Go module sources and Debian packages)",
	}
	cmd.AddCommand(newImagesBuildCommand(g), newImagesListCommand(g))
	return cmd
}

func newImagesBuildCommand(g *globalFlags) *cobra.Command {
	var jobs int
	cmd := &cobra.Command{
		Use:   "build [IMAGE...]",
		Short: "Build every image of the catalog (or the named ones) that is missing or stale",
		Long: `Builds, pulling nothing from any registry, every image of the catalog whose
inputs changed or that is missing, with whatever it is made from. An image
whose inputs hash is already present is never rebuilt; after a failure, a
rerun resumes from what was built. Each step logs to its own file under
<cache-dir>/logs/images.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			start := time.Now()
			engine, err := images.NewEngine(ctx)
			if err != nil {
				return err
			}
			f := images.NewFactory(engine, g.cacheDir, out)
			f.Jobs = jobs
			planner, err := f.NewPlanner(ctx)
			if err != nil {
				return err
			}
			plan, err := planner.Plan(ctx, args)
			if err != nil {
				return err
			}
			present := 0
			for _, it := range plan.Items {
				if it.Status == images.Present {
					present++
				}
			}
			fmt.Fprintf(out, "Image catalog: %d images, %d present; %d steps to run (planned in %s)\n",
				len(plan.Items), present, len(plan.Steps), time.Since(start).Round(time.Millisecond))
			if err := f.Execute(ctx, plan); err != nil {
				return fmt.Errorf("image build: %w\nRerun `fabkind images build` to resume from what was built", err)
			}
			fmt.Fprintf(out, "All requested images are present (%s)\n", time.Since(start).Round(100*time.Millisecond))
			return nil
		},
	}
	cmd.Flags().IntVarP(&jobs, "jobs", "j", 3, "steps run at once (Go builds run one at a time)")
	return cmd
}

func newImagesListCommand(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Show every image of the catalog: present, missing or stale",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			engine, err := images.NewEngine(ctx)
			if err != nil {
				return err
			}
			f := images.NewFactory(engine, g.cacheDir, cmd.OutOrStdout())
			planner, err := f.NewPlanner(ctx)
			if err != nil {
				return err
			}
			plan, err := planner.Plan(ctx, nil)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tROLE\tSTATUS\tSIZE\tIMAGE")
			for _, it := range plan.Items {
				role := string(it.Recipe.Role)
				if role == "" {
					role = "-"
				}
				size := "-"
				if it.Status == images.Present {
					size = fmt.Sprintf("%.0fMB", float64(engine.Size(ctx, it.Ref))/1e6)
				}
				status := string(it.Status)
				if len(it.Older) > 0 {
					status += fmt.Sprintf(" (+%d older: %s)", len(it.Older), strings.Join(it.Older, ","))
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", it.Recipe.Name, role, status, size, it.Ref)
			}
			return w.Flush()
		},
	}
}
