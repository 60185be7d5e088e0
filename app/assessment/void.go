package assessment

import (
	"context"

	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/store"
)

// CaseVoided cancels the scheduled reminders of every obligation of a
// case voided in tx (cases.Service.Void): a case opened in error has no
// deadlines to remind anyone of. The obligations themselves stay as they
// were, readable with the case.
func (d *Deadlines) CaseVoided(ctx context.Context, tx *store.Tx, c cases.Case) error {
	var ids []int64
	if err := tx.DB.WithContext(ctx).Raw(`SELECT DISTINCT r.obligation_id FROM reminders r JOIN obligations o ON o.id = r.obligation_id
		WHERE o.case_id = ? AND o.organisation_id = ? AND r.state = 'scheduled' ORDER BY r.obligation_id`, c.ID, c.OrganisationID).Scan(&ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if err := d.cancelReminders(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}
