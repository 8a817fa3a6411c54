//go:build e2e

package imageset

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"io"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/fabkind/fabkind/chaincode"
	"github.com/fabkind/fabkind/images"
	"github.com/fabkind/fabkind/scenarios/internal/rig"
)

var _ = Describe("Fabric images", Label("images", "fabric"), func() {
	DescribeTable("each binary runs in its image and reports its version",
		func(ctx context.Context, image string, cmd []string, want string) {
			res, err := rig.RunContainer(ctx, imgs.Engine, rig.Run{Image: imgs.Ref(image), Cmd: cmd, Network: "none"})
			Expect(err).NotTo(HaveOccurred())
			AddReportEntry(image+" "+cmd[0], res.Output)
			Expect(res.ExitCode).To(BeZero(), res.Output)
			Expect(res.Output).To(ContainSubstring(want))
		},
		Entry("peer", "fabric-peer", []string{"peer", "version"}, "Version: "+images.FabricVersion),
		Entry("orderer", "fabric-orderer", []string{"orderer", "version"}, "Version: "+images.FabricVersion),
		Entry("fabric-ca-server", "fabric-ca", []string{"fabric-ca-server", "version"}, "Version: "+images.FabricCAVersion),
		Entry("fabric-ca-client", "fabric-ca", []string{"fabric-ca-client", "version"}, "Version: "+images.FabricCAVersion),
		Entry("configtxgen", "fabric-tools", []string{"configtxgen", "-version"}, "Version: "+images.FabricVersion),
		Entry("configtxlator", "fabric-tools", []string{"configtxlator", "version"}, "Version: "+images.FabricVersion),
		Entry("osnadmin", "fabric-tools", []string{"osnadmin", "--help"}, "channel join"),
		Entry("peer CLI in tools", "fabric-tools", []string{"peer", "version"}, "Version: "+images.FabricVersion),
		Entry("peer image runs peer node start by default", "fabric-peer", []string{"sh", "-c", "peer node start --help && ls $FABRIC_CFG_PATH/core.yaml"}, "core.yaml"),
	)

	It("ccenv builds a Go chaincode with vendored dependencies, with networking disabled", func(ctx context.Context) {
		src := filepath.Join(GinkgoT().TempDir(), "asset")
		By("vendoring the sample chaincode on the host, as packaging does")
		Expect(chaincode.VendorGo(ctx, filepath.Join("..", "..", "chaincode", "samples", "asset"), src)).To(Succeed())
		Expect(filepath.Join(src, "vendor", "modules.txt")).To(BeAnExistingFile())
		var input bytes.Buffer
		Expect(chaincode.WriteSourceTar(&input, src, "src/")).To(Succeed())

		By("running Fabric's Go build in ccenv with --network none and no module proxy")
		start := time.Now()
		res, err := rig.RunContainer(ctx, imgs.Engine, rig.Run{
			Image: imgs.Ref("fabric-ccenv"), Cmd: []string{"/bin/sh", "-c", chaincode.GoBuildScript},
			Env:     []string{"GOPROXY=off", "GOSUMDB=off"},
			Network: "none", Input: &input, InputDir: "/chaincode/input", OutputPath: "/chaincode/output/chaincode",
		})
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("ccenv build", time.Since(start).String()+"\n"+res.Output)
		Expect(res.ExitCode).To(BeZero(), res.Output)

		By("finding a static executable in the output")
		tr := tar.NewReader(res.Copied)
		hdr, err := tr.Next()
		Expect(err).NotTo(HaveOccurred())
		Expect(hdr.Name).To(Equal("chaincode"))
		bin := filepath.Join(GinkgoT().TempDir(), "chaincode")
		f, err := os.Create(bin)
		Expect(err).NotTo(HaveOccurred())
		_, err = io.Copy(f, tr)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Close()).To(Succeed())
		exe, err := elf.Open(bin)
		Expect(err).NotTo(HaveOccurred())
		defer exe.Close()
		Expect(exe.Type).To(Equal(elf.ET_EXEC), "a static, non-PIE executable")
		for _, p := range exe.Progs {
			Expect(p.Type).NotTo(Equal(elf.PT_INTERP), "a static executable has no dynamic loader")
		}
	})
})
