package images

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/jsonmessage"
	"github.com/docker/docker/pkg/stdcopy"
)

// Engine is the local Docker engine, reached through its API.
type Engine struct {
	*client.Client
}

// NewEngine connects to the engine named by DOCKER_HOST (default: the local
// socket) and checks that it answers.
func NewEngine(ctx context.Context) (*Engine, error) {
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, err
	}
	if _, err := c.Ping(ctx); err != nil {
		return nil, fmt.Errorf("no Docker engine answers (%v); run hack/ensure-docker.sh to start one", err)
	}
	return &Engine{c}, nil
}

// RegistryTags lists, by repository, the tags of every fabkind.local image
// present in the engine, in one call.
func (e *Engine) RegistryTags(ctx context.Context) (map[string][]string, error) {
	list, err := e.ImageList(ctx, image.ListOptions{Filters: filters.NewArgs(filters.Arg("reference", Registry+"/*"))})
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, img := range list {
		for _, rt := range img.RepoTags {
			if i := strings.LastIndex(rt, ":"); i > 0 {
				out[rt[:i]] = append(out[rt[:i]], rt[i+1:])
			}
		}
	}
	return out, nil
}

// Size returns an image's size in bytes, or 0 when it is absent.
func (e *Engine) Size(ctx context.Context, ref string) int64 {
	info, err := e.ImageInspect(ctx, ref)
	if err != nil {
		return 0
	}
	return info.Size
}

// drain copies a JSON message stream (build, import, load) to log and
// returns the first error it reports.
func drain(body io.ReadCloser, log io.Writer) error {
	defer body.Close()
	return jsonmessage.DisplayJSONMessagesStream(body, log, 0, false, nil)
}

// Exec runs a command in a running container, feeding it stdin when given,
// and fails when it exits non-zero.
func (e *Engine) Exec(ctx context.Context, id string, stdin io.Reader, log io.Writer, cmd ...string) error {
	fmt.Fprintf(log, "+ %s\n", strings.Join(cmd, " "))
	ex, err := e.ContainerExecCreate(ctx, id, container.ExecOptions{
		Cmd: cmd, AttachStdin: stdin != nil, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return err
	}
	att, err := e.ContainerExecAttach(ctx, ex.ID, container.ExecAttachOptions{})
	if err != nil {
		return err
	}
	defer att.Close()
	copyErr := make(chan error, 1)
	if stdin != nil {
		go func() {
			_, err := io.Copy(att.Conn, stdin)
			_ = att.CloseWrite()
			copyErr <- err
		}()
	} else {
		copyErr <- nil
	}
	if _, err := stdcopy.StdCopy(log, log, att.Reader); err != nil {
		return err
	}
	if err := <-copyErr; err != nil {
		return fmt.Errorf("feeding %s: %w", cmd[0], err)
	}
	info, err := e.ContainerExecInspect(ctx, ex.ID)
	if err != nil {
		return err
	}
	if info.ExitCode != 0 {
		return fmt.Errorf("%s exited with %d", strings.Join(cmd, " "), info.ExitCode)
	}
	return nil
}

// Save streams an image as a docker archive.
func (e *Engine) Save(ctx context.Context, ref string) (io.ReadCloser, error) {
	return e.ImageSave(ctx, []string{ref})
}

// Drain reads a JSON message stream (push, pull) to its end and returns
// the first error it reports.
func Drain(body io.ReadCloser) error { return drain(body, io.Discard) }
