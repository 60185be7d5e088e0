package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/audit/auditkey"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/store"
)

const auditUsage = `Usage: breachdesk audit verify | checkpoint | key

  verify      check the hash chain, and the chain against the signed checkpoints
  checkpoint  sign the chain's head and write a checkpoint now
  key         print the public key that verifies the checkpoints (--generate: make a key)`

func runAudit(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, auditUsage)
		return 2
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(args[1:])
	case "checkpoint":
		return runAuditCheckpoint(args[1:])
	case "key":
		return runAuditKey(args[1:])
	case "-h", "--help":
		fmt.Fprintln(os.Stderr, auditUsage)
		return 0
	}
	fmt.Fprintln(os.Stderr, auditUsage)
	return 2
}

// checkpointsOffWarning is said wherever the log is not anchored, because
// then the chain only shows that rows were not edited one at a time.
const checkpointsOffWarning = "audit checkpoints are off (BREACHDESK_AUDIT_KEY_FILE and BREACHDESK_AUDIT_CHECKPOINT_DIR are not set): " +
	"someone with write access to the database can rewrite the audit log, hashes and head included, or cut off its newest rows, and it still verifies; see README.md"

// newCheckpointer is the configured checkpointer, or nil when checkpoints
// are off.
func newCheckpointer(cfg config.Config, clk clock.Clock, st *store.Store) (*audit.Checkpointer, error) {
	if !cfg.Audit.Enabled() {
		return nil, nil
	}
	c, err := audit.NewCheckpointer(st, clk, cfg.Audit.Key, cfg.Audit.CheckpointDir)
	if err != nil {
		return nil, fmt.Errorf("BREACHDESK_AUDIT_CHECKPOINT_DIR: %w", err)
	}
	return c, nil
}

// finalCheckpoint signs the head once more as the process stops, so that
// the rows written since the last period are covered too. The run's
// context is cancelled by then: it has a short one of its own.
func finalCheckpoint(c *audit.Checkpointer) {
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cp, written, err := c.Write(ctx)
	switch {
	case err != nil:
		slog.Error("audit checkpoint at shutdown refused", "err", err)
	case written:
		slog.Info("audit checkpoint written", "seq", cp.Seq, "file", cp.File)
	}
}

func runAuditVerify(args []string) int {
	fs := newFlags("audit verify", "audit verify [--checkpoints DIR] [--public-key FILE]\n\n"+
		"Checks the audit log's hash chain and, when there are checkpoints, the chain\n"+
		"against every signed checkpoint: the row each one names must be there with\n"+
		"the hash it signed, so a log rewritten with its hashes recomputed, or cut\n"+
		"short with its head moved back, fails. A checkpoint whose signature does not\n"+
		"verify fails too. Exit 0: intact. Exit 1: the problem is named on standard\n"+
		"error. The defaults come from BREACHDESK_AUDIT_CHECKPOINT_DIR and\n"+
		"BREACHDESK_AUDIT_KEY_FILE; a verifier needs only the public key.")
	dirFlag := fs.String("checkpoints", "", "directory of signed checkpoints (default: BREACHDESK_AUDIT_CHECKPOINT_DIR)")
	pubFlag := fs.String("public-key", "", "PEM file of the public key that signs the checkpoints (default: that of BREACHDESK_AUDIT_KEY_FILE)")
	if code, done := parse(fs, args); done {
		return code
	}
	ctx := context.Background()
	e, err := open(ctx, false)
	if err != nil {
		return fail(os.Stderr, err)
	}
	defer e.close()
	dir := *dirFlag
	if dir == "" {
		dir = e.cfg.Audit.CheckpointDir
	}
	var pub ed25519.PublicKey
	switch {
	case *pubFlag != "":
		b, err := os.ReadFile(*pubFlag)
		if err != nil {
			return fail(os.Stderr, err)
		}
		if pub, err = auditkey.ParsePublic(b); err != nil {
			return fail(os.Stderr, fmt.Errorf("--public-key %s: %w", *pubFlag, err))
		}
	case e.cfg.Audit.Key != nil:
		pub = e.cfg.Audit.Key.Public().(ed25519.PublicKey)
	}
	switch {
	case dir == "" && pub == nil:
		n, problem, err := audit.Verify(ctx, e.st)
		if err != nil {
			return fail(os.Stderr, err)
		}
		if problem != nil {
			fmt.Fprintf(os.Stderr, "audit log BROKEN at row %d: %s (%d rows before it are intact)\n", problem.Seq, problem.Reason, n)
			return 1
		}
		fmt.Printf("audit log intact: %d rows\n", n)
		fmt.Fprintln(os.Stderr, "warning: "+checkpointsOffWarning)
		return 0
	case dir == "":
		fmt.Fprintln(os.Stderr, "breachdesk: a public key but no checkpoints: give --checkpoints DIR or set BREACHDESK_AUDIT_CHECKPOINT_DIR")
		return 2
	case pub == nil:
		fmt.Fprintln(os.Stderr, "breachdesk: checkpoints but no key to check their signatures: give --public-key FILE or set BREACHDESK_AUDIT_KEY_FILE")
		return 2
	}
	cps, err := audit.LoadCheckpoints(dir, pub)
	if bad := (*audit.BadCheckpointError)(nil); errors.As(err, &bad) {
		fmt.Fprintf(os.Stderr, "audit checkpoint REJECTED: %s: %s\n", bad.File, bad.Reason)
		return 1
	} else if err != nil {
		return fail(os.Stderr, err)
	}
	n, problem, err := audit.VerifyAgainst(ctx, e.st, cps)
	if err != nil {
		return fail(os.Stderr, err)
	}
	switch {
	case problem != nil && problem.Checkpoint != "":
		// Rows before it are not known to be intact: a rewrite recomputes
		// their hashes too.
		fmt.Fprintf(os.Stderr, "audit log BROKEN at row %d: %s\n", problem.Seq, problem.Reason)
		return 1
	case problem != nil:
		fmt.Fprintf(os.Stderr, "audit log BROKEN at row %d: %s (%d rows before it are intact)\n", problem.Seq, problem.Reason, n)
		return 1
	case len(cps) == 0:
		fmt.Printf("audit log intact: %d rows; no signed checkpoint yet in %s\n", n, dir)
		fmt.Fprintf(os.Stderr, "warning: no checkpoint in %s: the chain was checked against the database's own head only (breachdesk audit checkpoint writes one)\n", dir)
		return 0
	}
	latest, noun := cps[len(cps)-1], "checkpoints"
	if len(cps) == 1 {
		noun = "checkpoint"
	}
	fmt.Printf("audit log intact: %d rows; agrees with %d signed %s (key %s), the latest at row %d on %s (%s); %d rows since are not checkpointed yet\n",
		n, len(cps), noun, auditkey.ID(pub), latest.Seq, latest.Time.Format(time.RFC3339), latest.File, n-latest.Seq)
	return 0
}

func runAuditCheckpoint(args []string) int {
	fs := newFlags("audit checkpoint", "audit checkpoint\n\n"+
		"Signs the audit log's head with BREACHDESK_AUDIT_KEY_FILE and writes it to\n"+
		"BREACHDESK_AUDIT_CHECKPOINT_DIR; the workers do the same every\n"+
		"BREACHDESK_AUDIT_CHECKPOINT_EVERY and at shutdown. Writes nothing when no row\n"+
		"was added since the latest checkpoint; refuses (exit 1) when the log does not\n"+
		"extend it, since signing would vouch for the tampering.")
	if code, done := parse(fs, args); done {
		return code
	}
	ctx := context.Background()
	e, err := open(ctx, false)
	if err != nil {
		return fail(os.Stderr, err)
	}
	defer e.close()
	c, err := newCheckpointer(e.cfg, e.clock, e.st)
	if err != nil {
		return fail(os.Stderr, err)
	}
	if c == nil {
		return fail(os.Stderr, errors.New(checkpointsOffWarning))
	}
	cp, written, err := c.Write(ctx)
	switch {
	case err != nil:
		return fail(os.Stderr, err)
	case written:
		fmt.Printf("checkpoint of row %d written to %s\n", cp.Seq, cp.File)
	case cp.File != "":
		fmt.Printf("no new rows since the checkpoint of row %d (%s)\n", cp.Seq, cp.File)
	default:
		fmt.Println("the audit log is empty: nothing to checkpoint")
	}
	return 0
}

func runAuditKey(args []string) int {
	fs := newFlags("audit key", "audit key [--generate FILE]\n\n"+
		"Prints the public key (PEM) of BREACHDESK_AUDIT_KEY_FILE: all that\n"+
		"`audit verify --public-key` needs. With --generate, first writes a new\n"+
		"Ed25519 private key to FILE (mode 0600; an existing file is never\n"+
		"overwritten) and prints its public key. Keep the private key off the\n"+
		"database host's backups and out of the database; keep the public key\n"+
		"with whoever verifies.")
	gen := fs.String("generate", "", "write a new private key to this file")
	if code, done := parse(fs, args); done {
		return code
	}
	var key ed25519.PrivateKey
	if *gen != "" {
		k, err := auditkey.Generate()
		if err != nil {
			return fail(os.Stderr, err)
		}
		b, err := auditkey.MarshalPrivate(k)
		if err != nil {
			return fail(os.Stderr, err)
		}
		f, err := os.OpenFile(*gen, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fail(os.Stderr, err)
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return fail(os.Stderr, err)
		}
		if err := f.Close(); err != nil {
			return fail(os.Stderr, err)
		}
		fmt.Fprintf(os.Stderr, "private key written to %s: set BREACHDESK_AUDIT_KEY_FILE=%s\n", *gen, *gen)
		key = k
	} else {
		cfg, err := loadConfig()
		if err != nil {
			return fail(os.Stderr, err)
		}
		if cfg.Audit.Key == nil {
			return fail(os.Stderr, errors.New("BREACHDESK_AUDIT_KEY_FILE is not set (breachdesk audit key --generate FILE makes a key)"))
		}
		key = cfg.Audit.Key
	}
	pub := key.Public().(ed25519.PublicKey)
	b, err := auditkey.MarshalPublic(pub)
	if err != nil {
		return fail(os.Stderr, err)
	}
	os.Stdout.Write(b)
	fmt.Fprintf(os.Stderr, "key id %s\n", auditkey.ID(pub))
	return 0
}
