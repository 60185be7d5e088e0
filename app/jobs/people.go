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
// chunk. Attempts cut short by a crash or a timeout count too, hence ten.
func (ImportPeople) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ImportPeopleTimeout bounds one attempt. It stays below the time after
// which River rescues a job whose worker died (15 min by default), or a
// long attempt would be started twice; a million rows take about a
// minute, and a timed-out attempt resumes after its last committed chunk.
const ImportPeopleTimeout = 10 * time.Minute
