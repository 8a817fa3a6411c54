package images

import "fmt"

// Set maps every role of a Fabric network on kind to an image reference.
type Set map[Role]string

// LocalSet is the offline set: the images this factory built, by the
// current inputs of the catalog.
func LocalSet(p *Plan) (Set, error) {
	s := Set{}
	for _, it := range p.Items {
		if it.Recipe.Role == "" {
			continue
		}
		if it.Status != Present {
			return nil, fmt.Errorf("image %s (%s) is %s; run `fabkind images build`", it.Recipe.Name, it.Recipe.Role, it.Status)
		}
		s[it.Recipe.Role] = it.Ref
	}
	return s, nil
}

// OfficialSet names the published images of a Fabric release, pulled by the
// cluster. The DinD role keeps fabkind's own image: the sidecar relies on
// its entrypoint (unix socket only, preloading, readiness marker).
func OfficialSet(fabricVersion, caVersion, dind string) Set {
	twoDigit := fabricVersion
	if i := indexNth(fabricVersion, '.', 2); i > 0 {
		twoDigit = fabricVersion[:i]
	}
	return Set{
		RoleNode:     "kindest/node:v1.37.0",
		RolePeer:     "hyperledger/fabric-peer:" + fabricVersion,
		RoleOrderer:  "hyperledger/fabric-orderer:" + fabricVersion,
		RoleCA:       "hyperledger/fabric-ca:" + caVersion,
		RoleTools:    "hyperledger/fabric-tools:" + fabricVersion,
		RoleCCEnv:    "hyperledger/fabric-ccenv:" + twoDigit,
		RoleBaseOS:   "hyperledger/fabric-baseos:" + twoDigit,
		RoleDinD:     dind,
		RoleRegistry: "registry:3",
	}
}

func indexNth(s string, c byte, n int) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n--
			if n == 0 {
				return i
			}
		}
	}
	return -1
}
