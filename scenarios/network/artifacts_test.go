//go:build e2e

package network

import (
	"context"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/fabkind/fabkind/network"
	"github.com/fabkind/fabkind/scenarios/internal/rig"
)

var _ = Describe("failure artifacts", Label("network", "artifacts"), func() {
	It("hold pod logs, events, every DinD's containers and the kind node logs", func(ctx context.Context) {
		dir := GinkgoT().TempDir()
		Expect(rig.Collect(ctx, c, dir)).To(Succeed())
		peer := top.Peers()[0]
		for _, rel := range []string{
			"pods.txt", "events.txt",
			filepath.Join("pods", top.Namespace()+"_"+peer.Pod()+"_"+network.ContainerPeer+".log"),
			filepath.Join("pods", top.Namespace()+"_"+peer.Pod()+"_"+network.ContainerDinD+".log"),
			filepath.Join("dind", top.Namespace()+"_"+peer.Pod(), "containers.txt"),
			"kind",
		} {
			Expect(filepath.Join(dir, rel)).To(BeAnExistingFile(), rel)
		}
		pods, err := os.ReadFile(filepath.Join(dir, "pods.txt"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(pods)).To(ContainSubstring(peer.Pod()))
		kubelet, err := filepath.Glob(filepath.Join(dir, "kind", "*", "kubelet.log"))
		Expect(err).NotTo(HaveOccurred())
		Expect(kubelet).NotTo(BeEmpty(), "kind's node logs include the kubelet journal")
	}, SpecTimeout(3*time.Minute))
})
