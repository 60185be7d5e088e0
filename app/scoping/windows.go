package scoping

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Bounds of a case's windows: the merge keeps one bit per window for
// every order, and a form of more paths than this is a mistake.
const (
	MaxWindows  = 20
	MaxPaths    = 20
	maxPathLen  = 200
	maxNoteLen  = 2000
	maxVersions = 1000
)

// Sources say where a window comes from.
var Sources = []string{"pfi_report", "internal_analysis", "other"}

// Confidences say how sure the window is: persons of a confirmed window
// are counted as affected, those only in suspected windows in the upper
// bound.
var Confidences = []string{ConfidenceConfirmed, ConfidenceSuspected}

// The confidences.
const (
	ConfidenceConfirmed = "confirmed"
	ConfidenceSuspected = "suspected"
)

// Window is one exposure window: card data entered on Paths between Start
// and End (both included) could be captured.
type Window struct {
	// No names the window within its case; it stays when the window is
	// edited and is never reused.
	No    int       `json:"no"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Paths are payment-method values as the order export writes them;
	// empty means every card payment.
	Paths      []string               `json:"paths"`
	DataItems  []obligations.DataItem `json:"data_items"`
	Source     string                 `json:"source"`
	Confidence string                 `json:"confidence"`
	Note       string                 `json:"note"`
}

// Confirmed reports whether the window's persons count as affected.
func (w Window) Confirmed() bool { return w.Confidence == ConfidenceConfirmed }

// WindowVersion is one version of a case's set of windows.
type WindowVersion struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisation_id"`
	CaseID         int64     `json:"case_id"`
	Version        int       `json:"version"`
	Windows        []Window  `json:"windows" gorm:"serializer:json"`
	Change         string    `json:"change"`
	WindowNo       int       `json:"window_no"`
	CreatedBy      *int64    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// TableName is the versions table.
func (WindowVersion) TableName() string { return "exposure_window_versions" }

// check validates w and cleans its text; errors name the field.
func (w *Window) check() error {
	v := &apperr.ValidationError{}
	if w.Start.IsZero() {
		v.Add("start", "validation.required")
	}
	if w.End.IsZero() {
		v.Add("end", "validation.required")
	}
	if !w.Start.IsZero() && !w.End.IsZero() && !w.End.After(w.Start) {
		v.Add("end", "validation.scoping.end_after_start")
	}
	for _, t := range []struct {
		f string
		t time.Time
	}{{"start", w.Start}, {"end", w.End}} {
		if !t.t.IsZero() && (t.t.Year() < 2000 || t.t.Year() > 2100) {
			v.Add(t.f, "validation.scoping.year_range")
		}
	}
	// Investigators report windows to the minute; the end minute is
	// taken whole when scoping (see Run).
	w.Start, w.End = w.Start.UTC().Truncate(time.Minute), w.End.UTC().Truncate(time.Minute)
	var paths []string
	for _, p := range w.Paths {
		// The orders keep their payment methods in NFKC (app/orders); a
		// path copied from a PFI report in full-width forms must match.
		p = strings.TrimSpace(norm.NFKC.String(p))
		if p == "" || slices.Contains(paths, p) {
			continue
		}
		if utf8.RuneCountInString(p) > maxPathLen {
			v.Add("paths", "validation.max_chars", maxPathLen)
		}
		p, _ = pan.Mask(p)
		paths = append(paths, p)
	}
	if len(paths) > MaxPaths {
		v.Add("paths", "validation.scoping.max_paths", MaxPaths)
	}
	w.Paths = paths
	if w.Paths == nil {
		w.Paths = []string{}
	}
	var items []obligations.DataItem
	for _, it := range w.DataItems {
		if !it.Known() {
			v.Add("data_items", "validation.scoping.unknown_item", string(it))
		} else if !slices.Contains(items, it) {
			items = append(items, it)
		}
	}
	if len(items) == 0 && len(w.DataItems) == 0 {
		v.Add("data_items", "validation.required")
	}
	w.DataItems = items
	if !slices.Contains(Sources, w.Source) {
		v.Add("source", "validation.scoping.source")
	}
	if !slices.Contains(Confidences, w.Confidence) {
		v.Add("confidence", "validation.scoping.confidence")
	}
	w.Note = strings.TrimSpace(w.Note)
	if utf8.RuneCountInString(w.Note) > maxNoteLen {
		v.Add("note", "validation.max_chars", maxNoteLen)
	}
	w.Note, _ = pan.Mask(w.Note)
	return v.OrNil()
}

// Windows returns the case's current windows and their version (0 and
// none before the first).
func (s *Service) Windows(ctx context.Context, p *auth.Principal, caseID int64) (WindowVersion, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return WindowVersion{}, err
	}
	return s.currentWindows(s.st.DB.WithContext(ctx), c)
}

func (s *Service) currentWindows(db *gorm.DB, c cases.Case) (WindowVersion, error) {
	var v WindowVersion
	err := db.Where("case_id = ? AND organisation_id = ?", c.ID, c.OrganisationID).Order("version DESC").Limit(1).Find(&v).Error
	if v.Windows == nil {
		v.Windows = []Window{}
	}
	return v, err
}

// WindowVersions lists every version of the case's windows, newest first.
func (s *Service) WindowVersions(ctx context.Context, p *auth.Principal, caseID int64) ([]WindowVersion, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	out := []WindowVersion{}
	err = s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", c.ID, c.OrganisationID).
		Order("version DESC").Limit(maxVersions).Find(&out).Error
	return out, err
}

// SaveWindow adds w (No 0) or replaces the window numbered w.No, as the
// next version of the case's windows. base is the version the caller
// edited: a change made meanwhile by someone else is a conflict, not
// silently overwritten.
func (s *Service) SaveWindow(ctx context.Context, p *auth.Principal, caseID int64, base int, w Window) (WindowVersion, error) {
	if err := w.check(); err != nil {
		return WindowVersion{}, err
	}
	return s.changeWindows(ctx, p, caseID, base, func(ws []Window) ([]Window, string, int, error) {
		if w.No == 0 {
			if len(ws) >= MaxWindows {
				return nil, "", 0, apperr.Invalid("windows", "validation.scoping.max_windows", MaxWindows)
			}
			return append(ws, w), "added", 0, nil
		}
		i := slices.IndexFunc(ws, func(x Window) bool { return x.No == w.No })
		if i < 0 {
			return nil, "", 0, apperr.ErrNotFound
		}
		ws[i] = w
		return ws, "edited", w.No, nil
	})
}

// RemoveWindow removes the window numbered no, as the next version.
func (s *Service) RemoveWindow(ctx context.Context, p *auth.Principal, caseID int64, base, no int) (WindowVersion, error) {
	return s.changeWindows(ctx, p, caseID, base, func(ws []Window) ([]Window, string, int, error) {
		i := slices.IndexFunc(ws, func(x Window) bool { return x.No == no })
		if i < 0 {
			return nil, "", 0, apperr.ErrNotFound
		}
		return slices.Delete(ws, i, i+1), "removed", no, nil
	})
}

// changeWindows stores the next version of the case's windows, made by
// change from the current ones, with its timeline entry and audit row.
// change returns the new set, what it did and the window's number (0 for
// a new window, which gets the next free number).
func (s *Service) changeWindows(ctx context.Context, p *auth.Principal, caseID int64, base int,
	change func([]Window) ([]Window, string, int, error)) (WindowVersion, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return WindowVersion{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return WindowVersion{}, err
	}
	var next WindowVersion
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		// The case's lock serialises changes: each gets its own version.
		if err := cases.LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		cur, err := s.currentWindows(tx.DB.WithContext(ctx), c)
		if err != nil {
			return err
		}
		if cur.Version != base {
			return apperr.Conflict("conflict.scoping.windows_changed", cur.Version)
		}
		if cur.Version >= maxVersions {
			return apperr.Invalid("windows", "validation.scoping.max_versions", maxVersions)
		}
		ws, what, no, err := change(slices.Clone(cur.Windows))
		if err != nil {
			return err
		}
		if no == 0 {
			if no, err = nextNo(ctx, tx, c.ID); err != nil {
				return err
			}
			ws[len(ws)-1].No = no
		}
		next = WindowVersion{OrganisationID: c.OrganisationID, CaseID: c.ID, Version: cur.Version + 1, Windows: ws,
			Change: what, WindowNo: no, CreatedBy: &p.User.ID}
		if err := tx.DB.Create(&next).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, windowAction(what), "timeline."+windowAction(what), no, next.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: windowAction(what), TargetType: "case",
			TargetID: fmt.Sprint(c.ID), Details: map[string]any{"window": no, "version": next.Version}})
	})
	return next, err
}

// windowAction is the action code of a change of the windows.
func windowAction(what string) string {
	switch what {
	case "added":
		return "scoping.window_added"
	case "edited":
		return "scoping.window_edited"
	}
	return "scoping.window_removed"
}

// nextNo is one more than any window number the case has ever used, so
// that a removed window's number is not given to another.
func nextNo(ctx context.Context, tx *store.Tx, caseID int64) (int, error) {
	var no int
	err := tx.DB.WithContext(ctx).Raw(`SELECT COALESCE(max(w.no), 0) + 1 FROM exposure_window_versions v,
		jsonb_to_recordset(v.windows) AS w(no int) WHERE v.case_id = ?`, caseID).Scan(&no).Error
	return max(no, 1), err
}
