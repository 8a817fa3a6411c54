package deploy

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Step is one named, idempotent step of `fabkind up`.
type Step struct {
	Name string
	Run  func(ctx context.Context) error
}

// RunSteps runs steps in order, printing a status line for each with its
// duration, like kind's create actions. It stops at the first failure,
// naming the step; everything before it stays, and rerunning resumes.
func RunSteps(ctx context.Context, out io.Writer, steps []Step) error {
	start := time.Now()
	for _, s := range steps {
		fmt.Fprintf(out, " • %s ...\n", s.Name)
		t0 := time.Now()
		err := s.Run(ctx)
		d := time.Since(t0).Round(100 * time.Millisecond)
		if err != nil {
			fmt.Fprintf(out, " ✗ %s failed after %s\n", s.Name, d)
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		fmt.Fprintf(out, " ✓ %s (%s)\n", s.Name, d)
	}
	fmt.Fprintf(out, "Done in %s\n", time.Since(start).Round(100*time.Millisecond))
	return nil
}
