// Package audit keeps the append-only, hash-chained audit log: every state
// change and every export writes one row carrying the SHA-256 of the row
// before it, so that editing or deleting a row is detectable.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
)

// Actor is who performs an action: a user (with the client address) or
// the system itself (jobs, the CLI).
type Actor struct {
	UserID int64
	Label  string // e-mail of the user, or "system", "cli"
	IP     string
}

type actorKey struct{}

// WithActor returns a context that records a as the actor of audit rows.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor stored in ctx, or the system actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Label: "system"}
}

// Entry is what a service says about one state change or export.
type Entry struct {
	OrganisationID int64 // 0 for platform-level actions
	Action         string
	TargetType     string
	TargetID       string
	Details        map[string]any
}

// Row is one stored audit row.
type Row struct {
	Seq            int64 `gorm:"primaryKey;autoIncrement:false"`
	OccurredAt     time.Time
	ActorUserID    *int64
	Actor          string
	OrganisationID *int64
	Action         string
	TargetType     string
	TargetID       string
	IP             string
	Details        string
	PrevHash       []byte
	Hash           []byte
}

// TableName is the audit table.
func (Row) TableName() string { return "audit_log" }

type head struct {
	ID       int `gorm:"primaryKey"`
	LastSeq  int64
	LastHash []byte
}

func (head) TableName() string { return "audit_head" }

// Record appends one row in tx. Rows are serialised by a lock on the chain
// head, so concurrent writers never fork the chain.
func Record(ctx context.Context, tx *store.Tx, e Entry) error {
	if e.Action == "" {
		return fmt.Errorf("audit: empty action")
	}
	var h head
	if err := tx.DB.WithContext(ctx).Raw(`SELECT id, last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE`).Scan(&h).Error; err != nil {
		return fmt.Errorf("audit: lock head: %w", err)
	}
	if h.ID != 1 {
		return fmt.Errorf("audit: chain head missing")
	}
	details := "{}"
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details) // map keys are sorted: stable bytes
		if err != nil {
			return fmt.Errorf("audit: details: %w", err)
		}
		details = string(b)
	}
	a := ActorFrom(ctx)
	// Masked before hashing: the store's guard would mask on insert, and
	// the row must hash as it is stored.
	text := func(s string) string {
		s, _ = pan.Mask(s)
		return s
	}
	r := Row{
		Seq:        h.LastSeq + 1,
		OccurredAt: tx.Now().Truncate(time.Microsecond),
		Actor:      text(a.Label),
		Action:     text(e.Action),
		TargetType: text(e.TargetType),
		TargetID:   text(e.TargetID),
		IP:         text(a.IP),
		Details:    text(details),
		PrevHash:   h.LastHash,
	}
	if a.UserID != 0 {
		id := a.UserID
		r.ActorUserID = &id
	}
	if e.OrganisationID != 0 {
		id := e.OrganisationID
		r.OrganisationID = &id
	}
	r.Hash = r.ComputeHash()
	if err := tx.DB.WithContext(ctx).Create(&r).Error; err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	return tx.DB.WithContext(ctx).Exec(`UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1`, r.Seq, r.Hash).Error
}

// ComputeHash is SHA-256 over the row's fields and the previous row's hash.
// Each field is length-prefixed so that no two different rows serialise to
// the same bytes.
func (r Row) ComputeHash() []byte {
	var b strings.Builder
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte('|')
	}
	field(strconv.FormatInt(r.Seq, 10))
	field(r.OccurredAt.UTC().Format(time.RFC3339Nano))
	field(optInt(r.ActorUserID))
	field(r.Actor)
	field(optInt(r.OrganisationID))
	field(r.Action)
	field(r.TargetType)
	field(r.TargetID)
	field(r.IP)
	field(r.Details)
	field(hex.EncodeToString(r.PrevHash))
	sum := sha256.Sum256([]byte(b.String()))
	return sum[:]
}

func optInt(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}
