package network

import (
	"strings"
	"testing"
)

func TestCADeploymentKeepsTheBootstrapPasswordInASecret(t *testing.T) {
	d, org1 := testDeployment(RuntimeDinD)
	dep := d.CADeployment(org1)
	c := dep.Spec.Template.Spec.Containers[0]
	if strings.Join(c.Args, " ") != "start -b $(CA_BOOTSTRAP_USER):$(CA_BOOTSTRAP_PASSWORD)" {
		t.Errorf("args %v", c.Args)
	}
	for _, e := range c.Env {
		if strings.HasPrefix(e.Name, "CA_BOOTSTRAP_") {
			if e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef.Name != "org1-ca-bootstrap" {
				t.Errorf("%s must come from the bootstrap Secret, got %+v", e.Name, e)
			}
		}
	}
	env := envOf(c)
	if env["FABRIC_CA_SERVER_TLS_ENABLED"] != "true" {
		t.Error("the CA serves TLS only")
	}
	if !strings.Contains(env["FABRIC_CA_SERVER_CSR_HOSTS"], "org1-ca.fabkind.svc.cluster.local") || !strings.Contains(env["FABRIC_CA_SERVER_CSR_HOSTS"], "localhost") {
		t.Errorf("CA TLS hosts %s", env["FABRIC_CA_SERVER_CSR_HOSTS"])
	}
	if dep.Spec.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName != "org1-ca" {
		t.Error("the CA home must be persistent")
	}
	sec := d.CASecret(org1, "admin", "s3cret")
	if sec.StringData[CABootstrapPasswordKey] != "s3cret" || sec.Name != "org1-ca-bootstrap" {
		t.Errorf("secret %+v", sec)
	}
	if svc := d.CAService(org1); svc.Spec.Ports[0].Port != PortCA || svc.Spec.Selector[LabelComponent] != "ca" {
		t.Errorf("service %+v", svc.Spec)
	}
}
