package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestRunStepsStopsAtTheFirstFailureAndNamesIt(t *testing.T) {
	var ran []string
	step := func(name string, err error) Step {
		return Step{Name: name, Run: func(context.Context) error { ran = append(ran, name); return err }}
	}
	var out strings.Builder
	err := RunSteps(context.Background(), &out, []Step{step("one", nil), step("two", errors.New("boom")), step("three", nil)})
	if err == nil || err.Error() != "two: boom" {
		t.Errorf("err = %v", err)
	}
	if strings.Join(ran, ",") != "one,two" {
		t.Errorf("ran %v", ran)
	}
	if !strings.Contains(out.String(), " ✓ one (") || !strings.Contains(out.String(), " ✗ two failed after") {
		t.Errorf("status lines:\n%s", out.String())
	}
}
