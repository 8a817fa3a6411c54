//go:build e2e

// Package imageset proves that the offline image set works: the Fabric
// images run and report their versions, ccenv builds vendored chaincode with
// no network, and the kind node image boots clusters with DNS, storage,
// pod networking across nodes and DinD sidecars.
package imageset

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/fabkind/fabkind/scenarios/internal/rig"
)

func TestImageSet(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Offline image set")
}

var imgs *rig.Images

var _ = BeforeSuite(func(ctx context.Context) {
	var err error
	imgs, err = rig.LocalImages(ctx)
	Expect(err).NotTo(HaveOccurred())
})
