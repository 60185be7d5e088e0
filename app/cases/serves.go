package cases

import (
	"context"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/store"
)

// Serves maps the playbook tasks that carry out an obligation to the
// obligations engine's rule: an id, or a prefix ending in "." for a family
// of rules (the card brands' reports), of which the earliest deadline
// counts. The same task key means the same work in every playbook. Such a
// task is due when the obligation is (its deadline, else its target),
// whatever the playbook's own offset says, so the task list never asks
// for a report after the law does.
var Serves = map[string]string{
	"contact_acquirer":    "jp.card.acquirer",
	"police_consultation": "jp.police.consultation",
	"ppc_preliminary":     "jp.appi.ppc.preliminary",
	"ppc_final":           "jp.appi.ppc.final",
	"card_brand_reports":  "card.",
	"notify_persons":      "jp.appi.individual_notice",
}

// FollowDeadlines gives the open tasks of case caseID that serve an
// obligation the deadline of that obligation, in tx, the transaction that
// recomputed the obligations: deadlines holds each applicable rule's
// deadline (or target). A task whose due date someone set by hand, or
// whose obligation has no date, keeps its own.
func FollowDeadlines(ctx context.Context, tx *store.Tx, caseID int64, deadlines map[string]time.Time) error {
	var tasks []Task
	if err := tx.DB.WithContext(ctx).Where("case_id = ? AND status IN ('todo', 'doing') AND NOT due_set_by_hand", caseID).Find(&tasks).Error; err != nil {
		return err
	}
	for _, t := range tasks {
		due, ok := servedDeadline(Serves[t.Key], deadlines)
		if !ok || t.DueAt != nil && t.DueAt.Equal(due) {
			continue
		}
		if err := tx.DB.WithContext(ctx).Model(&Task{}).Where("id = ?", t.ID).Update("due_at", due.UTC()).Error; err != nil {
			return err
		}
	}
	return nil
}

// servedDeadline is the earliest deadline of the rules rule names (an id,
// or a prefix ending in ".").
func servedDeadline(rule string, deadlines map[string]time.Time) (time.Time, bool) {
	var best time.Time
	found := false
	if rule == "" {
		return best, false
	}
	for id, at := range deadlines {
		match := id == rule || strings.HasSuffix(rule, ".") && strings.HasPrefix(id, rule)
		if match && (!found || at.Before(best)) {
			best, found = at, true
		}
	}
	return best, found
}
