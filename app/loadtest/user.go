package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
)

// operation is one kind of thing a user does, chosen with its weight.
type operation struct {
	name   string
	weight int
	page   bool // needs the browser session
	run    func(*vu, context.Context)
}

// mix is the weighted use of an incident team: reading (pages, lists)
// dominates; writes are frequent but small; imports and documents, which
// start background jobs, are rare. Page views are left out when no login
// is given.
var mix = []operation{
	{"page_dashboard", 12, true, (*vu).dashboard},
	{"page_case", 12, true, (*vu).casePage},
	{"list_cases", 10, false, (*vu).listCases},
	{"create_case", 3, false, func(v *vu, ctx context.Context) { v.createCase(ctx) }},
	{"save_assessment", 6, false, (*vu).saveAssessment},
	{"add_task", 5, false, func(v *vu, ctx context.Context) { v.addTask(ctx) }},
	{"add_comment", 5, false, (*vu).addComment},
	{"add_timeline", 5, false, (*vu).addTimeline},
	{"upload_evidence", 4, false, (*vu).uploadEvidence},
	{"letter_batches", 6, false, (*vu).letterBatches},
	{"import_people", 2, false, (*vu).importPeople},
	{"create_document", 2, false, (*vu).createDocument},
}

// A user looks at a running import or document after pollFirst, then
// twice as long each time up to pollEvery: quick jobs are timed to ~0.1 s
// without a long one costing many polls (the progress page reloads every
// 2 s; API clients poll faster).
const (
	pollFirst = 100 * time.Millisecond
	pollEvery = 500 * time.Millisecond
)

// vu is one virtual user: its own random sequence, its own session.
type vu struct {
	r    *runner
	id   int
	rng  *rand.Rand
	api  *http.Client // bearer-token requests
	page *http.Client // the browser session (cookie jar); nil without a login
	csrf string       // the session's CSRF token, for API writes without a token
	ops  []operation
	sum  int // total weight of ops
}

func (v *vu) loop(ctx context.Context) {
	for _, op := range mix {
		if op.page && v.page == nil {
			continue
		}
		v.ops = append(v.ops, op)
		v.sum += op.weight
	}
	for ctx.Err() == nil {
		n := v.rng.IntN(v.sum)
		for _, op := range v.ops {
			if n -= op.weight; n < 0 {
				op.run(v, ctx)
				break
			}
		}
		if t := v.r.cfg.Think; t > 0 {
			v.sleep(ctx, time.Duration(v.rng.Int64N(int64(2*t))))
		}
	}
}

// sleep waits d; false when the run ended first.
func (v *vu) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// result is a response read in full.
type result struct {
	status int
	header http.Header
	body   []byte
}

// call sends one request, reads the whole response (the latency includes
// the body, as a user waits for it) and records it under op: an error when
// the status is not want. Paths under /api/ carry the bearer token, or the
// session's CSRF token when there is none; other paths are page views in
// the session. Requests are not cancelled when the run ends (only by the
// timeout), so the last ones finish instead of counting as errors.
func (v *vu) call(ctx context.Context, op, method, path string, body []byte, contentType string, want int) (result, error) {
	client := v.page
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), method, v.r.cfg.URL+path, rd)
	if err != nil {
		return result{}, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Accept", "application/json")
		if v.r.cfg.Token != "" {
			client = v.api
			req.Header.Set("Authorization", "Bearer "+v.r.cfg.Token)
		} else if method != http.MethodGet {
			req.Header.Set("X-CSRF-Token", v.csrf)
		}
	}
	t0 := clock.Start()
	resp, err := client.Do(req)
	if err != nil {
		v.r.rec.add(op, t0.Elapsed(), &Example{Op: op, Method: method, Path: path, Status: errStatus(err), Detail: err.Error()})
		return result{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := t0.Elapsed()
	res := result{status: resp.StatusCode, header: resp.Header, body: b}
	if err != nil {
		v.r.rec.add(op, d, &Example{Op: op, Method: method, Path: path, Status: errStatus(err), Detail: "reading the body: " + err.Error()})
		return res, fmt.Errorf("%s %s: reading the body: %w", method, path, err)
	}
	if resp.StatusCode != want {
		det := detail(res)
		v.r.rec.add(op, d, &Example{Op: op, Method: method, Path: path, Status: fmt.Sprint(resp.StatusCode), Detail: det})
		return res, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, det)
	}
	v.r.rec.add(op, d, nil)
	return res, nil
}

// detail is what an error example shows of a response: the redirect
// target, the start of a JSON error, or only the kind of an HTML page
// (whose start is all <head>).
func detail(r result) string {
	if loc := r.header.Get("Location"); loc != "" {
		return "redirect to " + loc
	}
	ct := r.header.Get("Content-Type")
	if strings.Contains(ct, "json") || strings.HasPrefix(ct, "text/plain") {
		s := strings.Join(strings.Fields(string(r.body)), " ")
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		return s
	}
	return fmt.Sprintf("(%s, %d bytes)", ct, len(r.body))
}

// errStatus classifies a failure without an HTTP status.
func errStatus(err error) string {
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return "timeout"
	}
	return "network"
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// login signs the user in as a browser does: the login page sets the
// pre-session CSRF cookie, the form sends it back (double submit), and the
// dashboard carries the session's CSRF token.
func (v *vu) login(ctx context.Context) error {
	jar, _ := cookiejar.New(nil)
	v.page = &http.Client{Transport: v.r.transport, Timeout: v.r.cfg.Timeout, Jar: jar, CheckRedirect: noRedirects}
	if _, err := v.call(ctx, "page_login", "GET", "/login", nil, "", http.StatusOK); err != nil {
		return err
	}
	base, _ := url.Parse(v.r.cfg.URL)
	var pre string
	for _, c := range jar.Cookies(base) {
		if c.Name == "bd_csrf" {
			pre = c.Value
		}
	}
	if pre == "" {
		return errors.New("the login page set no bd_csrf cookie this client may send back; over plain http the server needs BREACHDESK_COOKIE_SECURE=false (its cookies are Secure otherwise)")
	}
	form := url.Values{"email": {v.r.cfg.Email}, "password": {v.r.cfg.Password}, "_csrf": {pre}}
	res, err := v.call(ctx, "login", "POST", "/login", []byte(form.Encode()), "application/x-www-form-urlencoded", http.StatusSeeOther)
	switch {
	case res.status == http.StatusUnauthorized:
		return fmt.Errorf("login as %s refused: wrong e-mail or password", v.r.cfg.Email)
	case res.status == http.StatusTooManyRequests:
		return fmt.Errorf("login as %s throttled after failed attempts; wait for the window to pass", v.r.cfg.Email)
	case err != nil:
		return fmt.Errorf("login: %w", err)
	case res.header.Get("Location") != "/":
		return fmt.Errorf("login as %s went to %s: use an account without two-factor authentication", v.r.cfg.Email, res.header.Get("Location"))
	}
	res, err = v.call(ctx, "page_dashboard", "GET", "/", nil, "", http.StatusOK)
	if err != nil {
		return fmt.Errorf("the session did not hold (is its cookie Secure over plain http? set BREACHDESK_COOKIE_SECURE=false): %w", err)
	}
	m := csrfField.FindSubmatch(res.body)
	if m == nil {
		return errors.New("the dashboard has no CSRF token (name=\"_csrf\"): has the page layout changed?")
	}
	v.csrf = string(m[1])
	return nil
}

// fillPool finds the cases to work on (the open ones), opening one when
// there are none, and tasks to comment on.
func (v *vu) fillPool(ctx context.Context) error {
	res, err := v.call(ctx, "list_cases", "GET", "/api/v1/cases", nil, "", http.StatusOK)
	if err != nil {
		return fmt.Errorf("list the cases: %w", err)
	}
	var list struct {
		Cases []struct {
			ID int64 `json:"id"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(res.body, &list); err != nil {
		return fmt.Errorf("GET /api/v1/cases: %w", err)
	}
	for _, c := range list.Cases {
		v.r.pool.add(&v.r.pool.cases, c.ID)
	}
	if len(list.Cases) == 0 {
		if _, ok := v.createCase(ctx); !ok {
			return errors.New("the organisation has no open case and creating one failed (see the errors; does the user's role allow it?)")
		}
	}
	id, _ := v.r.pool.pick(v.rng, &v.r.pool.cases)
	res, err = v.call(ctx, "list_tasks", "GET", fmt.Sprintf("/api/v1/cases/%d/tasks", id), nil, "", http.StatusOK)
	if err != nil {
		return fmt.Errorf("list a case's tasks: %w", err)
	}
	var tasks struct {
		Tasks []struct {
			ID int64 `json:"id"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal(res.body, &tasks); err != nil {
		return fmt.Errorf("GET /api/v1/cases/%d/tasks: %w", id, err)
	}
	for _, t := range tasks.Tasks {
		v.r.pool.add(&v.r.pool.tasks, t.ID)
	}
	return nil
}

func (v *vu) caseID() (int64, bool) { return v.r.pool.pick(v.rng, &v.r.pool.cases) }

func (v *vu) dashboard(ctx context.Context) {
	_, _ = v.call(ctx, "page_dashboard", "GET", "/", nil, "", http.StatusOK)
}

func (v *vu) casePage(ctx context.Context) {
	if id, ok := v.caseID(); ok {
		_, _ = v.call(ctx, "page_case", "GET", fmt.Sprintf("/cases/%d", id), nil, "", http.StatusOK)
	}
}

func (v *vu) listCases(ctx context.Context) {
	_, _ = v.call(ctx, "list_cases", "GET", "/api/v1/cases", nil, "", http.StatusOK)
}

var incidentTypes = []string{"card_skimming", "unauthorized_access", "ransomware", "misdelivery", "lost_device"}

func (v *vu) createCase(ctx context.Context) (int64, bool) {
	aware := v.r.cfg.Clock.Now().Add(-time.Duration(v.rng.IntN(72*60)) * time.Minute)
	body, _ := json.Marshal(map[string]any{
		"title":         fmt.Sprintf("Load test case %d-%d", v.id+1, v.rng.IntN(1e6)),
		"summary":       "Opened by breachdesk loadtest.",
		"aware_at":      aware.Format(time.RFC3339),
		"incident_type": incidentTypes[v.rng.IntN(len(incidentTypes))],
	})
	res, err := v.call(ctx, "create_case", "POST", "/api/v1/cases", body, "application/json", http.StatusCreated)
	if err != nil {
		return 0, false
	}
	var out struct {
		Case struct {
			ID int64 `json:"id"`
		} `json:"case"`
	}
	if json.Unmarshal(res.body, &out) != nil || out.Case.ID == 0 {
		return 0, false
	}
	v.r.pool.add(&v.r.pool.cases, out.Case.ID)
	return out.Case.ID, true
}

func (v *vu) saveAssessment(ctx context.Context) {
	id, ok := v.caseID()
	if !ok {
		return
	}
	n := 1 + v.rng.IntN(5000)
	body, _ := json.Marshal(map[string]any{
		"data_items":            []string{"card_number", "name", "email"}[:1+v.rng.IntN(3)],
		"persons_affected":      n,
		"unauthorized_purpose":  v.rng.IntN(2) == 0,
		"high_level_encryption": false,
		"residents":             map[string]int{"JP": n},
	})
	_, _ = v.call(ctx, "save_assessment", "PUT", fmt.Sprintf("/api/v1/cases/%d/assessment?note=loadtest", id), body, "application/json", http.StatusOK)
}

func (v *vu) addTask(ctx context.Context) (int64, bool) {
	id, ok := v.caseID()
	if !ok {
		return 0, false
	}
	body, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("Load test task %d", v.rng.IntN(1e6)), "description": "Check the access logs of the payment page."})
	res, err := v.call(ctx, "add_task", "POST", fmt.Sprintf("/api/v1/cases/%d/tasks", id), body, "application/json", http.StatusCreated)
	if err != nil {
		return 0, false
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(res.body, &out) != nil || out.ID == 0 {
		return 0, false
	}
	v.r.pool.add(&v.r.pool.tasks, out.ID)
	return out.ID, true
}

func (v *vu) addComment(ctx context.Context) {
	id, ok := v.r.pool.pick(v.rng, &v.r.pool.tasks)
	if !ok {
		if id, ok = v.addTask(ctx); !ok {
			return
		}
	}
	body, _ := json.Marshal(map[string]string{"body": fmt.Sprintf("Checked by user %d; nothing new (%d).", v.id+1, v.rng.IntN(1e6))})
	_, _ = v.call(ctx, "add_comment", "POST", fmt.Sprintf("/api/v1/tasks/%d/comments", id), body, "application/json", http.StatusCreated)
}

func (v *vu) addTimeline(ctx context.Context) {
	id, ok := v.caseID()
	if !ok {
		return
	}
	at := v.r.cfg.Clock.Now().Add(-time.Duration(v.rng.IntN(24*60)) * time.Minute)
	body, _ := json.Marshal(map[string]string{"occurred_at": at.Format(time.RFC3339), "summary": fmt.Sprintf("Call with the payment provider (%d).", v.rng.IntN(1e6))})
	_, _ = v.call(ctx, "add_timeline", "POST", fmt.Sprintf("/api/v1/cases/%d/timeline", id), body, "application/json", http.StatusCreated)
}

// uploadEvidence sends a small access-log excerpt (1–8 KB), the usual
// evidence of a card-skimming case.
func (v *vu) uploadEvidence(ctx context.Context) {
	id, ok := v.caseID()
	if !ok {
		return
	}
	var b bytes.Buffer
	for b.Len() < 1024+v.rng.IntN(7*1024) {
		fmt.Fprintf(&b, "2026-11-01T10:%02d:%02dZ 203.0.113.%d POST /checkout/payment 200 %dms\n", v.rng.IntN(60), v.rng.IntN(60), v.rng.IntN(255), v.rng.IntN(900))
	}
	q := url.Values{"filename": {fmt.Sprintf("access-%d.log", v.rng.IntN(1e6))}, "description": {"Web server log excerpt"}}
	_, _ = v.call(ctx, "upload_evidence", "POST", fmt.Sprintf("/api/v1/cases/%d/evidence?%s", id, q.Encode()), b.Bytes(), "application/octet-stream", http.StatusCreated)
}

func (v *vu) letterBatches(ctx context.Context) {
	if id, ok := v.caseID(); ok {
		_, _ = v.call(ctx, "letter_batches", "GET", fmt.Sprintf("/api/v1/cases/%d/letter-batches", id), nil, "", http.StatusOK)
	}
}

// importPeople uploads a small person list (5–30 rows, Japanese headers,
// some rows with a card number to be masked) and waits for the import job.
func (v *vu) importPeople(ctx context.Context) {
	id, ok := v.caseID()
	if !ok {
		return
	}
	var b strings.Builder
	b.WriteString("氏名,メールアドレス,郵便番号,カード番号\n")
	tag := v.rng.Uint32()
	for i := range 5 + v.rng.IntN(26) {
		card := ""
		if v.rng.IntN(4) == 0 {
			card = "4111 1111 1111 1111"
		}
		fmt.Fprintf(&b, "負荷 太郎%d,load-%08x-%d@example.com,100-%04d,%s\n", i, tag, i, v.rng.IntN(10000), card)
	}
	t0 := clock.Start()
	res, err := v.call(ctx, "import_people", "POST", fmt.Sprintf("/api/v1/cases/%d/people/import?filename=people.csv&mode=partial", id), []byte(b.String()), "text/csv", http.StatusAccepted)
	if err != nil {
		return
	}
	v.waitJob(ctx, res, t0, "import_job", "import_poll", "/api/v1/imports/%d", "done", "queued", "running")
}

var documentKinds = []string{"ppc_preliminary", "customer_letter_sample", "police_memo", "call_center_faq"}

// createDocument asks for a document and waits for it to be rendered.
func (v *vu) createDocument(ctx context.Context) {
	id, ok := v.caseID()
	if !ok {
		return
	}
	body, _ := json.Marshal(map[string]string{"kind": documentKinds[v.rng.IntN(len(documentKinds))], "lang": []string{"ja", "en"}[v.rng.IntN(2)]})
	t0 := clock.Start()
	res, err := v.call(ctx, "create_document", "POST", fmt.Sprintf("/api/v1/cases/%d/documents", id), body, "application/json", http.StatusAccepted)
	if err != nil {
		return
	}
	v.waitJob(ctx, res, t0, "document_job", "document_poll", "/api/v1/documents/%d", "draft", "queued")
}

// waitJob polls the resource created by res until its status leaves the
// pending ones, and records the whole wait (submit to finished) as op job:
// the latency a user sees for a background job. A run that ends during
// the wait leaves the job unrecorded; a failed poll is recorded as such
// and ends the wait.
func (v *vu) waitJob(ctx context.Context, res result, t0 clock.Stopwatch, job, pollOp, pathFmt, okStatus string, pending ...string) {
	var created struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(res.body, &created) != nil || created.ID == 0 {
		v.r.rec.addJob(job, t0.Elapsed(), &Example{Op: job, Status: "bad response", Detail: "no id in " + detail(res)})
		return
	}
	path := fmt.Sprintf(pathFmt, created.ID)
	for wait := pollFirst; ; wait = min(2*wait, pollEvery) {
		if !v.sleep(ctx, wait) {
			return
		}
		r, err := v.call(ctx, pollOp, "GET", path, nil, "", http.StatusOK)
		if err != nil {
			return
		}
		var st struct {
			Status string `json:"status"`
			Error  string `json:"error"`
		}
		if err := json.Unmarshal(r.body, &st); err != nil {
			v.r.rec.addJob(job, t0.Elapsed(), &Example{Op: job, Method: "GET", Path: path, Status: "bad response", Detail: err.Error()})
			return
		}
		switch {
		case st.Status == okStatus:
			v.r.rec.addJob(job, t0.Elapsed(), nil)
			return
		case !slices.Contains(pending, st.Status):
			v.r.rec.addJob(job, t0.Elapsed(), &Example{Op: job, Method: "GET", Path: path, Status: "job " + st.Status, Detail: st.Error})
			return
		case t0.Elapsed() > v.r.cfg.PollTimeout:
			v.r.rec.addJob(job, t0.Elapsed(), &Example{Op: job, Method: "GET", Path: path, Status: "job timeout",
				Detail: fmt.Sprintf("still %s after %s (are the workers running?)", st.Status, v.r.cfg.PollTimeout)})
			return
		}
	}
}
