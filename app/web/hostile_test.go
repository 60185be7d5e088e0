package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/web"
)

// The probes of the hostile-input tests. xss carries all three kinds of
// markup injection in one value, so that every field gets every kind.
const (
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `"><img src=x onerror=alert(1)>`
	xssURL    = `javascript:alert(1)`
	xss       = xssScript + " " + xssAttr + " " + xssURL
	// xssFile is the probe for file names, which lose everything up to
	// the last slash.
	xssFile = `<script>alert(1)<img src=x onerror=alert(1)>.txt`
	sqlDrop = `'; DROP TABLE cases; --`
	sqlOr   = `%' OR '1'='1`
)

// xssLanding is how the probe's start reads in a page when escaped.
var xssLanding = html.EscapeString("<script>alert(1)")

// TestHostileMarkupIsEscapedOnEveryPage types the XSS probe into every
// text field a user can set (organisation and user names, case, tasks,
// comments, timeline, evidence and its custody, document fields, notice
// and measures, persons by CSV import, inquiries and FAQ, letter search,
// template, token name, assessment note, waiver and submission), then
// walks every GET route of the table, pages and API, in both languages,
// public and operator pages included, and the pages that show a refused
// form again. No response holds the probe as markup: no <script> running
// it, no event-handler attribute, no javascript: link; pages show it as
// text (escaped), JSON escapes it, downloads are never served as HTML.
func TestHostileMarkupIsEscapedOnEveryPage(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	ctx := context.Background()
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	legalUser := h.user("lee@a.example", "org-a", auth.RoleLegal)
	h.st.DB.Exec(`UPDATE users SET name = ? WHERE id IN (?, ?)`, xss, alice.ID, legalUser.ID)
	h.st.DB.Exec(`UPDATE organisations SET name = ?, legal_name = ?, address = ?, representative = ?, contact_desk = ? WHERE slug = 'org-a'`,
		"Org "+xss, "Legal "+xss, xss, xss, xss)
	if _, err := h.auth.CreateUser(ctx, auth.NewUser{Email: "op@example.com", Name: xss, Password: password, Operator: true}); err != nil {
		t.Fatal(err)
	}
	own := h.fixtures("org-a", "lee@a.example", "none")
	org, _ := h.auth.OrganisationBySlug(ctx, "org-a")
	legalP := &auth.Principal{User: legalUser, Organisation: org, Role: auth.RoleLegal}
	ids := map[string]int64{}
	for k, v := range own {
		ids[k] = v
	}
	caseID := own["case"]
	casePath := fmt.Sprintf("/cases/%d", caseID)

	c := h.client()
	c.login("alice@a.example")
	legal := h.client()
	legal.login("lee@a.example")
	if _, err := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: xss, Scope: auth.TokenWrite}); err != nil {
		t.Fatal(err)
	}

	// Every form a user fills in, with the probe in each text field.
	expect := func(what string, r *http.Response, codes ...int) *http.Response {
		t.Helper()
		for _, code := range codes {
			if r.StatusCode == code {
				return r
			}
		}
		t.Fatalf("%s: %d\n%.600s", what, r.StatusCode, body(t, r))
		return r
	}
	r := expect("new case", c.post("/cases", url.Values{"title": {xss}, "summary": {xss}, "aware_at": {"2026-11-20T10:00"},
		"incident_type": {"card_skimming"}, "playbook": {"jp-card-leak"}, "severity": {"high"}}), http.StatusSeeOther)
	newCase := locationID(t, r, "/cases/%d")
	expect("case update", c.post(casePath+"/update", url.Values{"title": {xss}, "summary": {xss}}), http.StatusSeeOther)
	expect("task", c.post(casePath+"/tasks", url.Values{"phase": {"containment"}, "title": {xss}, "description": {xss}}), http.StatusSeeOther)
	expect("comment", c.post(fmt.Sprintf("/tasks/%d/comments", own["task"]), url.Values{"body": {xss}}), http.StatusSeeOther)
	expect("skip task", c.post(fmt.Sprintf("/tasks/%d", own["task"]), url.Values{"status": {"skipped"}, "skip_reason": {xss}}), http.StatusSeeOther)
	expect("timeline", c.post(casePath+"/timeline", url.Values{"occurred_at": {"2026-11-20T09:00"}, "summary": {xss}}), http.StatusSeeOther)
	expect("assessment", c.post(casePath+"/assessment", url.Values{"data_items": {"name"}, "persons_affected": {"3"}, "note": {xss}}), http.StatusSeeOther)
	ct, b := uploadForm(t, c.csrf(), xssFile, []byte("<html><script>alert(1)</script></html>"), xss)
	expect("evidence", c.raw("POST", casePath+"/evidence", ct, b), http.StatusSeeOther)
	evID := maxID(h, "evidence", caseID)
	ids["evidence"] = evID
	expect("custody", c.post(fmt.Sprintf("/evidence/%d/custody", evID), url.Values{"kind": {"transferred"}, "occurred_at": {"2026-11-21T10:00"},
		"handler": {xss}, "reason": {xss}}), http.StatusSeeOther)
	fields := url.Values{}
	ki, _ := documents.Info(documents.PPCFinal)
	for _, f := range ki.Fields {
		fields.Set("field_"+f.Key, xss)
	}
	r = expect("document fields", c.post(fmt.Sprintf("/documents/%d/regenerate", own["document"]), fields), http.StatusSeeOther)
	ids["document"] = locationID(t, r, "/documents/%d")
	if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, ids["document"]) }); err != nil {
		t.Fatal(err)
	}
	var obs []int64
	h.st.DB.Raw(`SELECT id FROM obligations WHERE case_id = ? AND applicable ORDER BY id`, caseID).Scan(&obs)
	if len(obs) < 2 {
		t.Fatalf("fixture case has %d obligations", len(obs))
	}
	expect("waive", legal.post(fmt.Sprintf("/obligations/%d/waive", obs[0]), url.Values{"reason": {xss}}), http.StatusSeeOther)
	expect("submit", legal.post(fmt.Sprintf("/obligations/%d/submit", obs[1]), url.Values{"submitted_at": {"2026-11-22T10:00"}, "recipient_reference": {xss}}), http.StatusSeeOther)
	form := url.Values{"title_ja": {xss}, "title_en": {xss}, "update_line_ja": {xss}, "update_line_en": {xss}}
	for _, k := range notices.Sections {
		form.Set("section_"+k+"_ja", xss)
		form.Set("section_"+k+"_en", xss)
	}
	editor := fmt.Sprintf("/notice-drafts/%d", own["notice"])
	expect("notice", c.post(editor, form), http.StatusSeeOther)
	expect("measure", c.post(casePath+"/measures", url.Values{"title_ja": {xss}, "title_en": {xss}}), http.StatusSeeOther)
	expect("approve notice", approveAt(c, editor), http.StatusSeeOther)
	expect("approve notice (legal)", approveAt(legal, editor), http.StatusSeeOther)
	expect("publish notice", legal.post(editor+"/publish", nil), http.StatusSeeOther)
	var slug string
	h.st.DB.Raw(`SELECT slug FROM notices WHERE id = ?`, own["notice"]).Scan(&slug)
	ct, b = uploadForm(t, c.csrf(), xssFile, csvOf([][]string{{"氏名", "メールアドレス", "住所", "メモ"}, {xss, "x@example.jp", xss, xss}}), "")
	r = expect("people import", c.raw("POST", casePath+"/people/import", ct, b), http.StatusSeeOther)
	ids["import"] = locationID(t, r, "/imports/%d")
	if err := people.NewService(h.st, h.clk, h.cases).Run(ctx, ids["import"]); err != nil {
		t.Fatal(err)
	}
	expect("inquiry", c.post(casePath+"/inquiries", url.Values{"channel": {"phone"}, "caller_name": {xss}, "caller_contact": {xss}, "affected": {"unknown"},
		"question": {xss}, "answer": {xss}, "category": {"other"}, "taken_by": {xss}}), http.StatusSeeOther)
	ids["inquiry"] = maxID(h, "inquiries", caseID)
	expect("faq", c.post(casePath+"/faq", url.Values{"question_ja": {xss}, "answer_ja": {xss}, "question_en": {xss}, "answer_en": {xss}}), http.StatusSeeOther)
	ids["faq_entry"] = maxID(h, "faq_entries", caseID)
	expect("template", c.post("/templates", url.Values{"kind": {"police_memo"}, "lang": {"ja"}, "body": {"# " + xss + "\n\n" + xss}}), http.StatusSeeOther)
	expect("token", c.post("/settings/tokens", url.Values{"name": {xss}}), http.StatusSeeOther, http.StatusOK)
	expect("invite", c.post("/admin/users", url.Values{"email": {"mallory@a.example"}, "name": {xss}, "password": {password}, "role": {"viewer"}}), http.StatusSeeOther)
	var mallory, invitation int64
	h.st.DB.Raw(`SELECT id FROM users WHERE email = 'mallory@a.example'`).Scan(&mallory)
	h.st.DB.Raw(`SELECT id FROM invitations WHERE email = 'mallory@a.example'`).Scan(&invitation)
	mc := h.client()
	mc.login("mallory@a.example")
	expect("accept", mc.post("/invitations/answer", url.Values{"invitation": {fmt.Sprint(invitation)}, "answer": {"accept"}}), http.StatusSeeOther)
	ids["user"] = mallory
	// A letter batch found by searching for the probe.
	letter, err := h.drafts.Generate(ctx, legalP, caseID, "customer_letter_sample", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, letter.ID) }); err != nil {
		t.Fatal(err)
	}
	if err := h.approveDocument(legalP, letter.ID); err != nil {
		t.Fatal(err)
	}
	r = expect("letters", c.post(casePath+"/letters", url.Values{"document_id": {fmt.Sprint(letter.ID)}, "channel": {"print"}, "selection": {"search"}, "search": {xssScript}}), http.StatusSeeOther)
	ids["letter_batch"] = locationID(t, r, "/letter-batches/%d")

	// Forms refused and shown again with what was typed.
	refused := map[string]*http.Response{
		"new case":  c.post("/cases", url.Values{"title": {xss}, "summary": {xss}, "aware_at": {xss}}),
		"timeline":  c.post(casePath+"/timeline", url.Values{"occurred_at": {xss}, "summary": {xss}}),
		"inquiry":   c.post(casePath+"/inquiries", url.Values{"received_at": {xss}, "caller_name": {xss}, "question": {xss}}),
		"invite":    c.post("/admin/users", url.Values{"email": {xss}, "name": {xss}, "role": {"viewer"}}),
		"custody":   c.post(fmt.Sprintf("/evidence/%d/custody", evID), url.Values{"kind": {xss}, "occurred_at": {xss}, "handler": {xss}, "reason": {xss}}),
		"template":  c.post("/templates", url.Values{"kind": {"police_memo"}, "lang": {"ja"}, "body": {"{{" + xss}}),
		"search":    c.do("GET", casePath+"/people?q="+url.QueryEscape(xss), nil),
		"not found": c.do("GET", "/cases/"+url.PathEscape(xss), nil),
	}
	for what, r := range refused {
		if r.StatusCode >= 500 {
			t.Errorf("%s refused with %d", what, r.StatusCode)
		}
		checkNoMarkup(t, what, r, body(t, r))
	}

	op := h.client()
	op.login("op@example.com")
	anon := h.client()
	landed := map[string]bool{}
	for _, lang := range []string{"ja", "en"} {
		c.post("/settings/language", url.Values{"language": {lang}})
		for _, rt := range h.srv.Routes() {
			// A calendar feed's path is its secret and its body is not HTML
			// (calendar_test.go checks it).
			if rt.Method != "GET" || strings.HasSuffix(rt.Path, "qr.png") || strings.HasSuffix(rt.Path, ".ics") {
				continue
			}
			path := strings.NewReplacer(":id", fmt.Sprint(ids[rt.Param]), ":slug", slug, ":n", "1").Replace(rt.Path)
			if rt.Path == "/orgs/:slug/notices.atom" {
				path = "/orgs/org-a/notices.atom"
			}
			who := c
			switch rt.Access {
			case web.Operator:
				who = op
			case web.Public, web.Anon:
				who = anon
			}
			if rt.Access == web.Public {
				path += "?lang=" + lang
			}
			resp := who.do("GET", path, nil)
			page := body(t, resp)
			if resp.StatusCode >= 400 {
				t.Errorf("[%s] GET %s: %d\n%.300s", lang, path, resp.StatusCode, page)
				continue
			}
			checkNoMarkup(t, lang+" GET "+path, resp, page)
			if strings.Contains(page, xssLanding) {
				landed[rt.Path] = true
			}
		}
		// The new case's page, with the probe in its title and summary.
		resp := c.do("GET", fmt.Sprintf("/cases/%d", newCase), nil)
		checkNoMarkup(t, "new case", resp, body(t, resp))
	}
	// The probe reached the pages that show each kind of field.
	for _, p := range []string{"/", "/cases/:id", "/cases/:id/people", "/evidence/:id", "/documents/:id", "/notice-drafts/:id", "/cases/:id/inquiries",
		"/inquiries/:id", "/cases/:id/faq", "/templates", "/settings", "/admin/users", "/admin/users/:id", "/imports/:id",
		"/letter-batches/:id", "/notices/:slug", "/admin/organisations"} {
		if !landed[p] {
			t.Errorf("GET %s never showed the escaped probe %s: the walk did not test it", p, xssLanding)
		}
	}
}

// locationID reads the id from a redirect's Location.
func locationID(t *testing.T, r *http.Response, format string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(r.Header.Get("Location"), format, &id); err != nil {
		t.Fatalf("Location %q: %v", r.Header.Get("Location"), err)
	}
	return id
}

// maxID is the newest row of table in a case.
func maxID(h *harness, table string, caseID int64) int64 {
	var id int64
	h.st.DB.Raw(`SELECT max(id) FROM `+table+` WHERE case_id = ?`, caseID).Scan(&id)
	return id
}

// checkNoMarkup fails when a response could run the probe: HTML with it
// as markup, JSON with it unescaped, or a download served as HTML.
func checkNoMarkup(t *testing.T, what string, r *http.Response, page string) {
	t.Helper()
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment"):
		// A download (an uploaded HTML file is evidence too) is safe when
		// the browser saves it rather than showing it, may not sniff it
		// into something else, and would run nothing if it did show it.
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || (strings.Contains(ct, "html") || strings.Contains(ct, "svg") || strings.Contains(ct, "xml")) &&
			!strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s: download as %q without nosniff and a sandbox", what, r.Header.Get("Content-Type"))
		}
	case ct == "text/html":
		for _, f := range unsafeMarkup(page) {
			t.Errorf("%s: %s", what, f)
		}
	case ct == "application/json":
		if strings.Contains(page, "<script") || strings.Contains(page, "<img") {
			t.Errorf("%s: JSON with unescaped markup", what)
		}
	case strings.HasSuffix(ct, "xml"):
		if strings.Contains(strings.ToLower(page), "<script") || strings.Contains(page, "<img") {
			t.Errorf("%s: %s with the probe as markup", what, ct)
		}
	case page != "" && (ct == "" || strings.Contains(ct, "html") || strings.Contains(ct, "svg")):
		t.Errorf("%s: served as %q", what, r.Header.Get("Content-Type"))
	}
}

// unsafeMarkup reads an HTML page the way a browser tokenises it and
// reports where the probe would run: a script element or event handler
// calling alert(1), the probe's own <img>, or a javascript: URL in a link,
// source or form action. Probe text inside an attribute value or escaped
// in text is fine.
func unsafeMarkup(page string) []string {
	var out []string
	if i := strings.Index(strings.ToLower(page), "<script>alert(1)"); i >= 0 {
		out = append(out, fmt.Sprintf("raw %q at %d", "<script>alert(1)", i))
	}
	urlAttrs := map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true, "data": true, "poster": true}
	for i := 0; i < len(page); i++ {
		if page[i] != '<' {
			continue
		}
		if strings.HasPrefix(page[i:], "<!--") {
			if end := strings.Index(page[i:], "-->"); end >= 0 {
				i += end + 2
			}
			continue
		}
		j := i + 1
		for j < len(page) && (isASCIILetter(page[j]) || page[j] >= '0' && page[j] <= '9' || page[j] == '-' || page[j] == ':') {
			j++
		}
		if j == i+1 || !isASCIILetter(page[i+1]) {
			continue // "</…", "<!doctype", a stray "<"
		}
		tag := strings.ToLower(page[i+1 : j])
		attrs, end := tagAttrs(page, j)
		for _, a := range attrs {
			v := strings.ToLower(strings.Map(func(r rune) rune {
				if r <= ' ' {
					return -1
				}
				return r
			}, html.UnescapeString(a[1])))
			switch {
			case strings.HasPrefix(a[0], "on") && strings.Contains(v, "alert(1)"):
				out = append(out, fmt.Sprintf("<%s %s=%q>", tag, a[0], a[1]))
			case urlAttrs[a[0]] && strings.HasPrefix(v, "javascript:"):
				out = append(out, fmt.Sprintf("<%s %s=%q>", tag, a[0], a[1]))
			case tag == "img" && a[0] == "src" && a[1] == "x":
				out = append(out, "the probe's <img src=x>")
			}
		}
		i = end
		if tag == "script" || tag == "style" {
			close := strings.Index(strings.ToLower(page[i:]), "</"+tag)
			if close < 0 {
				close = len(page) - i
			}
			if strings.Contains(page[i:i+close], "alert(1)") {
				out = append(out, "<"+tag+"> element containing alert(1)")
			}
			i += close
		}
	}
	return out
}

// tagAttrs reads the attributes of a start tag from position i (after the
// name) and returns them as name, value pairs with the position of ">".
func tagAttrs(page string, i int) ([][2]string, int) {
	var out [][2]string
	for i < len(page) {
		for i < len(page) && (page[i] == ' ' || page[i] == '\t' || page[i] == '\n' || page[i] == '\r' || page[i] == '\f' || page[i] == '/') {
			i++
		}
		if i >= len(page) || page[i] == '>' {
			return out, i
		}
		start := i
		for i < len(page) && !strings.ContainsRune(" \t\n\r\f/>=", rune(page[i])) {
			i++
		}
		name := strings.ToLower(page[start:i])
		for i < len(page) && strings.ContainsRune(" \t\n\r\f", rune(page[i])) {
			i++
		}
		value := ""
		if i < len(page) && page[i] == '=' {
			i++
			for i < len(page) && strings.ContainsRune(" \t\n\r\f", rune(page[i])) {
				i++
			}
			if i < len(page) && (page[i] == '"' || page[i] == '\'') {
				q := page[i]
				end := strings.IndexByte(page[i+1:], q)
				if end < 0 {
					end = len(page) - i - 1
				}
				value = page[i+1 : i+1+end]
				i += end + 2
			} else {
				start := i
				for i < len(page) && !strings.ContainsRune(" \t\n\r\f>", rune(page[i])) {
					i++
				}
				value = page[start:i]
			}
		}
		if name != "" {
			out = append(out, [2]string{name, value})
		}
	}
	return out, i
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// The scanner itself finds each kind of injection and passes escaped text.
func TestUnsafeMarkupScanner(t *testing.T) {
	t.Parallel()
	cases := []struct {
		page  string
		finds bool
	}{
		{`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`, false},
		{`<input value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;">`, false},
		{`<a href="#ZgotmplZ">x</a> javascript:alert(1)`, false},
		{`<textarea>&lt;script&gt;alert(1)</textarea>`, false},
		{`<!-- <img src=x onerror=alert(1)> -->`, false},
		{`<p><SCRIPT>alert(1)</SCRIPT></p>`, true},
		{`<p>"><img src=x onerror=alert(1)></p>`, true},
		{`<input value=""><img src=y onerror=alert(1)>`, true},
		{`<a href=" JaVaScRiPt:alert(1)">x</a>`, true},
		{`<a href="java&#x09;script:alert(1)">x</a>`, true},
		{`<script nonce="n">var t = "alert(1)";</script>`, true},
		{`<div data-x='a' onclick='alert(1)'>`, true},
	}
	for _, tc := range cases {
		if got := unsafeMarkup(tc.page); (len(got) > 0) != tc.finds {
			t.Errorf("unsafeMarkup(%q) = %q, want findings: %v", tc.page, got, tc.finds)
		}
	}
}

// csvOf writes records as a CSV file.
func csvOf(records [][]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.WriteAll(records)
	return buf.Bytes()
}

// TestHostileSQLLookingInput stores SQL-looking text in titles, tasks,
// the timeline and person names, and uses it in the search boxes (people
// ?q=, the letters' search selection) and the list filters: it is kept and
// shown literally, LIKE wildcards match only themselves, no request fails,
// and the tables are all still there afterwards.
func TestHostileSQLLookingInput(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	ctx := context.Background()
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	legalUser := h.user("lee@a.example", "org-a", auth.RoleLegal)
	own := h.fixtures("org-a", "alice@a.example", "none")
	caseID := own["case"]
	casePath := fmt.Sprintf("/cases/%d", caseID)
	c := h.client()
	c.login("alice@a.example")

	if r := c.post(casePath+"/update", url.Values{"title": {sqlDrop}, "summary": {sqlOr}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("case update: %d", r.StatusCode)
	}
	if r := c.post(casePath+"/tasks", url.Values{"phase": {"containment"}, "title": {sqlOr}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("task: %d", r.StatusCode)
	}
	if r := c.post(casePath+"/timeline", url.Values{"occurred_at": {"2026-11-20T09:00"}, "summary": {sqlDrop}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("timeline: %d", r.StatusCode)
	}
	names := []string{sqlDrop, sqlOr, "Robert'); DROP TABLE people;--", "100%_off", `back\slash`, "Plain Yamada"}
	rows := [][]string{{"name", "email"}}
	for i, n := range names {
		rows = append(rows, []string{n, fmt.Sprintf("p%d@example.jp", i)})
	}
	ct, b := uploadForm(t, c.csrf(), "people.csv", csvOf(rows), "")
	r := c.raw("POST", casePath+"/people/import", ct, b)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d %s", r.StatusCode, body(t, r))
	}
	var importID int64
	fmt.Sscanf(r.Header.Get("Location"), "/imports/%d", &importID)
	if err := people.NewService(h.st, h.clk, h.cases).Run(ctx, importID); err != nil {
		t.Fatal(err)
	}

	// Stored and shown literally.
	var got struct {
		Case struct {
			Title   string `json:"title"`
			Summary string `json:"summary"`
		} `json:"case"`
	}
	decode(t, c.do("GET", fmt.Sprintf("/api/v1/cases/%d", caseID), nil), &got)
	if got.Case.Title != sqlDrop || got.Case.Summary != sqlOr {
		t.Fatalf("case stored as %q / %q", got.Case.Title, got.Case.Summary)
	}
	page := body(t, c.do("GET", casePath, nil))
	for _, want := range []string{sqlDrop, sqlOr} {
		if !strings.Contains(page, html.EscapeString(want)) {
			t.Errorf("case page does not show %q literally", want)
		}
	}

	// The search matches literally: a wildcard or a quote finds only the
	// persons whose names hold it.
	search := []struct {
		q    string
		want []string
	}{
		{sqlOr, []string{sqlOr}},
		{sqlDrop, []string{sqlDrop}},
		{"%", []string{sqlOr, "100%_off"}},
		{"_", []string{"100%_off"}},
		{`\`, []string{`back\slash`}},
		{"' OR 1=1 --", nil},
		{"DROP TABLE", []string{sqlDrop, "Robert'); DROP TABLE people;--"}},
	}
	for _, s := range search {
		var res struct {
			People []people.Person `json:"people"`
			Total  int64           `json:"total"`
		}
		decode(t, c.do("GET", fmt.Sprintf("/api/v1/cases/%d/people?q=%s", caseID, url.QueryEscape(s.q)), nil), &res)
		var found []string
		for _, p := range res.People {
			found = append(found, p.Name)
		}
		if strings.Join(found, "|") != strings.Join(s.want, "|") || res.Total != int64(len(s.want)) {
			t.Errorf("search %q found %q (total %d), want %q", s.q, found, res.Total, s.want)
		}
		r := c.do("GET", casePath+"/people?q="+url.QueryEscape(s.q), nil)
		if page := body(t, r); r.StatusCode != http.StatusOK || !strings.Contains(page, html.EscapeString(s.q)) {
			t.Errorf("people page with q=%q: %d, search box does not show it", s.q, r.StatusCode)
		}
	}

	// The letters' search selection picks the same persons.
	org, _ := h.auth.OrganisationBySlug(ctx, "org-a")
	legal := &auth.Principal{User: legalUser, Organisation: org, Role: auth.RoleLegal}
	doc, err := h.drafts.Generate(ctx, legal, caseID, "customer_letter_sample", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, doc.ID) }); err != nil {
		t.Fatal(err)
	}
	if err := h.approveDocument(legal, doc.ID); err != nil {
		t.Fatal(err)
	}
	h.st.DB.Exec(`UPDATE people SET address = '東京都千代田区1-1' WHERE case_id = ?`, caseID)
	for _, s := range search[:4] {
		r := c.post(casePath+"/letters", url.Values{"document_id": {fmt.Sprint(doc.ID)}, "channel": {"print"}, "selection": {"search"}, "search": {s.q}})
		if r.StatusCode != http.StatusSeeOther {
			t.Errorf("letters search %q: %d %.300s", s.q, r.StatusCode, body(t, r))
			continue
		}
		var batch, total int64
		fmt.Sscanf(r.Header.Get("Location"), "/letter-batches/%d", &batch)
		h.st.DB.Raw(`SELECT count(*) FROM letters WHERE batch_id = ?`, batch).Scan(&total)
		if total != int64(len(s.want)) {
			t.Errorf("letters search %q selected %d persons, want %d", s.q, total, len(s.want))
		}
		if page := body(t, c.do("GET", r.Header.Get("Location"), nil)); !strings.Contains(page, html.EscapeString(s.q)) {
			t.Errorf("batch page does not show the search %q", s.q)
		}
		// As if the print run had happened: a person has one letter in
		// flight at a time, and the next search may pick them again.
		h.st.DB.Exec(`UPDATE letters SET state = 'printed' WHERE batch_id = ?`, batch)
	}

	// Filters and paging take the text as a value, never as SQL.
	for _, path := range []string{
		casePath + "/inquiries?status=" + url.QueryEscape(sqlOr) + "&category=" + url.QueryEscape(sqlDrop) + "&affected=" + url.QueryEscape(sqlOr),
		"/api/v1/cases/" + fmt.Sprint(caseID) + "/inquiries?status=" + url.QueryEscape(sqlDrop),
		casePath + "/inquiries/csv?category=" + url.QueryEscape(sqlOr),
		casePath + "/people?offset=" + url.QueryEscape(sqlDrop),
		"/api/v1/cases/" + fmt.Sprint(caseID) + "/people?limit=" + url.QueryEscape(sqlOr),
		"/audit?before=" + url.QueryEscape(sqlDrop),
		"/templates?kind=" + url.QueryEscape(sqlDrop) + "&lang=" + url.QueryEscape(sqlOr),
		"/api/v1/cases?include_closed=" + url.QueryEscape(sqlOr),
	} {
		if r := c.do("GET", path, nil); r.StatusCode >= 500 {
			t.Errorf("GET %s: %d", path, r.StatusCode)
		}
	}

	// Every table is still there and holds what it held.
	for _, table := range []string{"cases", "people", "tasks", "timeline_entries", "imports", "letters", "audit_log", "users", "organisations"} {
		var exists bool
		h.st.DB.Raw(`SELECT to_regclass(?) IS NOT NULL`, "public."+table).Scan(&exists)
		if !exists {
			t.Errorf("table %s is gone", table)
		}
	}
	var persons int64
	h.st.DB.Raw(`SELECT count(*) FROM people WHERE case_id = ?`, caseID).Scan(&persons)
	if persons != int64(len(names)) {
		t.Errorf("%d persons, want %d", persons, len(names))
	}
}

// TestHostileTextIsRefusedNotAnError: a NUL character or bytes that are
// not UTF-8, which PostgreSQL cannot store as text, are refused as bad
// input (422) in forms, search boxes and the API, never answered with 500.
func TestHostileTextIsRefusedNotAnError(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	ctx := context.Background()
	token, err := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "ci", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	own := h.fixtures("org-a", "alice@a.example", "ci")
	casePath := fmt.Sprintf("/cases/%d", own["case"])
	c := h.client()
	c.login("alice@a.example")
	api := h.client()
	api.bearer = token
	for _, bad := range []string{"nul\x00byte", "not \xff\xfe utf-8"} {
		for what, r := range map[string]*http.Response{
			"new case": c.post("/cases", url.Values{"title": {bad}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"card_skimming"},
				"playbook": {"jp-card-leak"}, "severity": {"high"}}),
			"timeline":  c.post(casePath+"/timeline", url.Values{"occurred_at": {"2026-11-20T09:00"}, "summary": {bad}}),
			"comment":   c.post(fmt.Sprintf("/tasks/%d/comments", own["task"]), url.Values{"body": {bad}}),
			"inquiry":   c.post(casePath+"/inquiries", url.Values{"channel": {"phone"}, "question": {bad}, "category": {"other"}}),
			"search":    c.do("GET", casePath+"/people?q="+url.QueryEscape(bad), nil),
			"api case":  api.raw("POST", "/api/v1/cases", "application/json", []byte(`{"title":"a\u0000b","aware_at":"2026-11-20T10:00:00+09:00","incident_type":"other"}`)),
			"api query": api.do("GET", fmt.Sprintf("/api/v1/cases/%d/people?q=%s", own["case"], url.QueryEscape(bad)), nil),
		} {
			// Pages say it in the reader's language (Japanese here), the API in English.
			if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "NUL character") && !strings.Contains(page, "NUL文字") {
				t.Errorf("%s with %q: %d, want 422 saying why\n%.300s", what, bad, r.StatusCode, page)
			}
		}
	}
}

// hostileServer is the harness's application with a small upload limit
// (1 MiB, so a body limit of 2 MiB), serving on a real socket:
// Fiber answers an over-limit body before any handler, and only a real
// connection shows that answer (app.Test reports the refusal as an error).
func hostileServer(t *testing.T, h *harness) (*harness, string) {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxUploadBytes = 1 << 20
	font, err := pdf.FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	if err != nil {
		t.Fatal(err)
	}
	rd, err := pdf.NewRenderer(font)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Deps{Webhooks: apptest.Webhooks(t, h.st, h.clk, nil), Config: cfg, Clock: h.clk, Store: h.st, Auth: h.auth, Cases: h.cases, Assessment: h.as, Evidence: evidence.NewService(h.st, h.clk, cfg.MaxUploadBytes),
		Drafts: h.drafts, Notices: h.notices, People: people.NewService(h.st, h.clk, h.cases), Letters: letters.NewService(h.st, h.clk, h.cases, h.as, letters.Options{Renderer: rd}),
		Inquiries: inquiries.NewService(h.st, h.clk, h.cases, h.as, rd), Calendar: newCalendar(t, h.st, h.clk, h.cases),
		Security: newSecurity(t, h.st, h.clk, h.cases), Orders: newOrders(t, h.st, h.clk, h.cases), Scoping: newScoping(t, h.st, h.clk, h.cases, h.as)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown(5 * time.Second) })
	small := *h
	small.srv = srv
	return &small, ln.Addr().String()
}

// rawPost sends a POST over a new connection: the headers, then the body
// as a stream of chunkSize pieces (chunked when size < 0, else with a
// Content-Length of size of which only what the server reads is sent),
// and returns the response. Write errors after the server has answered
// are expected: it closes the connection.
func rawPost(t *testing.T, addr, path, cookie, contentType string, size int64) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(clock.Deadline(30 * time.Second))
	length := fmt.Sprintf("Content-Length: %d", size)
	if size < 0 {
		length = "Transfer-Encoding: chunked"
	}
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: test\r\nCookie: %s\r\nContent-Type: %s\r\n%s\r\n\r\n", path, cookie, contentType, length); err != nil {
		t.Fatal(err)
	}
	go func() { // the body, until the server stops reading
		piece := bytes.Repeat([]byte("a"), 64<<10)
		for sent := 0; sent < 8<<20; sent += len(piece) {
			var err error
			if size < 0 {
				_, err = fmt.Fprintf(conn, "%x\r\n%s\r\n", len(piece), piece)
			} else {
				_, err = conn.Write(piece)
			}
			if err != nil {
				return
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestHostileOversizedBodies: a request body above the configured limit
// is refused with 413 and a message naming the limit, for every kind of
// upload (browser form, evidence and CSV files, the API's raw bodies, the
// login form), declared or chunked, and the server goes on serving; a
// file over the evidence limit but under the body limit is the service's
// 422 naming its limit. The people page does not promise a CSV larger
// than the body limit lets through.
func TestHostileOversizedBodies(t *testing.T) {
	t.Parallel()
	big, addr := hostileServer(t, newHarness(t))
	big.user("alice@a.example", "org-a", auth.RoleOwner)
	own := big.fixtures("org-a", "alice@a.example", "none")
	c := big.client()
	c.login("alice@a.example")
	var cookies []string
	for k, v := range c.cookies {
		cookies = append(cookies, k+"="+v)
	}
	cookie := strings.Join(cookies, "; ")
	limit := int64(2 << 20)
	casePath := fmt.Sprintf("/cases/%d", own["case"])
	for _, tc := range []struct{ path, contentType string }{
		{"/cases", "application/x-www-form-urlencoded"},
		{casePath + "/evidence", "multipart/form-data; boundary=xyz"},
		{casePath + "/people/import", "multipart/form-data; boundary=xyz"},
		{fmt.Sprintf("/api/v1/cases/%d/evidence?filename=big.bin", own["case"]), "application/octet-stream"},
		{fmt.Sprintf("/api/v1/cases/%d/people/import?filename=big.csv", own["case"]), "text/csv"},
		{"/login", "application/x-www-form-urlencoded"},
	} {
		for _, size := range []int64{limit + 1, 100 << 20, -1} {
			resp, page := rawPost(t, addr, tc.path, cookie, tc.contentType, size)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %s with %d bytes: %d, want 413\n%.300s", tc.path, size, resp.StatusCode, page)
				continue
			}
			if !strings.Contains(page, "2 MiB") && !strings.Contains(page, "2MiB") {
				t.Errorf("POST %s with %d bytes: the refusal does not name the limit:\n%.600s", tc.path, size, page)
			}
		}
	}
	if r, err := http.Get("http://" + addr + "/healthz"); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("server after the refusals: %v %v", r, err)
	}

	// Under the body limit, over the evidence limit: the service's 422.
	ct, b := uploadForm(t, c.csrf(), "big.bin", make([]byte, 1<<20+1), "")
	r := c.raw("POST", casePath+"/evidence", ct, b)
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "1 MiB") {
		t.Errorf("evidence over its limit: %d\n%.300s", r.StatusCode, page)
	}
	// The import form states the limit the server really applies.
	c.post("/settings/language", url.Values{"language": {"en"}})
	if page := body(t, c.do("GET", casePath+"/people", nil)); !strings.Contains(page, "Up to 1 MiB") {
		t.Errorf("people page does not state the 1 MiB limit a CSV upload gets: %s", page)
	}
}

// TestHostileFileNames uploads evidence and CSV files under names that
// climb directories (either separator), hide a header break, a quote, a
// NUL, a bidi override or a card number, or run to thousands of
// characters. The stored name is the last path element, cleaned and cut
// to 255 characters; the download's Content-Disposition is one safe
// header that gives the stored name back; and no file appears anywhere
// the names point to.
func TestHostileFileNames(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	token, err := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "ci", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	own := h.fixtures("org-a", "alice@a.example", "ci")
	api := h.client()
	api.bearer = token
	c := h.client()
	c.login("alice@a.example")
	tmpBefore := dirNames(t, os.TempDir())

	// A query string is bounded by the 4 KiB header buffer; a multipart
	// body carries a name of any length.
	long, longer := strings.Repeat("a", 1000)+".txt", strings.Repeat("長", 3000)+".txt"
	names := []struct{ name, want string }{
		{"../../etc/passwd", "passwd"},
		{`..\..\boot.ini`, "boot.ini"},
		{"a/b/c.txt", "c.txt"},
		{"/absolute/path.log", "path.log"},
		{"nul\x00byte.txt", "nulbyte.txt"},
		{"evil\r\nX-Injected: 1.txt", "evilX-Injected: 1.txt"},
		{`quote"; filename="x.exe`, `quote"; filename="x.exe`},
		{"\u202etxt.exe", "txt.exe"},
		{"card 4111111111111111.csv", "card [visa ****1111].csv"},
		{"..", evidence.DefaultFilename},
		{"../", evidence.DefaultFilename},
		{long, string([]rune(long)[:255])},
		{xssFile, xssFile},
	}
	for _, n := range names {
		r := api.raw("POST", fmt.Sprintf("/api/v1/cases/%d/evidence?filename=%s", own["case"], url.QueryEscape(n.name)), "application/octet-stream", []byte("log line"))
		if r.StatusCode != http.StatusCreated {
			t.Errorf("upload %q: %d %s", n.name, r.StatusCode, body(t, r))
			continue
		}
		var it evidence.Item
		decode(t, r, &it)
		if it.Filename != n.want {
			t.Errorf("upload %q stored as %q, want %q", n.name, it.Filename, n.want)
		}
		dl := c.do("GET", fmt.Sprintf("/evidence/%d/download", it.ID), nil)
		cd := dl.Header.Get("Content-Disposition")
		if dl.StatusCode != http.StatusOK || dl.Header.Get("X-Injected") != "" || strings.ContainsAny(cd, "\r\n\"\\;\x00") && !strings.HasPrefix(cd, "attachment; filename*=UTF-8''") {
			t.Errorf("download of %q: %d, Content-Disposition %q", n.name, dl.StatusCode, cd)
			continue
		}
		_, params, err := mime.ParseMediaType(cd)
		if err != nil || params["filename"] != it.Filename || strings.ContainsAny(cd[len("attachment; "):], "\r\n\" ;") {
			t.Errorf("download of %q: Content-Disposition %q gives %q (%v), want %q", n.name, cd, params["filename"], err, it.Filename)
		}
		if dl.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download of %q lacks nosniff", n.name)
		}
	}
	// The browser's multipart form: the same names, the same result.
	form := append([]struct{ name, want string }{}, names[:4]...)
	for _, n := range append(form, struct{ name, want string }{longer, string([]rune(longer)[:255])}) {
		ct, b := uploadForm(t, c.csrf(), n.name, []byte("x"), "")
		if r := c.raw("POST", fmt.Sprintf("/cases/%d/evidence", own["case"]), ct, b); r.StatusCode != http.StatusSeeOther {
			t.Errorf("form upload %q: %d", n.name, r.StatusCode)
			continue
		}
		var stored string
		h.st.DB.Raw(`SELECT filename FROM evidence WHERE case_id = ? ORDER BY id DESC LIMIT 1`, own["case"]).Scan(&stored)
		if stored != n.want {
			t.Errorf("form upload %q stored as %q, want %q", n.name, stored, n.want)
		}
	}
	// CSV imports keep only a display name too.
	for _, n := range names[:9] {
		r := api.raw("POST", fmt.Sprintf("/api/v1/cases/%d/people/import?filename=%s", own["case"], url.QueryEscape(n.name)), "text/csv", []byte("name\nA\n"))
		if r.StatusCode != http.StatusAccepted {
			t.Errorf("import %q: %d %s", n.name, r.StatusCode, body(t, r))
			continue
		}
		var imp people.Import
		decode(t, r, &imp)
		if imp.Filename != n.want || !utf8.ValidString(imp.Filename) {
			t.Errorf("import %q stored as %q, want %q", n.name, imp.Filename, n.want)
		}
		page := body(t, c.do("GET", fmt.Sprintf("/imports/%d", imp.ID), nil))
		if !strings.Contains(page, html.EscapeString(imp.Filename)) {
			t.Errorf("import page does not show the name %q", imp.Filename)
		}
	}
	ct, b := uploadForm(t, c.csrf(), `..\..\boot.ini`, []byte("name\nA\n"), "")
	if r := c.raw("POST", fmt.Sprintf("/cases/%d/people/import", own["case"]), ct, b); r.StatusCode != http.StatusSeeOther {
		t.Errorf("form import: %d", r.StatusCode)
	}

	// Nothing was written where the names point, nor next to the process.
	wd, _ := os.Getwd()
	for _, p := range []string{filepath.Join(wd, "../../etc/passwd"), filepath.Join(wd, "boot.ini"), filepath.Join(wd, "a"), filepath.Join(wd, "passwd"),
		filepath.Join(os.TempDir(), "passwd"), filepath.Join(os.TempDir(), "boot.ini")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s exists after the uploads", p)
		}
	}
	for name := range dirNames(t, os.TempDir()) {
		if !tmpBefore[name] && (strings.Contains(name, "passwd") || strings.Contains(name, "boot.ini") || strings.Contains(name, ".txt") || strings.Contains(name, ".csv")) {
			t.Errorf("new file %s in %s named after an upload", name, os.TempDir())
		}
	}
}

func dirNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range entries {
		out[e.Name()] = true
	}
	return out
}

// Fields whose text is an identity (an account's name and e-mail, a
// token's name, a notice's address, a case's title) refuse a card number
// with a 422 naming the field, instead of storing a masked one; nothing is
// written.
func TestCardNumbersInIdentitiesAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	own := h.fixtures("org-a", "alice@a.example", "none")
	c := h.client()
	c.login("alice@a.example")
	c.post("/settings/language", url.Values{"language": {"en"}})
	const card = "4111 1111 1111 1111"
	before := apptest.Count(t, h.st, `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM api_tokens) + (SELECT count(*) FROM notices) + (SELECT count(*) FROM cases)`)
	for what, tc := range map[string]struct {
		r     *http.Response
		field string
	}{
		"invited name":  {c.post("/admin/users", url.Values{"email": {"new@a.example"}, "name": {"Card " + card}, "password": {password}, "role": {"viewer"}}), "name"},
		"invited email": {c.post("/admin/users", url.Values{"email": {"4111111111111111@a.example"}, "name": {"New"}, "password": {password}, "role": {"viewer"}}), "email"},
		"token name":    {c.post("/settings/tokens", url.Values{"name": {"ci " + card}}), "name"},
		"notice slug":   {c.post(fmt.Sprintf("/cases/%d/notices", own["case"]), url.Values{"slug": {"notice-4111-1111-1111-1111"}}), "slug"},
		"case title":    {c.post("/cases", url.Values{"title": {"Leak " + card}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"other"}, "playbook": {"jp-card-leak"}, "severity": {"high"}}), "title"},
	} {
		page := body(t, tc.r)
		if tc.r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "card number") {
			t.Errorf("%s: %d, want 422 about the card number\n%.400s", what, tc.r.StatusCode, page)
		}
	}
	api := h.client()
	tok, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "api", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	api.bearer = tok
	r := api.raw("POST", "/api/v1/cases", "application/json", []byte(`{"title":"x 4111-1111-1111-1111","aware_at":"2026-11-20T10:00:00+09:00","incident_type":"other"}`))
	var out struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	decode(t, r, &out)
	if r.StatusCode != http.StatusUnprocessableEntity || len(out.Errors) != 1 || out.Errors[0].Field != "title" {
		t.Errorf("API case title: %d %+v", r.StatusCode, out)
	}
	if after := apptest.Count(t, h.st, `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM api_tokens) + (SELECT count(*) FROM notices) + (SELECT count(*) FROM cases)`); after != before+1 {
		t.Errorf("rows went from %d to %d: only the API token may have been added", before, after)
	}
}
