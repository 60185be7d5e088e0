package security

import (
	"fmt"
	"testing"
)

// A row's form offers the bounded lists plus the row's own owner and
// evidence, once each.
func TestChoicesIncludeTheEntrysOwnLinks(t *testing.T) {
	t.Parallel()
	members := []Member{{ID: 1, Name: "Aiko"}, {ID: 2, Name: "Ben"}}
	items := []EvidenceRef{{ID: 30, Filename: "c"}, {ID: 20, Filename: "b"}}
	id := func(n int64) *int64 { return &n }
	tests := []struct {
		name                  string
		entry                 Entry
		wantOwners, wantItems string
	}{
		{"no links", Entry{}, "[1 2]", "[30 20]"},
		{"listed links", Entry{OwnerID: id(2), Evidence: []EvidenceRef{{ID: 20}}}, "[1 2]", "[30 20]"},
		{"links outside the lists", Entry{OwnerID: id(9), OwnerName: "Dora", Evidence: []EvidenceRef{{ID: 20}, {ID: 5}, {ID: 3}}}, "[1 2 9]", "[30 20 5 3]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var owners, evidence []int64
			for _, m := range OwnerChoicesFor(members, tt.entry) {
				owners = append(owners, m.ID)
			}
			for _, e := range EvidenceChoicesFor(items, tt.entry) {
				evidence = append(evidence, e.ID)
			}
			if fmt.Sprint(owners) != tt.wantOwners || fmt.Sprint(evidence) != tt.wantItems {
				t.Errorf("owners %v, evidence %v; want %s, %s", owners, evidence, tt.wantOwners, tt.wantItems)
			}
		})
	}
	if got := OwnerChoicesFor(members, Entry{OwnerID: id(9)}); got[len(got)-1].Name != "#9" {
		t.Errorf("an owner without a name is offered as %q", got[len(got)-1].Name)
	}
	if len(members) != 2 || len(items) != 2 {
		t.Error("the page's lists were changed in place")
	}
}
