package people

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"
)

// commitChunk merges one chunk into the case's persons and advances the
// import's checkpoint in one pgx transaction: new persons go in with COPY,
// changed ones through a COPY-loaded temporary table and one UPDATE. The
// transaction is all or nothing, so a retried chunk starts from exactly the
// state it first saw: the merge is idempotent per chunk.
func (s *Service) commitChunk(ctx context.Context, imp *Import, ch *chunk) error {
	err := pgx.BeginFunc(ctx, s.st.Pool, func(tx pgx.Tx) error {
		// Two imports into one case would each miss the other's new
		// persons: one at a time per case.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('breachdesk.people.case.' || $1::bigint::text, 0))`, imp.CaseID); err != nil {
			return err
		}
		var done int64
		var status string
		if err := tx.QueryRow(ctx, `SELECT rows_done, status FROM imports WHERE id = $1 FOR UPDATE`, imp.ID).Scan(&done, &status); err != nil {
			return err
		}
		if done != imp.RowsDone || status != StatusRunning {
			return errCheckpoint
		}
		existing, err := loadMatching(ctx, tx, imp.CaseID, ch.valid)
		if err != nil {
			return err
		}
		m := newMerger(existing)
		for _, r := range ch.valid {
			m.add(r.line, r.rec)
		}
		if err := insertNew(ctx, tx, imp, m.added); err != nil {
			return err
		}
		if err := updateChanged(ctx, tx, imp, existing); err != nil {
			return err
		}
		errs := append(ch.errs, m.warnings...)
		errs = errs[:min(len(errs), max0(MaxErrors-len(imp.Errors)))]
		newErrs := jsonErrors(errs)
		_, err = tx.Exec(ctx, `UPDATE imports SET rows_done = rows_done + $2, rows_imported = rows_imported + $3,
			rows_merged = rows_merged + $4, rows_invalid = rows_invalid + $5, pans_masked = pans_masked + $6,
			errors = errors || $7::jsonb WHERE id = $1`,
			imp.ID, ch.rows, int64(len(ch.valid)), m.merged, ch.invalid, ch.masked, newErrs)
		if err == nil {
			imp.RowsDone += ch.rows
			imp.Errors = append(imp.Errors, errs...)
		}
		return err
	})
	return safeErr("import chunk", err)
}

func insertNew(ctx context.Context, tx pgx.Tx, imp *Import, ps []*person) error {
	if len(ps) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(ps))
	for _, p := range ps {
		v, err := p.values(imp.OrganisationID, imp.CaseID, imp.ID)
		if err != nil {
			return err
		}
		rows = append(rows, v[1:]) // the id comes from the sequence
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"people"}, personColumns[1:], pgx.CopyFromRows(rows))
	return err
}

func updateChanged(ctx context.Context, tx pgx.Tx, imp *Import, existing []*person) error {
	var rows [][]any
	for _, p := range existing {
		if !p.dirty {
			continue
		}
		v, err := p.values(imp.OrganisationID, imp.CaseID, imp.ID)
		if err != nil {
			return err
		}
		rows = append(rows, v)
	}
	if len(rows) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE people_merge (LIKE people INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"people_merge"}, personColumns, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	// import_id stays: it names the import that brought the person in.
	_, err := tx.Exec(ctx, `UPDATE people p SET customer_id = m.customer_id, name = m.name, name_kana = m.name_kana,
		postal_code = m.postal_code, address = m.address, email = m.email, phone = m.phone, language = m.language,
		residency = m.residency, data_items = m.data_items, card_brand = m.card_brand, card_last4 = m.card_last4,
		extra = m.extra, updated_at = now()
		FROM people_merge m WHERE p.id = m.id AND p.case_id = $1`, imp.CaseID)
	return err
}

// jsonErrors encodes row errors for the imports.errors column.
func jsonErrors(errs []RowError) string {
	if len(errs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(errs) // plain structs: cannot fail
	return string(b)
}
