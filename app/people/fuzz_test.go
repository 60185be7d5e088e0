package people

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/pan"
)

// fuzzMaxBytes is the upload limit in FuzzReadUpload: small, so that the
// fuzzer's inputs cross it.
const fuzzMaxBytes = 4 << 10

// FuzzReadUpload feeds any file and file name through the path Start takes
// (size limit → encoding detection → CSV → PAN guard → stored CSV, and the
// file name's sanitising), then reads the stored file the way the import
// job does (the mapping, then every row through columns.parse). Nothing
// panics; a refused file is a ValidationError naming the field (and, for
// a broken CSV, the line), never an internal error; nothing stored (file,
// mapping, file name, any parsed value) holds a card number, and every
// parsed value is text PostgreSQL can store (no NUL: the job's COPY would
// fail after the upload was accepted); the stored rows keep their
// original, increasing line numbers, which every row error names.
func FuzzReadUpload(f *testing.F) {
	sjis, err := japanese.ShiftJIS.NewEncoder().String("氏名,メールアドレス,電話番号\r\n山田 太郎,taro@example.jp,03-1234-5678\r\n①②,ｶﾅ@example.jp,\r\n")
	if err != nil {
		f.Fatal(err)
	}
	seeds := []struct{ name, data string }{
		{"people.csv", "氏名,メールアドレス,郵便番号,住所,電話番号,顧客ID\n山田 太郎,taro@example.jp,100-0005,東京都千代田区丸の内1-1-1,03-1234-5678,C001\n"},
		{"bom.csv", "\xEF\xBB\xBFname,email\nA,a@example.jp\n"},
		{"sjis.csv", sjis},
		{"utf16.csv", "\xff\xfen\x00a\x00m\x00e\x00"},
		{"", ""},
		{"header-only.csv", "name,email\n"},
		{"blank.csv", "name,email\n,\n \t, \n"},
		{"quote.csv", "name,email\nA,a@example.jp\nB\"x,b@example.jp\n"},
		{"multiline.csv", "name,email,memo\nA,a@example.jp,\"line one\r\n4111111111111111\r\nline three\"\n"},
		{"unterminated.csv", "name,email\n\"A,a@example.jp\n"},
		{"ragged.csv", "name,email\nA\nB,b@example.jp,extra,cells\n"},
		{"nomap.csv", "foo,bar\n1,2\n"},
		// Card numbers in every disguise the guard knows: plain, grouped,
		// full-width, mathematical, circled, with dashes, zero-width spaces,
		// in the header, the e-mail and the card column, and a fraction that
		// only NFKC turns into digits.
		{"4111111111111111.csv", "name,email,phone,customer id,card number,memo 5105105105105100\n" +
			"Sato,5555555555554444@example.jp,4111–1111–1111–1111,ID-30569309025904,3530-1113-3330-0000,\"𝟒𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏\"\n" +
			"Kato,kato@example.jp,４１１１－１１１１－１１１１－１１１１,4111\u200b1111\u200b1111\u200b1111,****1111,④①①①①①①①①①①①①①①①\n" +
			"Ito,ito@example.jp,4111 1111 1111 111¼,411111111111111¼,,4111ー1111ー1111ー1111\n"},
		// Hostile text that must be kept literally: markup, SQL, formulas.
		{"<script>alert(1)</script>.csv", "name,email,memo\n<script>alert(1)</script>,x@example.jp,\"\"\"><img src=x onerror=alert(1)>\"\n" +
			"'; DROP TABLE people; --,y@example.jp,%' OR '1'='1\n=cmd|' /C calc'!A0,z@example.jp,@SUM(1+1)\n"},
		{"../../etc/passwd", "name\nA\x00B\n"},
		{"..\\..\\boot.ini", "name\r\nA\r\n"},
		{strings.Repeat("long name ", 40) + ".csv", strings.Repeat("x", 300) + ",email\nA,a@example.jp\n"},
		{"over.csv", "name,email\n" + strings.Repeat("A,a@example.jp\n", fuzzMaxBytes/15+1)},
		{"wide.csv", strings.Repeat("c,", maxColumns) + "name\n" + strings.Repeat(",", maxColumns) + "A\n"},
	}
	for _, s := range seeds {
		f.Add(s.name, []byte(s.data))
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		shown := sanitiseFilename(name)
		if shown == "" || strings.ContainsAny(shown, "/\\") || !utf8.ValidString(shown) || utf8.RuneCountInString(shown) > 255 ||
			strings.IndexFunc(shown, unicode.IsControl) >= 0 || pan.Contains(shown) || shown == "." || shown == ".." {
			t.Fatalf("sanitiseFilename(%q) = %q", name, shown)
		}

		s := &Service{maxBytes: fuzzMaxBytes, memSpill: 1 << 10}
		up, err := s.readUpload(bytes.NewReader(data), nil)
		if err != nil {
			checkUploadError(t, err, len(data))
			return
		}
		defer up.close()
		if len(data) > fuzzMaxBytes {
			t.Fatalf("a file of %d bytes passed the limit of %d", len(data), fuzzMaxBytes)
		}
		r, err := up.data.reader()
		if err != nil {
			t.Fatal(err)
		}
		stored, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		// Every value of the stored file, as a reader of it sees one: a
		// cell. (Cells are separate values, in the file as in the table;
		// digits of neighbouring columns, a postal code next to a phone
		// number, are no one's card number.)
		sr := csv.NewReader(bytes.NewReader(stored))
		sr.FieldsPerRecord = -1
		for {
			cells, err := sr.Read()
			if err != nil {
				break
			}
			for _, c := range cells {
				if pan.Contains(c) {
					t.Fatalf("the stored file holds a card number in %q:\n%s", c, stored)
				}
			}
		}
		for _, m := range up.mapping {
			if pan.Contains(m.Header) {
				t.Fatalf("mapping header holds a card number: %q", m.Header)
			}
		}

		cr := csv.NewReader(bytes.NewReader(stored))
		cr.FieldsPerRecord = -1
		if _, err := cr.Read(); err != nil {
			t.Fatalf("stored file has no header: %v", err)
		}
		cols := newColumns(up.mapping)
		var rows, prev int64
		for {
			cells, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("stored file unreadable after %d rows: %v", rows, err)
			}
			line, err := strconv.ParseInt(cells[0], 10, 64)
			if err != nil || line <= prev {
				t.Fatalf("row %d: line number %q after %d", rows+1, cells[0], prev)
			}
			prev = line
			rows++
			rec, errs, _, _ := cols.parse(line, cells[1:])
			for _, e := range errs {
				if e.Line != line || e.Field == "" || e.Code == "" {
					t.Fatalf("row error without line or field: %+v (line %d)", e, line)
				}
			}
			for _, v := range recordValues(rec) {
				if pan.Contains(v) {
					t.Fatalf("line %d: parsed value holds a card number: %q", line, v)
				}
				if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
					t.Fatalf("line %d: parsed value is no text PostgreSQL stores: %q", line, v)
				}
			}
		}
		if rows != up.rows {
			t.Fatalf("stored %d rows, counted %d", rows, up.rows)
		}
	})
}

// checkUploadError: a refused upload is a ValidationError on "file",
// "mapping" or "mapping.<header>", saying why in words that hold no card
// number; a file over the limit says so, and only such a file does.
func checkUploadError(t *testing.T, err error, size int) {
	t.Helper()
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) == 0 {
		t.Fatalf("upload refused with an internal error: %v", err)
	}
	for _, fe := range ve.Fields {
		if fe.Field != "file" && fe.Field != "mapping" && !strings.HasPrefix(fe.Field, "mapping.") || !strings.HasPrefix(fe.Code, "validation.") {
			t.Fatalf("error does not name the field: %+v", fe)
		}
		if pan.Contains(fe.Field) || pan.Contains(fmt.Sprint(fe.Args...)) {
			t.Fatalf("error repeats a card number: %+v", fe)
		}
		if fe.Code == "validation.csv_parse" && (len(fe.Args) < 1 || fe.Args[0] == 0) {
			t.Fatalf("CSV error without its line: %+v", fe)
		}
	}
	if tooLarge := strings.Contains(err.Error(), "validation.file_too_large_mib"); tooLarge != (size > fuzzMaxBytes) {
		t.Fatalf("%d bytes (limit %d): %v", size, fuzzMaxBytes, err)
	}
}

// recordValues lists every string a parsed row would store.
func recordValues(r record) []string {
	out := []string{r.CustomerID, r.Name, r.NameKana, r.PostalCode, r.Address, r.Email, r.Phone, r.Language, r.Residency, r.CardBrand, r.CardLast4}
	out = append(out, r.DataItems...)
	for k, v := range r.Extra {
		out = append(out, k, v)
	}
	return out
}
