package people_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/people"
)

func TestUTF8WithBOMAndJapaneseHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	csv := "\ufeff氏名,フリガナ,〒,都道府県,市区町村,番地,建物名,Ｅメール,電話番号,顧客ID,言語,居住国,漏えい項目\r\n" +
		"山田 太郎,ﾔﾏﾀﾞ ﾀﾛｳ,１００－０００１,東京都,千代田区,千代田1-1,皇居ビル3F,Taro@Example.JP,０３－１２３４－５６７８,C-001,日本語,日本,氏名・住所・カード番号\r\n"
	imp := e.importCSV(p, caseID, csv, people.Options{})
	if imp.Status != people.StatusDone || imp.Encoding != people.EncodingUTF8BOM || imp.RowsImported != 1 || imp.RowsInvalid != 0 {
		t.Fatalf("import: %+v", imp)
	}
	if imp.Mapping[0].Field != people.FieldName || imp.Mapping[7].Field != people.FieldEmail {
		t.Fatalf("mapping: %+v", imp.Mapping)
	}
	ps := e.people(p, caseID)
	if len(ps) != 1 {
		t.Fatalf("people: %+v", ps)
	}
	got := ps[0]
	want := people.Person{Name: "山田 太郎", NameKana: "ヤマダ タロウ", PostalCode: "100-0001", Address: "東京都千代田区千代田1-1 皇居ビル3F",
		Email: "taro@example.jp", Phone: "03-1234-5678", CustomerID: "C-001", Language: "ja", Residency: "JP"}
	if got.Name != want.Name || got.NameKana != want.NameKana || got.PostalCode != want.PostalCode || got.Address != want.Address ||
		got.Email != want.Email || got.Phone != want.Phone || got.CustomerID != want.CustomerID || got.Language != want.Language || got.Residency != want.Residency {
		t.Fatalf("person:\n got %+v\nwant %+v", got, want)
	}
	if !slices.Equal(got.DataItems, []string{"氏名", "住所", "カード番号"}) {
		t.Fatalf("data items: %q", got.DataItems)
	}
	if e.count(`SELECT count(*) FROM import_files`) != 0 {
		t.Fatal("the stored file outlived the import")
	}
}

func TestShiftJISFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	// ① and ㈱ are CP932 (NEC) extensions Japanese Excel writes.
	csv := "お名前,ﾌﾘｶﾞﾅ,郵便番号,住所,メールアドレス\r\n" +
		"髙橋 ①子,ﾀｶﾊｼ ｲﾁｺ,530-0001,大阪府大阪市北区梅田1-1 ㈱梅田ビル,ichiko@example.jp\r\n"
	imp := e.importCSV(p, caseID, sjis(t, csv), people.Options{})
	if imp.Status != people.StatusDone || imp.Encoding != people.EncodingSJIS || imp.RowsImported != 1 {
		t.Fatalf("import: %+v", imp)
	}
	got := e.people(p, caseID)[0]
	if got.Name != "髙橋 ①子" || got.NameKana != "タカハシ イチコ" || got.Address != "大阪府大阪市北区梅田1-1 ㈱梅田ビル" || got.PostalCode != "530-0001" {
		t.Fatalf("person: %+v", got)
	}
}

func TestExplicitMapping(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	ctx := context.Background()
	csv := "col_a,col_b,mystery,drop me,unnamed\nAlice,alice@example.com,kept in extra,gone,not kept\n"
	start := func(m map[string]string) error {
		_, err := e.svc.Start(ctx, p, caseID, "x.csv", strings.NewReader(csv), people.Options{Mapping: m})
		return err
	}
	if err := start(nil); fieldError(t, err, "mapping").Code != "validation.mapping_none" {
		t.Fatalf("undetectable columns: %v", err)
	}
	fieldError(t, start(map[string]string{"col_a": "nickname"}), "mapping.col_a")
	fieldError(t, start(map[string]string{"col_z": "name"}), "mapping.col_z")
	fieldError(t, start(map[string]string{"col_a": "name", "col_b": "name"}), "mapping.col_b")
	imp := e.importCSV(p, caseID, csv, people.Options{Mapping: map[string]string{"COL_A": "name", "col_b": "email", "mystery": "extra", "drop me": "ignore"}})
	if imp.Status != people.StatusDone || imp.RowsImported != 1 {
		t.Fatalf("import: %+v", imp)
	}
	got := e.people(p, caseID)[0]
	if got.Name != "Alice" || got.Email != "alice@example.com" || got.Language != "ja" || len(got.Extra) != 1 || got.Extra["mystery"] != "kept in extra" {
		t.Fatalf("person: %+v", got)
	}
}

// rowsWithErrors has a quoted cell spanning two lines (so record and line
// numbers differ), a blank row and an empty line.
const rowsWithErrors = "name,email,postal_code,phone,language\n" + // 1
	"Good,good@example.jp,100-0001,03-1234-5678,ja\n" + // 2
	"\"Multi\n" + // 3
	"line\",bad-email,100-0001,,ja\n" + // 4
	",,,,\n" + // 5: blank
	"NoEmail,,12345,,ja\n" + // 6
	"\n" + // 7: empty
	",,,,fr\n" + // 8
	"Phone,phone@example.jp,,call me,en\n" + // 9
	"Fine,\"Fine@Example.JP\",,,en\n" // 10

func TestRowErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	imp := e.importCSV(p, caseID, rowsWithErrors, people.Options{Mode: people.ModePartial})
	if imp.Status != people.StatusDone || imp.RowsTotal != 6 || imp.RowsImported != 2 || imp.RowsInvalid != 4 {
		t.Fatalf("import: %+v", imp)
	}
	var got []string
	for _, re := range imp.Errors {
		got = append(got, fmt.Sprintf("%d:%s", re.Line, re.Field))
	}
	want := []string{"3:email", "6:postal_code", "8:name", "8:language", "9:phone"}
	if !slices.Equal(got, want) {
		t.Fatalf("errors %v, want %v (%+v)", got, want, imp.Errors)
	}
	if n := len(e.people(p, caseID)); n != 2 {
		t.Fatalf("%d people, want 2", n)
	}
}

func TestAllOrNothingRejectsTheFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	people.SetChunkRows(e.svc, 2) // the pre-pass must see every chunk
	imp := e.importCSV(p, caseID, rowsWithErrors, people.Options{Mode: people.ModeAllOrNothing})
	if imp.Status != people.StatusRejected || imp.RowsImported != 0 || imp.RowsInvalid != 4 || len(imp.Errors) != 5 || imp.FinishedAt == nil {
		t.Fatalf("import: %+v", imp)
	}
	if n := e.count(`SELECT count(*) FROM people`); n != 0 {
		t.Fatalf("%d people written by a rejected import", n)
	}
	if e.count(`SELECT count(*) FROM import_files`) != 0 {
		t.Fatal("the stored file outlived the import")
	}
	ok := e.importCSV(p, caseID, "name,email\nA,a@example.jp\nB,b@example.jp\nC,c@example.jp\n", people.Options{Mode: people.ModeAllOrNothing})
	if ok.Status != people.StatusDone || ok.RowsImported != 3 {
		t.Fatalf("clean file: %+v", ok)
	}
}

func TestDuplicatesAreMerged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	people.SetChunkRows(e.svc, 2) // duplicates fall into different chunks too
	first := "name,email,customer_id,postal_code,data_items,note\n" +
		"Hanako,hanako@example.jp,,,name,\n" +
		"Hanako Sato,HANAKO@example.jp,C1,100-0001,\"name, card\",first note\n" + // same e-mail: fills C1, postal code
		"Ichiro,,C2,,,\n" +
		",ichiro@example.jp,C2,,address,\n" + // same customer id: fills the e-mail
		"Jiro,jiro@example.jp,C1,,,\n" // unknown e-mail, Hanako's customer id: merged, e-mail not kept (a warning)
	imp := e.importCSV(p, caseID, first, people.Options{Mapping: map[string]string{"note": "extra"}})
	if imp.Status != people.StatusDone || imp.RowsImported != 5 || imp.RowsMerged != 3 || imp.RowsInvalid != 0 {
		t.Fatalf("first import: %+v", imp)
	}
	if len(imp.Errors) != 1 || imp.Errors[0].Line != 6 || imp.Errors[0].Field != "email" || !imp.Errors[0].Warning {
		t.Fatalf("warnings: %+v", imp.Errors)
	}
	second := "氏名,メールアドレス,顧客ID,住所,漏えい項目\n" +
		"Someone Else,hanako@example.jp,,Tokyo,phone\n" + // existing: the name stays, the address fills
		"Ichiro Suzuki,,C2,Osaka,\n" +
		"New Person,new@example.jp,,,\n" +
		"Hanako,hanako@example.jp,C9,,\n" // Hanako has C1: C9 is not kept (a warning)
	imp2 := e.importCSV(p, caseID, second, people.Options{})
	if imp2.Status != people.StatusDone || imp2.RowsImported != 4 || imp2.RowsMerged != 3 {
		t.Fatalf("second import: %+v", imp2)
	}
	if len(imp2.Errors) != 1 || imp2.Errors[0].Line != 5 || imp2.Errors[0].Field != "customer_id" || !imp2.Errors[0].Warning {
		t.Fatalf("warnings: %+v", imp2.Errors)
	}
	ps := e.people(p, caseID)
	if len(ps) != 3 {
		t.Fatalf("%d people, want 3: %+v", len(ps), ps)
	}
	h := byEmail(ps, "hanako@example.jp")
	if h.Name != "Hanako" || h.CustomerID != "C1" || h.PostalCode != "100-0001" || h.Address != "Tokyo" ||
		!slices.Equal(h.DataItems, []string{"name", "card", "phone"}) || h.Extra["note"] != "first note" || *h.ImportID != imp.ID {
		t.Fatalf("hanako: %+v", h)
	}
	if i := byEmail(ps, "ichiro@example.jp"); i.Name != "Ichiro" || i.CustomerID != "C2" || i.Address != "Osaka" {
		t.Fatalf("ichiro: %+v", i)
	}
	if n := byEmail(ps, "new@example.jp"); n.Name != "New Person" || *n.ImportID != imp2.ID {
		t.Fatalf("new person: %+v", n)
	}
}

func TestResumesAfterACrashBetweenChunks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	ctx := context.Background()
	people.SetChunkRows(e.svc, 2)
	crash := errors.New("crash")
	people.SetAfterChunk(e.svc, func() error { return crash })
	csv := "name,email\nA,a@example.jp\nB,b@example.jp\nC,c@example.jp\nA again,A@example.jp\nE,e@example.jp\n"
	imp, err := e.svc.Start(ctx, p, caseID, "x.csv", strings.NewReader(csv), people.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Run(ctx, imp.ID); !errors.Is(err, crash) {
		t.Fatalf("want the crash, got %v", err)
	}
	mid, _ := e.svc.Get(ctx, p, imp.ID)
	if mid.Status != people.StatusRunning || mid.RowsDone != 2 || mid.RowsTotal != 5 || len(e.people(p, caseID)) != 2 {
		t.Fatalf("after the crash: %+v", mid)
	}
	people.SetAfterChunk(e.svc, nil)
	if err := e.svc.Run(ctx, imp.ID); err != nil {
		t.Fatal(err)
	}
	done, _ := e.svc.Get(ctx, p, imp.ID)
	if done.Status != people.StatusDone || done.RowsDone != 5 || done.RowsImported != 5 || done.RowsMerged != 1 || len(e.people(p, caseID)) != 4 {
		t.Fatalf("after the resume: %+v", done)
	}
	if err := e.svc.Run(ctx, imp.ID); err != nil { // a re-delivered job exits
		t.Fatal(err)
	}
}

func TestCardColumnsKeepBrandAndLast4(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	csv := "name,email,カード番号,カードブランド\n" +
		"A,a@example.jp,4111 1111 1111 1111,\n" +
		"B,b@example.jp,****-****-****-4444,Master\n" +
		"C,c@example.jp,12,\n"
	imp := e.importCSV(p, caseID, csv, people.Options{})
	if imp.PansMasked != 1 || imp.RowsImported != 2 || imp.RowsInvalid != 1 || imp.Errors[0].Field != "card_number" {
		t.Fatalf("import: %+v", imp)
	}
	ps := e.people(p, caseID)
	if a := byEmail(ps, "a@example.jp"); a.CardBrand != "visa" || a.CardLast4 != "1111" || len(a.Extra) != 0 {
		t.Fatalf("a: %+v", a)
	}
	if b := byEmail(ps, "b@example.jp"); b.CardBrand != "mastercard" || b.CardLast4 != "4444" {
		t.Fatalf("b: %+v", b)
	}
}

func TestUnreadableFilesAreRefusedAtUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	ctx := context.Background()
	start := func(data string, opts people.Options) error {
		_, err := e.svc.Start(ctx, p, caseID, "x.csv", strings.NewReader(data), opts)
		return err
	}
	fieldError(t, start("", people.Options{}), "file")
	fieldError(t, start("name,email\n", people.Options{}), "file")
	fieldError(t, start("name,email\n,\n", people.Options{}), "file")
	if r := fieldError(t, start("name,email\nA,a@example.jp\nB\"x,b@example.jp\n", people.Options{}), "file"); r.Code != "validation.csv_parse" || r.Args[0] != 3 {
		t.Fatalf("bare quote: %v", r)
	}
	fieldError(t, start("\xff\xfen\x00a\x00m\x00e\x00", people.Options{}), "file")
	// PostgreSQL stores no NUL in text: refused here, not by the job's COPY.
	if r := fieldError(t, start("name,email\nA\x00B,a@example.jp\n", people.Options{}), "file"); r.Code != "validation.csv_line_nul" || r.Args[0] != 2 {
		t.Fatalf("NUL in a cell: %v", r)
	}
	fieldError(t, start("name\nA\n", people.Options{Mode: "some"}), "mode")
	people.SetMaxBytes(e.svc, 64)
	if r := fieldError(t, start("name,email\n"+strings.Repeat("A,a@example.jp\n", 10), people.Options{}), "file"); r.Code != "validation.file_too_large_mib" {
		t.Fatalf("too large: %v", r)
	}
	if n := e.count(`SELECT count(*) FROM imports`); n != 0 {
		t.Fatalf("%d imports left by refused uploads", n)
	}
}

func TestLargeUploadSpillsToATempFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	people.SetMemSpill(e.svc, 1024)
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "Person %d,p%d@example.jp\n", i, i)
	}
	imp := e.importCSV(p, caseID, b.String(), people.Options{})
	if imp.Status != people.StatusDone || imp.RowsImported != 3000 {
		t.Fatalf("import: %+v", imp)
	}
}

func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	b := e.principal("mgr@b.example", "org-b", auth.RoleOwner)
	viewer := e.principal("viewer@a.example", "org-a", auth.RoleViewer)
	caseID := e.newCase(a)
	imp := e.importCSV(a, caseID, "name,email\nA,a@example.jp\n", people.Options{})
	if _, err := e.svc.Get(ctx, b, imp.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("Get from another org: %v", err)
	}
	if _, _, err := e.svc.People(ctx, b, caseID, people.Query{}); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("People from another org: %v", err)
	}
	if _, err := e.svc.List(ctx, b, caseID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("List from another org: %v", err)
	}
	if _, err := e.svc.Start(ctx, b, caseID, "x.csv", strings.NewReader("name\nB\n"), people.Options{}); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("Start into another org's case: %v", err)
	}
	if _, err := e.svc.Start(ctx, viewer, caseID, "x.csv", strings.NewReader("name\nB\n"), people.Options{}); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("Start by a viewer: %v", err)
	}
	if ps, total, err := e.svc.People(ctx, viewer, caseID, people.Query{Search: "A@EXAMPLE"}); err != nil || total != 1 || len(ps) != 1 {
		t.Fatalf("viewer search: %v %d %v", ps, total, err)
	}
	if list, err := e.svc.List(ctx, a, caseID); err != nil || len(list) != 1 {
		t.Fatalf("List: %v %v", list, err)
	}
}

// Security codes, expiry dates, PINs and track data are dropped at upload
// whatever the file calls them, counted, and no mapping can keep them.
func TestCardDataColumnsAreNeverImported(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	csv := "name,email,CVV2,有効期限（月/年）,Track 2,Note\nAlice,alice@example.com,cvv-731,exp-12/29,track-;4111=2912,note-kept\n"
	_, err := e.svc.Start(context.Background(), p, caseID, "x.csv", strings.NewReader(csv), people.Options{Mapping: map[string]string{"cvv2": "extra"}})
	if f := fieldError(t, err, "mapping.cvv2"); f.Code != "validation.mapping_card_data" {
		t.Fatalf("a security code mapped to extra: %v", f)
	}
	ctx := context.Background()
	started, err := e.svc.Start(ctx, p, caseID, "x.csv", strings.NewReader(csv), people.Options{Mapping: map[string]string{"note": "extra"}})
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	e.st.DB.Raw(`SELECT convert_from(string_agg(data, ''::bytea ORDER BY seq), 'UTF8') FROM import_files WHERE import_id = ?`, started.ID).Scan(&stored)
	if !strings.Contains(stored, "note-kept") {
		t.Fatalf("the stored upload lacks the kept column: %q", stored)
	}
	leaked := strings.Count(stored, "cvv-731") + strings.Count(stored, "exp-12/29") + strings.Count(stored, "track-")
	if err := e.svc.Run(ctx, started.ID); err != nil {
		t.Fatal(err)
	}
	imp, _ := e.svc.Get(ctx, p, started.ID)
	if imp.Status != people.StatusDone || imp.CardDataColumns != 3 {
		t.Fatalf("import: %+v", imp)
	}
	got := e.people(p, caseID)[0]
	if len(got.Extra) != 1 || got.Extra["Note"] != "note-kept" {
		t.Fatalf("extra: %+v", got.Extra)
	}
	if n := e.count(`SELECT count(*) FROM people WHERE extra::text LIKE '%cvv%' OR extra::text LIKE '%exp-%' OR extra::text LIKE '%track%'`); n != 0 || leaked != 0 {
		t.Fatalf("card data stored: %d people, %d file pieces", n, leaked)
	}
}
