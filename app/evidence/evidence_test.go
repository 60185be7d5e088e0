package evidence_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// pngHeader is the start of every PNG file: enough for content sniffing.
var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

type env struct {
	t    *testing.T
	clk  *clocktest.Clock
	st   *store.Store
	auth *auth.Service
	ev   *evidence.Service
}

func newEnv(t *testing.T, maxBytes int64) *env {
	t.Helper()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	return &env{t: t, clk: clk, st: st, auth: apptest.Auth(t, st, clk), ev: evidence.NewService(st, clk, maxBytes)}
}

// principal creates a user with role in org (created when new).
func (e *env) principal(email, org string, role auth.Role) *auth.Principal {
	return apptest.Principal(e.t, e.auth, email, org, role)
}

func (e *env) newCase(p *auth.Principal) int64 {
	cs, _ := apptest.Cases(e.st, e.clk)
	return apptest.NewCase(e.t, cs, e.clk, p)
}

func (e *env) count(sql string, args ...any) int64 { return apptest.Count(e.t, e.st, sql, args...) }

func fieldError(t *testing.T, err error, field string) string {
	t.Helper()
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error on %q, got %v", field, err)
	}
	for _, f := range ve.Fields {
		if f.Field == field {
			return f.Code + " " + fmt.Sprint(f.Args...) // the code and what fills it
		}
	}
	t.Fatalf("validation error does not name %q: %v", field, err)
	return ""
}

func TestUploadListOpenRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	p := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	caseID := e.newCase(p)
	content := []byte("2026-11-24 10:00:01 GET /checkout 200\n")
	want := sha256.Sum256(content)

	it, err := e.ev.Upload(ctx, p, caseID, "access.log", bytes.NewReader(content), "  web server access log  ")
	if err != nil {
		t.Fatal(err)
	}
	if it.ID == 0 || it.SizeBytes != int64(len(content)) || !bytes.Equal(it.SHA256, want[:]) || it.Description != "web server access log" {
		t.Fatalf("uploaded item: %+v", it)
	}
	if it.ContentType != "text/plain; charset=utf-8" {
		t.Fatalf("content type %q", it.ContentType)
	}
	if it.Data != nil {
		t.Fatal("Upload should not hand the bytes back")
	}
	b, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"sha256":"`+hex.EncodeToString(want[:])+`"`) || strings.Contains(string(b), "data") {
		t.Fatalf("item JSON: %s", b)
	}

	list, err := e.ev.List(ctx, p, caseID)
	if err != nil || len(list) != 1 || list[0].ID != it.ID {
		t.Fatalf("list: %v %+v", err, list)
	}
	if list[0].Data != nil {
		t.Fatal("List must not load the file bytes")
	}
	if g, err := e.ev.Get(ctx, p, it.ID); err != nil || g.Data != nil || g.Filename != "access.log" {
		t.Fatalf("get: %v %+v", err, g)
	}

	got, data, err := e.ev.Open(ctx, p, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(data); !bytes.Equal(data, content) || !bytes.Equal(sum[:], got.SHA256) {
		t.Fatal("opened bytes differ from the upload")
	}

	chain, err := e.ev.Custody(ctx, p, it.ID)
	if err != nil || len(chain) != 1 {
		t.Fatalf("custody after upload: %v %+v", err, chain)
	}
	if c := chain[0]; c.Kind != "collected" || c.Handler != p.User.Name || c.Reason != "uploaded to BreachDesk" {
		t.Fatalf("first custody event: %+v", c)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'evidence.upload' AND details LIKE ?`, "%"+hex.EncodeToString(want[:])+"%"); n != 1 {
		t.Fatalf("upload audit rows with the sha256: %d", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'evidence.download' AND target_id = ?`, fmt.Sprint(it.ID)); n != 1 {
		t.Fatalf("download audit rows: %d", n)
	}
	prefix := hex.EncodeToString(want[:])[:12]
	if n := e.count(`SELECT count(*) FROM timeline_entries WHERE case_id = ? AND message_code = 'timeline.evidence_added'
		AND message_args = ?::jsonb`, caseID, `[{"s":"access.log"},{"s":"`+prefix+`"}]`); n != 1 {
		t.Fatalf("timeline entry for the upload: %d", n)
	}

	when := e.clk.Now().Add(-30 * time.Minute)
	ev, err := e.ev.AddCustody(ctx, p, it.ID, "transferred", when, "Forensics Ltd (K. Sato)", "sent for analysis")
	if err != nil {
		t.Fatal(err)
	}
	chain, _ = e.ev.Custody(ctx, p, it.ID)
	if len(chain) != 2 || chain[0].ID != ev.ID {
		t.Fatalf("custody is in event order (the transfer happened before the upload was recorded): %+v", chain)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'evidence.custody'`); n != 1 {
		t.Fatalf("custody audit rows: %d", n)
	}
	if n := e.count(`SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action = 'evidence.custody'`, caseID); n != 1 {
		t.Fatalf("custody timeline rows: %d", n)
	}
}

func TestUploadOverLimitStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 1024)
	ctx := context.Background()
	p := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	caseID := e.newCase(p)

	_, err := e.ev.Upload(ctx, p, caseID, "big.bin", bytes.NewReader(make([]byte, 1025)), "")
	if r := fieldError(t, err, "file"); !strings.HasPrefix(r, "validation.file_too_large ") || !strings.Contains(r, "1 KiB") {
		t.Fatalf("the error should say the limit: %q", r)
	}
	_, err = e.ev.Upload(ctx, p, caseID, "empty.bin", bytes.NewReader(nil), "")
	fieldError(t, err, "file")
	if n := e.count(`SELECT count(*) FROM evidence`); n != 0 {
		t.Fatalf("%d rows stored", n)
	}
	if n := e.count(`SELECT count(*) FROM custody_events`); n != 0 {
		t.Fatalf("%d custody rows stored", n)
	}
	// Exactly at the limit is allowed.
	if _, err := e.ev.Upload(ctx, p, caseID, "fits.bin", bytes.NewReader(make([]byte, 1024)), ""); err != nil {
		t.Fatal(err)
	}
}

func TestFilenamesAreSanitised(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	p := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	caseID := e.newCase(p)
	names := map[string]string{
		"../../etc/passwd":                "passwd",
		`..\..\boot.ini`:                  "boot.ini",
		"C:\\Users\\x\\dump.pcap":         "dump.pcap",
		"/abs/path/":                      "evidence.bin",
		"..":                              "evidence.bin",
		"":                                "evidence.bin",
		"  re\x00port\r\n.txt ":           "report.txt",
		"invoice\u202etxt.exe":            "invoicetxt.exe",
		strings.Repeat("あ", 300) + ".log": strings.Repeat("あ", 255),
	}
	for in, want := range names {
		it, err := e.ev.Upload(ctx, p, caseID, in, strings.NewReader("x"), "")
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if it.Filename != want {
			t.Errorf("%q stored as %q, want %q", in, it.Filename, want)
		}
		if g, _ := e.ev.Get(ctx, p, it.ID); g.Filename != want {
			t.Errorf("%q read back as %q", in, g.Filename)
		}
	}
}

func TestContentTypeIsSniffed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	p := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	caseID := e.newCase(p)
	it, err := e.ev.Upload(ctx, p, caseID, "x.txt", bytes.NewReader(pngHeader), "")
	if err != nil {
		t.Fatal(err)
	}
	if it.ContentType != "image/png" {
		t.Fatalf("PNG named x.txt sniffed as %q", it.ContentType)
	}
	it, err = e.ev.Upload(ctx, p, caseID, "page.png", strings.NewReader("<html><script>alert(1)</script></html>"), "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(it.ContentType, "text/html") {
		t.Fatalf("HTML named page.png sniffed as %q", it.ContentType)
	}
}

func TestOtherOrganisationGetsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	a := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	b := e.principal("owner@b.example", "org-b", auth.RoleOwner)
	caseA := e.newCase(a)
	it, err := e.ev.Upload(ctx, a, caseA, "a.log", strings.NewReader("secret of A"), "")
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]error{}
	_, checks["Get"] = e.ev.Get(ctx, b, it.ID)
	_, _, checks["Open"] = e.ev.Open(ctx, b, it.ID)
	_, checks["AddCustody"] = e.ev.AddCustody(ctx, b, it.ID, "analysed", e.clk.Now(), "Bob", "curious")
	_, checks["Custody"] = e.ev.Custody(ctx, b, it.ID)
	_, checks["List"] = e.ev.List(ctx, b, caseA)
	_, checks["Upload"] = e.ev.Upload(ctx, b, caseA, "b.log", strings.NewReader("planted"), "")
	for name, err := range checks {
		if !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("%s with org A's id as org B: %v, want ErrNotFound", name, err)
		}
	}
	if n := e.count(`SELECT count(*) FROM evidence`); n != 1 {
		t.Fatalf("%d evidence rows", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'evidence.download'`); n != 0 {
		t.Fatalf("a refused open was audited as a download")
	}
}

func TestCustodyValidationNamesTheField(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	p := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	it, err := e.ev.Upload(ctx, p, e.newCase(p), "a.log", strings.NewReader("x"), "")
	if err != nil {
		t.Fatal(err)
	}
	now := e.clk.Now()
	tests := []struct {
		name, kind, handler, reason, field string
		at                                 time.Time
	}{
		{"unknown kind", "stolen", "Sato", "r", "kind", now},
		{"no time", "analysed", "Sato", "r", "occurred_at", time.Time{}},
		{"future", "analysed", "Sato", "r", "occurred_at", now.Add(time.Hour)},
		{"no handler", "analysed", "  ", "r", "handler", now},
		{"no reason", "analysed", "Sato", "", "reason", now},
		{"long handler", "analysed", strings.Repeat("h", 201), "r", "handler", now},
		{"PAN in handler", "transferred", "card 4111 1111 1111 1111", "r", "handler", now},
		{"PAN in reason", "transferred", "Sato", "check 4111111111111111", "reason", now},
	}
	for _, tc := range tests {
		_, err := e.ev.AddCustody(ctx, p, it.ID, tc.kind, tc.at, tc.handler, tc.reason)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		fieldError(t, err, tc.field)
	}
	// A few minutes of clock skew is tolerated.
	if _, err := e.ev.AddCustody(ctx, p, it.ID, "returned", now.Add(2*time.Minute), "Sato", "back to the owner"); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT count(*) FROM custody_events`); n != 2 {
		t.Fatalf("%d custody rows, want 2", n)
	}
}

func TestDescriptionCardNumbersAreMasked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	p := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	it, err := e.ev.Upload(ctx, p, e.newCase(p), "4111111111111111.txt", strings.NewReader("x"), "screenshot showing 4111 1111 1111 1111 on the form")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(it.Description, "4111 1111") || !strings.Contains(it.Description, "****1111") {
		t.Fatalf("description not masked: %q", it.Description)
	}
	if strings.Contains(it.Filename, "4111111111111111") {
		t.Fatalf("file name not masked: %q", it.Filename)
	}
	if n := e.count(`SELECT count(*) FROM evidence WHERE description LIKE '%4111 1111%' OR filename LIKE '%4111111111%'`); n != 0 {
		t.Fatal("a card number reached the database")
	}
}

func TestViewerMayReadButNotChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	owner := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	viewer := e.principal("viewer@a.example", "org-a", auth.RoleViewer)
	caseID := e.newCase(owner)
	if _, err := e.ev.Upload(ctx, viewer, caseID, "v.log", strings.NewReader("x"), ""); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("viewer upload: %v, want ErrForbidden", err)
	}
	it, err := e.ev.Upload(ctx, owner, caseID, "o.log", strings.NewReader("x"), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.ev.AddCustody(ctx, viewer, it.ID, "analysed", e.clk.Now(), "V", "r"); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("viewer custody: %v, want ErrForbidden", err)
	}
	if list, err := e.ev.List(ctx, viewer, caseID); err != nil || len(list) != 1 {
		t.Fatalf("viewer list: %v %d", err, len(list))
	}
}

func TestOpenRefusesTamperedBytes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	p := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	it, err := e.ev.Upload(ctx, p, e.newCase(p), "a.log", strings.NewReader("original"), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.DB.Exec(`UPDATE evidence SET data = 'tampered' WHERE id = ?`, it.ID).Error; err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.ev.Open(ctx, p, it.ID); !errors.Is(err, evidence.ErrIntegrity) {
		t.Fatalf("open after tampering: %v, want ErrIntegrity", err)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'evidence.integrity_failure'`); n != 1 {
		t.Fatalf("integrity failure audited %d times", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'evidence.download'`); n != 0 {
		t.Fatal("a refused open was audited as a download")
	}
}

func TestFormatSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{12: "12 bytes", 1024: "1 KiB", 1536: "1.5 KiB", 50 << 20: "50 MiB", 1 << 30: "1 GiB"} {
		if got := evidence.FormatSize(n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}
