package audit

import (
	"bytes"
	"context"
	"fmt"

	"github.com/breachdesk/breachdesk/app/store"
)

// Problem describes the first place where the chain is broken.
type Problem struct {
	Seq    int64
	Reason string
}

func (p *Problem) Error() string { return fmt.Sprintf("audit row %d: %s", p.Seq, p.Reason) }

// Verify walks the whole chain in order and returns the first broken row,
// or nil and the number of rows checked when the chain is intact.
func Verify(ctx context.Context, s *store.Store) (checked int64, problem *Problem, err error) {
	rows, err := s.DB.WithContext(ctx).Model(&Row{}).Order("seq").Rows()
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	prevHash := make([]byte, 32)
	var expect int64 = 1
	for rows.Next() {
		var r Row
		if err := s.DB.ScanRows(rows, &r); err != nil {
			return checked, nil, err
		}
		switch {
		case r.Seq != expect:
			return checked, &Problem{Seq: expect, Reason: fmt.Sprintf("missing (next row present is %d): deleted", r.Seq)}, nil
		case !bytes.Equal(r.PrevHash, prevHash):
			return checked, &Problem{Seq: r.Seq, Reason: "previous-row hash does not match: a row before it was changed or removed"}, nil
		case !bytes.Equal(r.ComputeHash(), r.Hash):
			return checked, &Problem{Seq: r.Seq, Reason: "content does not match its hash: edited"}, nil
		}
		prevHash = r.Hash
		expect++
		checked++
	}
	if err := rows.Err(); err != nil {
		return checked, nil, err
	}
	var h head
	if err := s.DB.WithContext(ctx).Raw(`SELECT id, last_seq, last_hash FROM audit_head WHERE id = 1`).Scan(&h).Error; err != nil {
		return checked, nil, err
	}
	if h.ID != 1 {
		return checked, &Problem{Seq: expect, Reason: "chain head missing"}, nil
	}
	if h.LastSeq != expect-1 || !bytes.Equal(h.LastHash, prevHash) {
		return checked, &Problem{Seq: h.LastSeq, Reason: fmt.Sprintf("chain head says the last row is %d but the log ends at %d: rows deleted at the end", h.LastSeq, expect-1)}, nil
	}
	return checked, nil, nil
}

// Query selects audit rows for the log page.
type Query struct {
	OrganisationID int64 // required: the log is tenant-scoped
	BeforeSeq      int64 // page backwards from here; 0 = newest
	Limit          int
}

// List returns one organisation's rows, newest first.
func List(ctx context.Context, s *store.Store, q Query) ([]Row, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	db := s.DB.WithContext(ctx).Where("organisation_id = ?", q.OrganisationID)
	if q.BeforeSeq > 0 {
		db = db.Where("seq < ?", q.BeforeSeq)
	}
	var out []Row
	err := db.Order("seq DESC").Limit(q.Limit).Find(&out).Error
	return out, err
}
