package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go/common"

	"github.com/fabkind/fabkind/fabclient"
	"github.com/fabkind/fabkind/network"
	"github.com/fabkind/fabkind/participation"
)

// GenesisConfigMap keeps a channel's genesis block, made once: orderers and
// peers must all start the channel from the very same block.
func GenesisConfigMap(channel string) string { return "channel-" + channel + "-genesis" }

func (n *Network) orderers(ctx context.Context) error {
	d := n.deployment
	return n.rollOut(ctx, n.Topology.OrdererOrgs(), "orderer", d.OrdererStatefulSet,
		corev1.ServicePort{Name: "grpc", Port: network.PortOrderer},
		corev1.ServicePort{Name: "admin", Port: network.PortOrdererAdmin},
		corev1.ServicePort{Name: "operations", Port: network.PortOperations})
}

func (n *Network) peers(ctx context.Context) error {
	d := n.deployment
	return n.rollOut(ctx, n.Topology.PeerOrgs(), "peer", d.PeerStatefulSet,
		corev1.ServicePort{Name: "grpc", Port: network.PortPeer},
		corev1.ServicePort{Name: "operations", Port: network.PortOperations})
}

// rollOut applies each organization's headless Service, StatefulSet and
// per-node NodePort Services for one role, then waits for every StatefulSet.
func (n *Network) rollOut(ctx context.Context, orgs []network.Organization, role string,
	statefulSet func(network.Organization) *appsv1.StatefulSet, ports ...corev1.ServicePort) error {
	for _, o := range orgs {
		if err := Apply(ctx, n.Cluster.Client, n.deployment.HeadlessService(o, role, ports...), statefulSet(o)); err != nil {
			return err
		}
		if err := n.exposeNodes(ctx, o); err != nil {
			return err
		}
	}
	for _, o := range orgs {
		if err := n.Cluster.WaitForStatefulSet(ctx, n.ns(), network.StatefulSetName(o, role)); err != nil {
			return err
		}
	}
	return nil
}

// genesis returns a channel's genesis block, made and kept on first use.
func (n *Network) genesis(ctx context.Context, ch network.Channel) ([]byte, error) {
	cms := n.Cluster.Client.CoreV1().ConfigMaps(n.ns())
	cm, err := cms.Get(ctx, GenesisConfigMap(ch.Name), metav1.GetOptions{})
	if err == nil {
		return cm.BinaryData["genesis.block"], nil
	}
	if !apierrors.IsNotFound(err) {
		return nil, err
	}
	in := network.ChannelInputs{CACerts: map[string][]byte{}, OrdererTLSCerts: map[string][]byte{}}
	for name, m := range n.material {
		in.CACerts[name] = m.CACert
		for _, nd := range m.Nodes {
			in.OrdererTLSCerts[nd.Name] = nd.TLS.Cert
		}
	}
	block, err := n.Topology.GenesisBlock(ch, in)
	if err != nil {
		return nil, err
	}
	err = Apply(ctx, n.Cluster.Client, &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: GenesisConfigMap(ch.Name), Namespace: n.ns(), Labels: map[string]string{network.LabelManagedBy: network.ManagedBy}},
		BinaryData: map[string][]byte{"genesis.block": block},
	})
	return block, err
}

// ordererAdmin reaches one orderer's channel participation API through a
// port-forward, as its organization's admin.
func (n *Network) ordererAdmin(ctx context.Context, nd network.Node) (*participation.Client, func(), error) {
	fwd, err := n.Cluster.PortForwardPod(ctx, n.ns(), nd.Pod(), network.PortOrdererAdmin)
	if err != nil {
		return nil, nil, err
	}
	m := n.material[nd.Org.Name]
	c, err := participation.New(fmt.Sprintf("https://localhost:%d", fwd.LocalPort), m.CACert, m.Admin.TLS.Cert, m.Admin.TLS.Key)
	if err != nil {
		fwd.Close()
		return nil, nil, err
	}
	return c, fwd.Close, nil
}

// channels creates every channel: its genesis block goes to every orderer
// through the channel participation API, then the orderers must report it
// active.
func (n *Network) channels(ctx context.Context) error {
	for _, ch := range n.Topology.Channels {
		block, err := n.genesis(ctx, ch)
		if err != nil {
			return err
		}
		for _, nd := range n.Topology.Orderers() {
			c, closeFwd, err := n.ordererAdmin(ctx, nd)
			if err != nil {
				return err
			}
			_, err = c.Join(ctx, block)
			if errors.Is(err, participation.ErrAlreadyJoined) {
				err = nil
			}
			if err == nil {
				err = waitFor(ctx, 2*time.Minute, func(ctx context.Context) (bool, error) {
					info, ok, err := c.Channel(ctx, ch.Name)
					return ok && info.Status == "active", err
				})
			}
			closeFwd()
			if err != nil {
				return fmt.Errorf("orderer %s, channel %s: %w", nd.Pod(), ch.Name, err)
			}
		}
	}
	return nil
}

// peerClient reaches one peer through a port-forward, as its org's admin.
func (n *Network) peerClient(ctx context.Context, nd network.Node) (*fabclient.Peer, func(), error) {
	fwd, err := n.Cluster.PortForwardPod(ctx, n.ns(), nd.Pod(), network.PortPeer)
	if err != nil {
		return nil, nil, err
	}
	m := n.material[nd.Org.Name]
	conn, err := fabclient.Dial(fmt.Sprintf("127.0.0.1:%d", fwd.LocalPort), m.CACert, "localhost")
	if err != nil {
		fwd.Close()
		return nil, nil, err
	}
	signer, err := fabclient.NewSigner(m.MSPID, m.Admin.Sign.Cert, m.Admin.Sign.Key)
	if err != nil {
		conn.Close()
		fwd.Close()
		return nil, nil, err
	}
	return &fabclient.Peer{Conn: conn, Signer: signer}, func() { conn.Close(); fwd.Close() }, nil
}

func (n *Network) channelPeers(ch network.Channel) []network.Node {
	var out []network.Node
	for _, nd := range n.Topology.Peers() {
		for _, member := range ch.Organizations {
			if nd.Org.Name == member {
				out = append(out, nd)
			}
		}
	}
	return out
}

// join makes every peer of a channel's organizations join it.
func (n *Network) join(ctx context.Context) error {
	for _, ch := range n.Topology.Channels {
		block, err := n.genesis(ctx, ch)
		if err != nil {
			return err
		}
		for _, nd := range n.channelPeers(ch) {
			p, done, err := n.peerClient(ctx, nd)
			if err != nil {
				return err
			}
			err = func() error {
				defer done()
				joined, err := p.Channels(ctx)
				if err != nil {
					return err
				}
				for _, c := range joined {
					if c == ch.Name {
						return nil
					}
				}
				return p.JoinChannel(ctx, block)
			}()
			if err != nil {
				return fmt.Errorf("peer %s, channel %s: %w", nd.Pod(), ch.Name, err)
			}
		}
	}
	return nil
}

// anchorPeers makes each organization's first peer its anchor peer on
// every channel, with a configuration update its admin signs.
func (n *Network) anchorPeers(ctx context.Context) error {
	for _, ch := range n.Topology.Channels {
		for _, orgName := range ch.Organizations {
			o, _ := n.Topology.Org(orgName)
			var first network.Node
			for _, nd := range n.channelPeers(ch) {
				if nd.Org.Name == o.Name {
					first = nd
					break
				}
			}
			p, done, err := n.peerClient(ctx, first)
			if err != nil {
				return err
			}
			cfg, err := p.ChannelConfig(ctx, ch.Name)
			if err != nil {
				done()
				return err
			}
			env, err := fabclient.AnchorPeersUpdate(cfg, ch.Name, o.MSPID,
				[]configtx.Address{{Host: first.Host(), Port: network.PortPeer}}, p.Signer)
			done()
			if errors.Is(err, fabclient.ErrNoChange) {
				continue
			}
			if err != nil {
				return err
			}
			if err := n.broadcast(ctx, env); err != nil {
				return fmt.Errorf("anchor peers of %s on %s: %w", o.Name, ch.Name, err)
			}
		}
	}
	return nil
}

func (n *Network) broadcast(ctx context.Context, env *cb.Envelope) error {
	nd := n.Topology.Orderers()[0]
	fwd, err := n.Cluster.PortForwardPod(ctx, n.ns(), nd.Pod(), network.PortOrderer)
	if err != nil {
		return err
	}
	defer fwd.Close()
	conn, err := fabclient.Dial(fmt.Sprintf("127.0.0.1:%d", fwd.LocalPort), n.material[nd.Org.Name].CACert, "localhost")
	if err != nil {
		return err
	}
	defer conn.Close()
	return fabclient.Broadcast(ctx, conn, env)
}

// waitFor polls cond until it holds or the timeout passes. It is for the
// few Fabric states that have no watch (an orderer's channel status, a
// peer's ledger height).
func waitFor(ctx context.Context, timeout time.Duration, cond func(context.Context) (bool, error)) error {
	var lastErr error
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		ok, err := cond(ctx)
		lastErr = err
		return ok, nil
	})
	if err != nil && lastErr != nil {
		return fmt.Errorf("%w (last error: %v)", err, lastErr)
	}
	return err
}

// heights waits until, on every channel, all its peers report the height
// the orderers report: every block reached every peer.
func (n *Network) heights(ctx context.Context) error {
	for _, ch := range n.Topology.Channels {
		err := waitFor(ctx, 2*time.Minute, func(ctx context.Context) (bool, error) {
			want, err := n.ordererHeight(ctx, ch.Name)
			if err != nil {
				return false, err
			}
			for _, nd := range n.channelPeers(ch) {
				h, err := n.peerHeight(ctx, nd, ch.Name)
				if err != nil || h != want {
					return false, err
				}
			}
			fmt.Fprintf(n.Out, "   channel %s: height %d on %d orderers and %d peers\n", ch.Name, want, len(n.Topology.Orderers()), len(n.channelPeers(ch)))
			return true, nil
		})
		if err != nil {
			return fmt.Errorf("channel %s: %w", ch.Name, err)
		}
	}
	return nil
}

// ordererHeight is the channel's height, the same on every orderer.
func (n *Network) ordererHeight(ctx context.Context, channel string) (uint64, error) {
	var height uint64
	for i, nd := range n.Topology.Orderers() {
		c, done, err := n.ordererAdmin(ctx, nd)
		if err != nil {
			return 0, err
		}
		info, ok, err := c.Channel(ctx, channel)
		done()
		if err != nil || !ok {
			return 0, fmt.Errorf("orderer %s has no channel %s: %v", nd.Pod(), channel, err)
		}
		if i > 0 && info.Height != height {
			return 0, fmt.Errorf("orderers disagree on the height of %s (%d, %d)", channel, height, info.Height)
		}
		height = info.Height
	}
	return height, nil
}

func (n *Network) peerHeight(ctx context.Context, nd network.Node, channel string) (uint64, error) {
	p, done, err := n.peerClient(ctx, nd)
	if err != nil {
		return 0, err
	}
	defer done()
	info, err := p.ChainInfo(ctx, channel)
	if err != nil {
		return 0, err
	}
	return info.Height, nil
}

// exposeNodes gives each of an organization's nodes its NodePort Service.
func (n *Network) exposeNodes(ctx context.Context, o network.Organization) error {
	for _, nd := range n.nodesOf(o) {
		if err := Apply(ctx, n.Cluster.Client, n.deployment.ExposeService(nd)); err != nil {
			return err
		}
	}
	return nil
}
