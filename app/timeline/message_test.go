package timeline

import (
	"fmt"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/i18n"
)

// An automatic entry's arguments survive the database (JSON) with their
// kinds, so that the reader's words and zone apply when it is read: a time
// is shown by the reader's formatter, a message and a list are translated,
// a text in both languages is picked.
func TestArgumentsKeepTheirKindsThroughStorage(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 20, 1, 30, 0, 0, time.UTC)
	stored, err := toArgs([]any{"INC-1", 3, int64(4), i18n.Text{JA: "速報", EN: "preliminary"}, at, (*time.Time)(nil),
		apperr.Msg("phase.triage"), apperr.List{apperr.Msg("timeline.field.title"), at}, 1.5}).Value()
	if err != nil {
		t.Fatal(err)
	}
	var back Args
	if err := back.Scan([]byte(stored.(string))); err != nil {
		t.Fatal(err)
	}
	e := Entry{MessageCode: "code", MessageArgs: back}
	tokyo := time.FixedZone("JST", 9*3600)
	got := e.Text(func(code string, args ...any) string { return fmt.Sprintf("%s%v", code, args) },
		func(t time.Time) string { return t.In(tokyo).Format("2006-01-02 15:04 MST") })
	want := "code[INC-1 3 4 {速報 preliminary} 2026-11-20 10:30 JST {timeline.no_date []} {phase.triage []} [{timeline.field.title []} 2026-11-20 10:30 JST] 1.5]"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// An entry without arguments is stored as an empty array, never null.
	if v, _ := Args(nil).Value(); v != "[]" {
		t.Fatalf("no arguments stored as %v", v)
	}
	// An entry written before message codes is its summary.
	if got := (Entry{Summary: "Case opened"}).Text(nil, nil); got != "Case opened" {
		t.Fatalf("old entry: %q", got)
	}
}
