//go:build e2e

package imageset

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/scenarios/internal/rig"
)

// newCluster creates a kind cluster from the built node image for the
// current container (stored in *into), loads the given images into it, and removes it when
// the container is done. A failed spec leaves its artifacts first.
func newCluster(ctx context.Context, into **cluster.Cluster, workers int, load ...string) string {
	name := "fabkind-e2e-" + rand.String(5)
	By(fmt.Sprintf("creating kind cluster %s (%d nodes) from %s", name, 1+workers, imgs.Ref("kind-node")))
	start := time.Now()
	c, err := cluster.Create(ctx, cluster.Spec{Name: name, NodeImage: imgs.Ref("kind-node"), Workers: workers},
		filepath.Join(GinkgoT().TempDir(), name), GinkgoWriter)
	if c != nil {
		*into = c // failure artifacts can be collected from a cluster that never got Ready
		DeferCleanup(func() {
			By("deleting kind cluster " + name)
			Expect(c.Delete()).To(Succeed())
		})
	}
	Expect(err).NotTo(HaveOccurred())
	AddReportEntry(fmt.Sprintf("kind create cluster, %d nodes, to Ready", 1+workers), time.Since(start).Round(100*time.Millisecond).String())
	start = time.Now()
	By("loading " + strings.Join(load, ", ") + " into the nodes")
	refs := make([]string, len(load))
	for i, l := range load {
		refs[i] = imgs.Ref(l)
	}
	Expect(c.LoadImages(ctx, imgs.Engine.Save, refs...)).To(Succeed())
	AddReportEntry("images loaded into the nodes", time.Since(start).Round(100*time.Millisecond).String())

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "imageset-" + rand.String(5)}}
	_, err = c.Client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	return ns.Name
}

// collectOnFailure saves the cluster's state when the current spec failed.
func collectOnFailure(c **cluster.Cluster) {
	AfterEach(func(ctx context.Context) {
		if !CurrentSpecReport().Failed() || *c == nil {
			return
		}
		dir := filepath.Join(rig.ArtifactsDir(), rig.SafeName(CurrentSpecReport().FullText()))
		err := rig.Collect(ctx, *c, dir)
		AddReportEntry("artifacts", dir)
		fmt.Fprintf(GinkgoWriter, "artifacts of the failed spec: %s (collect error: %v)\n", dir, err)
	})
}

// oneShot is a pod that runs cmd in image once, pinned to a node when given.
func oneShot(name, image, node string, cmd ...string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			NodeName:      node,
			Tolerations:   []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			Containers: []corev1.Container{{
				Name: "main", Image: image, ImagePullPolicy: corev1.PullNever, Command: cmd,
			}},
		},
	}
}

// runToCompletion creates the pod, waits for it to succeed and returns its log.
func runToCompletion(ctx context.Context, c *cluster.Cluster, ns string, pod *corev1.Pod) string {
	_, err := c.Client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	_, err = c.WaitForPod(ctx, ns, pod.Name, cluster.PodSucceeded)
	logs, _ := c.Logs(ctx, ns, pod.Name, "main")
	Expect(err).NotTo(HaveOccurred(), "log of %s:\n%s", pod.Name, logs)
	return logs
}

func nodeNames(ctx context.Context, c *cluster.Cluster) []string {
	list, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, n := range list.Items {
		names = append(names, n.Name)
	}
	return names
}

var _ = Describe("kind node image", Ordered, Label("images", "kind"), func() {
	var (
		c  *cluster.Cluster
		ns string
	)
	BeforeAll(func(ctx context.Context) {
		ns = newCluster(ctx, &c, 1, "fabric-tools", "registry")
	}, NodeTimeout(6*time.Minute))
	collectOnFailure(&c)

	It("has every node Ready and CoreDNS running", func(ctx context.Context) {
		Eventually(func(g Gomega) {
			list, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(list.Items).To(HaveLen(2))
			for _, n := range list.Items {
				g.Expect(n.Status.Conditions).To(ContainElement(And(
					HaveField("Type", corev1.NodeReady), HaveField("Status", corev1.ConditionTrue))), n.Name)
			}
		}).WithContext(ctx).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
		Eventually(func(g Gomega) {
			pods, err := c.Client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: "k8s-app=kube-dns"})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(pods.Items).NotTo(BeEmpty())
			for _, p := range pods.Items {
				ready, err := cluster.PodRunningAndReady(&p)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(ready).To(BeTrue(), p.Name)
			}
		}).WithContext(ctx).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	}, SpecTimeout(5*time.Minute))

	It("resolves kubernetes.default through cluster DNS from a pod of a locally built image", func(ctx context.Context) {
		svc, err := c.Client.CoreV1().Services("default").Get(ctx, "kubernetes", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		for _, node := range nodeNames(ctx, c) {
			By("resolving from a pod on " + node)
			logs := runToCompletion(ctx, c, ns, oneShot("dns-"+rand.String(4), imgs.Ref("fabric-tools"), node,
				"sh", "-c", "cat /etc/resolv.conf; getent hosts kubernetes.default"))
			Expect(logs).To(MatchRegexp(`(?m)^%s\s+kubernetes\.default\.svc\.cluster\.local`, strings.ReplaceAll(svc.Spec.ClusterIP, ".", `\.`)))
		}
	}, SpecTimeout(3*time.Minute))

	It("binds a PersistentVolumeClaim that a pod writes to", func(ctx context.Context) {
		pvc := &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: "data"},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("16Mi")}},
			},
		}
		_, err := c.Client.CoreV1().PersistentVolumeClaims(ns).Create(ctx, pvc, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		token := rand.String(12)
		pod := oneShot("writer", imgs.Ref("fabric-tools"), "", "sh", "-c", "echo "+token+" > /data/probe && cat /data/probe")
		pod.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
		pod.Spec.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}}
		Expect(runToCompletion(ctx, c, ns, pod)).To(ContainSubstring(token))

		got, err := c.Client.CoreV1().PersistentVolumeClaims(ns).Get(ctx, "data", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Status.Phase).To(Equal(corev1.ClaimBound))
		pv, err := c.Client.CoreV1().PersistentVolumes().Get(ctx, got.Spec.VolumeName, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(pv.Spec.StorageClassName).To(Equal("standard"))
		var hostDir string
		switch {
		case pv.Spec.HostPath != nil:
			hostDir = pv.Spec.HostPath.Path
		case pv.Spec.Local != nil:
			hostDir = pv.Spec.Local.Path
		}
		Expect(hostDir).To(HavePrefix("/var/local-path-provisioner/"), "local-path volumes are folders on the node")

		By("finding the file in the volume's folder on the node")
		written, err := c.Client.CoreV1().Pods(ns).Get(ctx, "writer", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		nodes, err := c.Nodes()
		Expect(err).NotTo(HaveOccurred())
		for _, n := range nodes {
			if n.String() != written.Spec.NodeName {
				continue
			}
			var out strings.Builder
			Expect(n.Command("cat", hostDir+"/probe").SetStdout(&out).Run()).To(Succeed())
			Expect(out.String()).To(ContainSubstring(token))
		}
	}, SpecTimeout(3*time.Minute))

	It("lets pods on different nodes reach each other", func(ctx context.Context) {
		names := nodeNames(ctx, c)
		Expect(names).To(HaveLen(2))
		server := oneShot("server", imgs.Ref("registry"), names[0])
		server.Spec.Containers[0].Command = nil // the image's own: registry serve
		server.Spec.RestartPolicy = corev1.RestartPolicyAlways
		server.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
			TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(5000)}}, PeriodSeconds: 1}
		_, err := c.Client.CoreV1().Pods(ns).Create(ctx, server, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		ready, err := c.WaitForPod(ctx, ns, "server", cluster.PodRunningAndReady)
		Expect(err).NotTo(HaveOccurred())
		Expect(ready.Spec.NodeName).To(Equal(names[0]))

		By(fmt.Sprintf("reaching %s:5000 on %s from a pod on %s", ready.Status.PodIP, names[0], names[1]))
		logs := runToCompletion(ctx, c, ns, oneShot("client", imgs.Ref("fabric-tools"), names[1], "bash", "-c",
			`exec 3<>/dev/tcp/`+ready.Status.PodIP+`/5000 && printf 'GET /v2/ HTTP/1.0\r\n\r\n' >&3 && cat <&3`))
		Expect(logs).To(ContainSubstring("200 OK"))
		Expect(logs).To(ContainSubstring("Docker-Distribution-Api-Version: registry/2.0"))
	}, SpecTimeout(3*time.Minute))
})
