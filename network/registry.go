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

// The network's own image registry holds the chaincode images (ccenv,
// baseos) every peer's DinD daemon pulls when its pod starts.
const (
	RegistryName = "registry"
	PortRegistry = 5000
)

// RegistryHost is the in-cluster address DinD daemons pull from.
func (t *Topology) RegistryHost() string {
	return fmt.Sprintf("%s.%s.svc.cluster.local:%d", RegistryName, t.Namespace(), PortRegistry)
}

// RegistryRef is the name an image has in the network's registry.
func (t *Topology) RegistryRef(ref string) string {
	name := ref
	if i := strings.Index(ref, "/"); i >= 0 && strings.ContainsAny(ref[:i], ".:") {
		name = ref[i+1:] // drop the source registry's host
	}
	return t.RegistryHost() + "/" + name
}

func (d *Deployment) registryLabels() map[string]string {
	return map[string]string{LabelManagedBy: ManagedBy, LabelNetwork: d.Topology.Name, LabelComponent: RegistryName}
}

// RegistryObjects are the registry's storage, Deployment and Service.
func (d *Deployment) RegistryObjects() (*corev1.PersistentVolumeClaim, *appsv1.Deployment, *corev1.Service) {
	t := d.Topology
	labels := d.registryLabels()
	pvc := d.ledgerClaim()
	pvc.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"}
	pvc.ObjectMeta = metav1.ObjectMeta{Name: RegistryName, Namespace: t.Namespace(), Labels: labels}
	pvc.Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("4Gi")
	dep := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: RegistryName, Namespace: t.Namespace(), Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType},
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					EnableServiceLinks: ptr.To(false),
					Containers: []corev1.Container{{
						Name: RegistryName, Image: d.Images[images.RoleRegistry], ImagePullPolicy: corev1.PullIfNotPresent,
						Ports:        []corev1.ContainerPort{{Name: "http", ContainerPort: PortRegistry}},
						VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/registry"}},
						ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
							Path: "/v2/", Port: intstr.FromInt32(PortRegistry)}}, PeriodSeconds: 2},
						SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false)},
					}},
					Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
						PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: RegistryName}}}},
				},
			},
		},
	}
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: RegistryName, Namespace: t.Namespace(), Labels: labels},
		Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{
			{Name: "http", Port: PortRegistry, TargetPort: intstr.FromInt32(PortRegistry)}}},
	}
	return &pvc, dep, svc
}
