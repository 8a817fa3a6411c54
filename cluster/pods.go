package cluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/remotecommand"
	watchtools "k8s.io/client-go/tools/watch"
)

// WaitForPod watches one pod until cond holds for it, returning the pod as
// it was then. cond may return an error to stop early (a pod that failed).
func (c *Cluster) WaitForPod(ctx context.Context, ns, name string, cond func(*corev1.Pod) (bool, error)) (*corev1.Pod, error) {
	lw := named(ctx, c.Client.CoreV1().Pods(ns), name)
	var last *corev1.Pod
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, nil, func(ev watch.Event) (bool, error) {
		pod, ok := ev.Object.(*corev1.Pod)
		if !ok {
			return false, nil
		}
		last = pod
		if ev.Type == watch.Deleted {
			return false, fmt.Errorf("pod %s/%s was deleted", ns, name)
		}
		return cond(pod)
	})
	if err != nil {
		return last, fmt.Errorf("waiting for pod %s/%s: %w", ns, name, err)
	}
	return last, nil
}

// WaitForPodGone watches until the pod no longer exists.
func (c *Cluster) WaitForPodGone(ctx context.Context, ns, name string) error {
	lw := named(ctx, c.Client.CoreV1().Pods(ns), name)
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, func(store cache.Store) (bool, error) {
		return len(store.List()) == 0, nil
	}, func(ev watch.Event) (bool, error) { return ev.Type == watch.Deleted, nil })
	return err
}

// PodRunningAndReady holds when every container of the pod is ready; it
// fails fast when the pod ended.
func PodRunningAndReady(p *corev1.Pod) (bool, error) {
	switch p.Status.Phase {
	case corev1.PodFailed, corev1.PodSucceeded:
		return false, fmt.Errorf("pod %s ended (%s): %s", p.Name, p.Status.Phase, podProblem(p))
	case corev1.PodRunning:
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
	}
	return false, nil
}

// PodSucceeded holds when the pod's containers all exited 0; it fails fast
// when the pod failed.
func PodSucceeded(p *corev1.Pod) (bool, error) {
	switch p.Status.Phase {
	case corev1.PodSucceeded:
		return true, nil
	case corev1.PodFailed:
		return false, fmt.Errorf("pod %s failed: %s", p.Name, podProblem(p))
	}
	return false, nil
}

func podProblem(p *corev1.Pod) string {
	var parts []string
	for _, s := range append(p.Status.InitContainerStatuses, p.Status.ContainerStatuses...) {
		if t := s.State.Terminated; t != nil && t.ExitCode != 0 {
			parts = append(parts, fmt.Sprintf("%s exited %d (%s)", s.Name, t.ExitCode, t.Reason))
		}
		if w := s.State.Waiting; w != nil {
			parts = append(parts, fmt.Sprintf("%s waiting: %s %s", s.Name, w.Reason, w.Message))
		}
	}
	if len(parts) == 0 {
		return p.Status.Message
	}
	return strings.Join(parts, "; ")
}

// Logs returns a container's log.
func (c *Cluster) Logs(ctx context.Context, ns, pod, container string) (string, error) {
	b, err := c.Client.CoreV1().Pods(ns).GetLogs(pod, &corev1.PodLogOptions{Container: container}).DoRaw(ctx)
	return string(b), err
}

// Exec runs a command in a pod's container, with stdin when given, and
// returns its stdout and stderr; a non-zero exit is an error.
func (c *Cluster) Exec(ctx context.Context, ns, pod, container string, stdin io.Reader, cmd ...string) (string, string, error) {
	req := c.Client.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: container, Command: cmd, Stdin: stdin != nil, Stdout: true, Stderr: true,
		}, scheme.ParameterCodec)
	exec, err := remotecommand.NewSPDYExecutor(c.REST, "POST", req.URL())
	if err != nil {
		return "", "", err
	}
	var stdout, stderr bytes.Buffer
	err = exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdin: stdin, Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		return stdout.String(), stderr.String(), fmt.Errorf("%s in %s/%s[%s]: %w: %s", strings.Join(cmd, " "), ns, pod, container, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), stderr.String(), nil
}

// RunningPod returns the name of a Running pod matching selector in ns.
func (c *Cluster) RunningPod(ctx context.Context, ns, selector string) (string, error) {
	pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return "", err
	}
	for _, p := range pods.Items {
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			return p.Name, nil
		}
	}
	return "", fmt.Errorf("no running pod matches %s in %s", selector, ns)
}
