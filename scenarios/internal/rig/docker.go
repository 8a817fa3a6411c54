package rig

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/fabkind/fabkind/images"
)

// Run is a one-shot container on the host engine.
type Run struct {
	Image   string
	Cmd     []string
	Env     []string
	Network string // "none" disables networking
	// Input, when set, is a tar unpacked at InputDir before the start.
	Input    io.Reader
	InputDir string
	// OutputPath, when set, is read back (as a tar) after the container exits.
	OutputPath string
}

// Result is what a one-shot container did.
type Result struct {
	ExitCode int64
	Output   string    // stdout and stderr
	Copied   io.Reader // the tar of OutputPath
}

// RunContainer creates, starts and waits for a container, then removes it.
func RunContainer(ctx context.Context, e *images.Engine, r Run) (*Result, error) {
	created, err := e.ContainerCreate(ctx, &container.Config{Image: r.Image, Cmd: r.Cmd, Env: r.Env},
		&container.HostConfig{NetworkMode: container.NetworkMode(r.Network)}, nil, nil, "")
	if err != nil {
		return nil, err
	}
	id := created.ID
	defer e.ContainerRemove(context.WithoutCancel(ctx), id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	if r.Input != nil {
		if err := e.CopyToContainer(ctx, id, r.InputDir, r.Input, container.CopyToContainerOptions{}); err != nil {
			return nil, fmt.Errorf("copying input to %s: %w", r.InputDir, err)
		}
	}
	waitC, errC := e.ContainerWait(ctx, id, container.WaitConditionNextExit)
	if err := e.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return nil, err
	}
	res := &Result{}
	select {
	case w := <-waitC:
		res.ExitCode = w.StatusCode
	case err := <-errC:
		return nil, err
	}
	logs, err := e.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	_, _ = stdcopy.StdCopy(&out, &out, logs)
	logs.Close()
	res.Output = out.String()
	if r.OutputPath != "" && res.ExitCode == 0 {
		rc, _, err := e.CopyFromContainer(ctx, id, r.OutputPath)
		if err != nil {
			return res, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return res, err
		}
		res.Copied = bytes.NewReader(b)
	}
	return res, nil
}

// ProcessesWithArgv0 scans the host's /proc for processes whose argv[0] is
// exactly name, across every PID namespace the host can see (containers,
// kind nodes, pods, DinD containers).
func ProcessesWithArgv0(name string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, ent := range entries {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", ent.Name(), "cmdline"))
		if err != nil || len(b) == 0 {
			continue
		}
		if argv0, _, _ := strings.Cut(string(b), "\x00"); argv0 == name {
			pids = append(pids, pid)
		}
	}
	return pids
}
