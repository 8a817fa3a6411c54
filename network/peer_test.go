package network

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/fabkind/fabkind/images"
)

func testDeployment(runtime ChaincodeRuntime) (*Deployment, Organization) {
	t := DefaultTopology()
	t.ChaincodeRuntime = runtime
	t.Organizations[1].Peers = 2
	set := images.OfficialSet("2.5.0", "1.5.15", "fabkind.local/dind:20.10-abc")
	return &Deployment{Topology: t, Images: set, NetworkID: "fabkind-x1y2z3"}, t.Organizations[1]
}

func envOf(c corev1.Container) map[string]string {
	m := map[string]string{}
	for _, e := range c.Env {
		m[e.Name] = e.Value
	}
	return m
}

func mountsOf(c corev1.Container) map[string]corev1.VolumeMount {
	m := map[string]corev1.VolumeMount{}
	for _, v := range c.VolumeMounts {
		m[v.Name] = v
	}
	return m
}

func volumesOf(s corev1.PodSpec) map[string]corev1.Volume {
	m := map[string]corev1.Volume{}
	for _, v := range s.Volumes {
		m[v.Name] = v
	}
	return m
}

func TestPeerStatefulSetShape(t *testing.T) {
	d, org1 := testDeployment(RuntimeDinD)
	ss := d.PeerStatefulSet(org1)
	if ss.Name != "org1-peer" || ss.Namespace != "fabkind" || *ss.Spec.Replicas != 2 || ss.Spec.ServiceName != "org1-peer" {
		t.Errorf("name %s ns %s replicas %d service %s", ss.Name, ss.Namespace, *ss.Spec.Replicas, ss.Spec.ServiceName)
	}
	for k, v := range map[string]string{LabelManagedBy: "fabkind", LabelNetwork: "fabkind", LabelOrg: "org1", LabelComponent: "peer"} {
		if ss.Spec.Template.Labels[k] != v || ss.Spec.Selector.MatchLabels[k] != v {
			t.Errorf("label %s = %q, want %q on template and selector", k, ss.Spec.Template.Labels[k], v)
		}
	}
	if len(ss.Spec.VolumeClaimTemplates) != 1 || ss.Spec.VolumeClaimTemplates[0].Name != VolumeLedger {
		t.Fatalf("want one ledger claim template, got %v", ss.Spec.VolumeClaimTemplates)
	}
	if got := ss.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String(); got != "1Gi" {
		t.Errorf("ledger size %s", got)
	}
}

func TestPeerHasADinDSidecarOnlyThePodReaches(t *testing.T) {
	d, org1 := testDeployment(RuntimeDinD)
	spec := d.PeerStatefulSet(org1).Spec.Template.Spec
	if len(spec.InitContainers) != 1 || len(spec.Containers) != 1 {
		t.Fatalf("init %d containers %d, want the dind sidecar and the peer", len(spec.InitContainers), len(spec.Containers))
	}
	dind, peer := spec.InitContainers[0], spec.Containers[0]
	if dind.Name != "dind" || dind.Image != "fabkind.local/dind:20.10-abc" {
		t.Errorf("sidecar %s image %s", dind.Name, dind.Image)
	}
	if dind.RestartPolicy == nil || *dind.RestartPolicy != corev1.ContainerRestartPolicyAlways {
		t.Error("the sidecar must be a native sidecar (restartPolicy Always) so it runs beside the peer")
	}
	if dind.SecurityContext == nil || dind.SecurityContext.Privileged == nil || !*dind.SecurityContext.Privileged {
		t.Error("dockerd needs a privileged container")
	}
	if peer.SecurityContext == nil || peer.SecurityContext.Privileged != nil || *peer.SecurityContext.AllowPrivilegeEscalation {
		t.Error("the peer itself must not be privileged")
	}
	if dind.StartupProbe == nil || !strings.Contains(strings.Join(dind.StartupProbe.Exec.Command, " "), "/var/run/dind/ready") {
		t.Error("the peer must start only once the daemon answers (startup probe on the ready marker)")
	}
	if len(dind.Ports) != 0 {
		t.Errorf("the daemon must expose no port, got %v", dind.Ports)
	}
	if envOf(dind)["DIND_SOCKET"] != DinDSocket {
		t.Errorf("DIND_SOCKET = %s", envOf(dind)["DIND_SOCKET"])
	}
	vols := volumesOf(spec)
	for _, name := range []string{VolumeDinDSock, VolumeDockerLib} {
		if vols[name].EmptyDir == nil {
			t.Errorf("volume %s must be an emptyDir (dies with the pod), got %+v", name, vols[name].VolumeSource)
		}
	}
	dm, pm := mountsOf(dind), mountsOf(peer)
	if dm[VolumeDockerLib].MountPath != "/var/lib/docker" || dm[VolumeDinDSock].MountPath != "/var/run/dind" {
		t.Errorf("dind mounts %v", dm)
	}
	if pm[VolumeDinDSock].MountPath != "/var/run/dind" {
		t.Errorf("the peer must share the socket folder, got %v", pm[VolumeDinDSock])
	}
	if _, ok := pm[VolumeDockerLib]; ok {
		t.Error("the peer has no business with the daemon's data")
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			t.Errorf("dind mode must mount nothing from the node, got hostPath %s", v.HostPath.Path)
		}
	}
}

func TestPeerEnvironment(t *testing.T) {
	d, org1 := testDeployment(RuntimeDinD)
	peer := d.PeerStatefulSet(org1).Spec.Template.Spec.Containers[0]
	env := envOf(peer)
	want := map[string]string{
		"CORE_VM_ENDPOINT":                      "unix:///var/run/dind/docker.sock",
		"CORE_VM_DOCKER_HOSTCONFIG_NETWORKMODE": "host",
		"CORE_PEER_CHAINCODEADDRESS":            "localhost:7052",
		"CORE_PEER_CHAINCODELISTENADDRESS":      "0.0.0.0:7052",
		"CORE_PEER_NETWORKID":                   "fabkind-x1y2z3",
		"CORE_PEER_LOCALMSPID":                  "Org1MSP",
		"CORE_PEER_ID":                          "$(POD_NAME)",
		"CORE_PEER_ADDRESS":                     "$(POD_NAME).org1-peer.fabkind.svc.cluster.local:7051",
		"CORE_PEER_GOSSIP_EXTERNALENDPOINT":     "$(POD_NAME).org1-peer.fabkind.svc.cluster.local:7051",
		"CORE_PEER_GOSSIP_BOOTSTRAP":            "org1-peer-0.org1-peer.fabkind.svc.cluster.local:7051",
		"CORE_PEER_TLS_ENABLED":                 "true",
		"CORE_PEER_TLS_CERT_FILE":               "/var/hyperledger/identities/$(POD_NAME)/tls/server.crt",
		"CORE_PEER_MSPCONFIGPATH":               "/var/hyperledger/identities/$(POD_NAME)/msp",
		"CORE_PEER_FILESYSTEMPATH":              "/var/hyperledger/production",
		"CORE_CHAINCODE_BUILDER":                "hyperledger/fabric-ccenv:2.5",
		"CORE_CHAINCODE_GOLANG_RUNTIME":         "hyperledger/fabric-baseos:2.5",
		"CORE_CHAINCODE_PULL":                   "false",
		"CORE_OPERATIONS_LISTENADDRESS":         "0.0.0.0:9443",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	// $(POD_NAME) is only expanded when POD_NAME is defined before its users.
	if peer.Env[0].Name != FieldPodName || peer.Env[0].ValueFrom.FieldRef.FieldPath != "metadata.name" {
		t.Errorf("first env var must be POD_NAME from metadata.name, got %+v", peer.Env[0])
	}
	if peer.ReadinessProbe.HTTPGet.Path != "/healthz" || peer.ReadinessProbe.HTTPGet.Port.IntValue() != PortOperations {
		t.Errorf("readiness probe %+v", peer.ReadinessProbe.HTTPGet)
	}
	if m := mountsOf(peer); m[VolumeLedger].MountPath != LedgerDir || !m[VolumeIDs].ReadOnly {
		t.Errorf("peer mounts %v", m)
	}
}

func TestPeerIdentitiesComeFromASecretPerPod(t *testing.T) {
	d, org1 := testDeployment(RuntimeDinD)
	spec := d.PeerStatefulSet(org1).Spec.Template.Spec
	sec := volumesOf(spec)[VolumeIDs].Secret
	if sec == nil || sec.SecretName != "org1-identities" {
		t.Fatalf("identities volume %+v", volumesOf(spec)[VolumeIDs])
	}
	if *sec.DefaultMode != 0o400 {
		t.Errorf("private keys must be readable by their owner only, mode %o", *sec.DefaultMode)
	}
	paths := map[string]string{}
	for _, it := range sec.Items {
		paths[it.Path] = it.Key
	}
	for _, pod := range []string{"org1-peer-0", "org1-peer-1"} {
		for path, key := range map[string]string{
			pod + "/msp/keystore/key.pem": pod + ".key.pem", pod + "/msp/signcerts/cert.pem": pod + ".cert.pem",
			pod + "/tls/server.key": pod + ".tls.key", pod + "/msp/config.yaml": "msp-config.yaml", pod + "/tls/ca.crt": "tlsca.pem",
		} {
			if paths[path] != key {
				t.Errorf("%s comes from key %q, want %q", path, paths[path], key)
			}
		}
	}
}

func TestHostDockerPeerUsesTheNodeSocket(t *testing.T) {
	d, org1 := testDeployment(RuntimeHostDocker)
	spec := d.PeerStatefulSet(org1).Spec.Template.Spec
	if len(spec.InitContainers) != 0 {
		t.Error("hostdocker mode has no DinD sidecar")
	}
	v := volumesOf(spec)[VolumeDinDSock]
	if v.HostPath == nil || v.HostPath.Path != "/var/run/docker.sock" {
		t.Fatalf("socket volume %+v, want the node's docker socket", v.VolumeSource)
	}
	peer := spec.Containers[0]
	if env := envOf(peer); env["CORE_PEER_CHAINCODEADDRESS"] != "$(POD_IP):7052" || env["CORE_VM_ENDPOINT"] != "unix:///var/run/dind/docker.sock" {
		t.Errorf("chaincode address %s endpoint %s", env["CORE_PEER_CHAINCODEADDRESS"], env["CORE_VM_ENDPOINT"])
	}
	if mountsOf(peer)[VolumeDinDSock].MountPath != DinDSocket {
		t.Error("the node's socket is mounted where the peer's endpoint points")
	}
}

func TestHeadlessService(t *testing.T) {
	d, org1 := testDeployment(RuntimeDinD)
	svc := d.HeadlessService(org1, "peer", corev1.ServicePort{Name: "grpc", Port: PortPeer})
	if svc.Name != "org1-peer" || svc.Spec.ClusterIP != corev1.ClusterIPNone || !svc.Spec.PublishNotReadyAddresses {
		t.Errorf("service %+v", svc.Spec)
	}
	if svc.Spec.Selector[LabelComponent] != "peer" || svc.Spec.Selector[LabelOrg] != "org1" {
		t.Errorf("selector %v", svc.Spec.Selector)
	}
	n := d.Topology.Peers()[1]
	if n.Host() != "org1-peer-1.org1-peer.fabkind.svc.cluster.local" || n.Address() != n.Host()+":7051" {
		t.Errorf("host %s", n.Host())
	}
}

func TestDinDPullsChaincodeImagesFromTheNetworkRegistry(t *testing.T) {
	d, org1 := testDeployment(RuntimeDinD)
	d.Images[images.RoleCCEnv] = "fabkind.local/fabric-ccenv:2.5.0-abc"
	d.Images[images.RoleBaseOS] = "fabkind.local/fabric-baseos:2.5.0-def"
	d.ChaincodeImagesInRegistry = true
	dind := d.PeerStatefulSet(org1).Spec.Template.Spec.InitContainers[0]
	env := envOf(dind)
	want := "registry.fabkind.svc.cluster.local:5000/fabric-ccenv:2.5.0-abc=fabkind.local/fabric-ccenv:2.5.0-abc " +
		"registry.fabkind.svc.cluster.local:5000/fabric-baseos:2.5.0-def=fabkind.local/fabric-baseos:2.5.0-def"
	if env["DIND_PULL"] != want {
		t.Errorf("DIND_PULL = %q\nwant       %q", env["DIND_PULL"], want)
	}
	if env["DIND_EXTRA_ARGS"] != "--insecure-registry=registry.fabkind.svc.cluster.local:5000" {
		t.Errorf("DIND_EXTRA_ARGS = %q", env["DIND_EXTRA_ARGS"])
	}
	// The peer builds with exactly the names the sidecar tags.
	peer := envOf(d.PeerStatefulSet(org1).Spec.Template.Spec.Containers[0])
	if peer["CORE_CHAINCODE_BUILDER"] != "fabkind.local/fabric-ccenv:2.5.0-abc" {
		t.Errorf("builder %s", peer["CORE_CHAINCODE_BUILDER"])
	}

	d.ChaincodeImagesInRegistry = false // published images: pulled by their own names
	env = envOf(d.PeerStatefulSet(org1).Spec.Template.Spec.InitContainers[0])
	if !strings.HasPrefix(env["DIND_PULL"], "fabkind.local/fabric-ccenv:2.5.0-abc=fabkind.local/fabric-ccenv:2.5.0-abc") || env["DIND_EXTRA_ARGS"] != "" {
		t.Errorf("DIND_PULL %q extra %q", env["DIND_PULL"], env["DIND_EXTRA_ARGS"])
	}
}

func TestRegistryRef(t *testing.T) {
	top := DefaultTopology()
	for in, want := range map[string]string{
		"fabkind.local/fabric-ccenv:2.5.0-abc": "registry.fabkind.svc.cluster.local:5000/fabric-ccenv:2.5.0-abc",
		"hyperledger/fabric-ccenv:2.5":         "registry.fabkind.svc.cluster.local:5000/hyperledger/fabric-ccenv:2.5",
		"localhost:5001/x/y:1":                 "registry.fabkind.svc.cluster.local:5000/x/y:1",
	} {
		if got := top.RegistryRef(in); got != want {
			t.Errorf("RegistryRef(%s) = %s, want %s", in, got, want)
		}
	}
}
