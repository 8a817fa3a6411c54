package network

import (
	"strings"
	"testing"
)

func TestOrdererStatefulSet(t *testing.T) {
	d, _ := testDeployment(RuntimeDinD)
	ord := d.Topology.Organizations[0]
	ss := d.OrdererStatefulSet(ord)
	if ss.Name != "orderer-orderer" || *ss.Spec.Replicas != 3 || ss.Spec.VolumeClaimTemplates[0].Name != VolumeLedger {
		t.Errorf("name %s replicas %d", ss.Name, *ss.Spec.Replicas)
	}
	spec := ss.Spec.Template.Spec
	c := spec.Containers[0]
	env := envOf(c)
	for k, v := range map[string]string{
		"ORDERER_GENERAL_BOOTSTRAPMETHOD":      "none",
		"ORDERER_CHANNELPARTICIPATION_ENABLED": "true",
		"ORDERER_GENERAL_TLS_ENABLED":          "true",
		"ORDERER_ADMIN_TLS_ENABLED":            "true",
		"ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED": "true",
		"ORDERER_ADMIN_LISTENADDRESS":          "0.0.0.0:7053",
		"ORDERER_OPERATIONS_LISTENADDRESS":     "0.0.0.0:9443",
		"ORDERER_GENERAL_LISTENADDRESS":        "0.0.0.0",
		"ORDERER_GENERAL_LOCALMSPID":           "OrdererMSP",
		"ORDERER_GENERAL_CLUSTER_ROOTCAS":      "[/var/hyperledger/tls-roots/orderer.pem]",
		"ORDERER_FILELEDGER_LOCATION":          "/var/hyperledger/production/orderer",
	} {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if !strings.Contains(env["ORDERER_GENERAL_TLS_PRIVATEKEY"], "$(POD_NAME)") {
		t.Error("each orderer uses its own TLS key")
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			t.Errorf("orderers mount nothing from the node: %s", v.Name)
		}
	}
	if len(spec.InitContainers) != 0 || (c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged) {
		t.Error("orderers run no sidecar and nothing privileged")
	}
}
