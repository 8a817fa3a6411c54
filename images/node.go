package images

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
)

// buildNode makes a kind node image: the recipe's Dockerfile gives the node
// filesystem (a stage image), then, in a container of that stage, the node's
// own containerd imports every component image under the names kubeadm and
// the node's manifests ask for (namespace k8s.io, pinned, not unpacked, as
// kind's node-image build does), and the container is committed as ref.
func (f *Factory) buildNode(ctx context.Context, s Step, log io.Writer) error {
	r := s.Item.Recipe
	stage := Repository(r) + ":stage-" + s.Hash[:12]
	if err := f.buildDockerfile(ctx, s, stage, log); err != nil {
		return err
	}
	defer f.Engine.ImageRemove(context.WithoutCancel(ctx), stage, image.RemoveOptions{})

	created, err := f.Engine.ContainerCreate(ctx,
		&container.Config{Image: stage, Entrypoint: []string{"sleep", "infinity"}},
		&container.HostConfig{SecurityOpt: []string{"seccomp=unconfined"}}, nil, nil,
		fmt.Sprintf("fabkind-node-build-%s-%d", s.Hash[:8], time.Now().Unix()))
	if err != nil {
		return fmt.Errorf("creating the assembly container: %w", err)
	}
	id := created.ID
	defer f.Engine.ContainerRemove(context.WithoutCancel(ctx), id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	if err := f.Engine.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return fmt.Errorf("starting the assembly container: %w", err)
	}
	exec := func(stdin io.Reader, cmd ...string) error { return f.Engine.Exec(ctx, id, stdin, log, cmd...) }

	if err := exec(nil, "sh", "-c", "nohup containerd >/var/log/containerd-build.log 2>&1 &"); err != nil {
		return err
	}
	// containerd answers within a second or two; give it up to 30 s.
	if err := exec(nil, "sh", "-c", "for i in $(seq 1 60); do ctr version >/dev/null 2>&1 && exit 0; sleep 0.5; done; cat /var/log/containerd-build.log; exit 1"); err != nil {
		return fmt.Errorf("containerd did not start in the node: %w", err)
	}
	for _, name := range r.Node.Components {
		ref, ok := f.refs[name]
		if !ok {
			return fmt.Errorf("component %s is unknown", name)
		}
		comp, err := Find(name)
		if err != nil {
			return err
		}
		if len(comp.ImportAs) == 0 {
			return fmt.Errorf("component %s names no ImportAs", name)
		}
		saved, err := f.Engine.ImageSave(ctx, []string{ref})
		if err != nil {
			return fmt.Errorf("saving %s: %w", ref, err)
		}
		err = exec(saved, "ctr", "--namespace=k8s.io", "images", "import", "--no-unpack", "-")
		saved.Close()
		if err != nil {
			return fmt.Errorf("importing %s into the node: %w", ref, err)
		}
		for _, as := range comp.ImportAs {
			if err := exec(nil, "ctr", "--namespace=k8s.io", "images", "tag", "--force", ref, as); err != nil {
				return err
			}
			if err := exec(nil, "ctr", "--namespace=k8s.io", "images", "label", as, "io.cri-containerd.pinned=pinned"); err != nil {
				return err
			}
		}
		if err := exec(nil, "ctr", "--namespace=k8s.io", "images", "rm", ref); err != nil {
			return err
		}
	}
	// The names kubeadm asks for must all be there.
	if err := exec(nil, "sh", "-c", "kubeadm config images list --kubernetes-version "+r.Node.KubernetesVersion+
		" | while read -r img; do ctr --namespace=k8s.io images ls -q | grep -qx \"$img\" || { echo \"missing $img\"; exit 1; }; done"); err != nil {
		return fmt.Errorf("the node lacks an image kubeadm asks for: %w", err)
	}
	if err := exec(nil, "ctr", "--namespace=k8s.io", "images", "ls"); err != nil {
		return err
	}
	// The container's PID 1 (sleep) reaps nothing: a stopped containerd stays
	// a zombie, so wait until no live (non-Z) containerd is left.
	if err := exec(nil, "sh", "-c", `pkill -x containerd; for i in $(seq 1 60); do alive=; `+
		`for p in $(pgrep -x containerd); do grep -q '^State:[[:space:]]*Z' /proc/$p/status || alive=1; done; `+
		`[ -z "$alive" ] && exit 0; sleep 0.5; done; exit 1`); err != nil {
		return fmt.Errorf("stopping containerd in the node: %w", err)
	}
	if _, err := f.Engine.ContainerCommit(ctx, id, container.CommitOptions{
		Reference: s.Ref,
		Changes:   []string{"ENTRYPOINT " + jsonArray(r.Entrypoint)},
		Comment:   "fabkind node image: " + strings.Join(r.Node.Components, ", "),
	}); err != nil {
		return fmt.Errorf("committing the node image: %w", err)
	}
	return nil
}
