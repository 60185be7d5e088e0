package jobs

import (
	"time"

	"github.com/riverqueue/river"
)

// ImportOrders loads one uploaded order export into the orders of its
// case. The file stays in the database (order_import_files), already
// masked: the job carries only the import's id.
type ImportOrders struct {
	ImportID int64 `json:"import_id"`
}

// Kind is the River job kind.
func (ImportOrders) Kind() string { return "import_orders" }

// InsertOpts: one job per import; a retry resumes after the last committed
// chunk. Attempts cut short by a crash or a timeout count too, hence ten.
func (ImportOrders) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ImportOrdersTimeout bounds one attempt, below River's rescue of stuck
// jobs (see ImportPeopleTimeout).
const ImportOrdersTimeout = 10 * time.Minute
