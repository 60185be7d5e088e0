package security

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// maxOperatorOrganisations bounds the operator's table and its export.
const maxOperatorOrganisations = 5000

// MerchantStatus is one organisation's line of the operator's table.
type MerchantStatus struct {
	Organisation auth.Organisation
	// Entries are the register's entries in catalogue order.
	Entries        []Entry
	Gaps           int
	OverdueReviews int
	// LastDeclared is the date (YYYY-MM-DD, organisation's zone) of the
	// latest checklist declaration made, "" when none.
	LastDeclared string
}

// Merchants returns every organisation's register for a platform
// operator (a PSP watching its merchants), by name. Anyone else gets
// apperr.ErrNotFound, as for any page they may not see.
func (s *Service) Merchants(ctx context.Context, p *auth.Principal) ([]MerchantStatus, error) {
	if p == nil || !p.User.IsOperator {
		return nil, apperr.ErrNotFound
	}
	db := s.st.DB.WithContext(ctx)
	var orgs []auth.Organisation
	if err := db.Order("name, id").Limit(maxOperatorOrganisations).Find(&orgs).Error; err != nil {
		return nil, err
	}
	var declared []struct {
		OrganisationID int64
		MadeAt         time.Time
	}
	if err := db.Raw(`SELECT organisation_id, max(made_at) AS made_at FROM security_declarations GROUP BY organisation_id`).Scan(&declared).Error; err != nil {
		return nil, err
	}
	last := make(map[int64]time.Time, len(declared))
	for _, d := range declared {
		last[d.OrganisationID] = d.MadeAt
	}
	now := s.clk.Now()
	out := make([]MerchantStatus, 0, len(orgs))
	for _, o := range orgs {
		// One small query per organisation: the register is a dozen rows,
		// and the table is bounded by maxOperatorOrganisations.
		entries, err := s.register(db, o.ID, now.In(o.Location()).Format(dateLayout))
		if err != nil {
			return nil, err
		}
		m := MerchantStatus{Organisation: o, Entries: entries}
		for _, e := range entries {
			if e.Gap() {
				m.Gaps++
			}
			if e.Overdue {
				m.OverdueReviews++
			}
		}
		if t, ok := last[o.ID]; ok {
			m.LastDeclared = t.In(o.Location()).Format(dateLayout)
		}
		out = append(out, m)
	}
	return out, nil
}

// MerchantsCSV exports the operator's table in lang: one row per
// organisation, one column per measure (its status), audited as an
// export.
func (s *Service) MerchantsCSV(ctx context.Context, p *auth.Principal, lang string) ([]byte, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	rows, err := s.Merchants(ctx, p)
	if err != nil {
		return nil, err
	}
	msgs, err := messages()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	head := []string{msgs.T(lang, "security.csv.organisation"), msgs.T(lang, "security.csv.slug"), msgs.T(lang, "security.csv.gaps"),
		msgs.T(lang, "security.csv.overdue_reviews"), msgs.T(lang, "security.csv.last_declared")}
	for _, m := range catalogue.Measures {
		head = append(head, m.ID)
	}
	if err := cw.Write(head); err != nil {
		return nil, err
	}
	for _, r := range rows {
		row := []string{orgName(r.Organisation), r.Organisation.Slug, strconv.Itoa(r.Gaps), strconv.Itoa(r.OverdueReviews), r.LastDeclared}
		for _, e := range r.Entries {
			cell := msgs.T(lang, "security.status."+e.Status)
			if e.Overdue {
				cell += " (" + msgs.T(lang, "security.overdue") + ")"
			}
			row = append(row, cell)
		}
		for i := range row {
			row[i] = inertCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{Action: "security.merchants.export", TargetType: "security_register",
			Details: map[string]any{"organisations": len(rows), "lang": lang}})
	})
	return buf.Bytes(), err
}
