//go:build e2e

// Package network proves `fabkind up`'s network: three Raft orderers, two
// peer organizations with DinD-sidecar peers, one channel, checked with
// fabkind's own clients and with Fabric's CLIs inside the cluster.
package network

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/fabkind/fabkind/cluster"
	"github.com/fabkind/fabkind/deploy"
	"github.com/fabkind/fabkind/images"
	"github.com/fabkind/fabkind/network"
	"github.com/fabkind/fabkind/scenarios/internal/rig"
)

func TestNetwork(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Fabric network on kind")
}

var (
	imgs *rig.Images
	top  *network.Topology
	c    *cluster.Cluster
	net  *deploy.Network
)

var _ = BeforeSuite(func(ctx context.Context) {
	var err error
	imgs, err = rig.LocalImages(ctx)
	Expect(err).NotTo(HaveOccurred())
	set, err := images.LocalSet(imgs.Plan)
	Expect(err).NotTo(HaveOccurred())

	top, err = network.Load(filepath.Join("..", "..", "fixtures", "topology.yaml"))
	Expect(err).NotTo(HaveOccurred())
	top.Name = "e2e-" + rand.String(5)
	Expect(top.Validate()).To(Succeed())
	state := GinkgoT().TempDir()

	start := time.Now()
	By("creating kind cluster " + top.Name)
	c, err = cluster.Create(ctx, cluster.Spec{Name: top.Name, NodeImage: set[images.RoleNode], HostPorts: top.HostPorts()},
		state, GinkgoWriter)
	if c != nil {
		DeferCleanup(func() {
			By("deleting kind cluster " + top.Name)
			Expect(c.Delete()).To(Succeed())
		})
	}
	Expect(err).NotTo(HaveOccurred())
	Expect(c.LoadImages(ctx, imgs.Engine.Save, set[images.RolePeer], set[images.RoleOrderer], set[images.RoleCA],
		set[images.RoleTools], set[images.RoleDinD], set[images.RoleRegistry])).To(Succeed())
	net = &deploy.Network{Topology: top, Cluster: c, Images: set, StateDir: state, Out: GinkgoWriter, Engine: imgs.Engine}
	err = deploy.RunSteps(ctx, GinkgoWriter, net.Steps())
	if err != nil {
		collect(ctx, "up")
	}
	Expect(err).NotTo(HaveOccurred())
	took := time.Since(start).Round(100 * time.Millisecond)
	AddReportEntry("up: start to every peer joined at the orderers' height", took.String())
	fmt.Fprintf(os.Stderr, "fabkind up (default topology, local images): %s\n", took)
}, NodeTimeout(15*time.Minute))

func collect(ctx context.Context, what string) {
	dir := filepath.Join(rig.ArtifactsDir(), rig.SafeName(what))
	err := rig.Collect(ctx, c, dir)
	fmt.Fprintf(GinkgoWriter, "artifacts: %s (collect error: %v)\n", dir, err)
}

var _ = ReportAfterEach(func(ctx SpecContext, r SpecReport) {
	if r.Failed() && c != nil {
		collect(ctx, r.FullText())
	}
})
