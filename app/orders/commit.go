package orders

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/breachdesk/breachdesk/app/people"
)

// stageColumns are the columns of an order the job writes, in the order
// of the staging table.
var stageColumns = []string{"organisation_id", "case_id", "import_id", "line", "order_no", "ordered_at", "payment_method", "card_payment",
	"card_brand", "card_last4", "customer_id", "email", "name", "name_kana", "postal_code", "address", "phone", "email_key", "name_address_key"}

const createStage = `CREATE TEMP TABLE order_stage (organisation_id bigint, case_id bigint, import_id bigint, line bigint, order_no text,
	ordered_at timestamptz, payment_method text, card_payment boolean, card_brand text, card_last4 text, customer_id text,
	email text, name text, name_kana text, postal_code text, address text, phone text, email_key text, name_address_key text) ON COMMIT DROP`

// upsertOrders writes the staged orders. An order number the case has
// already is overwritten with the merged values (see mergeExisting);
// created_at stays.
const upsertOrders = `INSERT INTO orders (organisation_id, case_id, import_id, line, order_no, ordered_at, payment_method, card_payment,
	card_brand, card_last4, customer_id, email, name, name_kana, postal_code, address, phone, email_key, name_address_key, created_at, updated_at)
	SELECT organisation_id, case_id, import_id, line, order_no, ordered_at, payment_method, card_payment, card_brand, card_last4, customer_id,
	email, name, name_kana, postal_code, address, phone, email_key, name_address_key, $1, $1 FROM order_stage
	ON CONFLICT (case_id, order_no) DO UPDATE SET import_id = EXCLUDED.import_id, line = EXCLUDED.line, ordered_at = EXCLUDED.ordered_at,
	payment_method = EXCLUDED.payment_method, card_payment = EXCLUDED.card_payment, card_brand = EXCLUDED.card_brand,
	card_last4 = EXCLUDED.card_last4, customer_id = EXCLUDED.customer_id, email = EXCLUDED.email, name = EXCLUDED.name,
	name_kana = EXCLUDED.name_kana, postal_code = EXCLUDED.postal_code, address = EXCLUDED.address, phone = EXCLUDED.phone,
	email_key = EXCLUDED.email_key, name_address_key = EXCLUDED.name_address_key, updated_at = EXCLUDED.updated_at`

// commitChunk writes one chunk's orders and advances the import's
// checkpoint in one pgx transaction (COPY into a staging table, one
// upsert). The transaction is all or nothing, so a retried chunk starts
// from exactly the state it first saw.
func (s *Service) commitChunk(ctx context.Context, imp *Import, cols *columns, ch *chunk) error {
	err := pgx.BeginFunc(ctx, s.st.Pool, func(tx pgx.Tx) error {
		// Imports into one case one at a time: the merge reads the orders
		// it then writes. From the sixth run of a prepared statement on,
		// PostgreSQL may use a generic plan, made without knowing that
		// the array holds 20,000 numbers: it joined them by scanning the
		// array once per order of the import (minutes per chunk past
		// 100,000 orders). Plans made for each chunk's values avoid that.
		if _, err := tx.Exec(ctx, `SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
			pg_advisory_xact_lock(hashtextextended('breachdesk.orders.case.' || $1::bigint::text, 0))`, imp.CaseID); err != nil {
			return err
		}
		var done int64
		var status string
		if err := tx.QueryRow(ctx, `SELECT rows_done, status FROM order_imports WHERE id = $1 FOR UPDATE`, imp.ID).Scan(&done, &status); err != nil {
			return err
		}
		if done != imp.RowsDone || status != StatusRunning {
			return errCheckpoint
		}
		if err := mergeExisting(ctx, tx, imp, ch.orders); err != nil {
			return err
		}
		if err := writeOrders(ctx, tx, imp, cols, ch.orders, s.now()); err != nil {
			return err
		}
		errs := ch.errs[:min(len(ch.errs), max0(MaxErrors-len(imp.Errors)))]
		_, err := tx.Exec(ctx, `UPDATE order_imports SET rows_done = rows_done + $2, orders_imported = orders_imported + $3,
			rows_invalid = rows_invalid + $4, pans_masked = pans_masked + $5, errors = errors || $6::jsonb WHERE id = $1`,
			imp.ID, ch.rows, int64(len(ch.orders)), ch.invalid, ch.masked, jsonErrors(errs))
		if err == nil {
			imp.RowsDone += ch.rows
			imp.Errors = append(imp.Errors, errs...)
		}
		return err
	})
	return people.SafeErr("import chunk", err)
}

// mergeExisting decides what becomes of orders the case already has. One
// written earlier by this same import (a separate run of its rows, or the
// chunk before a resume) keeps its values and first line, and the new rows
// fill only its empty fields; one from an earlier import is replaced: the
// newer export wins, the whole order at once, so that no order mixes two
// exports' values.
func mergeExisting(ctx context.Context, tx pgx.Tx, imp *Import, orders []*Order) error {
	if len(orders) == 0 {
		return nil
	}
	byNo := make(map[string]*Order, len(orders))
	nos := make([]string, len(orders))
	for i, o := range orders {
		byNo[o.OrderNo], nos[i] = o, o.OrderNo
	}
	// The plan must be made for this array (see plan_cache_mode in
	// commitChunk).
	rows, err := tx.Query(ctx, `SELECT o.order_no, o.line, o.ordered_at, o.payment_method, o.card_brand, o.card_last4, o.customer_id,
		o.email, o.name, o.name_kana, o.postal_code, o.address, o.phone
		FROM unnest($2::text[]) AS n(order_no) JOIN orders o ON o.case_id = $1 AND o.order_no = n.order_no
		WHERE o.import_id = $3 FOR UPDATE OF o`, imp.CaseID, nos, imp.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e Order
		if err := rows.Scan(&e.OrderNo, &e.Line, &e.OrderedAt, &e.PaymentMethod, &e.CardBrand, &e.CardLast4, &e.CustomerID,
			&e.Email, &e.Name, &e.NameKana, &e.PostalCode, &e.Address, &e.Phone); err != nil {
			return err
		}
		o := byNo[e.OrderNo]
		fill(&e, o)
		*o = e
	}
	return rows.Err()
}

// writeOrders COPYs the orders into the staging table and upserts them.
// Every field passed the card-number guard in parse; the COPY does not go
// through GORM's store guard, so each text of the row passes it once more
// here, the derived matching keys included (a key drops white space, which
// can close up digits the guard did not read as one number).
func writeOrders(ctx context.Context, tx pgx.Tx, imp *Import, cols *columns, orders []*Order, now time.Time) error {
	if len(orders) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, createStage); err != nil {
		return err
	}
	src := make([][]any, len(orders))
	for i, o := range orders {
		o.CardPayment = cols.cardPayment(o)
		o.withKeys()
		src[i] = []any{imp.OrganisationID, imp.CaseID, imp.ID, o.Line, o.OrderNo, o.OrderedAt, o.PaymentMethod, o.CardPayment,
			o.CardBrand, o.CardLast4, o.CustomerID, o.Email, o.Name, o.NameKana, o.PostalCode, o.Address, o.Phone, o.EmailKey, o.NameAddressKey}
		guardRow(src[i])
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"order_stage"}, stageColumns, pgx.CopyFromRows(src)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, upsertOrders, now)
	return err
}

// guardRow masks every text of one COPY row in place.
func guardRow(row []any) {
	for i, v := range row {
		if s, ok := v.(string); ok {
			row[i], _ = people.MaskCell(s)
		}
	}
}
