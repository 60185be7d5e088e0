package evidence_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"golang.org/x/text/encoding/japanese"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/frontend"
)

func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, data := range files {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipOf(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Name = name
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// pdfWith renders a one-paragraph PDF with the machine's Japanese font,
// as documents render their text (a CID font: digits are glyph ids).
func pdfWith(t *testing.T, text string) []byte {
	t.Helper()
	doc, err := pdf.Parse(pdf.Escape(text))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := apptest.Renderer(t).Render(context.Background(), doc, pdf.Meta{Title: "report", Lang: "ja", GeneratedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// An upload that holds a card number is not stored: the refusal says where
// it was found (brand and last four only), carries what the page needs to
// offer the held-elsewhere record, and nothing is written.
func TestUploadWithCardNumbersIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	p := e.principal("resp@a.example", "org-a", auth.RoleResponder)
	caseID := e.newCase(p)
	sjis, _ := japanese.ShiftJIS.NewEncoder().String("決済ログ\r\nカード番号：4111-1111-1111-1111\r\n")
	deep := zipOf(t, map[string][]byte{"inner.zip": zipOf(t, map[string][]byte{"deep/trace.txt": []byte("\n\n\n5555 5555 5555 4444")})})
	msgs, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		data  []byte
		where string
	}{
		{"access.log", []byte("GET /\nGET /checkout?cc=4111111111111111\n"), "line 2 ([visa ****1111])"},
		{"memo.txt", []byte("first\nsecond\n4111\t1111\t1111\t1111\n"), "line 3 ([visa ****1111])"},
		{"sjis.csv", []byte(sjis), "line 2 ([visa ****1111])"},
		{"logs.zip", zipOf(t, map[string][]byte{"logs/app.log": []byte("ok\ncard 378282246310005\n")}), "logs/app.log: line 2 ([amex ****0005])"},
		{"nested.zip", deep, "inner.zip/deep/trace.txt: line 4 ([mastercard ****4444])"},
		{"dump.gz", gzipOf(t, "dump.sql", []byte("INSERT INTO orders VALUES ('3530 1113 3330 0000');\n")), "dump.sql: line 1 ([jcb ****0000])"},
		{"report.pdf", pdfWith(t, "PFI調査報告 カード番号 4012 8888 8888 1881 の利用を確認"), "PDF page 1 ([visa ****1881])"},
	} {
		_, err := e.ev.Upload(context.Background(), p, caseID, tc.name, bytes.NewReader(tc.data), "from the server")
		var cde *evidence.CardDataError
		var ve *apperr.ValidationError
		if !errors.As(err, &cde) || !errors.As(err, &ve) || ve.Fields[0].Field != "file" {
			t.Errorf("%s: %v, want a card-data refusal on file", tc.name, err)
			continue
		}
		sum := sha256.Sum256(tc.data)
		if cde.SHA256 != hex.EncodeToString(sum[:]) || cde.SizeBytes != int64(len(tc.data)) || cde.Filename != tc.name {
			t.Errorf("%s: refusal identifies %q %s %d", tc.name, cde.Filename, cde.SHA256, cde.SizeBytes)
		}
		if got := msgs.Message("en", ve.Fields[0].Code, ve.Fields[0].Args...); ve.Fields[0].Code != "validation.card_data" || !strings.Contains(got, tc.where) {
			t.Errorf("%s: %s %q does not say %q", tc.name, ve.Fields[0].Code, got, tc.where)
		}
	}
	if n := e.count(`SELECT count(*) FROM evidence`); n != 0 {
		t.Fatalf("%d items stored", n)
	}
	// Clean files still go in, archives and PDFs included.
	for name, data := range map[string][]byte{
		"clean.log":  []byte("2026/12/02 09:30:15.123456 GET /checkout 200\norder 20261124000123 total 12,345\n"),
		"clean.zip":  zipOf(t, map[string][]byte{"a.txt": []byte("nothing here")}),
		"clean.pdf":  pdfWith(t, "調査は継続中です。カード番号の末尾 1111 のみ確認。"),
		"screen.png": {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'},
	} {
		if _, err := e.ev.Upload(context.Background(), p, caseID, name, bytes.NewReader(data), ""); err != nil {
			t.Errorf("%s refused: %v", name, err)
		}
	}
}

// What cannot be checked is not stored either: an archive that inflates
// past the scan's budget, an encrypted member.
func TestUploadThatCannotBeCheckedIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	p := e.principal("resp@a.example", "org-a", auth.RoleResponder)
	caseID := e.newCase(p)
	bomb := zipOf(t, map[string][]byte{"zeros.bin": bytes.Repeat([]byte{0}, 300<<20)})
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	_, err := e.ev.Upload(context.Background(), p, caseID, "bomb.zip", bytes.NewReader(bomb), "")
	var cde *evidence.CardDataError
	if !errors.As(err, &cde) || !strings.Contains(cde.Unreadable, "expands to more than 128 MiB") {
		t.Fatalf("zip bomb: %v", err)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte{' '}, 200<<20))
	zw.Close()
	pdfBomb := append([]byte("%PDF-1.4\n1 0 obj\n<< /Length "+strconv.Itoa(z.Len())+" /Filter /FlateDecode >>\nstream\n"), z.Bytes()...)
	pdfBomb = append(pdfBomb, "\nendstream\nendobj\n%%EOF\n"...)
	if _, err := e.ev.Upload(context.Background(), p, caseID, "bomb.pdf", bytes.NewReader(pdfBomb), ""); !errors.As(err, &cde) || !strings.Contains(cde.Unreadable, "stream 1 expands") {
		t.Fatalf("PDF bomb: %v", err)
	}
	var locked bytes.Buffer
	w := zip.NewWriter(&locked)
	f, _ := w.CreateHeader(&zip.FileHeader{Name: "secret.txt", Flags: 0x1})
	f.Write([]byte("can't tell"))
	w.Close()
	if _, err := e.ev.Upload(context.Background(), p, caseID, "locked.zip", bytes.NewReader(locked.Bytes()), ""); !errors.As(err, &cde) || !strings.Contains(cde.Unreadable, "secret.txt is encrypted") {
		t.Fatalf("encrypted member: %v", err)
	}
	if n := e.count(`SELECT count(*) FROM evidence`); n != 0 {
		t.Fatalf("%d items stored", n)
	}
}

// A file that holds card data is recorded as held by the forensic
// investigator: hash, size and description, a custody event naming the
// holder, and no content (a download says so).
func TestRecordHeldKeepsNoContent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	p := e.principal("resp@a.example", "org-a", auth.RoleResponder)
	caseID := e.newCase(p)
	ctx := context.Background()
	sum := strings.Repeat("ab", 32)
	_, err := e.ev.RecordHeld(ctx, p, caseID, evidence.HeldInput{Filename: "image.dd", SHA256: "xyz", SizeBytes: -1, HeldBy: ""})
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 3 {
		t.Fatalf("bad input: %v", err)
	}
	it, err := e.ev.RecordHeld(ctx, p, caseID, evidence.HeldInput{Filename: "image.dd", SHA256: strings.ToUpper(sum), SizeBytes: 1 << 30,
		HeldBy: "PFI Example K.K.", Description: "disk image of the web server"})
	if err != nil {
		t.Fatal(err)
	}
	if it.Stored() || it.SHA256.Hex() != sum || it.HeldBy != "PFI Example K.K." {
		t.Fatalf("item: %+v", it)
	}
	if n := e.count(`SELECT count(*) FROM evidence WHERE id = ? AND data IS NULL`, it.ID); n != 1 {
		t.Fatal("content stored for an item held elsewhere")
	}
	chain, err := e.ev.Custody(ctx, p, it.ID)
	if err != nil || len(chain) != 1 || chain[0].Kind != evidence.KindTransferred || chain[0].Handler != "PFI Example K.K." {
		t.Fatalf("custody: %+v %v", chain, err)
	}
	if _, _, err := e.ev.Open(ctx, p, it.ID); !errors.Is(err, evidence.ErrNotStored) || !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("download: %v", err)
	}
}
