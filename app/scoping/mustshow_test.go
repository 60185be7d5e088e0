package scoping_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/scoping"
)

// csvFile writes rows (the first the header) as CSV.
func csvFile(t *testing.T, rows [][]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// importOrders loads a file through app/orders' import, as a user would.
func (e *env) importOrders(data string, opts orders.ImportOptions) {
	e.t.Helper()
	ctx := context.Background()
	svc := orders.NewService(e.st, e.clk, e.cases)
	imp, err := svc.Start(ctx, e.owner, e.caseID, "orders.csv", strings.NewReader(data), opts)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := svc.Run(ctx, imp.ID); err != nil {
		e.t.Fatal(err)
	}
	if imp, err = svc.Get(ctx, e.owner, imp.ID); err != nil || imp.Status != orders.StatusDone || imp.RowsInvalid != 0 {
		e.t.Fatalf("import: %+v %v", imp, err)
	}
}

// names are the persons of a run as "status name" (or e-mail), sorted.
func (e *env) names(r scoping.Run) []string {
	e.t.Helper()
	ps, _, err := e.svc.Persons(context.Background(), e.owner, r.ID, "", scoping.MaxPage, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Status+" "+p.Name)
	}
	slices.Sort(out)
	return out
}

// The demonstration: orders from an EC-CUBE 4 export in Shift_JIS
// and a Shopify export in UTF-8, imported through app/orders, and two
// windows; the exact persons (merged across the two shops), the counts by
// brand and the upper bound; then a window moves and the re-scope shows
// who is added, removed and changed before it is applied; applying
// updates the assessment and the obligations, and a letter batch goes to
// the scoped persons.
func TestMustShowTwoShopsTwoWindows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ecHeader := []string{"注文番号", "受注日", "支払方法(名称)", "会員ID", "お名前(姓)", "お名前(名)", "お名前(セイ)", "お名前(メイ)", "郵便番号",
		"都道府県(名称)", "住所1", "住所2", "メールアドレス", "TEL", "カードブランド", "カード番号"}
	ec := [][]string{ecHeader,
		{"1001", "2026-10-01 09:15:00", "クレジットカード決済", "101", "山田", "太郎", "ヤマダ", "タロウ", "1000001", "東京都", "千代田区千代田1-1", "", "taro@example.jp", "03-1111-1111", "VISA", "************1111"},
		{"1002", "2026-10-20 12:00:00", "クレジットカード決済", "", "山田", "太郎", "", "", "1000001", "東京都", "千代田区千代田1-1", "", "Taro@Example.JP", "", "VISA", "1111"},
		{"1003", "2026-10-05 10:00:00", "銀行振込", "102", "佐藤", "花子", "", "", "5300001", "大阪府", "大阪市北区1", "", "hanako@example.jp", "", "", ""},
		{"1004", "2026-12-01 10:00:00", "クレジットカード決済", "103", "鈴木", "一郎", "", "", "0600001", "北海道", "札幌市中央区1", "", "ichiro@example.jp", "", "JCB", "3333"},
		{"1005", "2026-11-15 08:00:00", "クレジットカード決済", "", "高橋", "次郎", "", "", "5300002", "大阪府", "大阪市北区2-2", "", "", "", "Mastercard", "5555"},
		{"1006", "2026-11-16 08:00:00", "クレジットカード決済", "", "高橋　", "次郎", "", "", "5300002", "大阪府", "大阪市北区 2-2", "", "", "", "Mastercard", "5555"},
		{"1007", "2026-09-30 23:00:00", "クレジットカード決済", "104", "伊藤", "三郎", "", "", "9800001", "宮城県", "仙台市青葉区1", "", "saburo@example.jp", "", "VISA", "7777"},
	}
	sj, err := japanese.ShiftJIS.NewEncoder().String(csvFile(t, ec))
	if err != nil {
		t.Fatal(err)
	}
	e.importOrders(sj, orders.ImportOptions{Preset: "eccube4", Columns: map[string][]string{
		orders.FieldCardBrand: {"カードブランド"}, orders.FieldCardNumber: {"カード番号"}}})
	shHeader := []string{"Name", "Email", "Financial Status", "Created at", "Lineitem name", "Billing Name", "Billing Zip", "Billing Province Name",
		"Billing City", "Billing Address1", "Billing Address2", "Payment Method", "Phone"}
	e.importOrders(csvFile(t, [][]string{shHeader,
		{"#2001", "ann@example.com", "paid", "2026-10-10 10:00:00 +0900", "Mug", "Ann Lee", "150-0001", "Tokyo", "Shibuya", "1-2-3 Jingumae", "", "Shopify Payments", ""},
		{"#2002", "taro@example.jp", "paid", "2026-10-11 10:00:00 +0900", "Cup", "Taro Yamada", "100-0001", "Tokyo", "Chiyoda", "1-1", "", "Shopify Payments", ""},
		{"#2003", "bo@example.com", "paid", "2026-10-12 10:00:00 +0900", "Cup", "Bo Chan", "100-0002", "Tokyo", "Chiyoda", "2-2", "", "Bank Deposit", ""},
		{"#2004", "cy@example.com", "paid", "2026-10-13 10:00:00 +0900", "Cup", "Cy Park", "100-0003", "Tokyo", "Chiyoda", "3-3", "", "", ""},
		{"#2005", "dee@example.com", "paid", "2026-12-05 10:00:00 +0900", "Cup", "Dee Fox", "100-0004", "Tokyo", "Chiyoda", "4-4", "", "Shopify Payments", ""},
	}), orders.ImportOptions{Preset: "shopify"})

	// W1: the PFI's window on both shops' card paths; W2: suspected, after
	// the reported end (the skimmer may have stayed on).
	w1 := window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed, "クレジットカード決済", "Shopify Payments")
	w2 := window("2026-11-30 18:40", "2026-12-10 00:00", scoping.ConfidenceSuspected)
	v := e.setWindows(w1, w2)
	first := e.scope()
	want := []string{"confirmed Ann Lee", "confirmed 山田 太郎", "confirmed 高橋 次郎", "possible Cy Park", "possible Dee Fox", "possible 鈴木 一郎"}
	if got := e.names(first); !slices.Equal(got, want) {
		t.Errorf("persons:\n got %v\nwant %v", got, want)
	}
	if got := e.groups(first); !slices.Contains(got, "confirmed:#2002,1001,1002") {
		t.Errorf("山田 太郎 is not one person across both shops: %v", got)
	}
	wantBrands := []scoping.BrandCount{{Brand: "jcb", Persons: 1, Orders: 1}, {Brand: "mastercard", Persons: 1, Orders: 2},
		{Brand: "visa", Persons: 1, Orders: 2}, {Brand: "", Persons: 4, Orders: 4}}
	if first.PersonsConfirmed != 3 || first.PersonsUpperBound != 6 || !slices.Equal(first.ByBrand, wantBrands) {
		t.Errorf("confirmed %d, upper bound %d, brands %+v", first.PersonsConfirmed, first.PersonsUpperBound, first.ByBrand)
	}
	if _, err := e.svc.Apply(ctx, e.owner, first.ID, v.Version, 0); err != nil {
		t.Fatal(err)
	}

	// The PFI narrows W1 to 10 November and moves its start back a day;
	// W2 now covers 10 November to 4 December.
	w1, w2 = v.Windows[0], v.Windows[1]
	w1.Start, w1.End = jst("2026-09-30 00:00"), jst("2026-11-10 00:00")
	w2.Start, w2.End = jst("2026-11-10 00:00"), jst("2026-12-04 00:00")
	if v, err = e.svc.SaveWindow(ctx, e.owner, e.caseID, v.Version, w1); err != nil {
		t.Fatal(err)
	}
	if v, err = e.svc.SaveWindow(ctx, e.owner, e.caseID, v.Version, w2); err != nil {
		t.Fatal(err)
	}
	second := e.scope()
	d, err := e.svc.Diff(ctx, e.owner, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	var added, removed []string
	for _, p := range d.AddedPersons {
		added = append(added, p.Name)
	}
	for _, p := range d.RemovedPersons {
		removed = append(removed, p.Name)
	}
	if d.Added != 1 || d.Removed != 1 || d.Changed != 1 || !slices.Equal(added, []string{"伊藤 三郎"}) || !slices.Equal(removed, []string{"Dee Fox"}) ||
		d.ConfirmedBefore != 3 || d.ConfirmedAfter != 3 || d.UpperBoundBefore != 6 || d.UpperBoundAfter != 6 {
		t.Errorf("diff: added %v removed %v %+v", added, removed, d)
	}
	if n := e.count(`SELECT count(*) FROM people WHERE case_id = ? AND name = 'Dee Fox'`, e.caseID); n != 1 {
		t.Error("the diff replaced the list before it was applied")
	}

	if _, err := e.svc.Apply(ctx, e.owner, second.ID, v.Version, first.ID); err != nil {
		t.Fatal(err)
	}
	_, f, err := e.as.Current(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if *f.PersonsAffected != 3 || *f.PersonsUpperBound != 6 || !slices.Equal(f.CardBrands, []obligationsCardBrand{"jcb", "mastercard", "visa"}) {
		t.Errorf("facts: affected %d, upper %d, brands %v", *f.PersonsAffected, *f.PersonsUpperBound, f.CardBrands)
	}
	obs, err := e.as.Obligations(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{"card.visa.notify", "card.jcb.acquirer", "card.mastercard.adc"} {
		if !slices.ContainsFunc(obs, func(o assessmentObligation) bool { return o.RuleID == rule }) {
			t.Errorf("no obligation %s after applying the scope", rule)
		}
	}
	b, names := e.letterBatch()
	wantLetters := []string{"Ann Lee", "Cy Park", "伊藤 三郎", "山田 太郎", "鈴木 一郎", "高橋 次郎"}
	slices.Sort(names)
	if b.Total != 6 || !slices.Equal(names, wantLetters) {
		t.Errorf("letter batch of %d to %v, want %v", b.Total, names, wantLetters)
	}
}
