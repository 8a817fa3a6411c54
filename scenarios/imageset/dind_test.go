//go:build e2e

package imageset

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/utils/ptr"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/network"
	"github.com/fabkind/fabkind/scenarios/internal/rig"
)

// dindPod is the peer pod's shape in miniature: a privileged DinD sidecar
// whose daemon listens only on a unix socket in a pod-local folder, with
// /var/lib/docker on an emptyDir, next to another container.
func dindPod(name string) *corev1.Pod {
	mounts := []corev1.VolumeMount{{Name: "dind-socket", MountPath: network.DinDSocketDir}}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{
				{
					Name: "main", Image: imgs.Ref("fabric-tools"), ImagePullPolicy: corev1.PullNever,
					Command: []string{"bash", "-c", "trap 'exit 0' TERM; sleep infinity & wait"}, VolumeMounts: mounts,
				},
				{
					Name: "dind", Image: imgs.Ref("dind"), ImagePullPolicy: corev1.PullNever,
					Env:             []corev1.EnvVar{{Name: "DIND_SOCKET", Value: network.DinDSocket}},
					SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
					VolumeMounts:    append(mounts, corev1.VolumeMount{Name: "docker-data", MountPath: "/var/lib/docker"}),
					ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{
						Command: []string{"test", "-e", network.DinDSocketDir + "/ready"}}}, PeriodSeconds: 1},
				},
			},
			Volumes: []corev1.Volume{
				{Name: "dind-socket", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
				{Name: "docker-data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			},
		},
	}
}

var _ = Describe("DinD sidecar", Ordered, Label("images", "dind"), func() {
	var (
		c  *cluster.Cluster
		ns string
	)
	BeforeAll(func(ctx context.Context) {
		ns = newCluster(ctx, &c, 0, "fabric-tools", "dind")
	}, NodeTimeout(6*time.Minute))
	collectOnFailure(&c)

	It("runs a host-network container the pod's other container reaches at localhost, and leaves no process once the pod is deleted", func(ctx context.Context) {
		pod := dindPod("dind-" + rand.String(4))
		_, err := c.Client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		By("waiting for the inner daemon to answer")
		started := time.Now()
		_, err = c.WaitForPod(ctx, ns, pod.Name, cluster.PodRunningAndReady)
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("DinD pod ready", time.Since(started).Round(100*time.Millisecond).String())
		docker := func(stdin io.Reader, args ...string) string {
			out, stderr, err := c.Exec(ctx, ns, pod.Name, "dind", stdin, append([]string{"docker", "-H", "unix://" + network.DinDSocket}, args...)...)
			Expect(err).NotTo(HaveOccurred(), stderr)
			return out
		}
		info := docker(nil, "info", "--format", "{{.Driver}} {{.ServerVersion}}")
		Expect(info).To(HavePrefix("overlay2 20.10"))

		By("checking that the daemon opens no TCP port: only its unix socket in the pod")
		_, _, err = c.Exec(ctx, ns, pod.Name, "main", nil, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/2375")
		Expect(err).To(HaveOccurred(), "dockerd must not listen on tcp 2375")
		_, _, err = c.Exec(ctx, ns, pod.Name, "main", nil, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/2376")
		Expect(err).To(HaveOccurred(), "dockerd must not listen on tcp 2376")
		_, _, err = c.Exec(ctx, ns, pod.Name, "main", nil, "test", "-S", network.DinDSocket)
		Expect(err).NotTo(HaveOccurred(), "the socket is shared with the pod's other container")

		By("loading the registry image into the inner daemon, with no registry")
		saved, err := imgs.Engine.Save(ctx, imgs.Ref("registry"))
		Expect(err).NotTo(HaveOccurred())
		defer saved.Close()
		Expect(docker(saved, "load")).To(ContainSubstring(imgs.Ref("registry")))

		marker := "fabkind-probe-" + rand.String(8)
		By("running it with host networking as " + marker)
		docker(nil, "run", "-d", "--name", "probe", "--network", "host", "--entrypoint", "bash", imgs.Ref("registry"),
			"-c", "exec -a "+marker+" registry serve /etc/distribution/config.yml")

		By("reaching it at localhost:5000 from the pod's other container")
		Eventually(func() (string, error) {
			out, _, err := c.Exec(ctx, ns, pod.Name, "main", nil, "bash", "-c",
				`exec 3<>/dev/tcp/127.0.0.1/5000 && printf 'GET /v2/ HTTP/1.0\r\n\r\n' >&3 && cat <&3`)
			return out, err
		}).WithContext(ctx).WithTimeout(30 * time.Second).WithPolling(500 * time.Millisecond).Should(ContainSubstring("200 OK"))

		nodes, err := c.Nodes()
		Expect(err).NotTo(HaveOccurred())
		Expect(nodes).To(HaveLen(1))
		onNode := func() string {
			var out strings.Builder
			Expect(nodes[0].Command("sh", "-c", fmt.Sprintf("pgrep -af '^%s' || true", marker)).SetStdout(&out).Run()).To(Succeed())
			return strings.TrimSpace(out.String())
		}
		By("seeing the inner container's process from the kind node and from the host")
		Expect(onNode()).To(ContainSubstring(marker))
		Expect(rig.ProcessesWithArgv0(marker)).To(HaveLen(1))

		By("deleting the pod")
		Expect(c.Client.CoreV1().Pods(ns).Delete(ctx, pod.Name, metav1.DeleteOptions{})).To(Succeed())
		Expect(c.WaitForPodGone(ctx, ns, pod.Name)).To(Succeed())

		By("finding no process of the inner container on the node or the host")
		Eventually(rig.ProcessesWithArgv0).WithArguments(marker).WithTimeout(30 * time.Second).Should(BeEmpty())
		Expect(onNode()).To(BeEmpty())
	}, SpecTimeout(5*time.Minute))
})
