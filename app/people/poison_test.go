package people_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/people"
)

// testPANs are Luhn-valid numbers of several brands and lengths.
var testPANs = []string{"4111111111111111", "5105105105105100", "378282246310005", "6011111111111117", "30569309025904",
	"3530111333300000", "4012888888881881", "4222222222222", "6011000990139424", "5555555555554444"}

// poisoned hides the test PANs in odd places and formats: the header, an
// e-mail's local part, glued to text, full-width digits with full-width
// hyphens, a customer id, the card column, spaces and hyphens, a quoted
// multi-line cell, a column mapped to extra and a cell past the last
// header. It also holds a security code and an expiry date, which are
// never stored.
const poisoned = "氏名,メールアドレス,電話番号,顧客ID,カード番号,住所,メモ 4111111111111111,セキュリティコード,有効期限\r\n" +
	"山田太郎,5105105105105100@example.jp,,,,,,,\r\n" +
	"abc378282246310005xyz,glued@example.jp,６０１１－１１１１－１１１１－１１１７,,,,,,\r\n" +
	"Sato,sato@example.jp,03-1234-5678,ID-30569309025904,3530-1113-3330-0000,東京都 4012 8888 8888 1881 番地,\"line one\r\n4222222222222\r\nline three\",CVC 987,EXP 11/29\r\n" +
	"Tanaka,tanaka@example.jp,,,,,6011 0009 9013 9424,,,5555-5555-5555-4444\r\n"

// poisonedMapping keeps the memo column; the cell past the header is not
// imported, so its card number is not even read.
var poisonedMapping = map[string]string{"メモ 4111111111111111": "extra"}

const poisonedCount = 9

// forms are the ways a PAN could show up in a dump.
func forms(d string) []string {
	group := func(s, sep string) string {
		var parts []string
		for len(s) > 4 {
			parts, s = append(parts, s[:4]), s[4:]
		}
		return strings.Join(append(parts, s), sep)
	}
	wide := strings.Map(func(r rune) rune { return r - '0' + '０' }, d)
	return []string{d, group(d, " "), group(d, "-"), wide, group(wide, "－")}
}

var byteaHex = regexp.MustCompile(`\\+x([0-9a-f]+)`)

// dump returns pg_dump's data of the test database, with every bytea
// value also decoded (a PAN in a stored file would be hex there).
func dump(t *testing.T, url string) string {
	t.Helper()
	if _, err := exec.LookPath("pg_dump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pg_dump is required in CI")
		}
		t.Skip("pg_dump not installed")
	}
	out, err := exec.Command("pg_dump", "--data-only", "--no-owner", "--dbname="+url).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	text := string(out)
	for _, m := range byteaHex.FindAllStringSubmatch(text, -1) {
		if b, err := hex.DecodeString(m[1]); err == nil {
			text += "\n" + string(b)
		}
	}
	return text
}

func assertNoPAN(t *testing.T, where, text string) {
	t.Helper()
	for _, d := range testPANs {
		for _, f := range forms(d) {
			if strings.Contains(text, f) {
				t.Errorf("%s: card number %s found as %q", where, d, f)
			}
		}
	}
}

// A poisoned CSV leaves no card number anywhere in a dump of the database:
// not in the stored upload, the people, the import, the audit log, the
// timeline or River's job table.
func TestPoisonedCSVLeavesNoPANInTheDatabase(t *testing.T) {
	t.Parallel()
	for _, d := range testPANs {
		if !pan.Contains(d) {
			t.Fatalf("%s is not a PAN to the guard", d)
		}
	}
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	ctx := context.Background()
	imp, err := e.svc.Start(ctx, p, caseID, "customers-4111111111111111.csv", strings.NewReader(poisoned), people.Options{Mapping: poisonedMapping})
	if err != nil {
		t.Fatal(err)
	}
	if imp.PansMasked != poisonedCount || imp.CardDataColumns != 2 {
		t.Fatalf("masked %d card numbers at upload, want %d; dropped %d columns of card data, want 2", imp.PansMasked, poisonedCount, imp.CardDataColumns)
	}
	var stored []byte
	if err := e.st.SQL.QueryRow(`SELECT string_agg(data, ''::bytea ORDER BY seq) FROM import_files WHERE import_id = $1`, imp.ID).Scan(&stored); err != nil || len(stored) == 0 {
		t.Fatalf("stored file: %d bytes, %v", len(stored), err)
	}
	if pan.Contains(string(stored)) {
		t.Fatal("the stored upload holds a card number")
	}
	assertNoPAN(t, "dump after upload", dump(t, e.url))
	var args string
	if err := e.st.DB.Raw(`SELECT args::text FROM river_job WHERE kind = 'import_people'`).Scan(&args).Error; err != nil {
		t.Fatal(err)
	}
	if args != fmt.Sprintf(`{"import_id": %d}`, imp.ID) {
		t.Fatalf("job args: %s", args)
	}

	if err := e.svc.Run(ctx, imp.ID); err != nil {
		t.Fatal(err)
	}
	done, _ := e.svc.Get(ctx, p, imp.ID)
	if done.Status != people.StatusDone || done.PansMasked != poisonedCount || done.RowsImported != 2 || done.RowsInvalid != 2 {
		t.Fatalf("import: %+v", done)
	}
	ps := e.people(p, caseID)
	sato := byEmail(ps, "sato@example.jp")
	if sato.CardBrand != "jcb" || sato.CardLast4 != "0000" || sato.Extra["メモ [visa ****1111]"] != "line one\n[visa ****2222]\nline three" {
		t.Fatalf("sato: %+v", sato)
	}
	if tanaka := byEmail(ps, "tanaka@example.jp"); len(tanaka.Extra) != 1 || tanaka.Extra["メモ [visa ****1111]"] != "[discover ****9424]" {
		t.Fatalf("tanaka: %+v", tanaka)
	}
	d := dump(t, e.url)
	assertNoPAN(t, "dump after import", d)
	for _, sad := range []string{"CVC 987", "EXP 11/29"} {
		if strings.Contains(d, sad) {
			t.Errorf("the dump holds card data %q", sad)
		}
	}

	// The check itself sees a card number hidden in a bytea value.
	if _, err := e.st.SQL.Exec(`INSERT INTO import_files (import_id, seq, data) VALUES ($1, 0, convert_to($2, 'UTF8'))`, imp.ID, testPANs[0]); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dump(t, e.url), testPANs[0]) {
		t.Fatal("the dump check does not see card numbers in bytea columns")
	}
}
