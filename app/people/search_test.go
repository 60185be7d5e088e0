package people_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/people"
)

// searchCSV is a case's list as the call centre searches it: readings in
// katakana, one person without a reading whose name is in kana, phone
// numbers written three ways, and customer ids holding LIKE's wildcards.
const searchCSV = "氏名,フリガナ,郵便番号,住所,メールアドレス,電話番号,顧客ID\n" +
	"山田 太郎,ヤマダ タロウ,100-0005,東京都千代田区丸の内1-2-3,taro@example.jp,03-1234-5678,C-001\n" +
	"山田 花子,ヤマダ ハナコ,530-0001,大阪府大阪市北区梅田1-1,hanako@example.jp,090-8765-4321,C-002\n" +
	"鈴木 一郎,スズキ イチロウ,810-0001,福岡県福岡市中央区天神2-2,ichiro@example.jp,+81 92 111 2222,C-003\n" +
	"すずき はなこ,,060-0001,北海道札幌市中央区北一条西1,suzuki@example.jp,,A_1\n" +
	"佐藤 健,サトウ ケン,900-0001,沖縄県那覇市港町1,ken@example.jp,098-000-0000,P%1\n"

// search returns the names of the persons q finds, sorted, and checks the
// total against the list.
func (e *env) search(p *auth.Principal, caseID int64, q string) []string {
	e.t.Helper()
	ps, total, err := e.svc.People(context.Background(), p, caseID, people.Query{Search: q, Limit: people.MaxPage})
	if err != nil {
		e.t.Fatalf("search %q: %v", q, err)
	}
	if int(total) != len(ps) {
		e.t.Fatalf("search %q: total %d, listed %d", q, total, len(ps))
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	return names
}

// searchCases are the queries of TestPeopleSearch and what each finds;
// app/web's test asks the API the same.
var searchCases = []struct{ q, want string }{
	// Readings: katakana, hiragana, half-width, with or without spaces;
	// from the start (family name first).
	{"ヤマダ タロウ", "山田 太郎"},
	{"やまだたろう", "山田 太郎"},
	{"やまだ　たろう", "山田 太郎"},
	{"ﾔﾏﾀﾞ ﾀﾛｳ", "山田 太郎"},
	{"やまだ", "山田 太郎,山田 花子"},
	{"スズキ", "すずき はなこ,鈴木 一郎"}, // a name in kana is its own reading
	{"たろう", "山田 太郎"},         // no reading starts with it: found anywhere
	// Phone numbers, however written; +81 numbers stored or typed.
	{"03-1234-5678", "山田 太郎"},
	{"０３１２３４５６７８", "山田 太郎"},
	{"+81 3 1234 5678", "山田 太郎"},
	{"03ー1234ー5678", "山田 太郎"},
	{"092-111-2222", "鈴木 一郎"},
	{"+81 90 8765 4321", "山田 花子"},
	{"1234-5678", "山田 太郎"}, // part of a number
	// Names with or without the space, addresses, postal codes.
	{"山田太郎", "山田 太郎"},
	{"山田 太郎", "山田 太郎"},
	{"山田", "山田 太郎,山田 花子"},
	{"太郎", "山田 太郎"},
	{"丸の内", "山田 太郎"},
	{"梅田1-1", "山田 花子"},
	{"福岡市中央区", "鈴木 一郎"},
	{"100-0005", "山田 太郎"},
	{"1000005", "山田 太郎"},
	{"〒１００－０００５", "山田 太郎"},
	{"810-0001", "鈴木 一郎"},
	// E-mail and customer id, exact or in part, any case.
	{"taro@example.jp", "山田 太郎"},
	{"HANAKO@", "山田 花子"},
	{"C-002", "山田 花子"},
	{"c002", "山田 花子"},
	// LIKE's wildcards and escape character match only themselves.
	{"_1", "すずき はなこ"},
	{"%", "佐藤 健"},
	{`\`, ""},
	{"A%1", ""},
	// Unrelated text finds nobody.
	{"ヤマモト", ""},
	{"高橋", ""},
	{"06-0000-0000", ""},
	{"nobody@example.jp", ""},
	{"札幌市北区", ""},
}

func TestPeopleSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	if imp := e.importCSV(p, caseID, searchCSV, people.Options{}); imp.RowsImported != 5 {
		t.Fatalf("import: %+v", imp)
	}
	// The import fills the search columns itself.
	if n := e.count(`SELECT count(*) FROM people WHERE case_id = ? AND search_text IS NULL`, caseID); n != 0 {
		t.Fatalf("%d persons imported without search columns", n)
	}
	// Another case of the same organisation is not searched.
	other := e.newCase(p)
	e.importCSV(p, other, "氏名,フリガナ,電話番号\n山田 次郎,ヤマダ ジロウ,03-1234-5678\n", people.Options{})
	for _, c := range searchCases {
		if got := strings.Join(e.search(p, caseID, c.q), ","); got != c.want {
			t.Errorf("search %q found %q, want %q", c.q, got, c.want)
		}
	}
	if got := e.search(p, caseID, " - "); len(got) != 5 {
		t.Errorf("a query of only spaces and hyphens should list everyone, got %q", got)
	}
}

// Persons written by anything but the import (older rows, the demo data)
// get their search columns at the first search; a later change of a field
// by such a writer is searched by its new value, not its old one.
func TestPeopleSearchFillsOtherRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	if err := e.st.DB.Exec(`INSERT INTO people (organisation_id, case_id, name, name_kana, phone, address)
		VALUES (?, ?, '高橋 健一', 'タカハシ ケンイチ', '06-1111-2222', '大阪府大阪市北区梅田2-2')`, p.OrgID(), caseID).Error; err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"たかはし", "0611112222", "梅田"} {
		if got := e.search(p, caseID, q); !slices.Equal(got, []string{"高橋 健一"}) {
			t.Errorf("search %q: %q", q, got)
		}
	}
	if err := e.st.DB.Exec(`UPDATE people SET phone = '06-3333-4444' WHERE case_id = ?`, caseID).Error; err != nil {
		t.Fatal(err)
	}
	if got := e.search(p, caseID, "06-3333-4444"); len(got) != 1 {
		t.Errorf("the new phone number finds %q", got)
	}
	if got := e.search(p, caseID, "06-1111-2222"); len(got) != 0 {
		t.Errorf("the old phone number still finds %q", got)
	}
}

// A later import that merges into a person updates the search columns in
// the same statement (the person is found by the new phone number without
// a refill).
func TestPeopleSearchAfterMerge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	e.importCSV(p, caseID, searchCSV, people.Options{})
	imp := e.importCSV(p, caseID, "メールアドレス,電話番号,フリガナ\nsuzuki@example.jp,011-222-3333,スズキ ハナコ\n", people.Options{})
	if imp.RowsMerged != 1 {
		t.Fatalf("import: %+v", imp)
	}
	if n := e.count(`SELECT count(*) FROM people WHERE case_id = ? AND search_phone = '0112223333' AND search_kana = 'スズキハナコ'`, caseID); n != 1 {
		t.Fatalf("merged person's search columns not updated (%d)", n)
	}
	if got := e.search(p, caseID, "011-222-3333"); !slices.Equal(got, []string{"すずき はなこ"}) {
		t.Errorf("search by the merged phone number: %q", got)
	}
}
