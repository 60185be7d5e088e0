package scoping

import (
	"context"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// MergeOnly runs a scope's filter and merge without writing anything and
// returns the persons confirmed and the upper bound: the part of a run
// the SQL baseline does too.
func (s *Service) MergeOnly(ctx context.Context, p *auth.Principal, caseID int64) (confirmed, upper int64, err error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return 0, 0, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		wv, err := s.currentWindows(tx.DB.WithContext(ctx), c)
		if err != nil {
			return err
		}
		if err := tx.DB.WithContext(ctx).Exec(`SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`).Error; err != nil {
			return err
		}
		sc := &scoper{tx: tx, ctx: ctx, c: c, run: &Run{}, windows: wv.Windows}
		personOf, n, err := sc.merge()
		if err != nil {
			return err
		}
		ps := sc.summarise(personOf, n)
		for _, ok := range ps.confirmed {
			if ok {
				confirmed++
			}
		}
		upper = int64(n)
		return nil
	})
	return confirmed, upper, err
}
