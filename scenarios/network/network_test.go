//go:build e2e

package network

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/images"
	"github.com/fabkind/fabkind/network"
)

// runTools runs a Fabric CLI as an org admin inside the cluster and returns its log.
func runTools(ctx context.Context, o network.Organization, cmd []string, env ...corev1.EnvVar) string {
	d := &network.Deployment{Topology: top, Images: net.Images}
	pod := d.AdminToolsPod(o, "tools-"+rand.String(6), cmd, env...)
	_, err := c.Client.CoreV1().Pods(top.Namespace()).Create(ctx, pod, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	_, err = c.WaitForPod(ctx, top.Namespace(), pod.Name, cluster.PodSucceeded)
	logs, _ := c.Logs(ctx, top.Namespace(), pod.Name, "tools")
	Expect(err).NotTo(HaveOccurred(), logs)
	return logs
}

var _ = Describe("fabkind up", Label("network"), func() {
	It("has every peer joined to the channel at the orderers' height", func(ctx context.Context) {
		st, err := net.Status(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Heights).To(HaveLen(len(top.Orderers()) + len(top.Peers())))
		want := st.Heights[0].Height
		Expect(want).To(BeNumerically(">=", 1))
		for _, h := range st.Heights {
			Expect(h.Err).NotTo(HaveOccurred(), h.Node)
			Expect(h.Height).To(Equal(want), h.Node)
		}
		for _, p := range st.Pods {
			Expect(p.Ready).To(BeTrue(), p.Name)
		}
		AddReportEntry("channel height", fmt.Sprint(want))
	}, SpecTimeout(2*time.Minute))

	It("is confirmed by Fabric's own CLIs inside the cluster", func(ctx context.Context) {
		ch := top.Channels[0].Name
		heights := map[string]int{}
		for _, p := range top.Peers() {
			By("peer channel getinfo on " + p.Pod())
			logs := runTools(ctx, p.Org, []string{"peer", "channel", "getinfo", "-c", ch},
				corev1.EnvVar{Name: "CORE_PEER_ADDRESS", Value: p.Address()})
			m := regexp.MustCompile(`"height":(\d+)`).FindStringSubmatch(logs)
			Expect(m).NotTo(BeNil(), logs)
			heights[p.Pod()], _ = strconv.Atoi(m[1])
			Expect(heights[p.Pod()]).To(BeNumerically(">=", 1))
		}
		first := heights[top.Peers()[0].Pod()]
		for pod, h := range heights {
			Expect(h).To(Equal(first), pod)
		}
		for _, o := range top.Orderers() {
			By("osnadmin channel list on " + o.Pod())
			logs := runTools(ctx, o.Org, []string{"osnadmin", "channel", "list", "--channelID", ch,
				"-o", fmt.Sprintf("%s:%d", o.Host(), network.PortOrdererAdmin),
				"--ca-file", network.AdminTLSDir + "/ca.crt", "--client-cert", network.AdminTLSDir + "/client.crt",
				"--client-key", network.AdminTLSDir + "/client.key"})
			Expect(logs).To(ContainSubstring(`"name": "` + ch + `"`))
			Expect(logs).To(ContainSubstring(`"status": "active"`))
			Expect(logs).To(ContainSubstring(fmt.Sprintf(`"height": %d`, first)))
		}
	}, SpecTimeout(5*time.Minute))

	It("gives every peer's DinD daemon the chaincode images, from no outside registry, also after the pod is recreated", func(ctx context.Context) {
		dindImages := func(pod string) string {
			out, stderr, err := c.Exec(ctx, top.Namespace(), pod, network.ContainerDinD, nil,
				"docker", "-H", "unix://"+network.DinDSocket, "images", "--format", "{{.Repository}}:{{.Tag}}")
			Expect(err).NotTo(HaveOccurred(), stderr)
			return out
		}
		for _, p := range top.Peers() {
			out := dindImages(p.Pod())
			Expect(out).To(ContainSubstring(net.Images[images.RoleCCEnv]), p.Pod())
			Expect(out).To(ContainSubstring(net.Images[images.RoleBaseOS]), p.Pod())
		}
		p := top.Peers()[0]
		old, err := c.Client.CoreV1().Pods(top.Namespace()).Get(ctx, p.Pod(), metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		By("deleting " + p.Pod() + " and waiting for its StatefulSet to recreate it")
		Expect(c.Client.CoreV1().Pods(top.Namespace()).Delete(ctx, p.Pod(), metav1.DeleteOptions{})).To(Succeed())
		Eventually(func(g Gomega) {
			pod, err := c.Client.CoreV1().Pods(top.Namespace()).Get(ctx, p.Pod(), metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(pod.UID).NotTo(Equal(old.UID))
		}).WithContext(ctx).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
		_, err = c.WaitForPod(ctx, top.Namespace(), p.Pod(), cluster.PodRunningAndReady)
		Expect(err).NotTo(HaveOccurred())
		out := dindImages(p.Pod())
		Expect(out).To(ContainSubstring(net.Images[images.RoleCCEnv]))
		Expect(out).To(ContainSubstring(net.Images[images.RoleBaseOS]))
		By("the recreated peer catching up to the orderers' height")
		Eventually(func(g Gomega) {
			st, err := net.Status(ctx)
			g.Expect(err).NotTo(HaveOccurred())
			for _, h := range st.Heights {
				g.Expect(h.Err).NotTo(HaveOccurred())
				g.Expect(h.Height).To(Equal(st.Heights[0].Height), h.Node)
			}
		}).WithContext(ctx).WithTimeout(time.Minute).WithPolling(2 * time.Second).Should(Succeed())
	}, SpecTimeout(5*time.Minute))
})
