package network

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/fabkind/fabkind/images"
)

// AdminMSPDir and AdminTLSDir are where AdminToolsPod mounts the admin.
const (
	AdminMSPDir = "/admin/msp"
	AdminTLSDir = "/admin/tls"
)

// AdminToolsPod runs Fabric's own CLIs (the tools image) once, inside the
// cluster, as an organization's admin: its MSP at /admin/msp, its TLS client
// certificate and the org CA at /admin/tls.
func (d *Deployment) AdminToolsPod(o Organization, name string, command []string, env ...corev1.EnvVar) *corev1.Pod {
	t := d.Topology
	base := []corev1.EnvVar{
		{Name: "CORE_PEER_LOCALMSPID", Value: o.MSPID},
		{Name: "CORE_PEER_MSPCONFIGPATH", Value: AdminMSPDir},
		{Name: "CORE_PEER_TLS_ENABLED", Value: "true"},
		{Name: "CORE_PEER_TLS_ROOTCERT_FILE", Value: AdminTLSDir + "/ca.crt"},
	}
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.Namespace(), Labels: t.Labels(o, "tools")},
		Spec: corev1.PodSpec{
			RestartPolicy:      corev1.RestartPolicyNever,
			EnableServiceLinks: ptr.To(false),
			Containers: []corev1.Container{{
				Name: "tools", Image: d.Images[images.RoleTools], ImagePullPolicy: corev1.PullIfNotPresent,
				Command: command, Env: append(base, env...),
				VolumeMounts: []corev1.VolumeMount{{Name: "admin", MountPath: "/admin", ReadOnly: true}},
			}},
			Volumes: []corev1.Volume{{Name: "admin", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
				SecretName: AdminSecretName(o), DefaultMode: ptr.To[int32](0o400),
				Items: []corev1.KeyToPath{
					{Key: "admin.cert.pem", Path: "msp/signcerts/cert.pem"},
					{Key: "admin.key.pem", Path: "msp/keystore/key.pem"},
					{Key: "ca.pem", Path: "msp/cacerts/ca.pem"},
					{Key: "ca.pem", Path: "msp/tlscacerts/tlsca.pem"},
					{Key: "msp-config.yaml", Path: "msp/config.yaml"},
					{Key: "admin.tls.crt", Path: "tls/client.crt"},
					{Key: "admin.tls.key", Path: "tls/client.key"},
					{Key: "ca.pem", Path: "tls/ca.crt"},
				}}}}},
		},
	}
}
