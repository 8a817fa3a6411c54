package images

import "fmt"

// Pinned versions of every source the factory builds from. To add a Fabric
// version, see docs/images.md.
const (
	KubernetesVersion = "v1.37.2"
	kubeStaging       = "v0.37.2"
	EtcdVersion       = "v3.7.0"  // kubeadm 1.37 asks for etcd:3.7.0-0
	CoreDNSVersion    = "v1.14.6" // kubeadm 1.37 asks for coredns:v1.14.6
	PauseVersion      = "3.10.2"  // kubeadm 1.37 asks for pause:3.10.2; kind's containerd config for pause:3.10
	FabricVersion     = "2.5.0"
	FabricCAVersion   = "1.5.15"
	GoToolchain       = "1.26.8" // ccenv's Go (chaincode builds)
	DebianSuite       = "bookworm"
)

var (
	kindModule       = Module{"sigs.k8s.io/kind", "v0.33.0"}
	kubernetesModule = Module{"k8s.io/kubernetes", KubernetesVersion}
	etcdModule       = Module{"go.etcd.io/etcd/server/v3", EtcdVersion}
	corednsModule    = Module{"github.com/coredns/coredns", CoreDNSVersion}
	containerdModule = Module{"github.com/containerd/containerd/v2", "v2.4.2"}
	runcModule       = Module{"github.com/opencontainers/runc", "v1.5.3"}
	crictlModule     = Module{"sigs.k8s.io/cri-tools", "v1.37.0"}
	cniModule        = Module{"github.com/containernetworking/plugins", "v1.10.0"}
	flannelModule    = Module{"github.com/flannel-io/flannel", "v0.27.4"} // v0.28.x needs a tencentcloud SDK version the proxy does not serve
	localPathModule  = Module{"github.com/rancher/local-path-provisioner", "v0.0.30"}
	registryModule   = Module{"github.com/distribution/distribution/v3", "v3.1.2"}
	fabricModule     = Module{"github.com/hyperledger/fabric", "v1.4.0-rc1.0.20230401164317-bd8e24856939"} // main at FABRIC_VER 2.5.0
	fabricCAModule   = Module{"github.com/hyperledger/fabric-ca", "v" + FabricCAVersion}
	toolchainModule  = Module{"golang.org/toolchain", "v0.0.1-go" + GoToolchain + ".linux-amd64"}
)

// Names kind's node images use for the cluster add-ons fabkind ships
// (the manifests in images/files/kind refer to them).
const (
	flannelImage   = Registry + "/flannel:" + "v0.27.4"
	localPathImage = Registry + "/local-path-provisioner:" + "v0.0.30"
)

func kubeLDFlags() []string {
	var out []string
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		out = append(out,
			"-X "+pkg+".gitVersion="+KubernetesVersion,
			"-X "+pkg+".gitMajor=1",
			"-X "+pkg+".gitMinor=37",
			"-X "+pkg+".gitTreeState=clean",
			"-X "+pkg+".buildDate=1970-01-01T00:00:00Z",
		)
	}
	return out
}

func fabricLDFlags() []string {
	const m = "github.com/hyperledger/fabric/common/metadata"
	return []string{
		"-X " + m + ".Version=" + FabricVersion,
		"-X " + m + ".CommitSHA=bd8e248",
		"-X " + m + ".BaseDockerLabel=org.hyperledger.fabric",
		"-X " + m + ".DockerNamespace=hyperledger",
	}
}

// GoBuilds is every program the factory compiles, grouped by source module.
var GoBuilds = []GoBuild{
	{Name: "kubernetes", Module: kubernetesModule, StagingVersion: kubeStaging, LDFlags: kubeLDFlags(),
		Packages: []string{"./cmd/kubeadm", "./cmd/kubelet", "./cmd/kubectl", "./cmd/kube-apiserver",
			"./cmd/kube-controller-manager", "./cmd/kube-scheduler", "./cmd/kube-proxy"}},
	{Name: "etcd", Module: etcdModule, Wrapper: etcdMain,
		LDFlags: []string{"-X go.etcd.io/etcd/api/v3/version.GitSHA=" + EtcdVersion}},
	{Name: "coredns", Module: corednsModule, Packages: []string{"."},
		LDFlags: []string{"-X github.com/coredns/coredns/coremain.GitCommit=" + CoreDNSVersion}},
	{Name: "pause", Module: kubernetesModule, CSource: "build/pause/linux/pause.c",
		CFlags: []string{"-Os", "-Wall", "-Werror", "-static", "-DVERSION=v" + PauseVersion}},
	{Name: "containerd", Module: containerdModule, Tags: []string{"no_btrfs", "no_devmapper", "no_zfs"},
		Packages: []string{"./cmd/containerd", "./cmd/ctr", "./cmd/containerd-shim-runc-v2"},
		LDFlags:  []string{"-X github.com/containerd/containerd/v2/version.Version=" + containerdModule.Version}},
	{Name: "runc", Module: runcModule, Packages: []string{"."}, CGO: true, Tags: []string{"seccomp"},
		LDFlags: []string{"-X main.version=" + runcModule.Version[1:]}},
	{Name: "crictl", Module: crictlModule, Packages: []string{"./cmd/crictl"},
		LDFlags: []string{"-X sigs.k8s.io/cri-tools/pkg/version.Version=" + crictlModule.Version}},
	{Name: "cni-plugins", Module: cniModule, Packages: []string{"./plugins/main/bridge", "./plugins/main/loopback",
		"./plugins/main/ptp", "./plugins/ipam/host-local", "./plugins/meta/portmap"}},
	{Name: "flannel", Module: flannelModule, Packages: []string{"."}, CGO: true, // the udp backend is cgo
		LDFlags: []string{"-X github.com/flannel-io/flannel/pkg/version.Version=" + flannelModule.Version}},
	{Name: "local-path-provisioner", Module: localPathModule, Packages: []string{"."}},
	{Name: "registry", Module: registryModule, Packages: []string{"./cmd/registry"},
		LDFlags: []string{"-X github.com/distribution/distribution/v3/version.version=" + registryModule.Version}},
	{Name: "fabric", Module: fabricModule, LDFlags: fabricLDFlags(),
		Packages: []string{"./cmd/peer", "./cmd/orderer", "./cmd/configtxgen", "./cmd/configtxlator",
			"./cmd/osnadmin", "./cmd/cryptogen", "./cmd/discover", "./cmd/ledgerutil"}},
	{Name: "fabric-ca", Module: fabricCAModule, CGO: true, // sqlite
		Packages: []string{"./cmd/fabric-ca-server", "./cmd/fabric-ca-client"},
		LDFlags:  []string{"-X github.com/hyperledger/fabric-ca/lib/metadata.Version=" + FabricCAVersion}},
}

// etcdMain is the whole etcd program: etcd's server module has relative
// replaces, so it is imported from a generated module instead of built in place.
const etcdMain = `package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
`

var (
	nodePackages = []string{"systemd", "conntrack", "iptables", "nftables", "iproute2", "ethtool",
		"util-linux", "mount", "kmod", "libseccomp2", "pigz", "e2fsprogs", "bash", "ca-certificates",
		"curl", "jq", "procps"}
	runtimePackages = []string{"ca-certificates", "tzdata", "iptables", "nftables", "conntrack",
		"iproute2", "procps"}
	dindPackages  = []string{"docker.io", "iptables", "ca-certificates", "procps", "pigz", "xz-utils"}
	ccenvPackages = []string{"gcc", "libc6-dev", "binutils", "git", "ca-certificates", "tzdata"}
	binPath       = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	fabricCfg     = "/etc/hyperledger/fabric"
	chaincodeUser = []string{
		"groupadd --gid 500 chaincode",
		"useradd --uid 500 --gid 500 --create-home --home-dir /home/chaincode --shell /bin/sh chaincode",
	}
)

func rootfs(name, doc string, packages []string) Recipe {
	return Recipe{Name: name, Version: DebianSuite, Doc: doc,
		Rootfs: &Rootfs{Suite: DebianSuite, Variant: "minbase", Packages: packages}}
}

// kubeComponent is a control-plane image kubeadm runs as a static pod or add-on.
func kubeComponent(program, from string, importAs ...string) Recipe {
	return Recipe{Name: program, Version: KubernetesVersion, Doc: "kind node component: " + program,
		From: from, Env: binPath, ImportAs: importAs,
		Copy: []Copy{{Go: "kubernetes", Programs: []string{program}, Dest: "/usr/local/bin/"}}}
}

func moduleFile(m Module, path, dest string) Copy {
	mm := m
	return Copy{Module: &mm, Path: path, Dest: dest}
}

// Catalog is the declarative list of every image the factory builds, in
// dependency order: bases first, then components, then what the rig runs.
var Catalog = []Recipe{
	rootfs("debian-node", "Debian base of the kind node: the packages of kind's base image", nodePackages),
	rootfs("debian-runtime", "Debian base of Fabric, registry and add-on images", runtimePackages),
	rootfs("debian-dind", "Debian base with Debian's docker.io engine", dindPackages),
	rootfs("debian-ccenv", "Debian base with gcc and the static C library for chaincode builds", ccenvPackages),

	kubeComponent("kube-apiserver", "scratch", "registry.k8s.io/kube-apiserver:"+KubernetesVersion),
	kubeComponent("kube-controller-manager", "scratch", "registry.k8s.io/kube-controller-manager:"+KubernetesVersion),
	kubeComponent("kube-scheduler", "scratch", "registry.k8s.io/kube-scheduler:"+KubernetesVersion),
	kubeComponent("kube-proxy", "debian-runtime", "registry.k8s.io/kube-proxy:"+KubernetesVersion),
	{Name: "etcd", Version: EtcdVersion, Doc: "kind node component: etcd", From: "scratch", Env: binPath,
		ImportAs: []string{"registry.k8s.io/etcd:" + EtcdVersion[1:] + "-0"},
		Copy:     []Copy{{Go: "etcd", Dest: "/usr/local/bin/"}}},
	{Name: "coredns", Version: CoreDNSVersion, Doc: "kind node component: cluster DNS", From: "scratch",
		ImportAs: []string{"registry.k8s.io/coredns/coredns:" + CoreDNSVersion}, Expose: []string{"53", "53/udp"},
		Copy: []Copy{{Go: "coredns", Dest: "/coredns"}}, Entrypoint: []string{"/coredns"}},
	{Name: "pause", Version: PauseVersion, Doc: "kind node component: pod sandbox", From: "scratch",
		ImportAs: []string{"registry.k8s.io/pause:" + PauseVersion, "registry.k8s.io/pause:3.10"},
		Copy:     []Copy{{Go: "pause", Dest: "/pause"}}, Entrypoint: []string{"/pause"}},
	{Name: "flannel", Version: flannelModule.Version, Doc: "kind node add-on: pod network (flanneld + fabkind's CNI config writer)",
		From: "debian-runtime", Env: binPath, ImportAs: []string{flannelImage},
		Copy: []Copy{{Go: "flannel", Dest: "/opt/bin/flanneld"},
			{File: "flannel/fabkind-flannel", Dest: "/opt/bin/fabkind-flannel", Mode: 0o755}},
		Entrypoint: []string{"/opt/bin/fabkind-flannel"}},
	{Name: "local-path-provisioner", Version: localPathModule.Version, Doc: "kind node add-on: dynamic PersistentVolumes",
		From: "debian-runtime", Env: binPath, ImportAs: []string{localPathImage},
		Copy:       []Copy{{Go: "local-path-provisioner", Dest: "/usr/local/bin/"}},
		Entrypoint: []string{"local-path-provisioner"}},

	{Name: "kind-node", Role: RoleNode, Version: KubernetesVersion,
		Doc:  "kind node image (kind " + kindModule.Version + ", Kubernetes " + KubernetesVersion + ") with flannel and local-path storage",
		From: "debian-node",
		Copy: []Copy{
			moduleFile(kindModule, "images/base/files/etc/", "/etc/"),
			moduleFile(kindModule, "images/base/files/kind/", "/kind/"),
			moduleFile(kindModule, "images/base/files/usr/local/bin/", "/usr/local/bin/"),
			{Go: "containerd", Dest: "/usr/local/bin/"},
			{Go: "runc", Dest: "/usr/local/sbin/"},
			{Go: "crictl", Dest: "/usr/local/bin/"},
			{Go: "cni-plugins", Dest: "/opt/cni/bin/"},
			{Go: "kubernetes", Programs: []string{"kubelet", "kubeadm", "kubectl"}, Dest: "/usr/bin/"},
			{Content: KubernetesVersion, Dest: "/kind/version"},
			{File: "kind/default-cni.yaml", Dest: "/kind/manifests/default-cni.yaml"},
			{File: "kind/default-storage.yaml", Dest: "/kind/manifests/default-storage.yaml"},
		},
		Run: []string{
			"chmod 0755 /kind /kind/bin /kind/bin/* /usr/local/bin/*",
			"rm -f /etc/systemd/system/containerd-fuse-overlayfs.service",
			// the same systemd trimming kind's base image does
			"find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete",
			"rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* " +
				"/lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* " +
				"/lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*",
			"echo ReadKMsg=no >> /etc/systemd/journald.conf",
			"ln -sf /usr/lib/systemd/systemd /sbin/init",
			"systemctl enable kubelet.service containerd.service undo-mount-hacks.service",
			"systemctl mask systemd-binfmt.service",
			"mkdir -p /etc/kubernetes/manifests",
			`ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json`,
			// Pods whose oom_score_adj would be negative cannot start on hosts
			// that deny the node CAP_SYS_RESOURCE; clamping is harmless elsewhere.
			"sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' /etc/containerd/config.toml",
			"grep -q 'restrict_oom_score_adj = true' /etc/containerd/config.toml",
			"containerd --version && runc --version && kubelet --version",
		},
		Env:        []string{"container=docker"},
		StopSignal: "SIGRTMIN+3",
		Entrypoint: []string{"/usr/local/bin/entrypoint", "/sbin/init"},
		Node: &Node{KubernetesVersion: KubernetesVersion, Components: []string{
			"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy",
			"etcd", "coredns", "pause", "flannel", "local-path-provisioner"}},
	},

	{Name: "fabric-peer", Role: RolePeer, Version: FabricVersion, Doc: "Fabric peer",
		From: "debian-runtime", Env: append([]string{"FABRIC_CFG_PATH=" + fabricCfg, "FABRIC_VER=" + FabricVersion}, binPath...),
		Copy: []Copy{{Go: "fabric", Programs: []string{"peer"}, Dest: "/usr/local/bin/"},
			moduleFile(fabricModule, "sampleconfig/core.yaml", fabricCfg+"/core.yaml"),
			moduleFile(fabricModule, "sampleconfig/msp/", fabricCfg+"/msp/")},
		Run:     []string{"echo 'hosts: files dns' > /etc/nsswitch.conf"},
		Volumes: []string{"/var/hyperledger"}, Expose: []string{"7051"}, Cmd: []string{"peer", "node", "start"}},
	{Name: "fabric-orderer", Role: RoleOrderer, Version: FabricVersion, Doc: "Fabric orderer",
		From: "debian-runtime", Env: append([]string{"FABRIC_CFG_PATH=" + fabricCfg, "FABRIC_VER=" + FabricVersion}, binPath...),
		Copy: []Copy{{Go: "fabric", Programs: []string{"orderer"}, Dest: "/usr/local/bin/"},
			moduleFile(fabricModule, "sampleconfig/orderer.yaml", fabricCfg+"/orderer.yaml"),
			moduleFile(fabricModule, "sampleconfig/configtx.yaml", fabricCfg+"/configtx.yaml"),
			moduleFile(fabricModule, "sampleconfig/msp/", fabricCfg+"/msp/")},
		Run:     []string{"echo 'hosts: files dns' > /etc/nsswitch.conf"},
		Volumes: []string{"/var/hyperledger"}, Expose: []string{"7050"}, Cmd: []string{"orderer"}},
	{Name: "fabric-ca", Role: RoleCA, Version: FabricCAVersion, Doc: "Fabric CA server and client",
		From: "debian-runtime", Env: append([]string{"FABRIC_CA_HOME=/etc/hyperledger/fabric-ca-server"}, binPath...),
		Copy:   []Copy{{Go: "fabric-ca", Dest: "/usr/local/bin/"}},
		Expose: []string{"7054"}, Cmd: []string{"fabric-ca-server", "start"}},
	{Name: "fabric-tools", Role: RoleTools, Version: FabricVersion, Doc: "Fabric CLIs: peer, osnadmin, configtxgen, configtxlator, cryptogen, discover, ledgerutil, fabric-ca-client",
		From: "debian-runtime", Env: append([]string{"FABRIC_CFG_PATH=" + fabricCfg}, binPath...),
		Copy: []Copy{{Go: "fabric", Dest: "/usr/local/bin/"},
			{Go: "fabric-ca", Programs: []string{"fabric-ca-client"}, Dest: "/usr/local/bin/"},
			moduleFile(fabricModule, "sampleconfig/", fabricCfg+"/")},
		Cmd: []string{"/bin/bash"}},
	{Name: "fabric-ccenv", Role: RoleCCEnv, Version: FabricVersion, Doc: "Fabric Go chaincode builder (Go " + GoToolchain + ", gcc, static libc)",
		From: "debian-ccenv",
		Env: []string{"PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false"},
		Copy: []Copy{{Module: &toolchainModule, Dest: "/usr/local/go/", Executable: []string{"bin/*", "pkg/tool/*/*"}}},
		Run: append(append([]string{"go version"}, chaincodeUser...),
			"mkdir -p /chaincode/input /chaincode/output && chown -R chaincode:chaincode /chaincode"),
		User: "chaincode"},
	{Name: "fabric-baseos", Role: RoleBaseOS, Version: FabricVersion, Doc: "Fabric chaincode runtime base",
		From: "debian-runtime", Run: chaincodeUser, User: "chaincode"},
	{Name: "dind", Role: RoleDinD, Version: "20.10", Doc: "Docker-in-Docker peer sidecar (Debian's docker.io)",
		From: "debian-dind", Env: binPath,
		Copy:       []Copy{{File: "dind/dind-entrypoint", Dest: "/usr/local/bin/dind-entrypoint", Mode: 0o755}},
		Run:        []string{"dockerd --version"},
		Volumes:    []string{"/var/lib/docker"},
		Entrypoint: []string{"/usr/local/bin/dind-entrypoint"}},
	{Name: "registry", Role: RoleRegistry, Version: registryModule.Version, Doc: "container registry (distribution v3)",
		From: "debian-runtime", Env: binPath,
		Copy: []Copy{{Go: "registry", Dest: "/usr/local/bin/"},
			{File: "registry/config.yml", Dest: "/etc/distribution/config.yml"}},
		Volumes: []string{"/var/lib/registry"}, Expose: []string{"5000"},
		Entrypoint: []string{"registry"}, Cmd: []string{"serve", "/etc/distribution/config.yml"}},
}

// Find returns the recipe with the given name.
func Find(name string) (Recipe, error) {
	for _, r := range Catalog {
		if r.Name == name {
			return r, nil
		}
	}
	return Recipe{}, fmt.Errorf("no image named %q in the catalog (see `fabkind images list`)", name)
}

// FindGoBuild returns the Go build with the given name.
func FindGoBuild(name string) (GoBuild, error) {
	for _, g := range GoBuilds {
		if g.Name == name {
			return g, nil
		}
	}
	return GoBuild{}, fmt.Errorf("no Go build named %q", name)
}
