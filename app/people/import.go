package people

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// DefaultMaxBytes bounds one uploaded file (before decoding).
const DefaultMaxBytes int64 = 512 << 20

// defaultChunkRows is how many rows one transaction of the import job
// takes: large enough for COPY to pay off, small enough that a retry
// repeats little and progress shows.
const defaultChunkRows = 50_000

// Service imports and lists the affected persons of cases.
type Service struct {
	st        *store.Store
	cases     *cases.Service
	maxBytes  int64
	chunkRows int
	memSpill  int // masked upload bytes kept in memory before a temp file
	now       func() time.Time

	afterChunk func() error // tests: simulate a crash between chunks
}

// NewService returns the people service. Every argument is required.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service) *Service {
	if st == nil || clk == nil || cs == nil {
		panic("people.NewService: the store, clock and case service are required")
	}
	return &Service{st: st, cases: cs, maxBytes: DefaultMaxBytes, chunkRows: defaultChunkRows, memSpill: 16 << 20,
		now: clk.Now}
}

// MaxBytes is the upload limit, for forms to show.
func (s *Service) MaxBytes() int64 { return s.maxBytes }

// Options are the user's choices for one import.
type Options struct {
	// Mode is ModePartial (the default) or ModeAllOrNothing.
	Mode string `json:"mode"`
	// Mapping maps column headers to field names (see Fields), overriding
	// the detection by common column names.
	Mapping map[string]string `json:"mapping"`
}

// Start accepts an uploaded CSV for a case: the body is read once, as a
// stream. Its encoding is detected, every cell passes the PAN guard, and
// the masked file is stored as UTF-8 with the import (status queued) and
// its job, in one transaction. A file that cannot be read as CSV, has no
// rows or no name/e-mail column is refused at once (ValidationError on
// "file", "mode" or "mapping.<header>"); row-level problems are the job's
// to report.
func (s *Service) Start(ctx context.Context, p *auth.Principal, caseID int64, filename string, r io.Reader, opts Options) (Import, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Import{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Import{}, err
	}
	if opts.Mode == "" {
		opts.Mode = ModePartial
	}
	if !slices.Contains(Modes, opts.Mode) {
		return Import{}, apperr.Invalid("mode", "validation.either", ModePartial, ModeAllOrNothing)
	}
	if r == nil {
		return Import{}, apperr.Invalid("file", "validation.required")
	}
	up, err := s.readUpload(r, opts.Mapping)
	if err != nil {
		return Import{}, err
	}
	defer up.close()
	imp := Import{OrganisationID: c.OrganisationID, CaseID: c.ID, Filename: sanitiseFilename(filename), Encoding: up.encoding,
		Mode: opts.Mode, Mapping: up.mapping, Status: StatusQueued, RowsTotal: up.rows, PansMasked: up.masked,
		Errors: []RowError{}, CreatedBy: &p.User.ID}
	imp.countCardData()
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Create(&imp).Error; err != nil {
			return err
		}
		if err := up.store(ctx, tx.SQLTx(), imp.ID); err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, jobs.ImportPeople{ImportID: imp.ID}, nil); err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, imp.OrganisationID, imp.CaseID, "people.import", "timeline.import_uploaded", imp.Filename, imp.RowsTotal, imp.PansMasked, imp.CardDataColumns); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: imp.OrganisationID, Action: "people.import", TargetType: "import", TargetID: fmt.Sprint(imp.ID),
			Details: map[string]any{"case_id": imp.CaseID, "filename": imp.Filename, "encoding": imp.Encoding, "mode": imp.Mode,
				"rows": imp.RowsTotal, "masked_card_numbers": imp.PansMasked}})
	})
	if err != nil {
		return Import{}, safeErr("start import", err)
	}
	return imp, nil
}

// Get returns one import of the principal's organisation.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Import, error) {
	var imp Import
	if p.OrgID() == 0 {
		return imp, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&imp).Error
	if store.IsNotFound(err) {
		return imp, apperr.ErrNotFound
	}
	return imp, err
}

// List returns a case's imports, newest first.
func (s *Service) List(ctx context.Context, p *auth.Principal, caseID int64) ([]Import, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, err
	}
	out := []Import{}
	err := s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", caseID, p.OrgID()).
		Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// errCheckpoint means another attempt of the same import moved on while
// this one worked: this attempt stops, the other carries on.
var errCheckpoint = errors.New("people: the import's checkpoint moved; another attempt is running")
