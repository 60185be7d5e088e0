package store_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// probe is a model with every shape of text a real one has.
type probe struct {
	ID     int64
	Note   string
	Title  string `pan:"refuse"`
	Secret string `pan:"-"`
	Maybe  *string
	Tags   pq.StringArray    `gorm:"type:text[]"`
	Extra  map[string]string `gorm:"serializer:json;type:jsonb"`
	Items  []probeItem       `gorm:"serializer:json;type:jsonb"`
	Doc    json.RawMessage   `gorm:"type:jsonb"`
	At     *time.Time
}

type probeItem struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

func (probe) TableName() string { return "guard_probe" }

const card = "4111 1111 1111 1111"

func probeStore(t *testing.T) *store.Store {
	t.Helper()
	st := storetest.New(t, clocktest.New(t))
	if err := st.DB.Exec(`CREATE TABLE guard_probe (id bigserial PRIMARY KEY, note text NOT NULL DEFAULT '', title text NOT NULL DEFAULT '',
		secret text NOT NULL DEFAULT '', maybe text, tags text[], extra jsonb, items jsonb, doc jsonb, at timestamptz)`).Error; err != nil {
		t.Fatal(err)
	}
	return st
}

func stored(t *testing.T, st *store.Store, id int64) string {
	t.Helper()
	var row string
	if err := st.DB.Raw(`SELECT row_to_json(p)::text FROM guard_probe p WHERE id = ?`, id).Scan(&row).Error; err != nil {
		t.Fatal(err)
	}
	return row
}

// Every string a model writes is masked on its way in, whatever its shape;
// the exempt field is kept as it is.
func TestGuardMasksEveryTextOfAModel(t *testing.T) {
	t.Parallel()
	st := probeStore(t)
	maybe := "pointer " + card
	p := probe{Note: "note " + card, Title: "plain title", Secret: "4111111111111111", Maybe: &maybe,
		Tags: pq.StringArray{"tag " + card}, Extra: map[string]string{"key 4111111111111111": "value " + card},
		Items: []probeItem{{Label: "item " + card, N: 1}}, Doc: json.RawMessage(`{"a":["` + card + `"],"b":{"` + card + `":1}}`)}
	if err := st.DB.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	row := stored(t, st, p.ID)
	if n := strings.Count(row, "[visa ****1111]"); n != 8 {
		t.Fatalf("%d masked values stored, want 8: %s", n, row)
	}
	if !strings.Contains(row, `"secret":"4111111111111111"`) || strings.Contains(strings.ReplaceAll(row, `"secret":"4111111111111111"`, ""), "4111111111111111") {
		t.Fatalf("stored: %s", row)
	}
	if p.Note != "note [visa ****1111]" || *p.Maybe != "pointer [visa ****1111]" {
		t.Fatalf("the model in memory was not masked: %+v", p)
	}
}

// Updates by struct, by map and by column are guarded too, and so are the
// arguments of raw statements.
func TestGuardMasksUpdatesAndRawArguments(t *testing.T) {
	t.Parallel()
	st := probeStore(t)
	p := probe{Note: "first"}
	if err := st.DB.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	writes := []func() error{
		func() error { return st.DB.Model(&p).Update("note", "column "+card).Error },
		func() error {
			return st.DB.Model(&probe{}).Where("id = ?", p.ID).Updates(map[string]any{"maybe": "map " + card}).Error
		},
		func() error { return st.DB.Model(&p).Updates(probe{Tags: pq.StringArray{"struct " + card}}).Error },
		func() error {
			return st.DB.Exec(`UPDATE guard_probe SET extra = jsonb_build_object('raw', ?::text) WHERE id = ?`, "raw "+card, p.ID).Error
		},
		func() error {
			return st.DB.Exec(`UPDATE guard_probe SET items = jsonb_build_array(CAST(@v AS text)) WHERE id = @id`, map[string]any{"v": "named " + card, "id": p.ID}).Error
		},
	}
	for i, w := range writes {
		if err := w(); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	row := stored(t, st, p.ID)
	if strings.Contains(row, "1111 1111") || strings.Count(row, "[visa ****1111]") != 5 {
		t.Fatalf("stored: %s", row)
	}
	// A lookup by the same text finds what was stored: both are masked.
	var n int64
	st.DB.Raw(`SELECT count(*) FROM guard_probe WHERE note = ?`, "column "+card).Scan(&n)
	if n != 1 {
		t.Fatalf("lookup by the unmasked text found %d rows", n)
	}
}

// A refusing field fails the write with the field's name; so does a NUL
// character anywhere, and a card number as a JSON number.
func TestGuardRefuses(t *testing.T) {
	t.Parallel()
	st := probeStore(t)
	for name, tc := range map[string]struct {
		p     probe
		field string
	}{
		"card number in a refusing field": {probe{Title: "title " + card}, "title"},
		"NUL in a plain field":            {probe{Note: "a\x00b"}, "note"},
		"NUL in a list":                   {probe{Tags: pq.StringArray{"a\x00b"}}, "tags"},
		"card number as a JSON number":    {probe{Doc: json.RawMessage(`{"n":4111111111111111}`)}, "doc"},
		// Issue 17, finding 10: a timeline entry dated year 0000 was stored.
		"a date in the year 0000": {probe{At: new(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC))}, "at"},
		"a date in the year 9999": {probe{At: new(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))}, "at"},
	} {
		err := st.DB.Create(&tc.p).Error
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != tc.field {
			t.Errorf("%s: %v, want a validation error on %s", name, err, tc.field)
		}
	}
	var ve *apperr.ValidationError
	if err := st.DB.Exec(`UPDATE guard_probe SET note = ?`, "x\x00").Error; !errors.As(err, &ve) || ve.For("value") != "validation.nul" {
		t.Errorf("raw statement with a NUL: %v", err)
	}
	if err := st.DB.Exec(`UPDATE guard_probe SET at = ?`, time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)).Error; !errors.As(err, &ve) || ve.Fields[0].Code != "validation.year_range" || ve.Fields[0].Args[0] != 1 {
		t.Errorf("raw statement with a date in the year 1: %v", err)
	}
	if err := st.DB.Create(&probe{At: new(time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))}).Error; err != nil {
		t.Errorf("a date of this century: %v", err)
	}
	st.DB.Exec(`DELETE FROM guard_probe`)
	var n int64
	st.DB.Raw(`SELECT count(*) FROM guard_probe`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rows written by refused writes", n)
	}
}

// A statement the database refuses is logged without its arguments: they
// are people's data (and may be whatever a client sent).
func TestFailedStatementLogsNoArguments(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(prev)
	st := probeStore(t)
	p := probe{Note: "Yamada Hanako 090-1234-5678"}
	if err := st.DB.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	dup := probe{ID: p.ID, Note: "Yamada Hanako 090-1234-5678"}
	if err := st.DB.Create(&dup).Error; err == nil {
		t.Fatal("duplicate key accepted")
	}
	if log := buf.String(); !strings.Contains(log, "INSERT INTO") || strings.Contains(log, "Yamada") || strings.Contains(log, "090-1234") {
		t.Fatalf("log of the failed statement:\n%s", log)
	}
}

// A time in a JSON document (a computed obligation's due time, with
// PostgreSQL's microseconds) whose digits happen to pass Luhn with a card
// prefix is kept whole: it broke every reader of the document on the days
// it occurred. The same digits in free text are still masked.
func TestGuardKeepsTimesWhoseDigitsLookLikeACard(t *testing.T) {
	t.Parallel()
	st := probeStore(t)
	const at = "2027-03-22T08:36:15.100000+09:00" // 36151000000900: a Luhn-valid Diners number
	if !pan.Contains(at) {
		t.Fatal("the example no longer looks like a card number to pan")
	}
	p := probe{Note: "seen at 08:36:15.100000+09:00", Doc: json.RawMessage(`{"due_at":"` + at + `"}`)}
	if err := st.DB.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	row := stored(t, st, p.ID)
	if !strings.Contains(row, at) {
		t.Fatalf("the time was changed: %s", row)
	}
	if strings.Contains(row, "08:36:15.100000+09:00\"") && !strings.Contains(row, "diners") {
		t.Fatalf("free text with the same digits was not masked: %s", row)
	}
}
