package people

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// loadState is what one run of the job learns about the case while it
// loads chunks.
type loadState struct {
	// exact is set once a chunk met persons already in the case: the
	// following chunks look them up first instead of trying the fast path.
	exact bool
}

// commitChunk merges one chunk into the case's persons and advances the
// import's checkpoint in one pgx transaction: new persons go in with COPY,
// changed ones through a COPY-loaded temporary table and one UPDATE. The
// transaction is all or nothing, so a retried chunk starts from exactly the
// state it first saw: the merge is idempotent per chunk.
func (s *Service) commitChunk(ctx context.Context, imp *Import, ch *chunk, st *loadState) error {
	err := pgx.BeginFunc(ctx, s.st.Pool, func(tx pgx.Tx) error {
		// Two imports into one case would each miss the other's new
		// persons: one at a time per case. JIT compiling the chunk's few
		// statements costs more than it saves (it kicked in on the merge
		// lookup and took a quarter of a second).
		if _, err := tx.Exec(ctx, `SELECT set_config('jit', 'off', true), pg_advisory_xact_lock(hashtextextended('breachdesk.people.case.' || $1::bigint::text, 0))`, imp.CaseID); err != nil {
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
		m, err := s.mergeChunk(ctx, tx, imp, ch, st)
		if err != nil {
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

// mergeChunk writes the chunk's persons. Looking up, for every row, the
// persons of the case it may merge into costs two index probes per row,
// about as much as the COPY itself, and almost always finds nothing (a
// first import, or later chunks of one). So the chunk is first merged on
// its own and COPYed under a savepoint: when no row had an e-mail address
// or customer id dropped (those are the only keys the unique indexes would
// not see) and the COPY meets no unique violation, no row matched anyone
// in the case, and the result is exactly what the lookup would have given.
// Otherwise the savepoint is rolled back and the chunk takes the exact
// path: lock the matching persons, merge into them, insert the rest.
func (s *Service) mergeChunk(ctx context.Context, tx pgx.Tx, imp *Import, ch *chunk, st *loadState) (*merger, error) {
	now := s.now()
	if !st.exact {
		m := newMerger(nil)
		for _, r := range ch.valid {
			m.add(r.line, r.rec)
		}
		if len(m.warnings) == 0 {
			err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error { return copyNew(ctx, sp, imp, m.added, now) })
			if !isUniqueViolation(err) {
				return m, err
			}
		}
		st.exact = true
	}
	existing, err := loadMatching(ctx, tx, imp.CaseID, ch.valid)
	if err != nil {
		return nil, err
	}
	m := newMerger(existing)
	for _, r := range ch.valid {
		m.add(r.line, r.rec)
	}
	if err := copyNew(ctx, tx, imp, m.added, now); err != nil {
		return nil, err
	}
	return m, updateChanged(ctx, tx, imp, existing, now)
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}

func updateChanged(ctx context.Context, tx pgx.Tx, imp *Import, existing []*person, now time.Time) error {
	var rows [][]any
	for _, p := range existing {
		if !p.dirty {
			continue
		}
		v := make([]any, len(personColumns))
		p.values(v, imp.OrganisationID, imp.CaseID, imp.ID)
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
		extra = m.extra, search_text = m.search_text, search_kana = m.search_kana, search_phone = m.search_phone, updated_at = $2
		FROM people_merge m WHERE p.id = m.id AND p.case_id = $1`, imp.CaseID, now)
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
