package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// auditRows appends n audit rows, as the services do.
func auditRows(t *testing.T, st *store.Store, n int) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: 1, Label: "me@shop.example", IP: "192.0.2.1"})
	for i := 0; i < n; i++ {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, audit.Entry{OrganisationID: 1, Action: "case.update", TargetType: "case", TargetID: fmt.Sprint(i)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// attack runs SQL-level changes with the append-only triggers bypassed,
// as someone with write access to the database can.
func attack(t *testing.T, st *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.DB.Exec(`SET LOCAL session_replication_role = replica`).Error; err != nil {
			return err
		}
		return fn(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// auditCLI is a database with audit rows, a signing key made by `audit
// key --generate`, its public key as a verifier would keep it, and the
// environments of an anchored and of an unanchored process.
type auditCLI struct {
	st                  *store.Store
	dir, keyFile, pub   string
	plainEnv, anchorEnv []string
}

func newAuditCLI(t *testing.T) auditCLI {
	t.Helper()
	st, dbURL := storetest.NewWithURL(t, clocktest.Real())
	tmp := t.TempDir()
	a := auditCLI{st: st, dir: filepath.Join(tmp, "checkpoints"), keyFile: filepath.Join(tmp, "audit.key"), pub: filepath.Join(tmp, "audit.pub")}
	a.plainEnv = []string{"BREACHDESK_DATABASE_URL=" + dbURL, "BREACHDESK_SECRET_KEY=" + strings.Repeat("ab", 32)}
	a.anchorEnv = append(a.plainEnv, "BREACHDESK_AUDIT_KEY_FILE="+a.keyFile, "BREACHDESK_AUDIT_CHECKPOINT_DIR="+a.dir)
	r := runCLI(t, nil, "", "audit", "key", "--generate", a.keyFile)
	if r.code != 0 || !strings.Contains(r.stdout, "BEGIN PUBLIC KEY") {
		t.Fatalf("audit key --generate: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if fi, err := os.Stat(a.keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key file: %v %v", fi, err)
	}
	if r := runCLI(t, nil, "", "audit", "key", "--generate", a.keyFile); r.code == 0 {
		t.Fatal("audit key --generate overwrote an existing key")
	}
	// The public key printed from the configured key file is the same.
	again := runCLI(t, a.anchorEnv, "", "audit", "key")
	if again.code != 0 || again.stdout != r.stdout {
		t.Fatalf("audit key: %d %q, want %q (%s)", again.code, again.stdout, r.stdout, again.stderr)
	}
	if err := os.WriteFile(a.pub, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return a
}

// checkpoint runs `audit checkpoint` and returns the file it wrote.
func (a auditCLI) checkpoint(t *testing.T, seq int) string {
	t.Helper()
	r := runCLI(t, a.anchorEnv, "", "audit", "checkpoint")
	file := filepath.Join(a.dir, fmt.Sprintf("checkpoint-%020d.json", seq))
	if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("checkpoint of row %d written to %s", seq, file)) {
		t.Fatalf("audit checkpoint: %d %s %s", r.code, r.stdout, r.stderr)
	}
	return file
}

// verifiers are the ways to run audit verify against the checkpoints:
// with the process's configuration, and as an outside verifier holding
// only the public key.
func (a auditCLI) verifiers() map[string]func(t *testing.T) result {
	return map[string]func(t *testing.T) result{
		"configured": func(t *testing.T) result { return runCLI(t, a.anchorEnv, "", "audit", "verify") },
		"public key only": func(t *testing.T) result {
			return runCLI(t, a.plainEnv, "", "audit", "verify", "--checkpoints", a.dir, "--public-key", a.pub)
		},
	}
}

// The finding's attack on the command line: every row rewritten with its
// hashes and the head recomputed passes `audit verify` without
// checkpoints, and fails with them, naming the checkpoint file and row;
// `audit checkpoint` then refuses to sign the rewritten head.
func TestAuditVerifyCLICatchesARewrittenChain(t *testing.T) {
	t.Parallel()
	a := newAuditCLI(t)
	auditRows(t, a.st, 6)
	file := a.checkpoint(t, 6)
	if r := runCLI(t, a.anchorEnv, "", "audit", "checkpoint"); r.code != 0 || !strings.Contains(r.stdout, "no new rows") {
		t.Fatalf("second checkpoint of the same head: %d %s %s", r.code, r.stdout, r.stderr)
	}
	auditRows(t, a.st, 2)
	for name, verify := range a.verifiers() {
		if r := verify(t); r.code != 0 || !strings.Contains(r.stdout, "intact: 8 rows; agrees with 1 signed checkpoint ") || !strings.Contains(r.stdout, "latest at row 6") {
			t.Fatalf("%s, intact: %d %s %s", name, r.code, r.stdout, r.stderr)
		}
	}

	attack(t, a.st, func(tx *store.Tx) error {
		var rows []audit.Row
		if err := tx.DB.Order("seq").Find(&rows).Error; err != nil {
			return err
		}
		prev := make([]byte, 32)
		for _, r := range rows {
			r.Actor, r.IP, r.PrevHash = "someone-else", "198.51.100.9", prev
			r.Hash = r.ComputeHash()
			if err := tx.DB.Save(&r).Error; err != nil {
				return err
			}
			prev = r.Hash
		}
		return tx.DB.Exec(`UPDATE audit_head SET last_hash = ?`, prev).Error
	})
	if r := runCLI(t, a.plainEnv, "", "audit", "verify"); r.code != 0 || !strings.Contains(r.stderr, "checkpoints are off") {
		t.Fatalf("without checkpoints the rewrite should pass (the finding), with a warning: %d %s %s", r.code, r.stdout, r.stderr)
	}
	for name, verify := range a.verifiers() {
		r := verify(t)
		if r.code != 1 || !strings.Contains(r.stderr, "BROKEN at row 6") || !strings.Contains(r.stderr, file) || !strings.Contains(r.stderr, "rewritten") {
			t.Fatalf("%s, after the rewrite: exit %d, stderr %q", name, r.code, r.stderr)
		}
	}
	if r := runCLI(t, a.anchorEnv, "", "audit", "checkpoint"); r.code != 1 || !strings.Contains(r.stderr, "refusing to sign") {
		t.Fatalf("checkpoint of a rewritten chain: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

// Deleting the newest rows and moving the head back passes `audit
// verify` without checkpoints and fails with them; a checkpoint file
// edited to match is rejected as forged.
func TestAuditVerifyCLICatchesATruncatedTailAndAForgedCheckpoint(t *testing.T) {
	t.Parallel()
	a := newAuditCLI(t)
	if r := runCLI(t, a.anchorEnv, "", "audit", "checkpoint"); r.code != 0 || !strings.Contains(r.stdout, "empty") {
		t.Fatalf("checkpoint of an empty log: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, a.anchorEnv, "", "audit", "verify"); r.code != 0 || !strings.Contains(r.stdout, "no signed checkpoint yet") {
		t.Fatalf("verify before any checkpoint: %d %s %s", r.code, r.stdout, r.stderr)
	}
	auditRows(t, a.st, 4)
	a.checkpoint(t, 4)
	auditRows(t, a.st, 5)
	file := a.checkpoint(t, 9)

	attack(t, a.st, func(tx *store.Tx) error {
		if err := tx.DB.Exec(`DELETE FROM audit_log WHERE seq > 5`).Error; err != nil {
			return err
		}
		return tx.DB.Exec(`UPDATE audit_head SET last_seq = seq, last_hash = hash FROM audit_log WHERE audit_log.seq = 5`).Error
	})
	if r := runCLI(t, a.plainEnv, "", "audit", "verify"); r.code != 0 || !strings.Contains(r.stdout, "intact: 5 rows") {
		t.Fatalf("without checkpoints the truncation should pass (the finding): %d %s %s", r.code, r.stdout, r.stderr)
	}
	for name, verify := range a.verifiers() {
		r := verify(t)
		if r.code != 1 || !strings.Contains(r.stderr, "BROKEN at row 9") || !strings.Contains(r.stderr, file) || !strings.Contains(r.stderr, "rows 6 to 9 were deleted") {
			t.Fatalf("%s, after the truncation: exit %d, stderr %q", name, r.code, r.stderr)
		}
	}

	// Whoever cut the log also edits the latest checkpoint to name row 5
	// with its hash: the signature no longer verifies.
	var f map[string]any
	b, err := os.ReadFile(file)
	if err == nil {
		err = json.Unmarshal(b, &f)
	}
	if err != nil {
		t.Fatal(err)
	}
	var row5 audit.Row
	if err := a.st.DB.Where("seq = 5").First(&row5).Error; err != nil {
		t.Fatal(err)
	}
	f["seq"], f["hash"] = 5, fmt.Sprintf("%x", row5.Hash)
	b, _ = json.Marshal(f)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, verify := range a.verifiers() {
		r := verify(t)
		if r.code != 1 || !strings.Contains(r.stderr, "checkpoint REJECTED: "+file) || !strings.Contains(r.stderr, "signature does not verify") {
			t.Fatalf("%s, forged checkpoint: exit %d, stderr %q", name, r.code, r.stderr)
		}
	}
}

func TestAuditCommandsHelpAndMisuse(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"audit", "--help"}, {"audit", "checkpoint", "--help"}, {"audit", "key", "--help"}, {"audit", "verify", "--help"}} {
		if r := runCLI(t, nil, "", args...); r.code != 0 || !strings.Contains(r.stdout+r.stderr, "Usage") {
			t.Errorf("%v: exit %d, output %q", args, r.code, r.stdout+r.stderr)
		}
	}
	if r := runCLI(t, nil, "", "audit", "frobnicate"); r.code != 2 {
		t.Errorf("unknown audit verb: exit %d", r.code)
	}
	// A key that is not a key stops the process at start, naming the variable.
	bad := filepath.Join(t.TempDir(), "bad.key")
	os.WriteFile(bad, []byte("not a key"), 0o600)
	r := runCLI(t, []string{"BREACHDESK_AUDIT_KEY_FILE=" + bad, "BREACHDESK_AUDIT_CHECKPOINT_DIR=" + t.TempDir()}, "", "audit", "key")
	if r.code == 0 || !strings.Contains(r.stderr, "BREACHDESK_AUDIT_KEY_FILE") {
		t.Errorf("bad key file: exit %d, %s", r.code, r.stderr)
	}
}

// A worker process with checkpoints configured signs the head when it
// starts (the periodic job runs on start) and again when it stops, so the
// rows written since are covered.
func TestWorkerCheckpointsAtStartAndShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a worker process")
	}
	font, err := pdf.FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	if err == nil {
		_, err = pdf.NewRenderer(font)
	}
	if err != nil {
		t.Skip(err) // the worker needs a Japanese font to start
	}
	t.Parallel()
	a := newAuditCLI(t)
	auditRows(t, a.st, 3)
	cmd := exec.Command(binary(t), "worker")
	cmd.Env = append(os.Environ(), append(a.anchorEnv, "BREACHDESK_PDF_FONT="+font)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	first := filepath.Join(a.dir, fmt.Sprintf("checkpoint-%020d.json", 3))
	for i := 0; ; i++ {
		if _, err := os.Stat(first); err == nil {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("worker exited: %v\n%s", err, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
		if i == 300 {
			cmd.Process.Kill()
			<-exited
			t.Fatalf("no checkpoint at start; stderr:\n%s", stderr.String())
		}
	}
	auditRows(t, a.st, 2)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("worker exit: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(a.dir, fmt.Sprintf("checkpoint-%020d.json", 5))); err != nil {
		t.Fatalf("no checkpoint at shutdown: %v\n%s", err, stderr.String())
	}
	if r := runCLI(t, a.plainEnv, "", "audit", "verify", "--checkpoints", a.dir, "--public-key", a.pub); r.code != 0 || !strings.Contains(r.stdout, "agrees with 2 signed checkpoints") {
		t.Fatalf("verify: %d %s %s", r.code, r.stdout, r.stderr)
	}
}
