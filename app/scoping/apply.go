package scoping

import (
	"context"
	"fmt"
	"slices"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Applied is what applying a run did to the case's people list.
type Applied struct {
	// Inserted persons came onto the list from the run.
	Inserted int64 `json:"inserted"`
	// Deleted persons had come from an earlier scope and were not yet
	// notified (no letter, no e-mail, no inquiry): the run replaces them.
	Deleted int64 `json:"deleted"`
	// Kept persons came from an earlier scope but had been notified or
	// linked to an inquiry: they stay, those the run still has marked as
	// its own, the others (KeptRemoved) as the earlier scope's.
	Kept        int64 `json:"kept"`
	KeptRemoved int64 `json:"kept_removed"`
	// AlreadyListed persons of the run were on the list already by other
	// means (an import, say: same e-mail or customer id) and stay as
	// they are.
	AlreadyListed int64 `json:"already_listed"`
	// WithoutContact persons have neither name nor e-mail: no letter can
	// reach them; they count in the assessment but are not listed.
	WithoutContact int64 `json:"without_contact"`
	// AssessmentVersion is the assessment the counts went into.
	AssessmentVersion int `json:"assessment_version"`
}

// Apply makes run runID the case's scope: the persons that came from the
// previous scope are replaced by the run's (those already notified stay),
// persons listed by other means are kept, and the assessment takes the
// run's counts (persons affected = confirmed, upper bound = possibly
// affected) and card brands, so that the obligations recompute; all in
// one transaction. windowVersion is the version of the windows the caller
// approves: it must be the run's, and still the case's current one.
// against is the applied run the caller's diff was shown against (0: none
// was applied): it must still be the applied one, so that the list is
// never replaced on a diff nobody saw. Only a done run can be applied,
// and not one that orders imported since its start would change.
func (s *Service) Apply(ctx context.Context, p *auth.Principal, runID int64, windowVersion int, against int64) (Applied, error) {
	r, err := s.GetRun(ctx, p, runID)
	if err != nil {
		return Applied{}, err
	}
	if err := requireDone(r); err != nil {
		return Applied{}, err
	}
	c, err := s.cases.GetWritable(ctx, p, r.CaseID)
	if err != nil {
		return Applied{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Applied{}, err
	}
	if windowVersion != r.WindowVersion {
		return Applied{}, apperr.Invalid("window_version", "validation.scoping.version_mismatch", r.WindowVersion)
	}
	var out Applied
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		cur, err := s.currentWindows(tx.DB.WithContext(ctx), c)
		if err != nil {
			return err
		}
		if cur.Version != r.WindowVersion {
			return apperr.Conflict("conflict.scoping.run_stale", r.WindowVersion, cur.Version)
		}
		applied, _, err := appliedRun(tx.DB.WithContext(ctx), c)
		if err != nil {
			return err
		}
		if applied.ID != against {
			return apperr.Conflict("conflict.scoping.applied_changed")
		}
		if err := ordersUnchangedSince(ctx, tx, c, r); err != nil {
			return err
		}
		// The facts are read under the lock the assessment's own saves
		// take, so a save made while the run was reviewed is kept.
		_, facts, err := s.assessment.CurrentInTx(ctx, tx, p, c)
		if err != nil {
			return err
		}
		if out, err = replacePeople(ctx, tx, c, r); err != nil {
			return err
		}
		v, _, err := s.assessment.SaveInTx(ctx, tx, p, c, scopedFacts(facts, r, s.windowItems(ctx, tx, r)),
			fmt.Sprintf("scope run %d (windows version %d)", r.ID, r.WindowVersion))
		if err != nil {
			return err
		}
		out.AssessmentVersion = v.Version
		now := tx.Now()
		r.AppliedAt, r.AppliedBy, r.AppliedResult = &now, &p.User.ID, &out
		if err := tx.DB.WithContext(ctx).Model(&r).Select("applied_at", "applied_by", "applied_result").Updates(&r).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "scoping.applied", "timeline.scoping.applied", r.ID, r.WindowVersion,
			r.PersonsConfirmed, r.PersonsUpperBound); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "scoping.applied", TargetType: "case",
			TargetID: fmt.Sprint(c.ID), Details: map[string]any{"run": r.ID, "window_version": r.WindowVersion, "inserted": out.Inserted,
				"deleted": out.Deleted, "kept": out.Kept, "assessment_version": out.AssessmentVersion}})
	})
	return out, err
}

// windowItems are the data items of the run's windows.
func (s *Service) windowItems(ctx context.Context, tx *store.Tx, r Run) []obligations.DataItem {
	var v WindowVersion
	if tx.DB.WithContext(ctx).Where("case_id = ? AND version = ?", r.CaseID, r.WindowVersion).Take(&v).Error != nil {
		return nil
	}
	var out []obligations.DataItem
	for _, w := range v.Windows {
		for _, it := range w.DataItems {
			if !slices.Contains(out, it) {
				out = append(out, it)
			}
		}
	}
	return out
}

// scopedFacts are f with the run's counts. The data items of the windows
// are added (an item someone entered is never taken away); the card
// brands become the known brands of the run's persons, the possibly
// affected included (a brand's report is owed on suspicion too), when it
// found any, and stay as they were when the orders named none.
func scopedFacts(f obligations.Facts, r Run, items []obligations.DataItem) obligations.Facts {
	confirmed, upper := r.PersonsConfirmed, r.PersonsUpperBound
	f.PersonsAffected, f.PersonsUpperBound = &confirmed, &upper
	for _, it := range items {
		if !f.Has(it) {
			f.DataItems = append(f.DataItems, it)
		}
	}
	var brands []obligations.CardBrand
	for _, b := range r.ByBrand {
		if cb := obligations.CardBrand(b.Brand); cb.Known() && b.Persons > 0 {
			brands = append(brands, cb)
		}
	}
	if len(brands) > 0 {
		slices.Sort(brands)
		f.CardBrands = brands
	}
	return f
}

// replacePeople puts the run's persons on the case's people list,
// set-based: a person is recognised across scopes by its key (the run's
// key table holds every key of every person, so a person listed under
// one key is found although its first key changed).
func replacePeople(ctx context.Context, tx *store.Tx, c cases.Case, r Run) (Applied, error) {
	var out Applied
	db := tx.DB.WithContext(ctx)
	del := db.Exec(`DELETE FROM people p WHERE p.case_id = ? AND p.organisation_id = ? AND p.scope_key IS NOT NULL
		AND p.notified_email_at IS NULL AND p.notified_letter_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.person_id = p.id)
		AND NOT EXISTS (SELECT 1 FROM inquiries i WHERE i.person_id = p.id)`, c.ID, c.OrganisationID)
	if del.Error != nil {
		return out, del.Error
	}
	out.Deleted = del.RowsAffected
	// The notified persons the run still has become its own; their
	// contact stays what they were notified at.
	kept := db.Exec(`UPDATE people p SET scope_run_id = ?, scope_key = sp.key, updated_at = ?,
			data_items = ARRAY(SELECT DISTINCT x FROM unnest(p.data_items || sp.data_items) AS x ORDER BY x)
		FROM scope_person_keys k JOIN scope_persons sp ON sp.run_id = k.run_id AND sp.person_no = k.person_no
		WHERE k.run_id = ? AND k.key_hash = hashtextextended(p.scope_key, 0) AND p.case_id = ? AND p.organisation_id = ? AND p.scope_key IS NOT NULL`,
		r.ID, tx.Now(), r.ID, c.ID, c.OrganisationID)
	if kept.Error != nil {
		return out, kept.Error
	}
	out.Kept = kept.RowsAffected
	if err := db.Raw(`SELECT count(*) FROM people WHERE case_id = ? AND organisation_id = ? AND scope_key IS NOT NULL
		AND scope_run_id IS DISTINCT FROM ?`, c.ID, c.OrganisationID, r.ID).Scan(&out.KeptRemoved).Error; err != nil {
		return out, err
	}
	if err := db.Raw(`SELECT count(*) FROM scope_persons WHERE run_id = ? AND name = '' AND email = ''`, r.ID).Scan(&out.WithoutContact).Error; err != nil {
		return out, err
	}
	// A person listed by other means with the same e-mail or customer id
	// is a unique conflict: it stays as it is.
	ins := db.Exec(`INSERT INTO people (organisation_id, case_id, customer_id, name, name_kana, postal_code, address, email, phone,
			data_items, card_brand, card_last4, scope_run_id, scope_key, created_at, updated_at)
		SELECT ?, ?, sp.customer_id, sp.name, sp.name_kana, sp.postal_code, sp.address, lower(sp.email), sp.phone,
			sp.data_items, sp.card_brand, sp.card_last4, sp.run_id, sp.key, ?, ?
		FROM scope_persons sp WHERE sp.run_id = ? AND (sp.name <> '' OR sp.email <> '')
			AND NOT EXISTS (SELECT 1 FROM people p WHERE p.case_id = ? AND p.scope_key = sp.key AND p.scope_run_id = sp.run_id)
		ORDER BY sp.person_no
		ON CONFLICT DO NOTHING`, c.OrganisationID, c.ID, tx.Now(), tx.Now(), r.ID, c.ID)
	if ins.Error != nil {
		return out, ins.Error
	}
	out.Inserted = ins.RowsAffected
	var listed int64
	if err := db.Raw(`SELECT count(DISTINCT scope_key) FROM people WHERE case_id = ? AND scope_run_id = ?`, c.ID, r.ID).Scan(&listed).Error; err != nil {
		return out, err
	}
	out.AlreadyListed = max(r.PersonsUpperBound-listed-out.WithoutContact, 0)
	return out, nil
}

// ordersUnchangedSince refuses run r when an order import of the case is
// still under way or finished after the run started: the run did not see
// all the orders there are now.
func ordersUnchangedSince(ctx context.Context, tx *store.Tx, c cases.Case, r Run) error {
	since := r.CreatedAt
	if r.StartedAt != nil {
		since = *r.StartedAt
	}
	var newer bool
	err := tx.DB.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM order_imports WHERE case_id = ? AND organisation_id = ?
		AND (status IN ('queued', 'running') OR finished_at > ?))`, c.ID, c.OrganisationID, since).Scan(&newer).Error
	if err != nil {
		return err
	}
	if newer {
		return apperr.Conflict("conflict.scoping.orders_changed")
	}
	return nil
}
