package rig

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/network"
)

// Collect saves, under dir, what a human needs to understand a failure on a
// cluster: every pod's description and container logs (current and
// previous), the events of every namespace, and kind's node logs (journal,
// kubelet, containerd). It returns the first error but collects all it can.
func Collect(ctx context.Context, c *cluster.Cluster, dir string) error {
	var firstErr error
	keep := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	keep(os.MkdirAll(filepath.Join(dir, "pods"), 0o755))
	pods, err := c.Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	keep(err)
	if pods != nil {
		var summary strings.Builder
		for _, p := range pods.Items {
			fmt.Fprintf(&summary, "%s/%s\t%s\tnode=%s\tip=%s\n", p.Namespace, p.Name, p.Status.Phase, p.Spec.NodeName, p.Status.PodIP)
			for _, s := range append(p.Status.InitContainerStatuses, p.Status.ContainerStatuses...) {
				fmt.Fprintf(&summary, "  %s ready=%v restarts=%d state=%s\n", s.Name, s.Ready, s.RestartCount, containerState(s))
				for _, previous := range []bool{false, true} {
					b, err := c.Client.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{Container: s.Name, Previous: previous}).DoRaw(ctx)
					if err != nil {
						continue
					}
					suffix := ".log"
					if previous {
						suffix = ".previous.log"
					}
					keep(os.WriteFile(filepath.Join(dir, "pods", p.Namespace+"_"+p.Name+"_"+s.Name+suffix), b, 0o644))
				}
			}
		}
		keep(os.WriteFile(filepath.Join(dir, "pods.txt"), []byte(summary.String()), 0o644))
	}
	events, err := c.Client.CoreV1().Events("").List(ctx, metav1.ListOptions{})
	keep(err)
	if events != nil {
		sort.Slice(events.Items, func(i, j int) bool {
			return events.Items[i].LastTimestamp.Before(&events.Items[j].LastTimestamp)
		})
		var b strings.Builder
		for _, e := range events.Items {
			fmt.Fprintf(&b, "%s\t%s\t%s/%s\t%s\t%s\n", e.LastTimestamp.Format("15:04:05"), e.Type,
				e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Reason, e.Message)
		}
		keep(os.WriteFile(filepath.Join(dir, "events.txt"), []byte(b.String()), 0o644))
	}
	if pods != nil {
		keep(collectDinD(ctx, c, pods.Items, filepath.Join(dir, "dind")))
	}
	keep(c.CollectLogs(filepath.Join(dir, "kind")))
	return firstErr
}

func containerState(s corev1.ContainerStatus) string {
	switch {
	case s.State.Running != nil:
		return "running since " + s.State.Running.StartedAt.Format("15:04:05")
	case s.State.Waiting != nil:
		return "waiting: " + s.State.Waiting.Reason + " " + s.State.Waiting.Message
	case s.State.Terminated != nil:
		return fmt.Sprintf("terminated: exit %d %s", s.State.Terminated.ExitCode, s.State.Terminated.Reason)
	}
	return "unknown"
}

// collectDinD saves, for every running pod with a DinD sidecar, the inner
// daemon's container list and each inner container's log.
func collectDinD(ctx context.Context, c *cluster.Cluster, pods []corev1.Pod, dir string) error {
	var firstErr error
	for _, p := range pods {
		if p.Status.Phase != corev1.PodRunning || !hasContainer(p, network.ContainerDinD) {
			continue
		}
		docker := func(args ...string) (string, error) {
			out, stderr, err := c.Exec(ctx, p.Namespace, p.Name, network.ContainerDinD, nil, append([]string{"docker", "-H", "unix://" + network.DinDSocket}, args...)...)
			return out + stderr, err
		}
		base := filepath.Join(dir, p.Namespace+"_"+p.Name)
		if err := os.MkdirAll(base, 0o755); err != nil {
			return err
		}
		list, err := docker("ps", "-a", "--format", "{{.ID}}\t{{.Names}}\t{{.Image}}\t{{.Status}}")
		if err != nil && firstErr == nil {
			firstErr = err
		}
		_ = os.WriteFile(filepath.Join(base, "containers.txt"), []byte(list), 0o644)
		for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
			id, rest, ok := strings.Cut(line, "\t")
			if !ok {
				continue
			}
			name, _, _ := strings.Cut(rest, "\t")
			logs, _ := docker("logs", "--timestamps", id)
			_ = os.WriteFile(filepath.Join(base, name+".log"), []byte(logs), 0o644)
		}
	}
	return firstErr
}

func hasContainer(p corev1.Pod, name string) bool {
	for _, c := range append(p.Spec.InitContainers, p.Spec.Containers...) {
		if c.Name == name {
			return true
		}
	}
	return false
}
