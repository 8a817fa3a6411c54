package network

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/fabkind/fabkind/images"
)

// Deployment carries what object generation needs beyond the topology.
type Deployment struct {
	Topology *Topology
	Images   images.Set
	// NetworkID is CORE_PEER_NETWORKID: unique per run, it prefixes the
	// names of chaincode containers (NETWORKID-PEERID-ccid).
	NetworkID    string
	StorageClass string // "" = the cluster's default class
	LedgerSize   resource.Quantity
	// ChaincodeImagesInRegistry: every DinD daemon pulls ccenv and baseos
	// from the network's own registry (the local image set); otherwise it
	// pulls them by their own names (published images).
	ChaincodeImagesInRegistry bool
}

// PeerStatefulSet runs an organization's peers. Each pod holds the peer and,
// in dind mode, a Docker-in-Docker sidecar (a native sidecar: an init
// container that keeps running) that only the pod can reach.
func (d *Deployment) PeerStatefulSet(o Organization) *appsv1.StatefulSet {
	t := d.Topology
	spec := corev1.PodSpec{
		Containers:                    []corev1.Container{d.peerContainer(o)},
		Volumes:                       []corev1.Volume{identitiesVolume(o, "peer", o.Peers)},
		EnableServiceLinks:            ptr.To(false),
		TerminationGracePeriodSeconds: ptr.To[int64](20),
	}
	switch t.ChaincodeRuntime {
	case RuntimeDinD:
		spec.InitContainers = []corev1.Container{d.dindSidecar()}
		spec.Volumes = append(spec.Volumes,
			corev1.Volume{Name: VolumeDinDSock, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			corev1.Volume{Name: VolumeDockerLib, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	case RuntimeHostDocker:
		spec.Volumes = append(spec.Volumes, corev1.Volume{Name: VolumeDinDSock, VolumeSource: corev1.VolumeSource{
			HostPath: &corev1.HostPathVolumeSource{Path: HostDockerSock, Type: ptr.To(corev1.HostPathSocket)}}})
	}
	return d.statefulSet(o, "peer", o.Peers, spec)
}

func (d *Deployment) peerContainer(o Organization) corev1.Container {
	t := d.Topology
	ids := IdentitiesDir + "/$(" + FieldPodName + ")"
	address := HostPattern(o, "peer", t.Namespace()) + ":" + strconv.Itoa(PortPeer)
	bootstrap := fmt.Sprintf("%s-0.%s.%s.svc.cluster.local:%d", StatefulSetName(o, "peer"), StatefulSetName(o, "peer"), t.Namespace(), PortPeer)
	env := []corev1.EnvVar{
		{Name: FieldPodName, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		{Name: "CORE_PEER_ID", Value: "$(" + FieldPodName + ")"},
		{Name: "CORE_PEER_NETWORKID", Value: d.NetworkID},
		{Name: "CORE_PEER_LOCALMSPID", Value: o.MSPID},
		{Name: "CORE_PEER_MSPCONFIGPATH", Value: ids + "/msp"},
		{Name: "CORE_PEER_ADDRESS", Value: address},
		{Name: "CORE_PEER_LISTENADDRESS", Value: fmt.Sprintf("0.0.0.0:%d", PortPeer)},
		{Name: "CORE_PEER_CHAINCODELISTENADDRESS", Value: fmt.Sprintf("0.0.0.0:%d", PortChaincode)},
		{Name: "CORE_PEER_GOSSIP_EXTERNALENDPOINT", Value: address},
		{Name: "CORE_PEER_GOSSIP_BOOTSTRAP", Value: bootstrap},
		{Name: "CORE_PEER_TLS_ENABLED", Value: "true"},
		{Name: "CORE_PEER_TLS_CERT_FILE", Value: ids + "/tls/server.crt"},
		{Name: "CORE_PEER_TLS_KEY_FILE", Value: ids + "/tls/server.key"},
		{Name: "CORE_PEER_TLS_ROOTCERT_FILE", Value: ids + "/tls/ca.crt"},
		{Name: "CORE_PEER_FILESYSTEMPATH", Value: LedgerDir},
		{Name: "CORE_LEDGER_SNAPSHOTS_ROOTDIR", Value: LedgerDir + "/snapshots"},
		{Name: "CORE_OPERATIONS_LISTENADDRESS", Value: fmt.Sprintf("0.0.0.0:%d", PortOperations)},
		{Name: "CORE_METRICS_PROVIDER", Value: "prometheus"},
		// Chaincode: built by ccenv and run on baseos, in the pod's own
		// Docker daemon, with the pod's network: it reaches the peer at localhost.
		{Name: "CORE_VM_ENDPOINT", Value: "unix://" + DinDSocket},
		{Name: "CORE_VM_DOCKER_HOSTCONFIG_NETWORKMODE", Value: "host"},
		{Name: "CORE_PEER_CHAINCODEADDRESS", Value: fmt.Sprintf("%s:%d", ChaincodeAddr, PortChaincode)},
		{Name: "CORE_CHAINCODE_BUILDER", Value: d.Images[images.RoleCCEnv]},
		{Name: "CORE_CHAINCODE_GOLANG_RUNTIME", Value: d.Images[images.RoleBaseOS]},
		{Name: "CORE_CHAINCODE_PULL", Value: "false"},
	}
	if t.ChaincodeRuntime == RuntimeHostDocker {
		// The node's Docker runs chaincode outside the pod: it cannot reach
		// the peer at localhost, only at the pod's IP.
		for i := range env {
			if env[i].Name == "CORE_PEER_CHAINCODEADDRESS" {
				env[i] = corev1.EnvVar{Name: "CORE_PEER_CHAINCODEADDRESS", Value: fmt.Sprintf("$(POD_IP):%d", PortChaincode)}
			}
		}
		env = append([]corev1.EnvVar{{Name: "POD_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}}}, env...)
	}
	return corev1.Container{
		Name:            ContainerPeer,
		Image:           d.Images[images.RolePeer],
		ImagePullPolicy: corev1.PullIfNotPresent,
		Command:         []string{"peer", "node", "start"},
		Env:             env,
		Ports: []corev1.ContainerPort{
			{Name: "grpc", ContainerPort: PortPeer},
			{Name: "chaincode", ContainerPort: PortChaincode},
			{Name: "operations", ContainerPort: PortOperations},
		},
		VolumeMounts: []corev1.VolumeMount{
			{Name: VolumeLedger, MountPath: LedgerDir},
			{Name: VolumeIDs, MountPath: IdentitiesDir, ReadOnly: true},
			{Name: VolumeDinDSock, MountPath: socketMountPath(t.ChaincodeRuntime)},
		},
		// /healthz includes the peer's docker health check: Ready means the
		// peer answers and its Docker daemon does too.
		ReadinessProbe: &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(PortOperations)}},
			PeriodSeconds: 2, FailureThreshold: 3,
		},
		SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false)},
	}
}

func socketMountPath(r ChaincodeRuntime) string {
	if r == RuntimeHostDocker {
		return DinDSocket // the node's socket, mounted where the peer expects it
	}
	return DinDSocketDir
}

// dindSidecar is the pod's own Docker daemon: privileged (dockerd needs it),
// listening only on a unix socket in an emptyDir the peer shares, with its
// images and containers on another emptyDir, so all of it dies with the pod.
func (d *Deployment) dindSidecar() corev1.Container {
	return corev1.Container{
		Name:            ContainerDinD,
		Image:           d.Images[images.RoleDinD],
		ImagePullPolicy: corev1.PullIfNotPresent,
		RestartPolicy:   ptr.To(corev1.ContainerRestartPolicyAlways), // a native sidecar: up before the peer, running beside it
		Env:             d.dindEnv(),
		SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
		VolumeMounts: []corev1.VolumeMount{
			{Name: VolumeDinDSock, MountPath: DinDSocketDir},
			{Name: VolumeDockerLib, MountPath: DockerDataDir},
		},
		StartupProbe: &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"test", "-e", DinDSocketDir + "/ready"}}},
			PeriodSeconds: 1, FailureThreshold: 120,
		},
	}
}

// dindEnv tells the sidecar where its socket goes and which chaincode
// images to pull before it reports ready.
func (d *Deployment) dindEnv() []corev1.EnvVar {
	env := []corev1.EnvVar{{Name: "DIND_SOCKET", Value: DinDSocket}}
	var pulls []string
	for _, role := range []images.Role{images.RoleCCEnv, images.RoleBaseOS} {
		ref := d.Images[role]
		src := ref
		if d.ChaincodeImagesInRegistry {
			src = d.Topology.RegistryRef(ref)
		}
		pulls = append(pulls, src+"="+ref)
	}
	env = append(env, corev1.EnvVar{Name: "DIND_PULL", Value: strings.Join(pulls, " ")})
	if d.ChaincodeImagesInRegistry {
		env = append(env, corev1.EnvVar{Name: "DIND_EXTRA_ARGS", Value: "--insecure-registry=" + d.Topology.RegistryHost()})
	}
	return env
}

func (d *Deployment) ledgerClaim() corev1.PersistentVolumeClaim {
	size := d.LedgerSize
	if size.IsZero() {
		size = resource.MustParse("1Gi")
	}
	pvc := corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: VolumeLedger},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: size}},
		},
	}
	if d.StorageClass != "" {
		pvc.Spec.StorageClassName = ptr.To(d.StorageClass)
	}
	return pvc
}

// statefulSet is the StatefulSet of an organization's nodes of one role:
// stable pod names, parallel start, a ledger claim per pod.
func (d *Deployment) statefulSet(o Organization, role string, replicas int, spec corev1.PodSpec) *appsv1.StatefulSet {
	t := d.Topology
	labels := t.Labels(o, role)
	name := StatefulSetName(o, role)
	return &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.Namespace(), Labels: labels},
		Spec: appsv1.StatefulSetSpec{
			Replicas:             ptr.To(int32(replicas)),
			ServiceName:          name,
			PodManagementPolicy:  appsv1.ParallelPodManagement,
			Selector:             &metav1.LabelSelector{MatchLabels: labels},
			Template:             corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{d.ledgerClaim()},
		},
	}
}

// identitiesVolume mounts the org's identity Secret, each pod's material
// under its own name (owner-read only).
func identitiesVolume(o Organization, role string, replicas int) corev1.Volume {
	pods := make([]string, replicas)
	for i := range pods {
		pods[i] = fmt.Sprintf("%s-%d", StatefulSetName(o, role), i)
	}
	return corev1.Volume{Name: VolumeIDs, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
		SecretName: IdentitySecret(o), Items: identityItems(pods), DefaultMode: ptr.To[int32](0o400)}}}
}

// identityItems maps an identity Secret's flat keys to the MSP and TLS
// folders of each pod: <pod>/msp/{signcerts,keystore,cacerts,tlscacerts,config.yaml}
// and <pod>/tls/{server.crt,server.key,ca.crt}.
func identityItems(pods []string) []corev1.KeyToPath {
	var items []corev1.KeyToPath
	for _, p := range pods {
		for _, kv := range [][2]string{
			{p + ".cert.pem", p + "/msp/signcerts/cert.pem"},
			{p + ".key.pem", p + "/msp/keystore/key.pem"},
			{"ca.pem", p + "/msp/cacerts/ca.pem"},
			{"tlsca.pem", p + "/msp/tlscacerts/tlsca.pem"},
			{"msp-config.yaml", p + "/msp/config.yaml"},
			{p + ".tls.crt", p + "/tls/server.crt"},
			{p + ".tls.key", p + "/tls/server.key"},
			{"tlsca.pem", p + "/tls/ca.crt"},
		} {
			items = append(items, corev1.KeyToPath{Key: kv[0], Path: kv[1]})
		}
	}
	return items
}

// HeadlessService gives each pod of a StatefulSet its stable DNS name.
func (d *Deployment) HeadlessService(o Organization, role string, ports ...corev1.ServicePort) *corev1.Service {
	t := d.Topology
	labels := t.Labels(o, role)
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: StatefulSetName(o, role), Namespace: t.Namespace(), Labels: labels},
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			Selector:                 labels,
			Ports:                    ports,
			PublishNotReadyAddresses: true, // peers and orderers find each other while starting
		},
	}
}
