package security

import "strconv"

// The register form offers bounded lists (the newest evidence items, the
// first members by name), and a save replaces an entry's owner and whole
// evidence set with what the form sends: a current link the lists leave
// out would be dropped by saving any other field. So each entry's form
// offers its own current owner and evidence as well.

// OwnerChoicesFor returns members with entry e's current owner added when
// the bounded list leaves it out (a disabled user, or one past the limit).
func OwnerChoicesFor(members []Member, e Entry) []Member {
	if e.OwnerID == nil {
		return members
	}
	for _, m := range members {
		if m.ID == *e.OwnerID {
			return members
		}
	}
	out := make([]Member, 0, len(members)+1)
	out = append(out, members...)
	name := e.OwnerName
	if name == "" {
		name = "#" + strconv.FormatInt(*e.OwnerID, 10)
	}
	return append(out, Member{ID: *e.OwnerID, Name: name})
}

// EvidenceChoicesFor returns items with entry e's current evidence added
// (after them, as older items come after newer ones) when the bounded
// list leaves it out.
func EvidenceChoicesFor(items []EvidenceRef, e Entry) []EvidenceRef {
	listed := make(map[int64]bool, len(items))
	for _, it := range items {
		listed[it.ID] = true
	}
	var missing []EvidenceRef
	for _, ev := range e.Evidence {
		if !listed[ev.ID] {
			missing = append(missing, ev)
		}
	}
	if len(missing) == 0 {
		return items
	}
	out := make([]EvidenceRef, 0, len(items)+len(missing))
	return append(append(out, items...), missing...)
}
