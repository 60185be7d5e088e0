package people_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/people"
)

// The import writes COPY's text format itself: every character that
// format gives a meaning must come back as it was.
func TestCopyTextKeepsSpecialCharacters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	data := "name,email,address,data_items,note\n" +
		"\"Tab\there\",tab@example.jp,\"line one\nline two\r\nthree\",\"a\\\\b; \"\"quoted\"\"; {brace}\",\"back\\slash \\N \\t\"\n" +
		"Plain,plain@example.jp,,,\n"
	imp := e.importCSV(p, caseID, data, people.Options{Mapping: map[string]string{"note": "extra"}})
	if imp.Status != people.StatusDone || imp.RowsImported != 2 {
		t.Fatalf("import: %+v", imp)
	}
	ps := e.people(p, caseID)
	got := byEmail(ps, "tab@example.jp")
	if got.Name != "Tab\there" || got.Address != "line one\nline two\nthree" && got.Address != "line one\nline two\r\nthree" {
		t.Fatalf("name/address: %q %q", got.Name, got.Address)
	}
	if !slices.Equal(got.DataItems, []string{`a\\b`, `"quoted"`, "{brace}"}) {
		t.Fatalf("data items: %q", got.DataItems)
	}
	if got.Extra["note"] != `back\slash \N \t` {
		t.Fatalf("extra: %q", got.Extra)
	}
	if pl := byEmail(ps, "plain@example.jp"); pl.Name != "Plain" || pl.Language != "ja" || len(pl.DataItems) != 0 || len(pl.Extra) != 0 {
		t.Fatalf("plain: %+v", pl)
	}
}

// The case reference of people is checked per statement (migration 0012):
// a person of a missing case or another organisation's case is refused,
// and deleting a case takes its persons along.
func TestPeopleCaseReference(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	other := e.principal("mgr@b.example", "org-b", auth.RoleManager)
	caseID := e.newCase(p)
	e.importCSV(p, caseID, "name,email\nA,a@example.jp\nB,b@example.jp\n", people.Options{})
	ctx := context.Background()
	for _, org := range []int64{other.OrgID(), p.OrgID()} {
		c := caseID
		if org == p.OrgID() {
			c = caseID + 1000
		}
		_, err := e.st.Pool.Exec(ctx, `INSERT INTO people (organisation_id, case_id, name) VALUES ($1, $2, 'X')`, org, c)
		var pg *pgconn.PgError
		if !errors.As(err, &pg) || pg.Code != "23503" {
			t.Fatalf("org %d case %d: want a foreign key violation, got %v", org, c, err)
		}
	}
	if _, err := e.st.Pool.Exec(ctx, `UPDATE people SET organisation_id = $1 WHERE case_id = $2`, other.OrgID(), caseID); err == nil {
		t.Fatal("a person moved to another organisation")
	}
	if _, err := e.st.Pool.Exec(ctx, `UPDATE cases SET id = id + 1000 WHERE id = $1`, caseID); err == nil {
		t.Fatal("a case with persons changed its key")
	}
	// TRUNCATE fires no DELETE trigger; with persons present it is refused
	// as the foreign key refused it.
	_, err := e.st.Pool.Exec(ctx, `TRUNCATE cases CASCADE`)
	if err == nil || !strings.Contains(err.Error(), "truncate people first") {
		t.Fatalf("cases truncated under their persons: %v", err)
	}
	if _, err := e.st.Pool.Exec(ctx, `DELETE FROM cases WHERE id = $1`, caseID); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT count(*) FROM people WHERE case_id = ?`, caseID); n != 0 {
		t.Fatalf("%d persons outlived their case", n)
	}
}
