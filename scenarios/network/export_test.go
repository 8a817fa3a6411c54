//go:build e2e

package network

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("fabkind export", Label("network", "export"), func() {
	It("lets a fabric-sdk-go program on the host query the channel height through a peer", func(ctx context.Context) {
		dir := filepath.Join(GinkgoT().TempDir(), "export")
		files, err := net.Export(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(ContainElement(filepath.Join(dir, "connection-profile.yaml")))
		st, err := os.Stat(filepath.Join(dir, "client", "key.pem"))
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Mode().Perm()).To(Equal(os.FileMode(0o600)))

		status, err := net.Status(ctx)
		Expect(err).NotTo(HaveOccurred())
		want := status.Heights[0].Height

		By("running examples/height, which reads only the exported files")
		cmd := exec.CommandContext(ctx, "go", "run", ".", "-export", dir, "-channel", top.Channels[0].Name)
		cmd.Dir = filepath.Join("..", "..", "examples", "height")
		cmd.Env = append(os.Environ(), "GOWORK=off")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		AddReportEntry("examples/height", fmt.Sprintf("%s in %s", out, time.Since(start).Round(time.Second)))
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring(fmt.Sprintf("channel %s height %d", top.Channels[0].Name, want)))
	}, SpecTimeout(6*time.Minute))
})
