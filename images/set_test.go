package images

import "testing"

func TestOfficialSet(t *testing.T) {
	s := OfficialSet("2.5.0", "1.5.15", "fabkind.local/dind:x")
	want := map[Role]string{
		RolePeer: "hyperledger/fabric-peer:2.5.0", RoleCCEnv: "hyperledger/fabric-ccenv:2.5",
		RoleBaseOS: "hyperledger/fabric-baseos:2.5", RoleCA: "hyperledger/fabric-ca:1.5.15", RoleDinD: "fabkind.local/dind:x",
	}
	for role, ref := range want {
		if s[role] != ref {
			t.Errorf("%s = %s, want %s", role, s[role], ref)
		}
	}
	for _, r := range Roles {
		if s[r] == "" {
			t.Errorf("role %s is not filled", r)
		}
	}
}

func TestLocalSetNeedsEveryRolePresent(t *testing.T) {
	p := &Plan{Items: []Item{
		{Recipe: Recipe{Name: "fabric-peer", Role: RolePeer}, Ref: "fabkind.local/fabric-peer:2.5.0-a", Status: Present},
		{Recipe: Recipe{Name: "debian-runtime"}, Ref: "x", Status: Missing},
	}}
	s, err := LocalSet(p)
	if err != nil || s[RolePeer] != "fabkind.local/fabric-peer:2.5.0-a" || len(s) != 1 {
		t.Errorf("set %v err %v", s, err)
	}
	p.Items[0].Status = Stale
	if _, err := LocalSet(p); err == nil {
		t.Error("a stale role image must be an error")
	}
}
