package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/letters"
	bdmail "github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/web"
)

// poisoner hands out card numbers to put into inputs: each one a fresh,
// Luhn-valid number of some brand, written in the next of the ways people
// (and attackers) write them, so that a number found later names the
// input it went into.
type poisoner struct {
	rng   *rand.Rand
	n     int
	where map[string]string // digits → the input it was put into
	sent  []string          // the numbers put into the request being built
}

func newPoisoner() *poisoner {
	return &poisoner{rng: rand.New(rand.NewPCG(16, 2026)), where: map[string]string{}}
}

// prefixes are brand prefixes (IIN) and lengths.
var poisonBrands = []struct {
	prefix string
	n      int
}{{"4", 16}, {"51", 16}, {"2221", 16}, {"3528", 16}, {"34", 15}, {"6011", 16}, {"36", 14}, {"62", 16}, {"4", 13}, {"4", 19}}

// writings are the ways a number is written: separators between groups of
// four, other digit scripts. Every one of them must be caught.
var writings = []func(d string) string{
	func(d string) string { return d },
	func(d string) string { return grouped(d, " ") },
	func(d string) string { return grouped(d, "-") },
	func(d string) string { return grouped(d, "\t") },
	func(d string) string { return grouped(d, "\n") },
	func(d string) string { return grouped(d, "\r\n") },
	func(d string) string { return grouped(d, ".") },
	func(d string) string { return grouped(d, "/") },
	func(d string) string { return grouped(d, "_") },
	func(d string) string { return grouped(d, "  ") },
	func(d string) string { return grouped(d, " - ") },
	func(d string) string { return grouped(d, "・") },
	func(d string) string { return grouped(d, ",") },
	func(d string) string { return grouped(d, "⁻") },
	func(d string) string { return script(grouped(d, "－"), '０') },
	func(d string) string { return script(d, '٠') },
	func(d string) string { return script(grouped(d, " "), '०') },
	func(d string) string { return grouped(d, "\u200b") },
	func(d string) string { return "[" + grouped(d, " ") + "]" },
}

func grouped(d, sep string) string {
	var parts []string
	for len(d) > 4 {
		parts, d = append(parts, d[:4]), d[4:]
	}
	return strings.Join(append(parts, d), sep)
}

func script(s string, zero rune) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return zero + r - '0'
		}
		return r
	}, s)
}

// pan returns a new Luhn-valid number as ASCII digits.
func (p *poisoner) pan() string {
	b := poisonBrands[p.n%len(poisonBrands)]
	d := []byte(b.prefix)
	for len(d) < b.n-1 {
		d = append(d, byte('0'+p.rng.IntN(10)))
	}
	for c := byte('0'); c <= '9'; c++ {
		if pan.Luhn(append(d, c)) {
			return string(append(d, c))
		}
	}
	panic("no check digit")
}

// next is a poisoned value for an input, in the next writing.
func (p *poisoner) next(input string) string {
	d := p.pan()
	p.where[d] = input
	p.sent = append(p.sent, d)
	w := writings[p.n%len(writings)](d)
	p.n++
	return "x " + w + " y"
}

// email is a poisoned e-mail address (the number is its local part).
func (p *poisoner) email(input string) string {
	d := p.pan()
	p.where[d] = input
	p.sent = append(p.sent, d)
	p.n++
	return d + "@example.jp"
}

// leaks lists the injected numbers found in text, with where they went
// in; echo are numbers the text may show (a response showing the form it
// refuses with what was typed in it).
func (p *poisoner) leaks(text string, echo []string) []string {
	digits := digitsOf(text)
	var out []string
	for d, input := range p.where {
		if strings.Contains(digits, d) && !slices.Contains(echo, d) {
			out = append(out, d+" (put into "+input+")")
		}
	}
	sort.Strings(out)
	return out
}

// digitsOf is text read as a reader would read its digits: NFKC, every
// script's decimal digits as ASCII, everything else dropped. The injected
// numbers are random, so finding one in this projection means it is there.
func digitsOf(text string) string {
	var b strings.Builder
	for _, r := range norm.NFKC.String(text) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.Is(unicode.Nd, r):
			lo := r
			for unicode.Is(unicode.Nd, lo-1) {
				lo--
			}
			b.WriteByte(byte('0' + (r-lo)%10))
		}
	}
	return b.String()
}

// plainCard is any card number written the classic way (digits, single
// spaces or hyphens) with a brand's prefix: one that was not injected but
// made up from parts. It stands alone: a run of digits inside a longer
// token of letters and digits (a SHA-256 in hex, a token's hash) is no
// one's card number, and in the hundreds of hashes a run reads as a Luhn-valid
// number with a brand's prefix on some runs (it did: "4420622064844" on
// 2026-12-07). The injected numbers are found wherever they are (leaks).
var plainCard = regexp.MustCompile(`(?:^|[^0-9A-Za-z])([0-9](?:[ -]?[0-9]){12,18})(?:$|[^0-9A-Za-z])`)

func plainCards(text string) []string {
	var out []string
	for _, sub := range plainCard.FindAllStringSubmatch(digitsFolded(text), -1) {
		m := sub[1]
		d := []byte(strings.NewReplacer(" ", "", "-", "").Replace(m))
		if pan.Luhn(d) && pan.Brand(d) != "card" {
			out = append(out, m)
		}
	}
	return out
}

func digitsFolded(text string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Nd, r) && r > unicode.MaxASCII {
			return rune(digitsOf(string(r))[0])
		}
		return r
	}, norm.NFKC.String(text))
}

// logBuffer collects the server's log lines, through the handler the
// server runs with.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// poisonRun drives every input path with card numbers and keeps what came
// back, for the scan.
type poisonRun struct {
	t         *testing.T
	h         *harness
	p         *poisoner
	ids       map[string]int64
	slug      string
	responses []response // every response body (PDFs as their text)
	mails     []string   // every e-mail sent, as read
	requests  int
	fields    int
	pdfs      int
}

// response is what one request got back, and the numbers that request
// sent (which the response may echo: a refused form shows what was typed).
type response struct {
	what, body string
	echo       []string
}

func (r *poisonRun) keep(resp *http.Response) {
	r.t.Helper()
	b, _ := io.ReadAll(resp.Body)
	r.requests++
	what := resp.Request.Method + " " + resp.Request.URL.Path
	if resp.StatusCode >= 500 {
		r.t.Errorf("HTTP %d from %s", resp.StatusCode, what)
	}
	text := string(b)
	if bytes.HasPrefix(b, []byte("%PDF-")) {
		r.pdfs++
		text = apptest.PDFText(r.t, b)
	}
	r.responses = append(r.responses, response{what: what, body: text, echo: r.p.sent})
	r.p.sent = nil
}

// path fills a route's parameters with the fixtures' ids.
func (r *poisonRun) path(rt web.Route) string {
	p := strings.NewReplacer(":id", fmt.Sprint(r.ids[rt.Param]), ":oid", fmt.Sprint(r.ids[rt.SubParam]), ":slug", r.slug, ":n", "1").Replace(rt.Path)
	if rt.Path == "/orgs/:slug/notices.atom" {
		p = "/orgs/org-a/notices.atom"
	}
	return p
}

// query adds poisoned query parameters to a path: every handler that reads
// one reads a card number.
func (r *poisonRun) query(path, input string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + url.Values{"q": {r.p.next(input + " ?q")}, "filename": {r.p.next(input + " ?filename")},
		"description": {r.p.next(input + " ?description")}}.Encode()
}

// TestNoCardNumberSurvivesAnyInput poisons every input path a user or an
// attacker has (every browser form, found by walking every page of the
// route table; every API operation, with bodies built from the OpenAPI
// document; query strings and headers on every request; the login; CSV
// in UTF-8 and Shift_JIS; evidence; templates) with card numbers written
// every way the guard must read, works the background jobs that make
// documents, letters and e-mails, then scans a dump of every table, the
// log, every PDF, every e-mail and every response: no injected number may
// be found in any of them, whatever separators or digits it is written
// in, nor any other card number. New routes and columns are covered by
// the walks, without editing the test.
func TestNoCardNumberSurvivesAnyInput(t *testing.T) {
	if _, err := exec.LookPath("pg_dump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pg_dump is required in CI")
		}
		t.Skip("pg_dump not installed")
	}
	// The log through the server's handler, as cmd/breachdesk installs it.
	logs := &logBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(pan.LogHandler(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	t.Cleanup(func() { slog.SetDefault(prev) })

	h := newHarnessAt(t, clocktest.At(formsToday))
	ctx := context.Background()
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	legalUser := h.user("lee@a.example", "org-a", auth.RoleLegal)
	token, err := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "ci", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	run := &poisonRun{t: t, h: h, p: newPoisoner(), ids: h.fixtures("org-a", "lee@a.example", "ci")}
	pz := run.p
	headers := func(who string) map[string]string {
		return map[string]string{"User-Agent": pz.next(who + " User-Agent"), "Referer": "https://shop.example/" + pz.next(who+" Referer"),
			"X-Forwarded-For": pz.next(who + " X-Forwarded-For"), "Accept-Language": pz.next(who + " Accept-Language"),
			"X-Request-Id": pz.next(who + " X-Request-Id")}
	}

	// The login, unauthenticated: a card number as the e-mail address.
	anon := h.client()
	anon.headers = headers("anonymous")
	run.keep(anon.do("GET", "/login", nil))
	run.keep(anon.post("/login", url.Values{"email": {pz.next("login e-mail")}, "password": {"wrong"}}))
	run.keep(anon.post("/login", url.Values{"email": {pz.email("login e-mail")}, "password": {"wrong"}}))
	run.keep(anon.do("GET", "/notices/"+url.PathEscape(pz.next("public notice path")), nil))

	owner := h.client()
	owner.headers = headers("owner")
	owner.login("alice@a.example")
	legal := h.client()
	legal.headers = headers("legal")
	legal.login("lee@a.example")
	api := h.client()
	api.bearer = token
	api.headers = headers("API client")

	run.forms(owner)
	run.api(api)
	run.publishAndSend(ctx, legalUser)
	// The walks again as legal (approvals, submissions), after the jobs.
	run.forms(legal)

	// Jobs the walks queued: imports, renderings, letters.
	run.work(ctx)

	// The scan: every table, the log, every PDF and e-mail, every response.
	dump := dumpAll(t, h)
	places := map[string]string{"database dump": dump, "log": logs.String()}
	var stored []struct{ PDF []byte }
	h.st.DB.Raw(`SELECT pdf FROM documents WHERE pdf IS NOT NULL UNION ALL SELECT pdf FROM letter_files WHERE length(pdf) > 1
		UNION ALL SELECT pdf_ja FROM notice_versions WHERE pdf_ja IS NOT NULL UNION ALL SELECT pdf_en FROM notice_versions WHERE pdf_en IS NOT NULL`).Scan(&stored)
	for i, s := range stored {
		places[fmt.Sprintf("stored PDF %d", i+1)] = apptest.PDFText(t, s.PDF)
	}
	for i, m := range run.mails {
		places[fmt.Sprintf("e-mail %d", i+1)] = m
	}
	// BREACHDESK_POISON_OUT=dir keeps what was scanned, for a look by hand.
	if dir := os.Getenv("BREACHDESK_POISON_OUT"); dir != "" {
		for where, text := range places {
			name := strings.NewReplacer(" ", "-", "/", "-").Replace(where) + ".txt"
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	for where, text := range places {
		for _, l := range pz.leaks(text, nil) {
			t.Errorf("%s holds the card number %s", where, l)
		}
		for _, c := range plainCards(text) {
			t.Errorf("%s holds a card number %q", where, c)
		}
	}
	// A response may show what its own request sent (the refused form);
	// a number sent earlier comes from storage.
	for _, resp := range run.responses {
		for _, l := range pz.leaks(resp.body, resp.echo) {
			t.Errorf("the response to %s holds the card number %s, sent earlier", resp.what, l)
		}
	}
	// The guard kept what it may: brand and last four, and the counts.
	if n := strings.Count(dump, " ****"); n < 20 {
		t.Errorf("only %d masked card numbers in the dump", n)
	}
	if n := apptest.Count(t, h.st, `SELECT coalesce(sum(pans_masked), 0) FROM imports`); n < 4 {
		t.Errorf("imports report %d masked card numbers", n)
	}
	t.Logf("stored from poisoned input: %d cases, %d persons, %d imports done, %d timeline entries, %d evidence items, %d documents",
		apptest.Count(t, h.st, `SELECT count(*) FROM cases`), apptest.Count(t, h.st, `SELECT count(*) FROM people`),
		apptest.Count(t, h.st, `SELECT count(*) FROM imports WHERE status = 'done'`), apptest.Count(t, h.st, `SELECT count(*) FROM timeline_entries`),
		apptest.Count(t, h.st, `SELECT count(*) FROM evidence`), apptest.Count(t, h.st, `SELECT count(*) FROM documents`))
	t.Logf("%d card numbers put into %d fields over %d requests (with poisoned query strings and 5 headers each); scanned %d tables, %d log lines, %d stored PDFs, %d PDF responses, %d e-mails, %d responses",
		len(pz.where), run.fields, run.requests, tablesIn(dump), strings.Count(places["log"], "\n"), len(stored), run.pdfs, len(run.mails), len(run.responses))
}

// htmlForm is a POST form found on a page.
type htmlForm struct {
	action, enctype string
	fields          []formField
}

type formField struct {
	name, tag, kind, value string
	options                []string
	checked                bool
}

// formsIn finds the POST forms of a page.
func formsIn(page string) []htmlForm {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil
	}
	var out []htmlForm
	var cur *htmlForm
	attr := func(n *html.Node, k string) string {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val
			}
		}
		return ""
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "form":
				if strings.EqualFold(attr(n, "method"), "post") {
					out = append(out, htmlForm{action: attr(n, "action"), enctype: attr(n, "enctype")})
					cur = &out[len(out)-1]
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						walk(c)
					}
					cur = nil
					return
				}
			case "input", "textarea", "select":
				if cur != nil && attr(n, "name") != "" {
					f := formField{name: attr(n, "name"), tag: n.Data, kind: strings.ToLower(attr(n, "type")), value: attr(n, "value")}
					f.checked = slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "checked" })
					if n.Data == "select" {
						for o := n.FirstChild; o != nil; o = o.NextSibling {
							if o.Type == html.ElementNode && o.Data == "option" {
								v := attr(o, "value")
								for _, a := range o.Attr {
									if a.Key == "selected" {
										f.options = append([]string{v}, f.options...)
									}
								}
								f.options = append(f.options, v)
							}
						}
					}
					if n.Data == "textarea" && n.FirstChild != nil {
						f.value = n.FirstChild.Data
					}
					cur.fields = append(cur.fields, f)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// textual tells the inputs a person types text into.
func (f formField) textual() bool {
	if f.tag == "textarea" {
		return true
	}
	return f.tag == "input" && slices.Contains([]string{"", "text", "search", "email", "url", "tel"}, f.kind)
}

// skipAction are forms that end the session or take someone's access:
// the walk would cut its own branch.
var skipAction = regexp.MustCompile(`/logout$|/remove$|/revoke$|/org/switch$`)

// forms walks every page of the route table (as c), with a poisoned query
// string, and submits each POST form found: once with every text field
// poisoned, then once per text field with only that one poisoned (the
// others valid, so that a form that refuses one value still stores the
// rest), and file inputs with poisoned files.
func (r *poisonRun) forms(c *client) {
	r.t.Helper()
	done := map[string]bool{}
	for _, rt := range r.h.srv.Routes() {
		if rt.Method != "GET" || rt.API || strings.HasSuffix(rt.Path, "/qr.png") {
			continue
		}
		resp := c.do("GET", r.query(r.path(rt), "GET "+rt.Path), nil)
		page := r.keepBody(resp)
		if !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, f := range formsIn(page) {
			names := []string{f.action}
			for _, fd := range f.fields {
				names = append(names, fd.name)
			}
			key := strings.Join(names, ",")
			if done[key] || !strings.HasPrefix(f.action, "/") || skipAction.MatchString(f.action) {
				continue
			}
			done[key] = true
			r.submit(c, f)
		}
	}
}

func (r *poisonRun) submit(c *client, f htmlForm) {
	var texts []string
	for _, fd := range f.fields {
		if fd.textual() {
			texts = append(texts, fd.name)
		}
	}
	variants := [][]string{texts}
	for _, name := range texts {
		variants = append(variants, []string{name})
	}
	files := r.filesFor(f.action)
	for i, poisoned := range variants {
		file := files[i%len(files)]
		r.send(c, f, poisoned, file)
	}
	for _, file := range files[1:] {
		r.send(c, f, nil, file)
	}
}

// filesFor is what a file input of a form gets: person lists in UTF-8 and
// Shift_JIS, bounce lists, evidence.
func (r *poisonRun) filesFor(action string) []poisonFile {
	switch {
	case strings.HasSuffix(action, "/people/import"):
		return []poisonFile{r.personCSV(false), r.personCSV(true)}
	case strings.HasSuffix(action, "/bounces"):
		return []poisonFile{{name: "bounces.csv", data: []byte("email,reason\n" + r.p.email("bounce list e-mail") + "," + r.p.next("bounce list reason") + "\n")}}
	}
	return []poisonFile{{name: r.p.next("uploaded file name") + ".log", data: []byte("GET /checkout\n" + r.p.next("uploaded file") + "\n")}}
}

type poisonFile struct {
	name string
	data []byte
}

// personCSV is a person list with a card number in every column, the
// address split in parts that only make a card number together, a
// security code and an expiry date, and a column mapped to extra.
func (r *poisonRun) personCSV(sjis bool) poisonFile {
	enc := "UTF-8"
	if sjis {
		enc = "Shift_JIS"
	}
	in := func(col string) string { return r.p.next("CSV (" + enc + ") " + col) }
	d := r.p.pan()
	r.p.where[d] = "CSV (" + enc + ") address parts"
	r.p.n++
	rows := [][]string{{"氏名", "メールアドレス", "電話番号", "顧客ID", "郵便番号", "都道府県", "市区町村", "番地", "建物名", "カード番号", "セキュリティコード", "有効期限", "メモ"},
		{in("name"), r.p.email("CSV (" + enc + ") e-mail"), in("phone"), in("customer id"), in("postal code"), "東京都", d[:len(d)/2], d[len(d)/2:], in("building"),
			in("card number"), "739", "12/29", in("memo")},
		// A row valid apart from its card numbers, so that it is imported
		// and its person gets a letter.
		{in("name (valid row)"), fmt.Sprintf("person%d@example.jp", r.p.n), "03-1234-5678", in("customer id (valid row)"), "100-0001", "東京都",
			in("city (valid row)"), in("street (valid row)"), in("building (valid row)"), in("card number (valid row)"), "123", "01/30", in("memo (valid row)")}}
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(cell, `"`, `""`) + `"`)
		}
		b.WriteString("\r\n")
	}
	data := []byte(b.String())
	if sjis {
		// Characters Shift_JIS has no form for (digits of other scripts,
		// some separators) are written as ASCII digits and hyphens.
		var out []byte
		for _, x := range b.String() {
			e, err := japanese.ShiftJIS.NewEncoder().String(string(x))
			switch {
			case err == nil:
				out = append(out, e...)
			case unicode.Is(unicode.Nd, x):
				out = append(out, digitsOf(string(x))...)
			default:
				out = append(out, '-')
			}
		}
		data = out
	}
	return poisonFile{name: "people-" + enc + ".csv", data: data}
}

// send submits one form: the text fields named in poisoned get card
// numbers, the others a valid value; every form gets a poisoned query.
func (r *poisonRun) send(c *client, f htmlForm, poisoned []string, file poisonFile) {
	r.t.Helper()
	vals := url.Values{}
	radios := map[string]bool{}
	for _, fd := range f.fields {
		v := fd.value
		switch {
		case fd.name == "_csrf":
		case slices.Contains(poisoned, fd.name) && fd.kind == "email":
			v = r.p.email("form " + f.action + " " + fd.name)
			r.fields++
		case slices.Contains(poisoned, fd.name):
			v = r.p.next("form " + f.action + " " + fd.name)
			r.fields++
		case fd.name == "mapping":
			// left to the synonyms, unless poisoned (above)
		case fd.textual() && v == "" && fd.kind == "email":
			v = "someone@example.jp"
		case fd.textual() && v == "":
			v = "text"
		case fd.tag == "select":
			if len(fd.options) > 0 {
				v = fd.options[0]
			}
			if fd.name == "mapping" || v == "" && len(fd.options) > 1 {
				v = fd.options[1]
			}
		case fd.kind == "radio":
			if radios[fd.name] {
				continue
			}
			radios[fd.name] = true
		case fd.kind == "checkbox":
			if v == "" {
				v = "on"
			}
		case fd.kind == "datetime-local" && v == "":
			v = "2026-11-20T10:00"
		case fd.kind == "date" && v == "":
			v = "2026-11-20"
		case fd.kind == "number" && v == "":
			v = "1"
		case fd.kind == "password":
			v = password
		case fd.kind == "file":
			continue
		}
		vals.Add(fd.name, v)
	}
	vals.Set("_csrf", c.csrf())
	action := r.query(f.action, "form "+f.action)
	if f.enctype != "multipart/form-data" {
		r.keep(c.raw("POST", action, "application/x-www-form-urlencoded", []byte(vals.Encode())))
		return
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range vals {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, fd := range f.fields {
		if fd.kind == "file" {
			fw, _ := w.CreateFormFile(fd.name, file.name)
			_, _ = fw.Write(file.data)
		}
	}
	_ = w.Close()
	r.keep(c.raw("POST", action, w.FormDataContentType(), buf.Bytes()))
}

func (r *poisonRun) keepBody(resp *http.Response) string {
	r.t.Helper()
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	r.keep(resp)
	return string(b)
}

// api sends every API operation that takes a body, with bodies built from
// its schema in the OpenAPI document (once with every string poisoned,
// then one string at a time), raw bodies where the operation takes a
// file, and every GET with a poisoned query.
func (r *poisonRun) api(c *client) {
	r.t.Helper()
	var doc struct {
		Paths      map[string]map[string]map[string]any
		Components struct{ Schemas map[string]map[string]any }
	}
	resp := c.do("GET", "/api/v1/openapi.json", nil)
	decode(r.t, resp, &doc)
	for _, rt := range r.h.srv.Routes() {
		if !rt.API {
			continue
		}
		path := r.query(r.path(rt), "API "+rt.Method+" "+rt.Path)
		if rt.Method == "GET" {
			r.keep(c.do("GET", path, nil))
			continue
		}
		oaPath := strings.NewReplacer(":id", "{id}", ":oid", "{oid}", ":slug", "{slug}").Replace(rt.Path)
		op := doc.Paths[oaPath][strings.ToLower(rt.Method)]
		var schema map[string]any
		if rb, ok := op["requestBody"].(map[string]any); ok {
			ref := fmt.Sprint(rb["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"])
			schema = doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
		}
		switch {
		case schema != nil:
			props, _ := schema["properties"].(map[string]any)
			names := []string{"*"}
			for k := range props {
				names = append(names, k)
			}
			sort.Strings(names[1:])
			for _, name := range names {
				b, _ := json.Marshal(r.sample(schema, name, rt.Path))
				r.keep(c.raw(rt.Method, path, "application/json", b))
			}
		case strings.HasSuffix(rt.Path, "/people/import"):
			for _, f := range []poisonFile{r.personCSV(false), r.personCSV(true)} {
				r.keep(c.raw(rt.Method, path, "text/csv", f.data))
			}
		case strings.HasSuffix(rt.Path, "/evidence"):
			r.keep(c.raw(rt.Method, path, "application/octet-stream", []byte(r.p.next("API evidence body"))))
		default:
			r.keep(c.raw(rt.Method, path, "application/json", []byte("{}")))
		}
	}
}

// sample is a value of a schema: the property named poison (or every
// string, for "*") gets a card number, the others a valid value.
func (r *poisonRun) sample(schema map[string]any, poison, where string) any {
	var value func(s map[string]any, name string) any
	value = func(s map[string]any, name string) any {
		hit := poison == "*" || poison == name
		if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
			return enum[0]
		}
		switch s["type"] {
		case "object":
			out := map[string]any{}
			if props, ok := s["properties"].(map[string]any); ok {
				for k, v := range props {
					out[k] = value(v.(map[string]any), k)
				}
			} else if hit {
				out["note"] = r.p.next("API " + where + " " + name + ".note")
				r.fields++
			}
			return out
		case "array":
			if items, ok := s["items"].(map[string]any); ok {
				return []any{value(items, name)}
			}
			return []any{}
		case "integer":
			switch name {
			case "document_id":
				return r.ids["document"]
			case "assignee_id", "owner_id":
				return nil
			}
			return 1
		case "boolean":
			return false
		}
		if s["format"] == "date-time" {
			return "2026-11-20T10:00:00+09:00"
		}
		if !hit {
			if strings.Contains(name, "email") {
				return "someone@example.jp"
			}
			return "text"
		}
		r.fields++
		if strings.Contains(name, "email") {
			return r.p.email("API " + where + " " + name)
		}
		return r.p.next("API " + where + " " + name)
	}
	return value(schema, "")
}

// publishAndSend makes what BreachDesk prints and mails from the poisoned
// case: every document kind with poisoned fields, the notice published,
// and a letter batch by e-mail and by post to the imported persons.
func (r *poisonRun) publishAndSend(ctx context.Context, legalUser auth.User) {
	r.t.Helper()
	h := r.h
	r.work(ctx)
	org, _ := h.auth.OrganisationBySlug(ctx, "org-a")
	var ownerUser auth.User
	h.st.DB.Where("email = ?", "alice@a.example").Take(&ownerUser)
	owner := &auth.Principal{User: ownerUser, Organisation: org, Role: auth.RoleOwner}
	legalP := &auth.Principal{User: legalUser, Organisation: org, Role: auth.RoleLegal}
	caseID := r.ids["case"]
	var letterID int64
	for _, k := range documents.Kinds {
		fields := map[string]string{}
		for _, f := range k.Fields {
			fields[f.Key] = r.p.next("document " + string(k.Kind) + " field " + f.Key)
			r.fields++
		}
		d, err := h.drafts.Generate(ctx, owner, caseID, string(k.Kind), "ja", fields)
		if err != nil {
			r.t.Fatalf("generate %s: %v", k.Kind, err)
		}
		if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, d.ID) }); err != nil {
			r.t.Fatalf("render %s: %v", k.Kind, err)
		}
		if k.Kind == documents.CustomerLetterSample {
			if err := h.approveDocument(legalP, d.ID); err != nil {
				r.t.Fatal(err)
			}
			letterID = d.ID
		}
	}
	if err := h.approveNotice(owner, r.ids["notice"]); err != nil {
		r.t.Logf("approve notice: %v", err)
	}
	if err := h.approveNotice(legalP, r.ids["notice"]); err != nil {
		r.t.Logf("approve notice: %v", err)
	}
	if _, err := h.notices.Publish(ctx, legalP, r.ids["notice"]); err != nil {
		r.t.Fatalf("publish: %v", err)
	}
	h.st.DB.Raw(`SELECT slug FROM notices WHERE id = ?`, r.ids["notice"]).Scan(&r.slug)

	smtp := mailtest.New(r.t)
	dialer, err := bdmail.NewSMTP(smtp.URL, "Shop <notice@shop.example>")
	if err != nil {
		r.t.Fatal(err)
	}
	svc := letters.NewService(h.st, h.clk, h.cases, h.as, letters.Options{Renderer: apptest.Renderer(r.t), Dialer: dialer})
	for _, ch := range []string{letters.ChannelEmail, letters.ChannelPrint} {
		b, err := svc.Create(ctx, owner, caseID, letters.NewBatch{DocumentID: letterID, Channel: ch, AttachPDF: true, Selection: letters.SelectAll})
		if err != nil {
			r.t.Fatalf("letters by %s: %v", ch, err)
		}
		for chunk := range b.Chunks {
			if err := svc.RunChunk(ctx, b.ID, chunk, true); err != nil {
				r.t.Fatalf("letters by %s, chunk %d: %v", ch, chunk, err)
			}
		}
	}
	for _, m := range smtp.Messages() {
		r.mails = append(r.mails, mailText(r.t, m.Raw))
	}
	if len(r.mails) == 0 {
		r.t.Fatal("no e-mail was sent to the poisoned persons")
	}
}

// work runs what the walks queued: person imports and document renderings.
func (r *poisonRun) work(ctx context.Context) {
	r.t.Helper()
	h := r.h
	var imports, docs []int64
	h.st.DB.Raw(`SELECT id FROM imports WHERE status IN ('queued', 'running') ORDER BY id`).Scan(&imports)
	for _, id := range imports {
		if err := people.NewService(h.st, h.clk, h.cases).Run(ctx, id); err != nil {
			r.t.Fatalf("import %d: %v", id, err)
		}
	}
	h.st.DB.Raw(`SELECT id FROM documents WHERE status = 'queued' ORDER BY id`).Scan(&docs)
	for _, id := range docs {
		if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, id) }); err != nil {
			r.t.Fatalf("render %d: %v", id, err)
		}
	}
}

// mailText is a message as its reader sees it: headers, the decoded text
// and the text of attached PDFs.
func mailText(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	dec := new(mime.WordDecoder)
	for k, vs := range m.Header {
		for _, v := range vs {
			d, err := dec.DecodeHeader(v)
			if err != nil {
				d = v
			}
			b.WriteString(k + ": " + d + "\n")
		}
	}
	var part func(h map[string][]string, body io.Reader)
	part = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		mt, params, _ := mime.ParseMediaType(get("Content-Type"))
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return
				}
				part(p.Header, p)
			}
		}
		data, _ := io.ReadAll(decoderFor(get("Content-Transfer-Encoding"), body))
		if mt == "application/pdf" {
			b.WriteString(apptest.PDFText(t, data))
			return
		}
		b.Write(data)
	}
	part(m.Header, m.Body)
	return b.String()
}

func decoderFor(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(cte) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

var tablesRe = regexp.MustCompile(`(?m)^COPY public\.`)

func tablesIn(dump string) int { return len(tablesRe.FindAllString(dump, -1)) }

var byteaRe = regexp.MustCompile(`\\x([0-9a-f]+)`)

// dumpAll is pg_dump's data of every table, every bytea value decoded too.
func dumpAll(t *testing.T, h *harness) string {
	t.Helper()
	out, err := exec.Command("pg_dump", "--data-only", "--no-owner", "--dbname="+h.dbURL).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	// bytea values are read as their bytes (a stored file, say) instead of
	// their hex, whose digits are no one's card number. PDFs are read
	// through their text, by the caller.
	return byteaRe.ReplaceAllStringFunc(string(out), func(h string) string {
		b, err := hex.DecodeString(h[2:])
		if err != nil || bytes.HasPrefix(b, []byte("%PDF-")) {
			return "<bytes>"
		}
		return strings.ToValidUTF8(string(b), "?")
	})
}
