package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/evidence"
)

// evidenceLimit is the service's upload limit in these tests, well under
// Fiber's body limit so the service's own check is what answers.
const evidenceLimit = 1 << 20

// evidenceCase creates a user (owner of org) and a case in org.
func evidenceCase(h *harness, email, org string) (*auth.Principal, int64) {
	h.t.Helper()
	ctx := context.Background()
	u := h.user(email, org, auth.RoleOwner)
	o, err := h.auth.OrganisationBySlug(ctx, org)
	if err != nil {
		h.t.Fatal(err)
	}
	p := &auth.Principal{User: u, Organisation: o, Role: auth.RoleOwner}
	c, err := h.cases.Create(ctx, p, cases.NewCase{Title: "Skimmer", AwareAt: h.clk.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		h.t.Fatal(err)
	}
	return p, c.Case.ID
}

// uploadForm builds a browser's multipart upload; csrf "" leaves the
// token out.
func uploadForm(t *testing.T, csrf, filename string, content []byte, description string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if csrf != "" {
		_ = w.WriteField("_csrf", csrf)
	}
	_ = w.WriteField("description", description)
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func evidenceIDs(h *harness, caseID int64) []int64 {
	h.t.Helper()
	var ids []int64
	if err := h.st.DB.Raw(`SELECT id FROM evidence WHERE case_id = ? ORDER BY id`, caseID).Scan(&ids).Error; err != nil {
		h.t.Fatal(err)
	}
	return ids
}

func TestEvidenceUploadDownloadAndCustodyOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	_, caseID := evidenceCase(h, "alice@a.example", "org-a")
	c := h.client()
	c.login("alice@a.example")
	content := []byte("2026-11-24 10:00:01 POST /checkout 200\n")
	path := fmt.Sprintf("/cases/%d/evidence", caseID)

	// The CSRF check must read the token from a multipart body too.
	ct, b := uploadForm(t, "", "access.log", content, "")
	if r := c.raw("POST", path, ct, b); r.StatusCode != http.StatusForbidden {
		t.Fatalf("multipart upload without CSRF token: %d, want 403", r.StatusCode)
	}
	ct, b = uploadForm(t, "forged", "access.log", content, "")
	if r := c.raw("POST", path, ct, b); r.StatusCode != http.StatusForbidden {
		t.Fatalf("multipart upload with a wrong CSRF token: %d, want 403", r.StatusCode)
	}
	ct, b = uploadForm(t, c.csrf(), "../../var/log/access.log", content, "nginx access log")
	r := c.raw("POST", path, ct, b)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/cases/%d#evidence", caseID) {
		t.Fatalf("upload: %d %s %s", r.StatusCode, r.Header.Get("Location"), body(t, r))
	}
	ids := evidenceIDs(h, caseID)
	if len(ids) != 1 {
		t.Fatalf("%d evidence rows after upload", len(ids))
	}
	id := ids[0]
	sum := sha256.Sum256(content)

	page := body(t, c.do("GET", fmt.Sprintf("/evidence/%d?lang=en", id), nil))
	for _, want := range []string{"access.log", hex.EncodeToString(sum[:]), "nginx access log", "Collected", "uploaded to BreachDesk", `enctype="multipart/form-data"`} {
		if !strings.Contains(page, want) {
			t.Errorf("evidence page lacks %q", want)
		}
	}
	if strings.Contains(page, "var/log") {
		t.Error("the client's directory reached the page")
	}

	r = c.do("GET", fmt.Sprintf("/evidence/%d/download", id), nil)
	got := []byte(body(t, r))
	if r.StatusCode != http.StatusOK || !bytes.Equal(got, content) {
		t.Fatalf("download: %d, %d bytes", r.StatusCode, len(got))
	}
	if cd := r.Header.Get("Content-Disposition"); cd != "attachment; filename*=UTF-8''access.log" {
		t.Errorf("Content-Disposition %q", cd)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("download headers: %v", r.Header)
	}

	custody := fmt.Sprintf("/evidence/%d/custody", id)
	r = c.post(custody, url.Values{"kind": {"transferred"}, "occurred_at": {"2026-01-05 10:00"}, "handler": {"K. Sato"}, "reason": {"to the lab"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("custody with an unreadable time: %d", r.StatusCode)
	}
	if p := body(t, r); !strings.Contains(p, "is not a date and time") || !strings.Contains(p, `value="K. Sato"`) {
		t.Error("the custody form should show the time error and keep the values")
	}
	r = c.post(custody, url.Values{"kind": {"transferred"}, "occurred_at": {"2026-01-05T10:00"}, "handler": {"K. Sato (Forensics Ltd)"}, "reason": {"to the lab"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/evidence/%d", id) {
		t.Fatalf("custody: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	var at time.Time
	h.st.DB.Raw(`SELECT occurred_at FROM custody_events WHERE kind = 'transferred'`).Scan(&at)
	if want := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC); !at.Equal(want) {
		t.Errorf("datetime-local read as %s, want %s (Asia/Tokyo)", at, want)
	}
	if p := body(t, c.do("GET", fmt.Sprintf("/evidence/%d", id), nil)); !strings.Contains(p, "K. Sato (Forensics Ltd)") {
		t.Error("custody event not on the page")
	}
	r = c.post(custody, url.Values{"kind": {"analysed"}, "occurred_at": {"2026-01-05T10:00"}, "handler": {"4111 1111 1111 1111"}, "reason": {"x"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(t, r), `id="handler-error"`) {
		t.Errorf("custody with a PAN as handler: %d", r.StatusCode)
	}
}

func TestEvidenceOverLimitIs422(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, caseID := evidenceCase(h, "alice@a.example", "org-a")
	c := h.client()
	c.login("alice@a.example")
	ct, b := uploadForm(t, c.csrf(), "big.bin", make([]byte, evidenceLimit+1), "")
	r := c.raw("POST", fmt.Sprintf("/cases/%d/evidence", caseID), ct, b)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("over the limit: %d", r.StatusCode)
	}
	if p := body(t, r); !strings.Contains(p, "1 MiB") {
		t.Error("the error page should say the limit")
	}
	// A form without a file is refused the same way, not with a 500.
	if r := c.post(fmt.Sprintf("/cases/%d/evidence", caseID), url.Values{"description": {"no file"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("upload without a file: %d", r.StatusCode)
	}
	if ids := evidenceIDs(h, caseID); len(ids) != 0 {
		t.Fatalf("%d rows stored", len(ids))
	}
}

func TestEvidenceRoutesRefuseOtherOrganisation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	pa, caseA := evidenceCase(h, "alice@a.example", "org-a")
	pb, caseB := evidenceCase(h, "bob@b.example", "org-b")
	ev := evidence.NewService(h.st, h.clk, 0)
	itemA, err := ev.Upload(ctx, pa, caseA, "a.log", strings.NewReader("A"), "")
	if err != nil {
		t.Fatal(err)
	}
	itemB, err := ev.Upload(ctx, pb, caseB, "b.log", strings.NewReader("B"), "")
	if err != nil {
		t.Fatal(err)
	}
	foreign := map[string]int64{"case": caseB, "evidence": itemB.ID}
	own := map[string]int64{"case": caseA, "evidence": itemA.ID}

	browser := h.client()
	browser.login("alice@a.example")
	secret, err := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	api := h.client()
	api.bearer = secret

	checked := 0
	for _, r := range h.srv.Routes() {
		if r.Param != "case" && r.Param != "evidence" || !strings.Contains(r.Path, "evidence") {
			continue
		}
		path := strings.Replace(r.Path, ":id", fmt.Sprint(foreign[r.Param]), 1)
		for _, c := range []*client{browser, api} {
			if r.API && c == browser {
				continue
			}
			var resp *http.Response
			switch {
			case r.Method == "GET":
				resp = c.do("GET", path, nil)
			case c == browser:
				ct, b := uploadForm(t, c.csrf(), "x.txt", []byte("planted"), "")
				resp = c.raw("POST", path, ct, b)
			default:
				resp = c.raw("POST", path, "application/json", []byte(`{"kind":"analysed","occurred_at":"2026-01-01T00:00:00Z","handler":"x","reason":"y"}`))
			}
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s as org A (bearer=%v): %d, want 404", r.Method, path, c.bearer != "", resp.StatusCode)
			}
			checked++
		}
		if r.Method == "GET" {
			c := browser
			if r.API {
				c = api
			}
			ownPath := strings.Replace(r.Path, ":id", fmt.Sprint(own[r.Param]), 1)
			if resp := c.do("GET", ownPath, nil); resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s with own resource: %d", ownPath, resp.StatusCode)
			}
		}
	}
	if checked < 12 {
		t.Fatalf("only %d foreign checks ran", checked)
	}
	var n int64
	h.st.DB.Raw(`SELECT count(*) FROM evidence WHERE case_id = ?`, caseB).Scan(&n)
	if n != 1 {
		t.Fatalf("org B's case has %d items", n)
	}
	h.st.DB.Raw(`SELECT count(*) FROM custody_events WHERE evidence_id = ?`, itemB.ID).Scan(&n)
	if n != 1 {
		t.Fatalf("org B's item has %d custody events", n)
	}
}

func TestEvidenceAPIWithBearerToken(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	_, caseID := evidenceCase(h, "alice@a.example", "org-a")
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client()
	c.bearer = secret
	content := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	sum := sha256.Sum256(content)
	q := url.Values{"filename": {`C:\Users\kiosk\画面.txt`}, "description": {"kiosk screenshot"}}
	r := c.raw("POST", fmt.Sprintf("/api/v1/cases/%d/evidence?%s", caseID, q.Encode()), "application/octet-stream", content)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("API upload: %d %s", r.StatusCode, body(t, r))
	}
	var it struct {
		ID          int64  `json:"id"`
		Filename    string `json:"filename"`
		ContentType string `json:"content_type"`
		SHA256      string `json:"sha256"`
		SizeBytes   int64  `json:"size_bytes"`
	}
	if err := json.NewDecoder(r.Body).Decode(&it); err != nil {
		t.Fatal(err)
	}
	if it.SHA256 != hex.EncodeToString(sum[:]) || it.Filename != "画面.txt" || it.ContentType != "image/png" || it.SizeBytes != int64(len(content)) {
		t.Fatalf("API item: %+v", it)
	}

	r = c.do("GET", fmt.Sprintf("/api/v1/cases/%d/evidence", caseID), nil)
	raw := body(t, r)
	if r.StatusCode != 200 || !strings.Contains(raw, `"evidence":[{`) || strings.Contains(raw, `"data"`) {
		t.Fatalf("API list: %d %s", r.StatusCode, raw)
	}

	r = c.do("GET", fmt.Sprintf("/api/v1/evidence/%d/content", it.ID), nil)
	if got := body(t, r); got != string(content) {
		t.Fatal("API content differs from the upload")
	}
	if cd := r.Header.Get("Content-Disposition"); cd != "attachment; filename*=UTF-8''%E7%94%BB%E9%9D%A2.txt" {
		t.Errorf("Content-Disposition %q", cd)
	}

	r = c.raw("POST", fmt.Sprintf("/api/v1/evidence/%d/custody", it.ID), "application/json",
		[]byte(`{"kind":"analysed","occurred_at":"2026-01-05T10:00:00+09:00","handler":"Forensics Ltd","reason":"image analysis"}`))
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("API custody: %d %s", r.StatusCode, body(t, r))
	}
	r = c.raw("POST", fmt.Sprintf("/api/v1/evidence/%d/custody", it.ID), "application/json",
		[]byte(`{"kind":"analysed","occurred_at":"yesterday","handler":"Forensics Ltd","reason":"x"}`))
	if p := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p, `"field":"occurred_at"`) {
		t.Fatalf("API custody with a bad time: %d %s", r.StatusCode, p)
	}

	r = c.do("GET", fmt.Sprintf("/api/v1/evidence/%d", it.ID), nil)
	var full struct {
		SHA256  string `json:"sha256"`
		Custody []struct {
			Kind string `json:"kind"`
		} `json:"custody"`
	}
	if err := json.NewDecoder(r.Body).Decode(&full); err != nil {
		t.Fatal(err)
	}
	if full.SHA256 != it.SHA256 || len(full.Custody) != 2 || full.Custody[0].Kind != "analysed" || full.Custody[1].Kind != "collected" {
		t.Fatalf("API item with custody: %+v", full)
	}
}

// A browser upload that holds card numbers gets a page that says where
// (brand and last four only) and why it is not stored, with the held-
// elsewhere form filled in from the upload; recording it keeps no content,
// and the item's page says who holds it.
func TestUploadWithCardDataOffersTheHeldRecord(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, caseID := evidenceCase(h, "alice@a.example", "org-a")
	c := h.client()
	c.login("alice@a.example")
	c.post("/settings/language", url.Values{"language": {"en"}})
	data := []byte("2026-11-20 GET /checkout?pan=4111111111111111 200\n")
	ct, b := uploadForm(t, c.csrf(), "access.log", data, "web server log")
	r := c.raw("POST", fmt.Sprintf("/cases/%d/evidence", caseID), ct, b)
	page := body(t, r)
	sum := sha256.Sum256(data)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "line 1") || !strings.Contains(page, "[visa ****1111]") ||
		!strings.Contains(page, `value="`+hex.EncodeToString(sum[:])+`"`) || !strings.Contains(page, "keeps no card data") || strings.Contains(page, "4111111111111111") {
		t.Fatalf("refused upload: %d\n%s", r.StatusCode, page)
	}
	form := url.Values{"filename": {"access.log"}, "sha256": {hex.EncodeToString(sum[:])}, "size_bytes": {fmt.Sprint(len(data))},
		"held_by": {"PFI Example K.K."}, "description": {"web server log"}}
	r = c.post(fmt.Sprintf("/cases/%d/evidence/held", caseID), form)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("record held: %d %s", r.StatusCode, body(t, r))
	}
	itemPath := r.Header.Get("Location")
	if p := body(t, c.do("GET", itemPath, nil)); !strings.Contains(p, "Held by PFI Example K.K.: BreachDesk keeps no copy") || strings.Contains(p, "/download") {
		t.Fatalf("item page:\n%s", p)
	}
	if r := c.do("GET", itemPath+"/download", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("download of a held item: %d", r.StatusCode)
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM evidence WHERE data IS NOT NULL`); n != 0 {
		t.Fatalf("%d items with content", n)
	}
	form.Set("sha256", "nothex")
	if r := c.post(fmt.Sprintf("/cases/%d/evidence/held", caseID), form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(t, r), "64 hexadecimal digits") {
		t.Fatalf("bad hash: %d", r.StatusCode)
	}
}
