package audit_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/audit/auditkey"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// anchored is a store with a checkpointer writing into a fresh directory.
type anchored struct {
	s   *store.Store
	clk *clocktest.Clock
	cp  *audit.Checkpointer
	pub ed25519.PublicKey
	dir string
}

func newAnchored(t *testing.T) anchored {
	t.Helper()
	clk := clocktest.New(t)
	s := storetest.New(t, clk)
	key, err := auditkey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "checkpoints") // created by NewCheckpointer
	cp, err := audit.NewCheckpointer(s, clk, key, dir)
	if err != nil {
		t.Fatal(err)
	}
	return anchored{s: s, clk: clk, cp: cp, pub: cp.PublicKey(), dir: dir}
}

// checkpoint writes one checkpoint and expects a new file.
func (a anchored) checkpoint(t *testing.T) audit.Checkpoint {
	t.Helper()
	a.clk.Advance(10 * time.Minute)
	c, written, err := a.cp.Write(context.Background())
	if err != nil || !written {
		t.Fatalf("checkpoint: written=%v err=%v", written, err)
	}
	return c
}

// verify runs VerifyAgainst with the checkpoints on disk.
func (a anchored) verify(t *testing.T) *audit.Problem {
	t.Helper()
	cps, err := audit.LoadCheckpoints(a.dir, a.pub)
	if err != nil {
		t.Fatal(err)
	}
	_, p, err := audit.VerifyAgainst(context.Background(), a.s, cps)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// plainVerifyPasses asserts that the hash chain alone checks out: the
// attack works against the database's own head, which is the finding.
func plainVerifyPasses(t *testing.T, s *store.Store, rows int64) {
	t.Helper()
	n, p, err := audit.Verify(context.Background(), s)
	if err != nil || p != nil || n != rows {
		t.Fatalf("without checkpoints the attack should go unnoticed: n=%d problem=%v err=%v", n, p, err)
	}
}

// rewrite edits every row from seq from on and recomputes each row's
// prev_hash and hash and the head, as someone with write access to the
// database (and this source code) can.
func rewrite(t *testing.T, s *store.Store, from int64, edit func(*audit.Row)) {
	t.Helper()
	err := s.InTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.DB.Exec(`SET LOCAL session_replication_role = replica`).Error; err != nil {
			return err
		}
		var rows []audit.Row
		if err := tx.DB.Order("seq").Find(&rows).Error; err != nil {
			return err
		}
		prev := make([]byte, 32)
		for _, r := range rows {
			if r.Seq >= from {
				edit(&r)
				r.PrevHash = prev
				r.Hash = r.ComputeHash()
				if err := tx.DB.Save(&r).Error; err != nil {
					return err
				}
			}
			prev = r.Hash
		}
		return tx.DB.Exec(`UPDATE audit_head SET last_hash = ? WHERE id = 1`, prev).Error
	})
	if err != nil {
		t.Fatal(err)
	}
}

// truncate deletes the rows after keep and moves the head back to row keep.
func truncate(t *testing.T, s *store.Store, keep int64) {
	t.Helper()
	tamper(t, s, `DELETE FROM audit_log WHERE seq > `+itoa(keep))
	tamper(t, s, `UPDATE audit_head SET last_seq = seq, last_hash = hash FROM audit_log WHERE id = 1 AND seq = `+itoa(keep))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Every row rewritten (the actor of each replaced, all hashes and the
// head recomputed) passes the plain chain check; the signed checkpoints
// catch it at the first one the rewrite reaches, and the checkpointer
// refuses to sign the rewritten head.
func TestCheckpointCatchesARewrittenChain(t *testing.T) {
	t.Parallel()
	a := newAnchored(t)
	record(t, a.s, 5)
	first := a.checkpoint(t)
	record(t, a.s, 5)
	second := a.checkpoint(t)
	record(t, a.s, 3) // rows after the latest checkpoint, as in real use
	if p := a.verify(t); p != nil {
		t.Fatalf("intact chain: %v", p)
	}
	if first.Seq != 5 || second.Seq != 10 {
		t.Fatalf("checkpoints at rows %d and %d, want 5 and 10", first.Seq, second.Seq)
	}

	t.Run("from the first row", func(t *testing.T) {
		b := newAnchored(t)
		record(t, b.s, 5)
		cp := b.checkpoint(t)
		record(t, b.s, 2)
		rewrite(t, b.s, 1, func(r *audit.Row) { r.Actor = "someone-else"; r.IP = "198.51.100.9" })
		plainVerifyPasses(t, b.s, 7)
		p := b.verify(t)
		if p == nil {
			t.Fatal("rewritten chain passed the checkpoint check")
		}
		if p.Seq != 5 || p.Checkpoint != cp.File || !strings.Contains(p.Reason, cp.File) || !strings.Contains(p.Reason, "rewritten") {
			t.Fatalf("got %+v, want row 5 naming %s", p, cp.File)
		}
		if _, _, err := b.cp.Write(context.Background()); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Fatalf("checkpointer signed a rewritten chain: %v", err)
		}
	})

	// A rewrite that starts after the first checkpoint is caught by the
	// next one.
	rewrite(t, a.s, 7, func(r *audit.Row) { r.Details = `{}` })
	plainVerifyPasses(t, a.s, 13)
	p := a.verify(t)
	if p == nil || p.Seq != 10 || p.Checkpoint != second.File {
		t.Fatalf("got %+v, want row 10 against %s", p, second.File)
	}
}

// Deleting the newest rows and moving the head back passes the plain
// chain check; the latest checkpoint says the log went further.
func TestCheckpointCatchesATruncatedTail(t *testing.T) {
	t.Parallel()
	a := newAnchored(t)
	record(t, a.s, 10)
	cp := a.checkpoint(t)
	truncate(t, a.s, 6)
	plainVerifyPasses(t, a.s, 6)
	p := a.verify(t)
	if p == nil {
		t.Fatal("truncated log passed the checkpoint check")
	}
	if p.Seq != 10 || p.Checkpoint != cp.File || !strings.Contains(p.Reason, "ends at row 6") || !strings.Contains(p.Reason, "rows 7 to 10 were deleted") {
		t.Fatalf("got %+v", p)
	}
	if _, _, err := a.cp.Write(context.Background()); err == nil || !strings.Contains(err.Error(), "moved back") {
		t.Fatalf("checkpointer signed a head that moved back: %v", err)
	}

	// Everything deleted and the head reset to its empty state.
	b := newAnchored(t)
	record(t, b.s, 3)
	b.checkpoint(t)
	tamper(t, b.s, `DELETE FROM audit_log`)
	tamper(t, b.s, `UPDATE audit_head SET last_seq = 0, last_hash = '\x0000000000000000000000000000000000000000000000000000000000000000'`)
	plainVerifyPasses(t, b.s, 0)
	if p := b.verify(t); p == nil || p.Seq != 3 || !strings.Contains(p.Reason, "ends at row 0") {
		t.Fatalf("emptied log: got %+v", p)
	}
}

// A checkpoint file edited to match a rewritten chain, stripped of its
// signature, signed with another key or under another key's name is
// rejected, naming the file; so is one that is not a checkpoint at all.
func TestCheckpointRejectsAForgedSignature(t *testing.T) {
	t.Parallel()
	a := newAnchored(t)
	record(t, a.s, 4)
	cp := a.checkpoint(t)
	good, err := os.ReadFile(cp.File)
	if err != nil {
		t.Fatal(err)
	}
	other, err := auditkey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	// forge signs with the attacker's key what the file says after edit.
	forge := func(f map[string]any) {
		c := audit.Checkpoint{Seq: int64(f["seq"].(float64)), Time: cp.Time, KeyID: f["key_id"].(string)}
		c.Hash = cp.Hash
		f["signature"] = audit.SignForTest(other, c)
	}
	cases := []struct {
		name string
		edit func(f map[string]any)
		want string
	}{
		{"hash changed", func(f map[string]any) { f["hash"] = strings.Repeat("ab", 32) }, "signature does not verify"},
		{"seq changed", func(f map[string]any) { f["seq"] = 3 }, "signature does not verify"},
		{"unsigned", func(f map[string]any) { f["signature"] = "" }, "unsigned"},
		{"signed with another key", forge, "signature does not verify"},
		{"another key's id", func(f map[string]any) { f["key_id"] = auditkey.ID(other.Public().(ed25519.PublicKey)); forge(f) }, "signed by key"},
		{"wrong format", func(f map[string]any) { f["format"] = "something-else" }, "format"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f map[string]any
			if err := json.Unmarshal(good, &f); err != nil {
				t.Fatal(err)
			}
			tc.edit(f)
			b, _ := json.Marshal(f)
			if err := os.WriteFile(cp.File, b, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := audit.LoadCheckpoints(a.dir, a.pub)
			var bad *audit.BadCheckpointError
			if !errors.As(err, &bad) || bad.File != cp.File || !strings.Contains(bad.Reason, tc.want) {
				t.Fatalf("got %v, want %q about %s", err, tc.want, cp.File)
			}
			// The checkpointer does not sign past a checkpoint it cannot trust.
			if _, _, err := a.cp.Write(context.Background()); !errors.As(err, &bad) {
				t.Fatalf("checkpointer wrote past a bad checkpoint: %v", err)
			}
		})
	}
	if err := os.WriteFile(cp.File, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.LoadCheckpoints(a.dir, a.pub); err != nil {
		t.Fatalf("restored checkpoint: %v", err)
	}
	// A verifier holding the wrong public key rejects even good files.
	if _, err := audit.LoadCheckpoints(a.dir, other.Public().(ed25519.PublicKey)); err == nil {
		t.Fatal("checkpoint accepted under another public key")
	}
}

// The checkpointer writes nothing for an empty log or an unchanged head,
// one file per new head otherwise, and leaves no temporary files behind.
func TestCheckpointWritesOnlyNewHeads(t *testing.T) {
	t.Parallel()
	a := newAnchored(t)
	ctx := context.Background()
	if _, written, err := a.cp.Write(ctx); err != nil || written {
		t.Fatalf("empty log: written=%v err=%v", written, err)
	}
	record(t, a.s, 2)
	c1 := a.checkpoint(t)
	if again, written, err := a.cp.Write(ctx); err != nil || written || again.File != c1.File {
		t.Fatalf("unchanged head: written=%v err=%v %s", written, err, again.File)
	}
	record(t, a.s, 1)
	c2 := a.checkpoint(t)
	if c2.Seq != 3 || !c2.Time.After(c1.Time) || c2.KeyID != auditkey.ID(a.pub) {
		t.Fatalf("second checkpoint: %+v", c2)
	}
	entries, err := os.ReadDir(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "checkpoint-00000000000000000002.json checkpoint-00000000000000000003.json" {
		t.Fatalf("files: %v", names)
	}
	cps, err := audit.LoadCheckpoints(a.dir, a.pub)
	if err != nil || len(cps) != 2 || cps[1].Seq != 3 || !cps[1].Time.Equal(c2.Time) {
		t.Fatalf("loaded %+v, %v", cps, err)
	}
	if p := a.verify(t); p != nil {
		t.Fatal(p)
	}
}
