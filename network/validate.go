package network

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var (
	dnsLabel    = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	mspID       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)
	channelName = regexp.MustCompile(`^[a-z][a-z0-9.-]*$`)
	semver      = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
)

// FieldError is one problem with a topology: the field's path, what is
// wrong, and how to fix it.
type FieldError struct {
	Field, Problem, Fix string
}

func (e FieldError) Error() string {
	return fmt.Sprintf("%s: %s; %s", e.Field, e.Problem, e.Fix)
}

// Validate returns every problem of the topology at once, each naming the
// field and the fix. It is called before anything is created.
func (t *Topology) Validate() error {
	var errs []error
	bad := func(field, problem, fix string, args ...any) {
		errs = append(errs, FieldError{field, fmt.Sprintf(problem, args...), fix})
	}
	if t.APIVersion != APIVersion {
		bad("apiVersion", "is %q", "set it to "+APIVersion, t.APIVersion)
	}
	if t.Kind != Kind {
		bad("kind", "is %q", "set it to "+Kind, t.Kind)
	}
	if !dnsLabel.MatchString(t.Name) || len(t.Name) > 40 {
		bad("name", "%q is not a DNS label of at most 40 characters", "use lower-case letters, digits and '-', starting with a letter (e.g. fabkind)", t.Name)
	}
	if !semver.MatchString(t.Fabric.Version) {
		bad("fabric.version", "%q is not a version", "write it as MAJOR.MINOR.PATCH, e.g. 2.5.0", t.Fabric.Version)
	} else if !strings.HasPrefix(t.Fabric.Version, "2.") && !strings.HasPrefix(t.Fabric.Version, "3.") {
		bad("fabric.version", "%s is not supported", "use Fabric 2.x or 3.x (channels are made through the orderers' channel participation API)", t.Fabric.Version)
	}
	if !semver.MatchString(t.Fabric.CAVersion) {
		bad("fabric.caVersion", "%q is not a version", "write it as MAJOR.MINOR.PATCH, e.g. 1.5.15", t.Fabric.CAVersion)
	}
	switch t.Images {
	case ImagesOfficial, ImagesLocal:
	default:
		bad("images", "%q is not an image set", `use "official" (published images) or "local" (built by fabkind images build)`, t.Images)
	}
	switch t.ChaincodeRuntime {
	case RuntimeDinD, RuntimeHostDocker:
	default:
		bad("chaincodeRuntime", "%q is not a runtime", `use "dind" (a Docker daemon per peer pod) or "hostdocker" (the node's Docker socket, legacy)`, t.ChaincodeRuntime)
	}
	t.validateCluster(bad)
	t.validateOrgs(bad)
	t.validateChannels(bad)
	return errors.Join(errs...)
}

func (t *Topology) validateCluster(bad func(field, problem, fix string, args ...any)) {
	c := t.Cluster
	switch {
	case c.Kind != nil && c.Existing != nil:
		bad("cluster", "names both kind and existing", "keep one: kind (fabkind creates the cluster) or existing (a kubeconfig context)")
	case c.Kind != nil:
		if c.Kind.Workers < 0 || c.Kind.Workers > 8 {
			bad("cluster.kind.workers", "is %d", "use 0 to 8 worker nodes", c.Kind.Workers)
		}
	case c.Existing != nil:
		if c.Existing.Context == "" {
			bad("cluster.existing.context", "is empty", "name the kubeconfig context of the cluster to deploy onto (kubectl config get-contexts)")
		}
		if t.ChaincodeRuntime == RuntimeHostDocker {
			bad("chaincodeRuntime", "hostdocker needs a Docker socket on every node", "use dind on an existing cluster")
		}
	}
}

func (t *Topology) validateOrgs(bad func(field, problem, fix string, args ...any)) {
	if len(t.Organizations) == 0 {
		bad("organizations", "is empty", "list at least one orderer organization and one peer organization")
		return
	}
	names, msps := map[string]bool{}, map[string]bool{}
	orderers, peers := 0, 0
	for i, o := range t.Organizations {
		f := fmt.Sprintf("organizations[%d]", i)
		if !dnsLabel.MatchString(o.Name) || len(o.Name) > 20 {
			bad(f+".name", "%q is not a DNS label of at most 20 characters", "use lower-case letters, digits and '-', e.g. org1", o.Name)
		} else if names[o.Name] {
			bad(f+".name", "%q is used twice", "give every organization its own name", o.Name)
		}
		names[o.Name] = true
		if !mspID.MatchString(o.MSPID) {
			bad(f+".mspID", "%q is not an MSP ID", "use letters, digits, '.' and '-', e.g. Org1MSP", o.MSPID)
		} else if msps[o.MSPID] {
			bad(f+".mspID", "%q is used twice", "give every organization its own MSP ID", o.MSPID)
		}
		msps[o.MSPID] = true
		switch {
		case o.Peers < 0 || o.Orderers < 0:
			bad(f, "has a negative peer or orderer count", "use 0 or more")
		case o.Peers > 0 && o.Orderers > 0:
			bad(f, "runs both peers and orderers", "split it into a peer organization and an orderer organization")
		case o.Peers == 0 && o.Orderers == 0:
			bad(f, "runs neither peers nor orderers", "set peers (a peer organization) or orderers (an orderer organization)")
		case o.Peers > 4:
			bad(f+".peers", "is %d", "use 1 to 4 peers per organization", o.Peers)
		case o.Orderers > 7:
			bad(f+".orderers", "is %d", "use at most 7 orderers per organization", o.Orderers)
		}
		orderers += o.Orderers
		peers += o.Peers
	}
	if orderers == 0 {
		bad("organizations", "run no orderer", "add an orderer organization, e.g. {name: orderer, orderers: 3}")
	} else if orderers == 2 {
		bad("organizations", "run 2 Raft orderers, which tolerate no failure", "use 1 orderer, or 3 or more")
	}
	if peers == 0 {
		bad("organizations", "run no peer", "add a peer organization, e.g. {name: org1, peers: 1}")
	}
}

func (t *Topology) validateChannels(bad func(field, problem, fix string, args ...any)) {
	if len(t.Channels) == 0 {
		bad("channels", "is empty", "list at least one channel, e.g. {name: mychannel}")
	}
	seen := map[string]bool{}
	for i, c := range t.Channels {
		f := fmt.Sprintf("channels[%d]", i)
		if !channelName.MatchString(c.Name) || len(c.Name) > 249 {
			bad(f+".name", "%q is not a channel name", "use lower-case letters, digits, '.' and '-', starting with a letter", c.Name)
		} else if seen[c.Name] {
			bad(f+".name", "%q is used twice", "give every channel its own name", c.Name)
		}
		seen[c.Name] = true
		if len(c.Organizations) == 0 {
			bad(f+".organizations", "is empty", "list the peer organizations that join it")
		}
		members := map[string]bool{}
		for j, name := range c.Organizations {
			o, ok := t.Org(name)
			switch {
			case !ok:
				bad(fmt.Sprintf("%s.organizations[%d]", f, j), "%q is not an organization of this topology", "use a name from organizations", name)
			case o.IsOrderer():
				bad(fmt.Sprintf("%s.organizations[%d]", f, j), "%q is an orderer organization", "list peer organizations only; every orderer organization orders every channel", name)
			case members[name]:
				bad(fmt.Sprintf("%s.organizations[%d]", f, j), "%q is listed twice", "list each organization once", name)
			}
			members[name] = true
		}
	}
}
