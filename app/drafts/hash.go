package drafts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/documents"
)

// ErrChanged refuses an approval whose content hash is not the
// document's: legal approves exactly the content they were shown.
var ErrChanged = fmt.Errorf("%w: the document changed since you loaded it; review the current version and approve it again", apperr.ErrConflict)

// contentV1 is the canonical form of everything a document's PDF is
// rendered from, and so of what legal approves.
type contentV1 struct {
	Format          string            `json:"format"`
	DocumentID      int64             `json:"document_id"`
	CaseID          int64             `json:"case_id"`
	Kind            string            `json:"kind"`
	Lang            string            `json:"lang"`
	Version         int               `json:"version"`
	TemplateVersion string            `json:"template_version"`
	Fields          map[string]string `json:"fields"` // encoded with sorted keys
	Composed        string            `json:"composed"`
	Title           string            `json:"title"`
	Organisation    string            `json:"organisation"`
	Reference       string            `json:"reference"`
	RenderedAt      string            `json:"rendered_at"`
}

// ContentHash is the SHA-256 (hex) of the document's content as stored:
// its identity and version, template version, fields, the composed text
// the PDF is rendered from and the PDF's header. It is "" for a document
// not rendered yet. An approval must name it.
func (d Document) ContentHash() string {
	if d.RenderedAt == nil {
		return ""
	}
	ki, _ := documents.Info(documents.DocKind(d.Kind))
	c := contentV1{Format: "breachdesk/document/1", DocumentID: d.ID, CaseID: d.CaseID, Kind: d.Kind, Lang: d.Lang, Version: d.Version,
		TemplateVersion: d.TemplateVersion, Fields: d.FieldMap(), Composed: d.Composed, Title: ki.Title.In(d.Lang),
		Organisation: d.PDFOrganisation, Reference: d.PDFReference, RenderedAt: d.RenderedAt.UTC().Format(time.RFC3339Nano)}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // strings and ints only
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// checkContent reports whether the stored row still is the content it
// was rendered as.
func (d Document) checkContent() error {
	if d.ContentSHA256 != nil && *d.ContentSHA256 != d.ContentHash() {
		return &apperr.Error{Kind: ErrChanged, Code: "conflict.document_changed", Details: map[string]any{"version": d.Version}}
	}
	return nil
}
