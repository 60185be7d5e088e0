package main_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// crashEnv is a database with a case, its approved letter and persons,
// and a way to run `breachdesk worker` processes against it.
type crashEnv struct {
	t      *testing.T
	clk    clock.Clock
	st     *store.Store
	url    string
	owner  auth.Principal
	caseID int64
	docID  int64
	cases  *cases.Service
	as     *assessment.Service
	// renderer is what the letters services here need; the workers
	// render with their own.
	renderer *pdf.Renderer
}

func newCrashEnv(t *testing.T, persons int) *crashEnv {
	t.Helper()
	font, err := pdf.FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	if err != nil {
		t.Skip(err)
	}
	r, err := pdf.NewRenderer(font)
	if err != nil {
		t.Fatal(err)
	}
	// The worker processes run on the system clock: the jobs enqueued here
	// must be due by it.
	clk := clocktest.Real()
	st, url := storetest.NewWithURL(t, clk)
	a, err := auth.NewService(st, clk, auth.Options{SecretKey: make([]byte, 32), Argon2: auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	principal := func(email string, role auth.Role) auth.Principal {
		u, err := a.CreateUser(ctx, auth.NewUser{Email: email, Name: email, Password: "correct horse battery", OrgSlug: "shop", Role: role})
		if err != nil {
			t.Fatal(err)
		}
		o, _ := a.OrganisationBySlug(ctx, "shop")
		return auth.Principal{User: u, Organisation: o, Role: role}
	}
	e := &crashEnv{t: t, clk: clk, st: st, url: url, owner: principal("owner@shop.example", auth.RoleOwner), renderer: r}
	legal := principal("legal@shop.example", auth.RoleLegal)
	var as *assessment.Service
	e.cases, as = apptest.Cases(st, clk)
	e.as = as
	ds := drafts.NewService(st, clk, e.cases, as, r)
	c, err := e.cases.Create(ctx, &e.owner, cases.NewCase{Title: "Skimmer", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	e.caseID = c.Case.ID
	d, err := ds.Generate(ctx, &e.owner, c.Case.ID, "customer_letter_sample", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return ds.RenderInTx(ctx, tx, d.ID) }); err != nil {
		t.Fatal(err)
	}
	if d, err = ds.Get(ctx, &legal, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Approve(ctx, &legal, d.ID, d.ContentHash()); err != nil {
		t.Fatal(err)
	}
	e.docID = d.ID
	if persons == 0 {
		return e
	}
	if err := st.DB.Exec(`INSERT INTO people (organisation_id, case_id, name, email, postal_code, address)
		SELECT ?, ?, '氏名' || i, CASE WHEN i % 25 = 0 THEN '' ELSE 'p' || i || '@example.jp' END, '100-0001', '東京都千代田区' || i
		FROM generate_series(1, ?) i`, e.owner.OrgID(), c.Case.ID, persons).Error; err != nil {
		t.Fatal(err)
	}
	return e
}

// worker is one `breachdesk worker` process.
type worker struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan struct{}
}

func (e *crashEnv) startWorker(smtpURL string, extraEnv ...string) *worker {
	e.t.Helper()
	w := &worker{cmd: exec.Command(binary(e.t), "worker"), done: make(chan struct{})}
	// Short job timeout and rescue delay so that a killed worker's jobs are
	// taken up again within seconds instead of the production 15 minutes.
	w.cmd.Env = append(os.Environ(), "BREACHDESK_DATABASE_URL="+e.url, "BREACHDESK_SMTP_URL="+smtpURL, "BREACHDESK_SMTP_RATE=0",
		"BREACHDESK_JOB_TIMEOUT=8s", "BREACHDESK_JOB_RESCUE_AFTER=9s", "BREACHDESK_SEED_DEMO=false", "BREACHDESK_LOG_LEVEL=warn", "BREACHDESK_DATA_DIR="+e.t.TempDir())
	w.cmd.Env = append(w.cmd.Env, extraEnv...)
	w.cmd.Stderr = &w.stderr
	if err := w.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() { w.cmd.Wait(); close(w.done) }()
	return w
}

func (w *worker) kill() {
	_ = w.cmd.Process.Kill()
	<-w.done
}

// runUntilDone keeps a worker running (restarting it whenever it died)
// until the batch is done; killer, when set, gets each new worker with
// the number of restarts so far.
func (e *crashEnv) runUntilDone(batchID int64, smtpURL string, killer func(w *worker, restarts int)) (restarts int) {
	e.t.Helper()
	return e.runUntilWith(func() bool {
		var status string
		e.st.DB.Raw(`SELECT status FROM letter_batches WHERE id = ?`, batchID).Scan(&status)
		return status == "done"
	}, smtpURL, killer)
}

// runUntil keeps a worker (without SMTP) running until done reports true.
func (e *crashEnv) runUntil(done func() bool, killer func(w *worker, restarts int)) int {
	e.t.Helper()
	return e.runUntilWith(done, "", killer)
}

func (e *crashEnv) runUntilWith(isDone func() bool, smtpURL string, killer func(w *worker, restarts int)) (restarts int) {
	e.t.Helper()
	waited := clock.Start()
	w := e.startWorker(smtpURL)
	if killer != nil {
		go killer(w, 0)
	}
	defer func() { w.kill() }()
	for {
		if isDone() {
			return restarts
		}
		if waited.Elapsed() > 4*time.Minute {
			e.t.Fatalf("not done after 4 minutes (%d restarts); worker stderr:\n%s", restarts, w.stderr.String())
		}
		select {
		case <-w.done:
			restarts++
			w = e.startWorker(smtpURL)
			if killer != nil {
				go killer(w, restarts)
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (e *crashEnv) counts(batchID int64) letters.Counts {
	svc := letters.NewService(e.st, e.clk, e.cases, e.as, letters.Options{Renderer: e.renderer})
	_, c, err := svc.Progress(context.Background(), &e.owner, batchID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// Killing the worker while it sends (twice, with a message in flight each
// time) and restarting it finishes the e-mail batch: every letter sent
// exactly once, the counts match the server's.
func TestCrashDuringEmailBatchLosesAndDuplicatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	t.Parallel()
	e := newCrashEnv(t, 500)
	srv := mailtest.New(t)
	// The batch is created here with e-mail configured, as by the web
	// process; the worker processes send it.
	dialer, err := mail.NewSMTP(srv.URL, "Shop <notice@shop.example>")
	if err != nil {
		t.Fatal(err)
	}
	svc := letters.NewService(e.st, e.clk, e.cases, e.as, letters.Options{Renderer: e.renderer, Dialer: dialer, EmailChunk: 40})
	b, err := svc.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: e.docID, Channel: letters.ChannelEmail, Selection: letters.SelectAll})
	if err != nil {
		t.Fatal(err)
	}
	// The server kills the worker when the 120th and 330th messages are
	// in flight: their content arrived, no reply was sent.
	var mu sync.Mutex
	var current *worker
	kills := 0
	srv.OnData(func(n int) bool {
		if n != 120 && n != 330 {
			return true
		}
		mu.Lock()
		w := current
		kills++
		mu.Unlock()
		w.kill()
		return false
	})
	restarts := e.runUntilDoneTracking(b.ID, srv.URL, &mu, &current)
	if restarts != 2 || kills != 2 {
		t.Fatalf("%d kills, %d restarts; want 2 each", kills, restarts)
	}
	c := e.counts(b.ID)
	if c.Total != 500 || c.Sent != 480 || c.Printed != 20 || c.Pending != 0 || c.Failed != 0 {
		t.Fatalf("counts after the crashes: %+v", c)
	}
	// The worker also e-mails the case's deadline reminders; count letters.
	var msgs []mailtest.Received
	for _, m := range srv.Messages() {
		if strings.HasPrefix(m.Header.Get("Message-Id"), "<letter.") {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) != 480 {
		t.Fatalf("server accepted %d messages, want 480", len(msgs))
	}
	for id, n := range srv.CountByMessageID() {
		if n != 1 {
			t.Errorf("%s accepted %d times", id, n)
		}
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		seen[m.To[0]] = true
	}
	if len(seen) != 480 {
		t.Errorf("%d distinct recipients, want 480", len(seen))
	}
}

// runUntilDoneTracking is runUntilDone that keeps *current pointing at
// the live worker, for a killer outside (the SMTP server).
func (e *crashEnv) runUntilDoneTracking(batchID int64, smtpURL string, mu *sync.Mutex, current **worker) int {
	e.t.Helper()
	waited := clock.Start()
	start := func() *worker {
		// One sending connection: the kill then always falls while the
		// message in flight has no reply yet. With several, another
		// connection could be between the server's 250 and our commit —
		// the window package letters documents — and send one again.
		w := e.startWorker(smtpURL, "BREACHDESK_LETTER_WORKERS=1")
		mu.Lock()
		*current = w
		mu.Unlock()
		return w
	}
	w := start()
	defer func() { w.kill() }()
	restarts := 0
	for {
		var status string
		e.st.DB.Raw(`SELECT status FROM letter_batches WHERE id = ?`, batchID).Scan(&status)
		if status == "done" {
			return restarts
		}
		if waited.Elapsed() > 4*time.Minute {
			e.t.Fatalf("batch %d not done after 4 minutes (%d restarts); worker stderr:\n%s", batchID, restarts, w.stderr.String())
		}
		select {
		case <-w.done:
			restarts++
			w = start()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Killing the worker at random moments of a print batch, each time while
// it renders a chunk, and restarting it leaves every letter in exactly one
// file.
func TestCrashDuringPrintBatchLosesAndDuplicatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	t.Parallel()
	e := newCrashEnv(t, 3000)
	// Chunks of 100 letters take a good tenth of a second to render, so a
	// kill soon after a chunk starts falls inside it. (River leaves a
	// short pause between fetches: a kill at a random moment of the batch
	// may well fall between chunks and prove nothing.)
	svc := letters.NewService(e.st, e.clk, e.cases, e.as, letters.Options{Renderer: e.renderer, PrintChunk: 100})
	b, err := svc.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: e.docID, Channel: letters.ChannelPrint, Selection: letters.SelectAll})
	if err != nil {
		t.Fatal(err)
	}
	// The first three workers die at a random moment of a chunk they
	// started (a chunk still marked running for a dead worker is not
	// theirs: only chunks attempted after this worker started count).
	restarts := e.runUntilDone(b.ID, "", func(w *worker, restarts int) {
		if restarts >= 3 {
			return
		}
		started := e.clk.Now() // the worker processes' clock (the system's)
		for {
			var running int
			e.st.DB.Raw(`SELECT count(*) FROM river_job WHERE kind = 'letter_chunk' AND state = 'running' AND attempted_at > ?`, started).Scan(&running)
			if running > 0 {
				break
			}
			select {
			case <-w.done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
		w.kill()
	})
	if restarts < 3 {
		t.Fatalf("the worker was killed %d times, want 3", restarts)
	}
	// At least one kill fell in the middle of a chunk: its job was rescued
	// and run again.
	var rescued int
	e.st.DB.Raw(`SELECT count(*) FROM river_job WHERE kind = 'letter_chunk' AND attempt > 1`).Scan(&rescued)
	if rescued == 0 {
		t.Fatal("no kill interrupted a chunk; the test proved nothing")
	}
	t.Logf("%d kills, %d chunk(s) rescued and run again", restarts, rescued)
	c := e.counts(b.ID)
	if c.Printed != 3000 || c.Pending != 0 {
		t.Fatalf("counts: %+v", c)
	}
	var inFiles, letterRows, filesWithout int
	e.st.DB.Raw(`SELECT coalesce(sum(letters), 0) FROM letter_files WHERE batch_id = ?`, b.ID).Scan(&inFiles)
	e.st.DB.Raw(`SELECT count(*) FROM letters WHERE batch_id = ? AND file_id IS NOT NULL`, b.ID).Scan(&letterRows)
	e.st.DB.Raw(`SELECT count(*) FROM letter_files f WHERE batch_id = ? AND letters <> (SELECT count(*) FROM letters l WHERE l.file_id = f.id)`, b.ID).Scan(&filesWithout)
	if inFiles != 3000 || letterRows != 3000 || filesWithout != 0 {
		t.Fatalf("files hold %d letters, %d letters point at a file, %d files disagree with their letters", inFiles, letterRows, filesWithout)
	}
}
