package network

import (
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/fabkind/fabkind/images"
)

// TLSRootsConfigMap holds the TLS root certificate of every organization
// (public material), so orderers can dial each other across orderer orgs.
const TLSRootsConfigMap = "tls-roots"

// TLSRootsDir is where orderers mount TLSRootsConfigMap.
const TLSRootsDir = "/var/hyperledger/tls-roots"

// OrdererStatefulSet runs an orderer organization's Raft orderers. Channels
// are created through each orderer's channel participation API (admin
// port, mutual TLS); there is no system channel.
func (d *Deployment) OrdererStatefulSet(o Organization) *appsv1.StatefulSet {
	t := d.Topology
	ids := IdentitiesDir + "/$(" + FieldPodName + ")"
	var roots string
	for i, org := range t.OrdererOrgs() {
		if i > 0 {
			roots += ","
		}
		roots += TLSRootsDir + "/" + org.Name + ".pem"
	}
	env := []corev1.EnvVar{
		{Name: FieldPodName, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		{Name: "ORDERER_GENERAL_LISTENADDRESS", Value: "0.0.0.0"},
		{Name: "ORDERER_GENERAL_LISTENPORT", Value: strconv.Itoa(PortOrderer)},
		{Name: "ORDERER_GENERAL_LOCALMSPID", Value: o.MSPID},
		{Name: "ORDERER_GENERAL_LOCALMSPDIR", Value: ids + "/msp"},
		{Name: "ORDERER_GENERAL_BOOTSTRAPMETHOD", Value: "none"},
		{Name: "ORDERER_GENERAL_TLS_ENABLED", Value: "true"},
		{Name: "ORDERER_GENERAL_TLS_CERTIFICATE", Value: ids + "/tls/server.crt"},
		{Name: "ORDERER_GENERAL_TLS_PRIVATEKEY", Value: ids + "/tls/server.key"},
		{Name: "ORDERER_GENERAL_TLS_ROOTCAS", Value: "[" + ids + "/tls/ca.crt]"},
		{Name: "ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE", Value: ids + "/tls/server.crt"},
		{Name: "ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY", Value: ids + "/tls/server.key"},
		{Name: "ORDERER_GENERAL_CLUSTER_ROOTCAS", Value: "[" + roots + "]"},
		{Name: "ORDERER_CHANNELPARTICIPATION_ENABLED", Value: "true"},
		{Name: "ORDERER_ADMIN_LISTENADDRESS", Value: fmt.Sprintf("0.0.0.0:%d", PortOrdererAdmin)},
		{Name: "ORDERER_ADMIN_TLS_ENABLED", Value: "true"},
		{Name: "ORDERER_ADMIN_TLS_CERTIFICATE", Value: ids + "/tls/server.crt"},
		{Name: "ORDERER_ADMIN_TLS_PRIVATEKEY", Value: ids + "/tls/server.key"},
		{Name: "ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED", Value: "true"},
		{Name: "ORDERER_ADMIN_TLS_CLIENTROOTCAS", Value: "[" + ids + "/tls/ca.crt]"},
		{Name: "ORDERER_OPERATIONS_LISTENADDRESS", Value: fmt.Sprintf("0.0.0.0:%d", PortOperations)},
		{Name: "ORDERER_METRICS_PROVIDER", Value: "prometheus"},
		{Name: "ORDERER_FILELEDGER_LOCATION", Value: LedgerDir + "/orderer"},
		{Name: "ORDERER_CONSENSUS_WALDIR", Value: LedgerDir + "/orderer/etcdraft/wal"},
		{Name: "ORDERER_CONSENSUS_SNAPDIR", Value: LedgerDir + "/orderer/etcdraft/snapshot"},
	}
	container := corev1.Container{
		Name:            ContainerOrd,
		Image:           d.Images[images.RoleOrderer],
		ImagePullPolicy: corev1.PullIfNotPresent,
		Command:         []string{"orderer"},
		Env:             env,
		Ports: []corev1.ContainerPort{
			{Name: "grpc", ContainerPort: PortOrderer},
			{Name: "admin", ContainerPort: PortOrdererAdmin},
			{Name: "operations", ContainerPort: PortOperations},
		},
		VolumeMounts: []corev1.VolumeMount{
			{Name: VolumeLedger, MountPath: LedgerDir},
			{Name: VolumeIDs, MountPath: IdentitiesDir, ReadOnly: true},
			{Name: "tls-roots", MountPath: TLSRootsDir, ReadOnly: true},
		},
		ReadinessProbe: &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(PortOperations)}},
			PeriodSeconds: 2, FailureThreshold: 3,
		},
		SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false)},
	}
	spec := corev1.PodSpec{
		Containers: []corev1.Container{container},
		Volumes: []corev1.Volume{
			identitiesVolume(o, "orderer", o.Orderers),
			{Name: "tls-roots", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: TLSRootsConfigMap}}}},
		},
		EnableServiceLinks:            ptr.To(false),
		TerminationGracePeriodSeconds: ptr.To[int64](20),
	}
	return d.statefulSet(o, "orderer", o.Orderers, spec)
}
