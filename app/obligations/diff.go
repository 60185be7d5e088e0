package obligations

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// ChangeKind classifies one Change.
type ChangeKind string

// The change kinds.
const (
	ChangeAdded          ChangeKind = "added"
	ChangeRemoved        ChangeKind = "removed"
	ChangeDue            ChangeKind = "due_changed"
	ChangeTarget         ChangeKind = "target_changed"
	ChangeWindow         ChangeKind = "window_changed"
	ChangeProvisional    ChangeKind = "provisional_changed"
	ChangeReviewAdded    ChangeKind = "review_added"
	ChangeReviewResolved ChangeKind = "review_resolved"
)

// Change is one difference between two results, with a sentence for the
// case timeline (e.g. "Final report to the PPC: due moved from 2026-12-30
// to 2027-01-29"), which names rules by their titles, not their keys.
type Change struct {
	Kind   ChangeKind `json:"kind"`
	RuleID string     `json:"rule_id,omitempty"`
	// Field is the review's facts field for review changes.
	Field string    `json:"field,omitempty"`
	Old   string    `json:"old,omitempty"`
	New   string    `json:"new,omitempty"`
	Text  i18n.Text `json:"text"`
}

// Diff lists what changed from old to new: obligations added or removed,
// moved dates, provisional status, and review points added or resolved.
// Volatile fields (computed_at, overdue) are ignored so that recomputing
// the same facts later gives no changes. The order is deterministic: by
// rule id, then review code and field.
func Diff(old, new Result) []Change {
	loc := new.AwareAt.Location()
	oldObs, newObs := byRule(old.Obligations), byRule(new.Obligations)
	ids := slices.Sorted(maps.Keys(oldObs))
	for id := range newObs {
		if _, ok := oldObs[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []Change
	for _, id := range ids {
		o, inOld := oldObs[id]
		n, inNew := newObs[id]
		switch {
		case !inOld:
			when, name := whenText(n, loc), Title(id)
			out = append(out, Change{Kind: ChangeAdded, RuleID: id, New: when.EN,
				Text: tx(fmt.Sprintf("%s: 追加（%s）", name.JA, when.JA),
					fmt.Sprintf("%s: added (%s)", name.EN, when.EN))})
		case !inNew:
			name := Title(id)
			out = append(out, Change{Kind: ChangeRemoved, RuleID: id,
				Text: tx(fmt.Sprintf("%s: 不要になりました", name.JA),
					fmt.Sprintf("%s: no longer required", name.EN))})
		default:
			out = append(out, obligationChanges(id, o, n, loc)...)
		}
	}
	return append(out, reviewChanges(old.NeedsReview, new.NeedsReview)...)
}

func byRule(obs []Obligation) map[string]Obligation {
	m := make(map[string]Obligation, len(obs))
	for _, o := range obs {
		m[o.RuleID] = o
	}
	return m
}

func obligationChanges(id string, o, n Obligation, loc *time.Location) []Change {
	var out []Change
	name := Title(id)
	dates := []struct {
		kind       ChangeKind
		ja, en     string
		oldT, newT *time.Time
	}{
		{ChangeWindow, "目安の開始", "window start", o.WindowStart, n.WindowStart},
		{ChangeDue, "期限", "due", o.DueAt, n.DueAt},
		{ChangeTarget, "目標", "target", o.TargetAt, n.TargetAt},
	}
	for _, d := range dates {
		if sameTime(d.oldT, d.newT) {
			continue
		}
		ov, nv := fmtTime(d.oldT, loc), fmtTime(d.newT, loc)
		out = append(out, Change{Kind: d.kind, RuleID: id, Old: ov.EN, New: nv.EN,
			Text: tx(fmt.Sprintf("%s: %sが %s から %s に変わりました", name.JA, d.ja, ov.JA, nv.JA),
				fmt.Sprintf("%s: %s moved from %s to %s", name.EN, d.en, ov.EN, nv.EN))})
	}
	if o.Provisional != n.Provisional {
		t := tx(name.JA+": 事実が確定し、暫定ではなくなりました", name.EN+": no longer provisional (facts confirmed)")
		if n.Provisional {
			t = tx(name.JA+": 未確定の事実に基づく暫定になりました", name.EN+": now provisional (rests on unknown facts)")
		}
		out = append(out, Change{Kind: ChangeProvisional, RuleID: id, Old: fmt.Sprint(o.Provisional), New: fmt.Sprint(n.Provisional), Text: t})
	}
	return out
}

func reviewChanges(old, new []NeedsReview) []Change {
	key := func(r NeedsReview) [2]string { return [2]string{r.Code, r.Field} }
	oldSet, newSet := map[[2]string]NeedsReview{}, map[[2]string]NeedsReview{}
	for _, r := range old {
		oldSet[key(r)] = r
	}
	for _, r := range new {
		newSet[key(r)] = r
	}
	var out []Change
	for k, r := range newSet {
		if _, ok := oldSet[k]; !ok {
			out = append(out, Change{Kind: ChangeReviewAdded, Field: r.Field, New: r.Code,
				Text: tx("要確認: "+r.Message.JA, "Needs review: "+r.Message.EN)})
		}
	}
	for k, r := range oldSet {
		if _, ok := newSet[k]; !ok {
			out = append(out, Change{Kind: ChangeReviewResolved, Field: r.Field, Old: r.Code,
				Text: tx("確認済み: "+r.Message.JA, "Review resolved: "+r.Message.EN)})
		}
	}
	slices.SortFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Old+a.New, b.Old+b.New), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// fmtTime shows an end-of-day deadline as a date, anything else with the
// time and offset, in loc.
func fmtTime(t *time.Time, loc *time.Location) i18n.Text {
	if t == nil {
		return tx("なし", "none")
	}
	lt := t.In(loc)
	if lt.Hour() == 23 && lt.Minute() == 59 && lt.Second() == 59 {
		s := lt.Format(time.DateOnly)
		return tx(s, s)
	}
	s := lt.Format("2006-01-02 15:04 -07:00")
	return tx(s, s)
}

// whenText describes an obligation's main date for "added" changes.
func whenText(o Obligation, loc *time.Location) i18n.Text {
	switch {
	case o.DueAt != nil:
		t := fmtTime(o.DueAt, loc)
		return tx("期限 "+t.JA, "due "+t.EN)
	case o.TargetAt != nil:
		t := fmtTime(o.TargetAt, loc)
		return tx("目標 "+t.JA, "target "+t.EN)
	}
	return tx("期限なし", "no date")
}
