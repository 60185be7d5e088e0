package jobs

import (
	"time"

	"github.com/riverqueue/river"
)

// ScopeRun computes one queued scope run (scoping.Service.Run). The job
// carries only the run's id: the run names its case and window version.
type ScopeRun struct {
	RunID int64 `json:"run_id"`
}

// Kind is the River job kind.
func (ScopeRun) Kind() string { return "scope_run" }

// InsertOpts: one job per run. A retry starts the run over (its attempt
// is one transaction), so a few attempts cover a crash or a restart
// without repeating a computation that fails every time for long.
func (ScopeRun) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ScopeRunTimeout bounds one attempt: a million orders take well under
// a minute; it stays below River's rescue of stuck jobs.
const ScopeRunTimeout = 10 * time.Minute
