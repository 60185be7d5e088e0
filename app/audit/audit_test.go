package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

func record(t *testing.T, s *store.Store, n int) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: 7, Label: "a@example.com", IP: "192.0.2.1"})
	for i := 0; i < n; i++ {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, audit.Entry{OrganisationID: 1, Action: "case.update", TargetType: "case", TargetID: fmt.Sprint(i), Details: map[string]any{"i": i, "note": "日本語"}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// tamper runs SQL with the append-only triggers bypassed, as a superuser
// with direct database access could.
func tamper(t *testing.T, s *store.Store, sql string) {
	t.Helper()
	err := s.InTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.DB.Exec(`SET LOCAL session_replication_role = replica`).Error; err != nil {
			return err
		}
		return tx.DB.Exec(sql).Error
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestChainIntactAndTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		sql     string
		wantSeq int64
		reason  string
	}{
		{"edit action", `UPDATE audit_log SET action = 'case.view' WHERE seq = 3`, 3, "edited"},
		{"edit ip", `UPDATE audit_log SET ip = '198.51.100.9' WHERE seq = 1`, 1, "edited"},
		{"edit and rehash", `UPDATE audit_log SET details = '{}', hash = sha256('x') WHERE seq = 2`, 2, "edited"},
		{"delete middle", `DELETE FROM audit_log WHERE seq = 2`, 2, "deleted"},
		{"delete last", `DELETE FROM audit_log WHERE seq = 5`, 5, "deleted at the end"},
		{"delete first", `DELETE FROM audit_log WHERE seq = 1`, 1, "deleted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := storetest.New(t, clocktest.New(t))
			record(t, s, 5)
			n, p, err := audit.Verify(context.Background(), s)
			if err != nil || p != nil || n != 5 {
				t.Fatalf("intact chain: n=%d problem=%v err=%v", n, p, err)
			}
			tamper(t, s, tc.sql)
			_, p, err = audit.Verify(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			if p == nil {
				t.Fatalf("tampering not detected")
			}
			if p.Seq != tc.wantSeq || !strings.Contains(p.Reason, tc.reason) {
				t.Fatalf("got %v, want row %d (%s)", p, tc.wantSeq, tc.reason)
			}
		})
	}
}

func TestAppendOnlyTriggers(t *testing.T) {
	t.Parallel()
	s := storetest.New(t, clocktest.New(t))
	record(t, s, 1)
	for _, sql := range []string{`UPDATE audit_log SET action='x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if err := s.DB.Exec(sql).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: want append-only error, got %v", sql, err)
		}
	}
}

func TestConcurrentWritersKeepOneChain(t *testing.T) {
	t.Parallel()
	s := storetest.New(t, clocktest.New(t))
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			record(t, s, 10)
		}()
	}
	wg.Wait()
	n, p, err := audit.Verify(context.Background(), s)
	if err != nil || p != nil || n != 80 {
		t.Fatalf("n=%d problem=%v err=%v", n, p, err)
	}
}
