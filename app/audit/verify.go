package audit

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/breachdesk/breachdesk/app/store"
)

// Problem describes the first place where the chain is broken.
type Problem struct {
	Seq    int64
	Reason string
	// Checkpoint is the signed checkpoint file the log disagrees with, when
	// the problem was found against one (see VerifyAgainst): then the rows
	// before Seq are not known to be intact, because a rewrite recomputes
	// their hashes too.
	Checkpoint string
}

func (p *Problem) Error() string { return fmt.Sprintf("audit row %d: %s", p.Seq, p.Reason) }

// Verify walks the whole chain in order and returns the first broken row,
// or nil and the number of rows checked when the chain is intact. It
// trusts the database's own head: a chain rewritten with recomputed hashes,
// or cut short with the head moved back, passes. VerifyAgainst also checks
// the signed checkpoints that catch those.
func Verify(ctx context.Context, s *store.Store) (checked int64, problem *Problem, err error) {
	return verifyChain(ctx, s, nil)
}

// VerifyAgainst is Verify, and also checks the chain against signed
// checkpoints (from LoadCheckpoints): the row at each checkpoint's seq must
// exist and carry exactly the checkpoint's hash, so the log can neither
// have been rewritten up to a checkpoint nor end before the latest one.
func VerifyAgainst(ctx context.Context, s *store.Store, checkpoints []Checkpoint) (checked int64, problem *Problem, err error) {
	return verifyChain(ctx, s, checkpoints)
}

func verifyChain(ctx context.Context, s *store.Store, checkpoints []Checkpoint) (checked int64, problem *Problem, err error) {
	// Each row's seq maps to the checkpoints that vouch for it (several
	// files may name one row; each must agree).
	want := map[int64][]Checkpoint{}
	var latest *Checkpoint
	for i, c := range checkpoints {
		want[c.Seq] = append(want[c.Seq], c)
		if latest == nil || c.Seq > latest.Seq {
			latest = &checkpoints[i]
		}
	}
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
		if p := linkProblem(r, expect, prevHash); p != nil {
			return checked, p, nil
		}
		for _, c := range want[r.Seq] {
			if !bytes.Equal(r.Hash, c.Hash) {
				return checked, &Problem{Seq: r.Seq, Checkpoint: c.File, Reason: fmt.Sprintf(
					"row %d has hash %x, but checkpoint %s signed on %s says %x: the log up to row %d was rewritten (its hashes recomputed)",
					r.Seq, r.Hash, c.File, c.Time.Format(time.RFC3339), c.Hash, r.Seq)}, nil
			}
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
	if last := expect - 1; latest != nil && latest.Seq > last {
		return checked, &Problem{Seq: latest.Seq, Checkpoint: latest.File, Reason: fmt.Sprintf(
			"the log ends at row %d, but checkpoint %s signed on %s vouches for row %d: rows %d to %d were deleted and the chain head moved back",
			last, latest.File, latest.Time.Format(time.RFC3339), latest.Seq, last+1, latest.Seq)}, nil
	}
	return checked, nil, nil
}

// linkProblem checks that r is row expect, points at the row before it
// (prevHash) and matches its own hash.
func linkProblem(r Row, expect int64, prevHash []byte) *Problem {
	switch {
	case r.Seq != expect:
		return &Problem{Seq: expect, Reason: fmt.Sprintf("missing (next row present is %d): deleted", r.Seq)}
	case !bytes.Equal(r.PrevHash, prevHash):
		return &Problem{Seq: r.Seq, Reason: "previous-row hash does not match: a row before it was changed or removed"}
	case !bytes.Equal(r.ComputeHash(), r.Hash):
		return &Problem{Seq: r.Seq, Reason: "content does not match its hash: edited"}
	}
	return nil
}
