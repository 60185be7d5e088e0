package scoping

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
)

// Run is one computation of a case's affected persons.
//
// An order counts when it lies inside a window (windows are kept to the
// minute, and both the start minute and the whole end minute are in it:
// "to 18:40" takes an order at 18:40:59)
// and on one of the window's paths (any path when the window names none)
// and either was paid by card or does not say how it was paid (payment
// method empty: a card payment cannot be excluded, and an empty method is
// taken to be on any path). A person is CONFIRMED when one of its orders
// was paid by card on a named path (or any path) inside a confirmed
// window. PersonsUpperBound counts every person with at least one order
// that counts: the confirmed ones, those whose card orders lie only in
// suspected windows, and those whose orders in a window do not say how
// they were paid (or, in a window naming paths, by card on which path).
// Persons are merged from the orders that count only; OrdersUnknown
// counts the orders that do not say how they were paid.
type Run struct {
	ID                int64         `json:"id"`
	OrganisationID    int64         `json:"organisation_id"`
	CaseID            int64         `json:"case_id"`
	WindowVersion     int           `json:"window_version"`
	OrdersMatched     int64         `json:"orders_matched"`
	OrdersUnknown     int64         `json:"orders_unknown"`
	PersonsConfirmed  int64         `json:"persons_confirmed"`
	PersonsUpperBound int64         `json:"persons_upper_bound"`
	ByWindow          []WindowCount `json:"by_window" gorm:"serializer:json"`
	ByBrand           []BrandCount  `json:"by_brand" gorm:"serializer:json"`
	ByItem            []ItemCount   `json:"by_item" gorm:"serializer:json"`
	DurationMS        int64         `json:"duration_ms"`
	CreatedBy         *int64        `json:"created_by"`
	CreatedAt         time.Time     `json:"created_at"`
	AppliedAt         *time.Time    `json:"applied_at"`
	AppliedBy         *int64        `json:"applied_by"`
	AppliedResult     *Applied      `json:"applied_result" gorm:"serializer:json"`
	// Status is queued, running, done or failed; only a done run has
	// persons, a diff and can be applied. Error says why a run failed.
	Status     string     `json:"status"`
	Error      string     `json:"error"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

// Run statuses.
const (
	StatusQueued  = "queued"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// Done reports whether the run was computed: only then has it persons, a
// diff, and can it be applied.
func (r Run) Done() bool { return r.Status == StatusDone }

// Pending reports whether the run waits for or is in its computation.
func (r Run) Pending() bool { return r.Status == StatusQueued || r.Status == StatusRunning }

// TableName is the runs table.
func (Run) TableName() string { return "scope_runs" }

// WindowCount is what one window of the run holds.
type WindowCount struct {
	No        int   `json:"no"`
	Orders    int64 `json:"orders"`
	Persons   int64 `json:"persons"`
	Confirmed int64 `json:"confirmed"`
}

// BrandCount counts the persons (each once per brand) and orders of one
// card brand; Brand "" is the orders that name none.
type BrandCount struct {
	Brand   string `json:"brand"`
	Persons int64  `json:"persons"`
	Orders  int64  `json:"orders"`
}

// ItemCount counts the persons whose windows captured one data item.
type ItemCount struct {
	Item      string `json:"item"`
	Persons   int64  `json:"persons"`
	Confirmed int64  `json:"confirmed"`
}

// keepRuns is how many runs a case keeps besides the applied one: each
// holds a row per matching order.
const keepRuns = 5

// maxBrands bounds the distinct brands a run tells apart; others count
// under the last.
const maxBrands = 64

// chunk is how many rows one INSERT … unnest carries.
const chunk = 50000

// Scope asks for a new run of the case's affected persons from its
// current windows: the run (status queued, naming the windows' version)
// and its job are stored in one transaction, and a worker computes it
// (Run). A request costs a few rows, whatever the number of orders. A
// case has one run queued or running at a time: a second is refused
// with a conflict naming the first.
func (s *Service) Scope(ctx context.Context, p *auth.Principal, caseID int64) (Run, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Run{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Run{}, err
	}
	var run Run
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := lockCase(ctx, tx, c.ID); err != nil {
			return err
		}
		wv, err := s.currentWindows(tx.DB.WithContext(ctx), c)
		if err != nil {
			return err
		}
		if len(wv.Windows) == 0 {
			return apperr.Invalid("windows", "validation.scoping.no_windows")
		}
		var active Run
		if err := tx.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ? AND status IN ?", c.ID, c.OrganisationID,
			[]string{StatusQueued, StatusRunning}).Limit(1).Find(&active).Error; err != nil {
			return err
		}
		if active.ID != 0 {
			abandoned, err := jobGivenUp(ctx, tx, active.ID)
			if err != nil {
				return err
			}
			if !abandoned {
				return apperr.Conflict("conflict.scoping.run_active", active.ID)
			}
			// River gave up on the run's job without its worker marking
			// the run failed (the last attempt died with its process):
			// the run is failed, and the case free for a new one.
			if err := tx.DB.WithContext(ctx).Model(&Run{}).Where("id = ?", active.ID).Updates(map[string]any{"status": StatusFailed,
				"error": errJobGivenUp.Error(), "finished_at": s.clk.Now()}).Error; err != nil {
				return err
			}
		}
		run = Run{OrganisationID: c.OrganisationID, CaseID: c.ID, WindowVersion: wv.Version, CreatedBy: &p.User.ID, Status: StatusQueued,
			ByWindow: []WindowCount{}, ByBrand: []BrandCount{}, ByItem: []ItemCount{}}
		if err := tx.DB.WithContext(ctx).Omit("applied_at", "applied_by", "applied_result", "started_at", "finished_at").Create(&run).Error; err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, jobs.ScopeRun{RunID: run.ID}, nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "scoping.run_queued", TargetType: "case",
			TargetID: fmt.Sprint(c.ID), Details: map[string]any{"run": run.ID, "window_version": wv.Version}})
	})
	return run, err
}

// errJobGivenUp is the error of a run whose job River discarded.
var errJobGivenUp = errors.New("scoping: the run's job was given up after its last attempt")

// jobGivenUp reports whether the job of run runID will not run again:
// discarded or cancelled by River, or gone.
func jobGivenUp(ctx context.Context, tx *store.Tx, runID int64) (bool, error) {
	var pending int64
	err := tx.DB.WithContext(ctx).Raw(`SELECT count(*) FROM river_job WHERE kind = ? AND args @> jsonb_build_object('run_id', ?::bigint)
		AND state NOT IN ('discarded', 'cancelled', 'completed')`, jobs.ScopeRun{}.Kind(), runID).Scan(&pending).Error
	return pending == 0, err
}

// lockCase serialises the runs of one case: asking for one, and
// computing one, until the transaction ends.
func lockCase(ctx context.Context, tx *store.Tx, caseID int64) error {
	return tx.DB.WithContext(ctx).Exec(`SELECT pg_advisory_xact_lock(hashtextextended('breachdesk.scoping.case.' || ?::bigint::text, 0))`, caseID).Error
}

// pruneRuns deletes the case's runs beyond the newest keepRuns, except the
// one applied last (the diff's reference) and those still in the works.
func pruneRuns(ctx context.Context, tx *store.Tx, caseID int64) error {
	return tx.DB.WithContext(ctx).Exec(`DELETE FROM scope_runs WHERE case_id = ? AND status IN ('done', 'failed') AND id NOT IN (
			SELECT id FROM scope_runs WHERE case_id = ? ORDER BY id DESC LIMIT ?)
		AND id IS DISTINCT FROM (SELECT id FROM scope_runs WHERE case_id = ? AND applied_at IS NOT NULL ORDER BY applied_at DESC, id DESC LIMIT 1)`,
		caseID, caseID, keepRuns, caseID).Error
}

// scoper is one run's computation.
type scoper struct {
	tx      *store.Tx
	ctx     context.Context
	c       cases.Case
	run     *Run
	windows []Window

	// per order, in order-id order
	ids  []int64
	at   []int64 // ordered_at, Unix microseconds
	mask []uint32
	// confMask has the bits of the confirmed windows the order counts
	// in as confirmed (a card payment on the window's path).
	confMask []uint32
	flags    []uint8
	brand    []uint8
	brands   []string // brand index → name
	// keys are the hashes of the run's keys, each with the first order
	// that has it (see scope_person_keys)
	keys []keyRow
}

// keyRow is one key of the run and the first order that has it.
type keyRow struct {
	hash  int64
	order int32
}

// Order flags.
const (
	flagConfirmed = 1 << iota // a card payment in a confirmed window, on its path
	flagUnknown               // the export does not say how it was paid
	flagContact               // has a name or an e-mail address
	flagCard                  // names a card brand or last four digits
	flagMember                // has a customer id
)

// matchSQL selects the orders that count (see Run) with the windows they
// lie in, and numbers each kind of key densely (0: none), so that the
// merge never holds the keys' text.
const matchSQL = `WITH w AS (
	SELECT (t.i - 1)::int AS idx, t.s, t.e, t.conf, string_to_array(t.paths, E'\x1f') AS paths, t.paths = '' AS any_path
	FROM unnest(?::timestamptz[], ?::timestamptz[], ?::bool[], ?::text[]) WITH ORDINALITY AS t(s, e, conf, paths, i)
), m AS (
	SELECT o.id, o.customer_id, o.email_key, o.name_address_key, o.card_brand, o.card_payment, o.ordered_at,
		o.name <> '' OR o.email <> '' AS contact, o.card_brand <> '' OR o.card_last4 <> '' AS card,
		bit_or(1 << w.idx) AS mask,
		bit_or(CASE WHEN w.conf AND o.card_payment AND (w.any_path OR o.payment_method = ANY (w.paths)) THEN 1 << w.idx ELSE 0 END) AS confmask
	FROM orders o JOIN w ON o.ordered_at >= w.s AND o.ordered_at < w.e + interval '1 minute'
		AND (w.any_path OR o.payment_method = ANY (w.paths) OR o.payment_method = '')
	WHERE o.case_id = ? AND o.organisation_id = ? AND (o.card_payment OR o.payment_method = '')
	GROUP BY o.id
)
SELECT id, (extract(epoch FROM ordered_at) * 1000000)::bigint, mask, confmask, NOT card_payment, contact, card, card_brand,
	hashtextextended('c:' || customer_id, 0), hashtextextended('e:' || email_key, 0), hashtextextended('n:' || name_address_key, 0),
	hashtextextended('o:' || id, 0),
	CASE WHEN customer_id = '' THEN 0 ELSE dense_rank() OVER (ORDER BY customer_id COLLATE "C") END,
	CASE WHEN email_key = '' THEN 0 ELSE dense_rank() OVER (ORDER BY email_key COLLATE "C") END,
	CASE WHEN name_address_key = '' THEN 0 ELSE dense_rank() OVER (ORDER BY name_address_key COLLATE "C") END
FROM m ORDER BY id`

// windowArgs are the windows as the arrays matchSQL takes.
func windowArgs(ws []Window) []any {
	var starts, ends []string
	var conf []bool
	var paths []string
	for _, w := range ws {
		starts = append(starts, w.Start.UTC().Format(time.RFC3339Nano))
		ends = append(ends, w.End.UTC().Format(time.RFC3339Nano))
		conf = append(conf, w.Confirmed())
		paths = append(paths, strings.Join(w.Paths, "\x1f"))
	}
	return []any{pq.StringArray(starts), pq.StringArray(ends), pq.BoolArray(conf), pq.StringArray(paths)}
}

// bulk is the transaction for statements that carry large arrays: GORM's
// log would spell them out whenever one is slow.
func (sc *scoper) bulk() *gorm.DB {
	return sc.tx.DB.WithContext(sc.ctx).Session(&gorm.Session{Logger: logger.Discard})
}

func (sc *scoper) compute() error {
	personOf, n, err := sc.merge()
	if err != nil {
		return err
	}
	if err := sc.writeOrders(personOf); err != nil {
		return err
	}
	ps := sc.summarise(personOf, n)
	if err := sc.writePersons(ps); err != nil {
		return err
	}
	sc.count(ps)
	return nil
}

// merge reads the orders that count and merges them into persons: each
// order's person number and the number of persons.
func (sc *scoper) merge() ([]int32, int32, error) {
	m := &merger{}
	brandIdx := map[string]uint8{}
	args := append(windowArgs(sc.windows), sc.c.ID, sc.c.OrganisationID)
	rows, err := sc.bulk().Raw(matchSQL, args...).Rows()
	if err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var id, at, mask, confMask int64
		var unknown, contact, card bool
		var brand sql.RawBytes // valid until the next row: looked up, not kept
		var h [keyKinds + 1]int64
		var r [keyKinds]int32
		if err := rows.Scan(&id, &at, &mask, &confMask, &unknown, &contact, &card, &brand, &h[0], &h[1], &h[2], &h[3], &r[0], &r[1], &r[2]); err != nil {
			rows.Close()
			return nil, 0, err
		}
		b, ok := brandIdx[string(brand)]
		if !ok {
			b = uint8(min(len(sc.brands), maxBrands-1))
			if len(sc.brands) < maxBrands {
				sc.brands = append(sc.brands, string(brand))
			}
			brandIdx[string(brand)] = b
		}
		var f uint8
		for _, x := range []struct {
			on   bool
			flag uint8
		}{{confMask != 0, flagConfirmed}, {unknown, flagUnknown}, {contact, flagContact}, {card, flagCard}, {r[0] > 0, flagMember}} {
			if x.on {
				f |= x.flag
			}
		}
		// A key is written once, with the first order that has it; an
		// order without any key is a person of its own, known by itself.
		order := int32(len(sc.ids))
		firsts := m.add(r)
		for k := range keyKinds {
			if firsts&(1<<k) != 0 {
				sc.keys = append(sc.keys, keyRow{hash: h[k], order: order})
			}
		}
		if r == [keyKinds]int32{} {
			sc.keys = append(sc.keys, keyRow{hash: h[keyKinds], order: order})
		}
		sc.ids, sc.at, sc.mask = append(sc.ids, id), append(sc.at, at), append(sc.mask, uint32(mask))
		sc.confMask = append(sc.confMask, uint32(confMask))
		sc.flags, sc.brand = append(sc.flags, f), append(sc.brand, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	personOf, n := m.persons()
	return personOf, n, nil
}

// personSums is what the run knows of each person (index person_no - 1):
// the windows, brands and status, and the orders its contact (the latest
// naming it), card (the latest naming one, confirmed first) and customer
// id (the latest member order) come from, as order indexes (-1: none).
type personSums struct {
	mask      []uint32
	confMask  []uint32 // the windows the person is confirmed in
	brands    []uint64
	confirmed []bool
	orders    []int32
	rep       []int32
	card      []int32
	member    []int32
}

func (sc *scoper) summarise(personOf []int32, n int32) personSums {
	ps := personSums{mask: make([]uint32, n), confMask: make([]uint32, n), brands: make([]uint64, n), confirmed: make([]bool, n), orders: make([]int32, n),
		rep: make([]int32, n), card: make([]int32, n), member: make([]int32, n)}
	for j := range n {
		ps.rep[j], ps.card[j], ps.member[j] = -1, -1, -1
	}
	// later reports whether order i beats order j (-1: none) among orders
	// ranked first by the flags in prefer, then by time and id.
	later := func(i, j int32, prefer uint8) bool {
		if j < 0 {
			return true
		}
		if a, b := sc.flags[i]&prefer, sc.flags[j]&prefer; a != b {
			return a > b
		}
		if sc.at[i] != sc.at[j] {
			return sc.at[i] > sc.at[j]
		}
		return sc.ids[i] > sc.ids[j]
	}
	for i, p := range personOf {
		j, o := p-1, int32(i)
		ps.mask[j] |= sc.mask[i]
		ps.confMask[j] |= sc.confMask[i]
		ps.brands[j] |= 1 << sc.brand[i]
		ps.confirmed[j] = ps.confirmed[j] || sc.flags[i]&flagConfirmed != 0
		ps.orders[j]++
		if later(o, ps.rep[j], flagContact) {
			ps.rep[j] = o
		}
		if sc.flags[i]&flagCard != 0 && later(o, ps.card[j], flagConfirmed) {
			ps.card[j] = o
		}
		if sc.flags[i]&flagMember != 0 && later(o, ps.member[j], 0) {
			ps.member[j] = o
		}
	}
	return ps
}

// writeOrders stores each order's person and each key's, in chunks.
func (sc *scoper) writeOrders(personOf []int32) error {
	for lo := 0; lo < len(sc.ids); lo += chunk {
		hi := min(lo+chunk, len(sc.ids))
		persons, masks := make(pq.Int64Array, hi-lo), make(pq.Int64Array, hi-lo)
		confirmed, unknown := make(pq.BoolArray, hi-lo), make(pq.BoolArray, hi-lo)
		for i := lo; i < hi; i++ {
			k := i - lo
			persons[k], masks[k] = int64(personOf[i]), int64(sc.mask[i])
			confirmed[k], unknown[k] = sc.flags[i]&flagConfirmed != 0, sc.flags[i]&flagUnknown != 0
		}
		err := sc.bulk().Exec(`INSERT INTO scope_orders (run_id, person_no, order_id, window_mask, confirmed, card_unknown)
			SELECT ?, t.* FROM unnest(?::int[], ?::bigint[], ?::int[], ?::bool[], ?::bool[]) AS t`,
			sc.run.ID, persons, pq.Int64Array(sc.ids[lo:hi]), masks, confirmed, unknown).Error
		if err != nil {
			return err
		}
	}
	for lo := 0; lo < len(sc.keys); lo += chunk {
		hi := min(lo+chunk, len(sc.keys))
		hashes, persons := make(pq.Int64Array, hi-lo), make(pq.Int64Array, hi-lo)
		for i, k := range sc.keys[lo:hi] {
			hashes[i], persons[i] = k.hash, int64(personOf[k.order])
		}
		if err := sc.bulk().Exec(`INSERT INTO scope_person_keys (run_id, key_hash, person_no)
			SELECT ?, t.* FROM unnest(?::bigint[], ?::int[]) AS t`, sc.run.ID, hashes, persons).Error; err != nil {
			return err
		}
	}
	return nil
}

// writePersons stores the persons with what the merge knows (status,
// windows, brands, data items) and what their chosen orders say (contact,
// card, customer id), joined by order id.
func (sc *scoper) writePersons(ps personSums) error {
	n := len(ps.mask)
	id := func(i int32) int64 {
		if i < 0 {
			return 0
		}
		return sc.ids[i]
	}
	// Brands and data items go as the number of their set among the few
	// distinct sets (bits → set), so that the large arrays hold numbers
	// only.
	sets, setNo := pq.StringArray{}, map[uint64]int64{}
	set := func(key uint64, words []string) int64 {
		no, ok := setNo[key]
		if !ok {
			sets = append(sets, arrayText(words))
			no = int64(len(sets))
			setNo[key] = no
		}
		return no
	}
	brandSets, itemSets := make([]int64, n), make([]int64, n)
	for i := range n {
		brandSets[i] = set(ps.brands[i]<<1, sc.brandNames(ps.brands[i]))
		itemSets[i] = set(uint64(ps.mask[i])<<1|1, sc.items(ps.mask[i]))
	}
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		nos, masks, counts := make(pq.Int64Array, hi-lo), make(pq.Int64Array, hi-lo), make(pq.Int64Array, hi-lo)
		reps, cards, members := make(pq.Int64Array, hi-lo), make(pq.Int64Array, hi-lo), make(pq.Int64Array, hi-lo)
		confirmed := make(pq.BoolArray, hi-lo)
		for i := lo; i < hi; i++ {
			k := i - lo
			nos[k], masks[k], counts[k] = int64(i+1), int64(ps.mask[i]), int64(ps.orders[i])
			reps[k], cards[k], members[k] = id(ps.rep[i]), id(ps.card[i]), id(ps.member[i])
			confirmed[k] = ps.confirmed[i]
		}
		// The person's key is one of its keys, the strongest its orders
		// give: the member id, else the contact order's e-mail key, name
		// and address key, or the order itself.
		err := sc.bulk().Exec(`INSERT INTO scope_persons (run_id, person_no, status, key, customer_id, name, name_kana, email, phone,
				postal_code, address, card_brand, card_last4, brands, data_items, window_mask, orders)
			SELECT ?, t.no, CASE WHEN t.conf THEN 'confirmed' ELSE 'possible' END,
				CASE WHEN c.id IS NOT NULL THEN 'c:' || c.customer_id WHEN r.email_key <> '' THEN 'e:' || r.email_key
					WHEN r.name_address_key <> '' THEN 'n:' || r.name_address_key ELSE 'o:' || r.id END,
				COALESCE(c.customer_id, ''), r.name, r.name_kana, r.email_key, r.phone, r.postal_code, r.address,
				COALESCE(cd.card_brand, ''), COALESCE(cd.card_last4, ''), s.sets[t.b]::text[], s.sets[t.i]::text[], t.m, t.n
			FROM (SELECT ?::text[] AS sets) s,
				unnest(?::int[], ?::bool[], ?::int[], ?::int[], ?::int[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[])
				AS t(no, conf, m, n, b, i, rep, card, member)
			JOIN orders r ON r.id = t.rep AND r.case_id = ? AND r.organisation_id = ?
			LEFT JOIN orders cd ON cd.id = t.card AND cd.case_id = r.case_id
			LEFT JOIN orders c ON c.id = t.member AND c.case_id = r.case_id`,
			sc.run.ID, sets, nos, confirmed, masks, counts, pq.Int64Array(brandSets[lo:hi]), pq.Int64Array(itemSets[lo:hi]),
			reps, cards, members, sc.c.ID, sc.c.OrganisationID).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// brandNames are the names of the brands in set, the unnamed one left out.
func (sc *scoper) brandNames(set uint64) []string {
	var out []string
	for set != 0 {
		b := bits.TrailingZeros64(set)
		set &^= 1 << b
		if sc.brands[b] != "" {
			out = append(out, sc.brands[b])
		}
	}
	return out
}

// items are the data items of the windows in mask, in vocabulary order.
func (sc *scoper) items(mask uint32) []string {
	var out []string
	for i, w := range sc.windows {
		if mask&(1<<i) == 0 {
			continue
		}
		for _, it := range w.DataItems {
			if !slices.Contains(out, string(it)) {
				out = append(out, string(it))
			}
		}
	}
	return out
}

// arrayText writes a text[] literal of words without quotes or commas
// (brands and data items are such words; others are quoted).
func arrayText(xs []string) string {
	if len(xs) == 0 {
		return "{}"
	}
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(x) + `"`
	}
	return "{" + strings.Join(q, ",") + "}"
}

// count fills the run's counts from what the merge knows.
func (sc *scoper) count(ps personSums) {
	r := sc.run
	r.OrdersMatched = int64(len(sc.ids))
	r.ByWindow = make([]WindowCount, len(sc.windows))
	for i, w := range sc.windows {
		r.ByWindow[i].No = w.No
	}
	brandOrders := make([]int64, len(sc.brands))
	for i := range sc.ids {
		if sc.flags[i]&flagUnknown != 0 {
			r.OrdersUnknown++
		}
		brandOrders[sc.brand[i]]++
		for m := sc.mask[i]; m != 0; m &= m - 1 {
			r.ByWindow[bits.TrailingZeros32(m)].Orders++
		}
	}
	brandPersons := make([]int64, len(sc.brands))
	items := map[string]*ItemCount{}
	var itemOrder []string
	for j := range ps.mask {
		r.PersonsUpperBound++
		if ps.confirmed[j] {
			r.PersonsConfirmed++
		}
		for m := ps.mask[j]; m != 0; m &= m - 1 {
			w := &r.ByWindow[bits.TrailingZeros32(m)]
			w.Persons++
			if ps.confMask[j]&(m&-m) != 0 {
				w.Confirmed++ // confirmed in this window, not through another
			}
		}
		for set := ps.brands[j]; set != 0; set &= set - 1 {
			brandPersons[bits.TrailingZeros64(set)]++
		}
		confItems := sc.items(ps.confMask[j])
		for _, it := range sc.items(ps.mask[j]) {
			ic := items[it]
			if ic == nil {
				ic = &ItemCount{Item: it}
				items[it] = ic
				itemOrder = append(itemOrder, it)
			}
			ic.Persons++
			if slices.Contains(confItems, it) {
				ic.Confirmed++ // captured by a window the person is confirmed in
			}
		}
	}
	r.ByBrand = []BrandCount{}
	for i, b := range sc.brands {
		r.ByBrand = append(r.ByBrand, BrandCount{Brand: b, Persons: brandPersons[i], Orders: brandOrders[i]})
	}
	sortBrands(r.ByBrand)
	r.ByItem = []ItemCount{}
	for _, it := range sortedItems(itemOrder) {
		r.ByItem = append(r.ByItem, *items[it])
	}
}
