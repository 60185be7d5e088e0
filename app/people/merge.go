package people

import (
	"context"
	"encoding/json"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"
)

// person is one person of the case while a chunk is merged: loaded from
// the database (id set) or new in this chunk.
type person struct {
	id    int64
	rec   record
	dirty bool
}

// merger folds a chunk's rows into persons. Identity is the e-mail address
// (lower-cased), else the customer id. A later row fills the empty fields
// of the person it matches and adds its data items; a field that already
// has a value keeps it. A row's e-mail or customer id that cannot be kept
// (it belongs to someone else, or the person has another one) is reported
// as a warning on its line, never dropped in silence.
type merger struct {
	byEmail, byCID map[string]*person
	added          []*person
	merged         int64
	warnings       []RowError
}

func newMerger(existing []*person) *merger {
	m := &merger{byEmail: map[string]*person{}, byCID: map[string]*person{}}
	for _, p := range existing {
		m.index(p)
	}
	return m
}

func (m *merger) index(p *person) {
	if p.rec.Email != "" {
		m.byEmail[p.rec.Email] = p
	}
	if p.rec.CustomerID != "" {
		m.byCID[p.rec.CustomerID] = p
	}
}

func (m *merger) add(line int64, r record) {
	var t *person
	if r.Email != "" {
		t = m.byEmail[r.Email]
	}
	if t == nil && r.CustomerID != "" {
		t = m.byCID[r.CustomerID]
	}
	if t == nil {
		// The person owns its list and map: merging later rows into it
		// must not change the row it came from, which a chunk that falls
		// back to the exact path merges a second time.
		r.DataItems, r.Extra = slices.Clip(r.DataItems), maps.Clone(r.Extra)
		p := &person{rec: r}
		m.index(p)
		m.added = append(m.added, p)
		return
	}
	m.merged++
	t.dirty = t.fill(r) || t.dirty
	m.identity(t, line, FieldEmail, r.Email, &t.rec.Email, m.byEmail)
	m.identity(t, line, FieldCustomerID, r.CustomerID, &t.rec.CustomerID, m.byCID)
}

// identity merges one identifying field of a row into person t.
func (m *merger) identity(t *person, line int64, field, v string, dst *string, index map[string]*person) {
	switch {
	case v == "" || *dst == v:
	case *dst == "" && index[v] == nil:
		*dst, index[v], t.dirty = v, t, true
	case *dst == "":
		m.warn(line, field, "validation.row_identity_taken")
	default:
		m.warn(line, field, "validation.row_identity_differs")
	}
}

func (m *merger) warn(line int64, field, code string) {
	m.warnings = append(m.warnings, RowError{Line: line, Field: field, Code: code, Warning: true})
}

// fill copies the row's values into the person's empty fields.
func (p *person) fill(r record) bool {
	changed := false
	set := func(dst *string, v string) {
		if *dst == "" && v != "" {
			*dst, changed = v, true
		}
	}
	t := &p.rec
	set(&t.Name, r.Name)
	set(&t.NameKana, r.NameKana)
	set(&t.PostalCode, r.PostalCode)
	set(&t.Address, r.Address)
	set(&t.Phone, r.Phone)
	set(&t.Language, r.Language)
	set(&t.Residency, r.Residency)
	if t.CardLast4 == "" && r.CardLast4 != "" {
		t.CardBrand, t.CardLast4, changed = r.CardBrand, r.CardLast4, true
	} else if t.CardLast4 == r.CardLast4 || r.CardLast4 == "" {
		set(&t.CardBrand, r.CardBrand)
	}
	for _, it := range r.DataItems {
		if !slices.Contains(t.DataItems, it) {
			t.DataItems, changed = append(t.DataItems, it), true
		}
	}
	for k, v := range r.Extra {
		if t.Extra[k] == "" {
			if t.Extra == nil {
				t.Extra = map[string]string{}
			}
			t.Extra[k], changed = v, true
		}
	}
	return changed
}

// values fills dst (len(personColumns)) with the columns written for a
// person, in personColumns order.
func (p *person) values(dst []any, orgID, caseID, importID int64) {
	r := &p.rec
	extra := extraJSON(r.Extra)
	lang := r.Language
	if lang == "" {
		lang = "ja"
	}
	items := r.DataItems
	if items == nil {
		items = []string{}
	}
	dst[0], dst[1], dst[2], dst[3], dst[4], dst[5], dst[6], dst[7], dst[8] = p.id, orgID, caseID, r.CustomerID, r.Name, r.NameKana, r.PostalCode, r.Address, r.Email
	dst[9], dst[10], dst[11], dst[12], dst[13], dst[14], dst[15], dst[16] = r.Phone, lang, r.Residency, items, r.CardBrand, r.CardLast4, extra, importID
	dst[17], dst[18], dst[19] = r.searchColumns()
}

// extraJSON is the jsonb text of a person's extra columns.
func extraJSON(extra map[string]string) string {
	if len(extra) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(extra) // a map of strings: cannot fail
	return string(b)
}

var personColumns = []string{"id", "organisation_id", "case_id", "customer_id", "name", "name_kana", "postal_code", "address",
	"email", "phone", "language", "residency", "data_items", "card_brand", "card_last4", "extra", "import_id",
	"search_text", "search_kana", "search_phone"}

// loadMatching reads, locked, the case's persons that rows of the chunk
// may merge into.
func loadMatching(ctx context.Context, tx pgx.Tx, caseID int64, rows []lineRecord) ([]*person, error) {
	var emails, cids []string
	for _, r := range rows {
		if r.rec.Email != "" {
			emails = append(emails, r.rec.Email)
		}
		if r.rec.CustomerID != "" {
			cids = append(cids, r.rec.CustomerID)
		}
	}
	if len(emails)+len(cids) == 0 {
		return nil, nil
	}
	// One probe of the unique index per key (LIMIT 1 keeps the planner
	// from turning the lookups into a scan of the whole case, which grew
	// with every chunk: quadratic over a large file).
	q, err := tx.Query(ctx, `SELECT id, customer_id, name, name_kana, postal_code, address, email, phone, language, residency,
		data_items, card_brand, card_last4, extra FROM people
		WHERE id IN (
			SELECT m.id FROM unnest($2::text[]) k(v), LATERAL (SELECT id FROM people
				WHERE case_id = $1 AND email <> '' AND lower(email) = k.v LIMIT 1) m
			UNION ALL
			SELECT m.id FROM unnest($3::text[]) k(v), LATERAL (SELECT id FROM people
				WHERE case_id = $1 AND customer_id <> '' AND customer_id = k.v LIMIT 1) m)
		ORDER BY id FOR UPDATE`, caseID, emails, cids)
	if err != nil {
		return nil, err
	}
	var out []*person
	for q.Next() {
		p := &person{}
		r := &p.rec
		if err := q.Scan(&p.id, &r.CustomerID, &r.Name, &r.NameKana, &r.PostalCode, &r.Address, &r.Email, &r.Phone, &r.Language,
			&r.Residency, &r.DataItems, &r.CardBrand, &r.CardLast4, &r.Extra); err != nil {
			q.Close()
			return nil, err
		}
		out = append(out, p)
	}
	return out, q.Err()
}
