package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/app/audit/auditkey"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/store"
)

// The hash chain shows that rows were not changed one by one, but whoever
// can write to the database can recompute every hash after a change and
// move audit_head along, or delete the newest rows and move the head back:
// the chain then checks out. A checkpoint is a statement "row N had hash
// H", signed with a key the database never holds and written to a
// directory outside it. Rows up to the latest checkpoint can then be
// neither rewritten (row N's hash would change) nor cut off (row N would
// be missing) without `audit verify` saying so. Rows written after the
// latest checkpoint are not covered until the next one: the period between
// checkpoints is the window an attacker has.

// checkpointFormat opens the signed bytes and names the file format, so a
// signature made for something else can never pass for a checkpoint.
const checkpointFormat = "breachdesk-audit-checkpoint-v1"

// checkpointPattern matches checkpoint files; the zero-padded seq makes
// their names sort in chain order. Temporary files start with a dot.
const checkpointPattern = "checkpoint-*.json"

// Checkpoint is a signed statement that the audit log's row Seq had hash
// Hash at Time.
type Checkpoint struct {
	Seq       int64
	Hash      []byte
	Time      time.Time
	KeyID     string // auditkey.ID of the signing key
	Signature []byte
	File      string // where it was read from or written to
}

// signedBytes is the canonical form the signature covers: fixed text,
// one field a line, so that nothing about JSON encoding (key order,
// spacing, escapes) matters to the signature.
func (c Checkpoint) signedBytes() []byte {
	return fmt.Appendf(nil, "%s\nseq %d\nhash %s\ntime %s\nkey %s\n",
		checkpointFormat, c.Seq, hex.EncodeToString(c.Hash), c.Time.UTC().Format(time.RFC3339Nano), c.KeyID)
}

// checkpointFile is the JSON form on disk.
type checkpointFile struct {
	Format    string `json:"format"`
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"` // hex
	Time      string `json:"time"` // RFC 3339, UTC
	KeyID     string `json:"key_id"`
	Signature string `json:"signature"` // base64 Ed25519 over signedBytes
}

// BadCheckpointError is a checkpoint file that cannot be trusted: unreadable,
// malformed, or not signed by the expected key. Verification stops at one:
// skipping it would let whoever altered the newest checkpoint fall back to
// an older one and hide what was deleted since.
type BadCheckpointError struct {
	File   string
	Reason string
}

func (e *BadCheckpointError) Error() string {
	return fmt.Sprintf("checkpoint %s rejected: %s", e.File, e.Reason)
}

// LoadCheckpoints reads every checkpoint file in dir, checks each one's
// signature with pub, and returns them in chain order (an empty dir gives
// none). Any file that fails is a *BadCheckpointError.
func LoadCheckpoints(dir string, pub ed25519.PublicKey) ([]Checkpoint, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("audit checkpoints: %w", err)
	}
	names, err := filepath.Glob(filepath.Join(dir, checkpointPattern))
	if err != nil {
		return nil, err
	}
	keyID := auditkey.ID(pub)
	out := make([]Checkpoint, 0, len(names))
	for _, name := range names {
		c, err := readCheckpoint(name, pub, keyID)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

func readCheckpoint(name string, pub ed25519.PublicKey, keyID string) (Checkpoint, error) {
	bad := func(format string, args ...any) error {
		return &BadCheckpointError{File: name, Reason: fmt.Sprintf(format, args...)}
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return Checkpoint{}, bad("%v", err)
	}
	var f checkpointFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Checkpoint{}, bad("not a checkpoint: %v", err)
	}
	if f.Format != checkpointFormat {
		return Checkpoint{}, bad("format is %q, want %q", f.Format, checkpointFormat)
	}
	c := Checkpoint{Seq: f.Seq, KeyID: f.KeyID, File: name}
	if c.Hash, err = hex.DecodeString(f.Hash); err != nil || len(c.Hash) != 32 {
		return Checkpoint{}, bad("hash is not 32 bytes of hex")
	}
	if c.Time, err = time.Parse(time.RFC3339Nano, f.Time); err != nil {
		return Checkpoint{}, bad("time: %v", err)
	}
	if c.Signature, err = base64.StdEncoding.DecodeString(f.Signature); err != nil || len(c.Signature) != ed25519.SignatureSize {
		return Checkpoint{}, bad("unsigned: no Ed25519 signature")
	}
	if c.Seq < 1 {
		return Checkpoint{}, bad("seq %d: rows start at 1", c.Seq)
	}
	if c.KeyID != keyID {
		return Checkpoint{}, bad("signed by key %s, not by the trusted key %s (forged, or signed before a key change: archive it with its own public key)", c.KeyID, keyID)
	}
	if !ed25519.Verify(pub, c.signedBytes(), c.Signature) {
		return Checkpoint{}, bad("signature does not verify with key %s: forged or altered", keyID)
	}
	return c, nil
}

// Checkpointer signs the chain's head and writes it as a checkpoint file.
type Checkpointer struct {
	store *store.Store
	clock clock.Clock
	key   ed25519.PrivateKey
	dir   string
	mu    sync.Mutex // one write at a time in this process
}

// NewCheckpointer writes checkpoints signed with key into dir, creating dir
// when missing and checking now that it can write there.
func NewCheckpointer(s *store.Store, clk clock.Clock, key ed25519.PrivateKey, dir string) (*Checkpointer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("audit checkpoints: no Ed25519 signing key")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit checkpoints: %w", err)
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("audit checkpoints: cannot write to %s: %w", dir, err)
	}
	f.Close()
	os.Remove(f.Name())
	return &Checkpointer{store: s, clock: clk, key: key, dir: dir}, nil
}

// PublicKey is the key that verifies this checkpointer's signatures.
func (c *Checkpointer) PublicKey() ed25519.PublicKey { return c.key.Public().(ed25519.PublicKey) }

// Dir is where the checkpoints go.
func (c *Checkpointer) Dir() string { return c.dir }

// Write checkpoints the current head. It returns the new checkpoint and
// written=true; or, when no row was added since the latest checkpoint (or
// the log is empty), that checkpoint and written=false. It refuses to sign
// a head that does not extend the latest checkpoint (or, for the first
// one, a chain that does not verify): signing it would bless the tampering
// the checkpoints are there to catch. A refusal is an error, so the job
// fails loudly every period until someone looks.
func (c *Checkpointer) Write(ctx context.Context) (Checkpoint, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	pub := c.PublicKey()
	existing, err := LoadCheckpoints(c.dir, pub)
	if err != nil {
		return Checkpoint{}, false, err
	}
	var h head
	if err := c.store.DB.WithContext(ctx).Raw(`SELECT id, last_seq, last_hash FROM audit_head WHERE id = 1`).Scan(&h).Error; err != nil {
		return Checkpoint{}, false, fmt.Errorf("audit checkpoint: read head: %w", err)
	}
	if h.ID != 1 {
		return Checkpoint{}, false, errors.New("audit checkpoint: chain head missing")
	}
	var latest *Checkpoint
	if n := len(existing); n > 0 {
		latest = &existing[n-1]
	}
	if h.LastSeq == 0 && latest == nil {
		return Checkpoint{}, false, nil
	}
	if latest != nil && latest.Seq == h.LastSeq && bytes.Equal(latest.Hash, h.LastHash) {
		return *latest, false, nil
	}
	if err := c.extends(ctx, latest, h); err != nil {
		return Checkpoint{}, false, fmt.Errorf("audit checkpoint: refusing to sign the head (row %d): %w", h.LastSeq, err)
	}
	cp := Checkpoint{Seq: h.LastSeq, Hash: h.LastHash, Time: c.clock.Now().UTC(), KeyID: auditkey.ID(pub)}
	cp.Signature = ed25519.Sign(c.key, cp.signedBytes())
	cp.File = filepath.Join(c.dir, fmt.Sprintf("checkpoint-%020d.json", cp.Seq))
	b, err := json.MarshalIndent(checkpointFile{
		Format: checkpointFormat, Seq: cp.Seq, Hash: hex.EncodeToString(cp.Hash), Time: cp.Time.Format(time.RFC3339Nano),
		KeyID: cp.KeyID, Signature: base64.StdEncoding.EncodeToString(cp.Signature),
	}, "", "  ")
	if err != nil {
		return Checkpoint{}, false, err
	}
	if err := writeFileAtomic(cp.File, append(b, '\n')); err != nil {
		return Checkpoint{}, false, fmt.Errorf("audit checkpoint: %w", err)
	}
	return cp, true, nil
}

// extends checks that the chain from the latest checkpoint's row to the
// head h is intact and links up: that row still has the signed hash, and
// every row after it points at the one before. Only the rows since the
// last checkpoint are read; the first checkpoint verifies the whole chain.
func (c *Checkpointer) extends(ctx context.Context, latest *Checkpoint, h head) error {
	if latest == nil {
		_, p, err := Verify(ctx, c.store)
		if err != nil {
			return err
		}
		if p != nil {
			return p
		}
		return nil
	}
	if h.LastSeq < latest.Seq {
		return fmt.Errorf("the chain head is at row %d, behind checkpoint %s (row %d): rows were deleted and the head moved back", h.LastSeq, latest.File, latest.Seq)
	}
	db := c.store.DB.WithContext(ctx)
	var anchor Row
	if err := db.Where("seq = ?", latest.Seq).Limit(1).Find(&anchor).Error; err != nil {
		return err
	}
	if anchor.Seq != latest.Seq || !bytes.Equal(anchor.Hash, latest.Hash) {
		return fmt.Errorf("row %d no longer has the hash signed in checkpoint %s: the log was rewritten", latest.Seq, latest.File)
	}
	rows, err := db.Model(&Row{}).Where("seq > ? AND seq <= ?", latest.Seq, h.LastSeq).Order("seq").Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	prev, expect := anchor.Hash, latest.Seq+1
	for rows.Next() {
		var r Row
		if err := db.ScanRows(rows, &r); err != nil {
			return err
		}
		if p := linkProblem(r, expect, prev); p != nil {
			return p
		}
		prev = r.Hash
		expect++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if expect-1 != h.LastSeq || !bytes.Equal(prev, h.LastHash) {
		return fmt.Errorf("the chain head (row %d) does not match the log, which ends at row %d", h.LastSeq, expect-1)
	}
	return nil
}

// writeFileAtomic writes data to name so that a reader (or a crash) sees
// either the whole file or none: a temporary file in the same directory,
// synced, renamed over name, and the directory synced so the rename
// itself survives a power cut.
func writeFileAtomic(name string, data []byte) error {
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+strings.TrimSuffix(filepath.Base(name), ".json")+"-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	// Checkpoints are not secret: readable by whoever runs audit verify.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
