package letters_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/benchreport"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestBenchReport measures print letters end to end — persons in the
// database, a batch, chunk jobs on River, PDFs stored — against the raw
// renderer rendering the same letter page, both on every core, in the
// same run (`make bench`). BREACHDESK_BENCH_LETTERS sets the batch size
// (default 100,000) and BREACHDESK_BENCH_LETTER_RUNS the repetitions.
func TestBenchReport(t *testing.T) {
	if !benchreport.Enabled() {
		t.Skip("set BREACHDESK_BENCH=1 (make bench)")
	}
	n := envInt("BREACHDESK_BENCH_LETTERS", 100_000)
	runs := envInt("BREACHDESK_BENCH_LETTER_RUNS", 3)
	e := newEnv(t)
	e.addPeople(n, 0)
	svc := e.service(nil, letters.Options{})
	e.work(svc)
	ctx := context.Background()
	var d drafts.Document
	e.st.DB.Omit("pdf").Take(&d, e.letterID)
	doc, err := pdf.Parse(d.Composed)
	if err != nil {
		t.Fatal(err)
	}
	var ours, raw, rawMany []float64
	for range runs {
		raw = append(raw, rawLettersPerSecond(t, doc, 8*time.Second, 1))
		rawMany = append(rawMany, rawLettersPerSecond(t, doc, 8*time.Second, letters.DefaultPrintChunk))
		t0 := clock.Start()
		b, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelPrint, Selection: letters.SelectAll})
		if err != nil {
			t.Fatal(err)
		}
		c := e.waitDone(svc, b.ID, time.Hour)
		if c.Printed != n {
			t.Fatalf("printed %d of %d", c.Printed, n)
		}
		ours = append(ours, float64(n)/t0.Elapsed().Seconds())
		// Keep the database from growing run after run.
		e.st.DB.Exec(`DELETE FROM letter_batches WHERE id = ?`, b.ID)
	}
	o, r, rm := benchreport.Median(ours), benchreport.Median(raw), benchreport.Median(rawMany)
	benchreport.RecordRuns(t, "Print letters end to end (DB → jobs → PDFs)", runs, map[string]float64{
		"letters_per_s":                     o,
		"letters_raw_renderer_per_s":        r,
		"letters_ratio_vs_raw":              o / r,
		"letters_raw_500_per_file_per_s":    rm,
		"letters_ratio_vs_raw_500_per_file": o / rm,
		"letters_batch_size":                float64(n),
	}, "Ours: a print batch of every person, timed from creating the batch to its last PDF stored, chunk jobs of 500 letters on "+
		strconv.Itoa(config.DefaultLetterWorkers())+" River workers (the default: one more than cores). Baselines, on as many goroutines as cores: the raw renderer rendering the same letter page one PDF per letter (letters_ratio_vs_raw), "+
		"and — stricter, since a file of many letters parses the font once — the raw renderer making the same 500-letter files in memory, without database or jobs (letters_ratio_vs_raw_500_per_file).")
}

// rawLettersPerSecond renders doc as PDFs of perFile letters (one: with
// Render, more: with RenderLetters) on every core for about d and returns
// letters per second.
func rawLettersPerSecond(t *testing.T, doc pdf.Document, d time.Duration, perFile int) float64 {
	t.Helper()
	r := apptest.Renderer(t)
	meta := pdf.Meta{Title: "letter", Organisation: "株式会社テストショップ", Lang: "ja", GeneratedAt: time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC)}
	batch := make([]pdf.Letter, perFile)
	for i := range batch {
		batch[i] = pdf.Letter{PostalCode: "100-0005", Address: "東京都千代田区丸の内一丁目" + strconv.Itoa(i) + "番地", Name: "山田 太郎" + strconv.Itoa(i), Reference: "INC-2026-0001-L" + strconv.Itoa(i), Doc: doc}
	}
	var done atomic.Int64
	var wg sync.WaitGroup
	running := clock.Start()
	t0 := clock.Start()
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for running.Elapsed() < d {
				if perFile == 1 {
					if _, err := r.Render(context.Background(), doc, meta); err != nil {
						t.Error(err)
						return
					}
					done.Add(1)
					continue
				}
				if _, err := r.RenderLetters(context.Background(), batch, meta); err != nil {
					t.Error(err)
					return
				}
				done.Add(int64(perFile))
			}
		}()
	}
	wg.Wait()
	return float64(done.Load()) / t0.Elapsed().Seconds()
}

// TestBenchReportEmail measures e-mail letters per second to a local SMTP
// sink end to end (batch → chunk jobs → SMTP → marked sent) against the
// same messages sent over one connection by the mail package alone, with
// no database (`make bench`). BREACHDESK_BENCH_EMAILS sets the size.
func TestBenchReportEmail(t *testing.T) {
	if !benchreport.Enabled() {
		t.Skip("set BREACHDESK_BENCH=1 (make bench)")
	}
	n := envInt("BREACHDESK_BENCH_EMAILS", 5000)
	runs := envInt("BREACHDESK_BENCH_LETTER_RUNS", 3)
	e := newEnv(t)
	e.addPeople(n, 0)
	srv := mailtest.New(t)
	svc := e.service(srv, letters.Options{})
	e.work(svc)
	dialer, err := mail.NewSMTP(srv.URL, "notice@shop.example")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var ours, raw []float64
	for range runs {
		raw = append(raw, rawEmailsPerSecond(t, dialer, n))
		t0 := clock.Start()
		b, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail, Selection: letters.SelectAll})
		if err != nil {
			t.Fatal(err)
		}
		if c := e.waitDone(svc, b.ID, time.Hour); c.Sent != n {
			t.Fatalf("sent %d of %d", c.Sent, n)
		}
		ours = append(ours, float64(n)/t0.Elapsed().Seconds())
		e.st.DB.Exec(`DELETE FROM letter_batches WHERE id = ?`, b.ID)
	}
	o, r := benchreport.Median(ours), benchreport.Median(raw)
	benchreport.RecordRuns(t, "E-mail letters to a local SMTP sink", runs, map[string]float64{
		"emails_per_s":             o,
		"emails_raw_smtp_per_s":    r,
		"emails_ratio_vs_raw_smtp": o / r,
		"emails_batch_size":        float64(n),
	}, "Ours: an e-mail batch of every person (no rate limit), from creating the batch to the last letter marked sent; each letter is committed as sent right after the server's 250. "+
		"Baseline: the same number of messages of the same size sent over one connection by the mail package, no database. The sink is an in-process go-smtp server.")
}

// rawEmailsPerSecond sends n letter-sized messages over one connection.
func rawEmailsPerSecond(t *testing.T, d *mail.SMTP, n int) float64 {
	t.Helper()
	ctx := context.Background()
	t0 := clock.Start()
	conn, err := d.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := strings.Repeat("このたび、弊社が運営するサイトにおいて、お客様の個人情報が漏えいしたおそれがあることが判明いたしました。\n", 20)
	for i := range n {
		m := mail.Message{To: "raw" + strconv.Itoa(i) + "@example.jp", Subject: "個人情報漏えいに関するお詫びとお知らせ", Text: body, Key: "raw/" + strconv.Itoa(i)}
		if err := conn.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	return float64(n) / t0.Elapsed().Seconds()
}
