package jobs

import (
	"time"

	"github.com/riverqueue/river"
)

// ImportPeople loads one uploaded affected-person CSV into the people of
// its case. The file itself stays in the database (import_files), already
// masked: the job carries only the import's id.
type ImportPeople struct {
	ImportID int64 `json:"import_id"`
}

// Kind is the River job kind.
func (ImportPeople) Kind() string { return "import_people" }

// InsertOpts: one job per import; a retry resumes after the last committed
// chunk, so a few attempts are enough.
func (ImportPeople) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ImportPeopleTimeout bounds one attempt: a million rows take minutes, far
// more than the default job timeout; a timed-out attempt resumes anyway.
const ImportPeopleTimeout = time.Hour
