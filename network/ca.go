package network

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/fabkind/fabkind/images"
)

// CAHome is the CA's home (its keys, database and TLS certificate), on
// persistent storage.
const CAHome = "/var/hyperledger/fabric-ca"

// CABootstrapSecret holds the CA's bootstrap admin name and a password made
// at random by `fabkind up`; nothing else knows it.
func CABootstrapSecret(o Organization) string { return CAName(o) + "-bootstrap" }

// Keys of the bootstrap Secret.
const (
	CABootstrapUserKey     = "user"
	CABootstrapPasswordKey = "password"
)

// CASecret returns the bootstrap Secret for an org's CA.
func (d *Deployment) CASecret(o Organization, user, password string) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: CABootstrapSecret(o), Namespace: d.Topology.Namespace(), Labels: d.Topology.Labels(o, "ca")},
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{CABootstrapUserKey: user, CABootstrapPasswordKey: password},
	}
}

// CAStorage is the CA's persistent home.
func (d *Deployment) CAStorage(o Organization) *corev1.PersistentVolumeClaim {
	pvc := d.ledgerClaim()
	pvc.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"}
	pvc.ObjectMeta = metav1.ObjectMeta{Name: CAName(o), Namespace: d.Topology.Namespace(), Labels: d.Topology.Labels(o, "ca")}
	pvc.Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("128Mi")
	return &pvc
}

// CADeployment runs an org's Fabric CA with TLS. Its TLS certificate names
// the in-cluster Service and localhost (for a port-forward from the host).
func (d *Deployment) CADeployment(o Organization) *appsv1.Deployment {
	t := d.Topology
	labels := t.Labels(o, "ca")
	hosts := []string{CAName(o), fmt.Sprintf("%s.%s", CAName(o), t.Namespace()), t.CAHost(o), "localhost"}
	fromSecret := func(key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: CABootstrapSecret(o)}, Key: key}}
	}
	c := corev1.Container{
		Name:            ContainerCA,
		Image:           d.Images[images.RoleCA],
		ImagePullPolicy: corev1.PullIfNotPresent,
		Command:         []string{"fabric-ca-server"},
		Args:            []string{"start", "-b", "$(CA_BOOTSTRAP_USER):$(CA_BOOTSTRAP_PASSWORD)"},
		Env: []corev1.EnvVar{
			{Name: "CA_BOOTSTRAP_USER", ValueFrom: fromSecret(CABootstrapUserKey)},
			{Name: "CA_BOOTSTRAP_PASSWORD", ValueFrom: fromSecret(CABootstrapPasswordKey)},
			{Name: "FABRIC_CA_HOME", Value: CAHome},
			{Name: "FABRIC_CA_SERVER_CA_NAME", Value: CAName(o)},
			{Name: "FABRIC_CA_SERVER_PORT", Value: fmt.Sprint(PortCA)},
			{Name: "FABRIC_CA_SERVER_TLS_ENABLED", Value: "true"},
			{Name: "FABRIC_CA_SERVER_CSR_CN", Value: CAName(o)},
			{Name: "FABRIC_CA_SERVER_CSR_HOSTS", Value: strings.Join(hosts, ",")},
			{Name: "FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS", Value: fmt.Sprintf("0.0.0.0:%d", PortOperations)},
		},
		Ports:        []corev1.ContainerPort{{Name: "https", ContainerPort: PortCA}, {Name: "operations", ContainerPort: PortOperations}},
		VolumeMounts: []corev1.VolumeMount{{Name: "home", MountPath: CAHome}},
		ReadinessProbe: &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(PortOperations)}},
			PeriodSeconds: 2,
		},
		SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false)},
	}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: CAName(o), Namespace: t.Namespace(), Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}, // one writer of the CA's database
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					Containers:         []corev1.Container{c},
					EnableServiceLinks: ptr.To(false),
					Volumes: []corev1.Volume{{Name: "home", VolumeSource: corev1.VolumeSource{
						PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: CAName(o)}}}},
				},
			},
		},
	}
}

// CAService exposes an org's CA inside the cluster.
func (d *Deployment) CAService(o Organization) *corev1.Service {
	labels := d.Topology.Labels(o, "ca")
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: CAName(o), Namespace: d.Topology.Namespace(), Labels: labels},
		Spec: corev1.ServiceSpec{
			Selector: labels,
			Ports:    []corev1.ServicePort{{Name: "https", Port: PortCA, TargetPort: intstr.FromInt32(PortCA)}},
		},
	}
}
