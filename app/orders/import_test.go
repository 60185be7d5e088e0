package orders_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/pan"
)

// EC-CUBE 4 in CP932: one row per order item (and one for the shipping
// fee), grouped by 注文番号; 「送料」 twice in the header; a guest order.
func TestEccube4ShiftJISItemRowsGrouped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := map[string]string{"注文ID": "11", "注文番号": "1001", "会員ID": "", "お名前(姓)": "髙橋", "お名前(名)": "一郎①",
		"お名前(セイ)": "タカハシ", "お名前(メイ)": "イチロウ", "郵便番号": "1000001", "都道府県(名称)": "東京都", "住所1": "千代田区千代田1-1",
		"住所2": "㈱ビル 2F", "メールアドレス": "Ichiro@Example.JP", "TEL": "03-1234-5678", "送料": "800", "支払方法(名称)": "クレジットカード決済",
		"受注日": "2026-10-01 09:15:00", "商品名": "茶碗", "配送先_お名前(姓)": "別人"}
	b := map[string]string{"注文ID": "12", "注文番号": "1002", "会員ID": "7", "お名前(姓)": "佐藤", "お名前(名)": "花子",
		"郵便番号": "530-0001", "都道府県(名称)": "大阪府", "住所1": "大阪市北区1", "メールアドレス": "hanako@example.jp",
		"支払方法(名称)": "銀行振込", "受注日": "2026-10-02 18:00:00", "商品名": "湯呑"}
	item2 := map[string]string{}
	for k, v := range a {
		item2[k] = v
	}
	item2["商品名"], item2["明細区分(名称)"] = "送料", "送料"
	file := sjis(t, csvText("\n", eccube4Header, row(eccube4Header, a), row(eccube4Header, item2), row(eccube4Header, a), row(eccube4Header, b)))
	imp := e.importCSV(file, orders.ImportOptions{Preset: "eccube4"})
	if imp.Status != orders.StatusDone || imp.Encoding != orders.EncodingSJIS || imp.RowsTotal != 4 || imp.OrdersImported != 2 || imp.RowsInvalid != 0 {
		t.Fatalf("import: %+v", imp)
	}
	got := e.orders()
	o := got["1001"]
	want := orders.Order{OrderNo: "1001", Line: 2, PaymentMethod: "クレジットカード決済", CardPayment: true, Name: "髙橋 一郎1",
		NameKana: "タカハシ イチロウ", PostalCode: "100-0001", Address: "東京都 千代田区千代田1-1 (株)ビル 2F", Email: "Ichiro@Example.JP",
		Phone: "03-1234-5678", EmailKey: "ichiro@example.jp", NameAddressKey: "髙橋一郎1|100-0001|東京都千代田区千代田1-1(株)ビル2f"}
	if o.OrderNo != want.OrderNo || o.Line != want.Line || o.PaymentMethod != want.PaymentMethod || !o.CardPayment || o.Name != want.Name ||
		o.NameKana != want.NameKana || o.PostalCode != want.PostalCode || o.Address != want.Address || o.Email != want.Email ||
		o.Phone != want.Phone || o.CustomerID != "" || o.EmailKey != want.EmailKey || o.NameAddressKey != want.NameAddressKey {
		t.Fatalf("order 1001:\n got %+v\nwant %+v", o, want)
	}
	if !o.OrderedAt.Equal(time.Date(2026, 10, 1, 9, 15, 0, 0, jst)) {
		t.Fatalf("ordered at %v", o.OrderedAt)
	}
	if p := got["1002"]; p.CardPayment || p.CustomerID != "7" || p.PostalCode != "530-0001" || p.Line != 5 {
		t.Fatalf("order 1002: %+v", p)
	}
	sum, err := e.svc.Summary(context.Background(), e.p, e.caseID)
	if err != nil || len(sum) != 2 || !sum[0].CardPayment || sum[0].Orders != 1 || sum[1].PaymentMethod != "銀行振込" {
		t.Fatalf("summary %+v, %v", sum, err)
	}
}

// EC-CUBE 2: one row per order, CRLF, phone and postal code split, member
// id 0 for a guest.
func TestEccube2(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := map[string]string{"注文番号": "55", "会員ID": "0", "お名前(姓)": "山田", "お名前(名)": "太郎", "お名前(フリガナ・姓)": "ヤマダ",
		"お名前(フリガナ名)": "タロウ", "メールアドレス": "taro@example.jp", "電話番号1": "03", "電話番号2": "1234", "電話番号3": "5678",
		"郵便番号1": "100", "郵便番号2": "0001", "都道府県": "東京都", "住所1": "千代田区", "住所2": "1-1", "支払い方法": "クレジット決済",
		"注文日時": "2026-10-05 10:11:12.345678"}
	imp := e.importCSV(sjis(t, csvText("\r\n", eccube2Header, row(eccube2Header, r))), orders.ImportOptions{Preset: "eccube2"})
	o := e.orders()["55"]
	if imp.Status != orders.StatusDone || o.CustomerID != "" || o.Phone != "03-1234-5678" || o.PostalCode != "100-0001" ||
		o.NameKana != "ヤマダ タロウ" || !o.CardPayment || !o.OrderedAt.Equal(time.Date(2026, 10, 5, 10, 11, 12, 345678000, jst)) {
		t.Fatalf("import %+v\norder %+v", imp, o)
	}
}

// Shopify: the order's fields on its first row only; continuation rows
// carry the order number and the line item. Times carry their offset.
func TestShopifyContinuationRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := map[string]string{"Name": "#1001", "Email": "a@example.com", "Created at": "2026-10-01 09:15:00 +0900", "Lineitem name": "Mug",
		"Billing Name": "Ann Lee", "Billing Zip": "150-0001", "Billing Province Name": "Tokyo", "Billing City": "Shibuya",
		"Billing Address1": "1-2-3 Jingumae", "Payment Method": "Shopify Payments", "Phone": "+81 90 1234 5678"}
	cont := map[string]string{"Name": "#1001", "Lineitem name": "Plate"}
	other := map[string]string{"Name": "#1002", "Email": "b@example.com", "Created at": "2026-10-02 01:00:00 -0500", "Billing Name": "Bo",
		"Payment Method": "Bank Deposit", "Lineitem name": "Cup"}
	imp := e.importCSV(csvText("\n", shopifyHeader, row(shopifyHeader, first), row(shopifyHeader, cont), row(shopifyHeader, cont),
		row(shopifyHeader, other)), orders.ImportOptions{Preset: "shopify"})
	got := e.orders()
	o := got["#1001"]
	if imp.OrdersImported != 2 || imp.RowsInvalid != 0 || o.Email != "a@example.com" || !o.CardPayment || o.Address != "Tokyo Shibuya 1-2-3 Jingumae" ||
		o.Name != "Ann Lee" || !o.OrderedAt.Equal(time.Date(2026, 10, 1, 0, 15, 0, 0, time.UTC)) {
		t.Fatalf("import %+v\norder %+v", imp, o)
	}
	if p := got["#1002"]; p.CardPayment || !p.OrderedAt.Equal(time.Date(2026, 10, 2, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("order #1002: %+v", p)
	}
}

// MakeShop: 日付 and 注文時間 (hhmmss, without the leading zero before ten)
// joined into the order time; the columns the manual does not confirm are
// mapped by the user.
func TestMakeShopDateAndTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := csvText("\n", makeshopHeader,
		[]string{"2022/8/10", "103309", "P171323551145213731", "未処理", "山田太郎", "ヤマダタロウ", "taro@example.jp", "クレジットカード"},
		[]string{"2022/8/11", "93309", "P171323551145213732", "配送", "鈴木花子", "スズキハナコ", "hana@example.jp", "代金引換"})
	imp := e.importCSV(file, orders.ImportOptions{Preset: "makeshop", Columns: map[string][]string{
		orders.FieldEmail: {"Eメール"}, orders.FieldPaymentMethod: {"支払方法"}}})
	got := e.orders()
	a, b := got["P171323551145213731"], got["P171323551145213732"]
	if imp.OrdersImported != 2 || !a.OrderedAt.Equal(time.Date(2022, 8, 10, 10, 33, 9, 0, jst)) || !b.OrderedAt.Equal(time.Date(2022, 8, 11, 9, 33, 9, 0, jst)) ||
		!a.CardPayment || b.CardPayment || a.Email != "taro@example.jp" || a.NameKana != "ヤマダタロウ" {
		t.Fatalf("import %+v\n%+v\n%+v", imp, a, b)
	}
}

func TestFutureshop(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := map[string]string{"受注コード": "FS-1", "注文日時": "2026/10/03 12:34:56", "決済方法": "クレジットカード", "氏名(姓)": "田中",
		"郵便番号": "060-0001", "都道府県区分": "北海道", "住所1": "札幌市", "住所2": "中央区", "住所3": "1-1", "電話番号(メイン)": "011-111-1111"}
	e.importCSV(sjis(t, csvText("\r\n", futureshopHeader, row(futureshopHeader, r))), orders.ImportOptions{Preset: "futureshop"})
	o := e.orders()["FS-1"]
	if !o.CardPayment || o.Address != "北海道 札幌市 中央区 1-1" || o.Phone != "011-111-1111" || !o.OrderedAt.Equal(time.Date(2026, 10, 3, 12, 34, 56, 0, jst)) {
		t.Fatalf("order %+v", o)
	}
}

// A full card number anywhere in the file is masked before anything is
// stored, counted, and reported as a retention finding; a card-number
// column keeps brand and last 4; security code and expiry columns are
// dropped. The digits are nowhere in the database.
func TestCardNumbersMaskedAndCounted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	header := []string{"注文番号", "注文日時", "氏名", "支払方法", "カード番号", "メモ", "セキュリティコード", "有効期限"}
	file := csvText("\n", header,
		[]string{"1", "2026-10-01 10:00:00", "山田 4111111111111111", "銀行振込", "4111-1111-1111-1111", "5500 0000 0000 0004", "123", "12/29"},
		[]string{"2", "2026-10-01 11:00:00", "鈴木", "コンビニ", "****-****-****-4444", "", "456", "01/30"})
	opts := orders.ImportOptions{Preset: "generic", Columns: map[string][]string{orders.FieldOrderNo: {"注文番号"},
		orders.FieldOrderedAt: {"注文日時"}, orders.FieldName: {"氏名"}, orders.FieldPaymentMethod: {"支払方法"}, orders.FieldCardNumber: {"カード番号"}}}
	imp, err := e.start(file, opts)
	if err != nil {
		t.Fatal(err)
	}
	const digits = `(4111.?1111.?1111.?1111|5500.?0000.?0000.?0004)`
	if n := e.count(`SELECT count(*) FROM order_import_files WHERE convert_from(data, 'UTF8') ~ $1`, digits); n != 0 {
		t.Fatal("the stored upload holds a card number")
	}
	if n := e.count(`SELECT count(*) FROM order_import_files WHERE position('456' in convert_from(data, 'UTF8')) > 0`); n != 0 {
		t.Fatal("the stored upload holds a security code")
	}
	imp = e.run(imp.ID)
	if imp.PansMasked != 3 || imp.CardDataColumns() != 2 || !imp.RetentionFinding() || imp.OrdersImported != 2 {
		t.Fatalf("import: %+v", imp)
	}
	got := e.orders()
	if o := got["1"]; o.CardBrand != "visa" || o.CardLast4 != "1111" || !o.CardPayment || strings.Contains(o.Name, "4111111111111111") {
		t.Fatalf("order 1: %+v", o)
	}
	if o := got["2"]; o.CardLast4 != "4444" || !o.CardPayment {
		t.Fatalf("order 2: %+v", o)
	}
	for _, table := range []string{"orders", "order_imports", "timeline_entries", "audit_log"} {
		if n := e.count(`SELECT count(*) FROM `+table+` t WHERE row_to_json(t)::text ~ $1`, digits); n != 0 {
			t.Fatalf("%s holds a card number", table)
		}
	}
	// A mapping cannot make card data imported.
	opts.Columns[orders.FieldPhone] = []string{"セキュリティコード"}
	if _, err := e.start(file, opts); fieldError(t, err, "columns.phone").Code != "validation.mapping_card_data" {
		t.Fatalf("card data mapped: %v", err)
	}
}

// Cells that hold no card number alone can make one together: a phone
// split over three columns, or a name whose digits a long gap keeps apart
// until the matching key drops the white space. Neither reaches a table.
func TestCardNumbersMadeByJoiningAreMasked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	header := []string{"注文番号", "注文日時", "氏名", "住所", "電話1", "電話2", "電話3"}
	file := csvText("\n", header,
		[]string{"1", "2026-10-01 10:00:00", "山田", "東京都", "4111", "11111111", "1111"},
		[]string{"2", "2026-10-01 11:00:00", "4111\t\t\t\t\t111111111111", "大阪府", "", "", ""})
	opts := orders.ImportOptions{Preset: "generic", Columns: map[string][]string{orders.FieldOrderNo: {"注文番号"},
		orders.FieldOrderedAt: {"注文日時"}, orders.FieldName: {"氏名"}, orders.FieldAddress: {"住所"}, orders.FieldPhone: {"電話1", "電話2", "電話3"}}}
	imp := e.importCSV(file, opts)
	if imp.Status != orders.StatusDone || imp.OrdersImported != 2 || imp.PansMasked < 1 {
		t.Fatalf("import: %+v", imp)
	}
	for _, col := range []string{"phone", "name_address_key", "email_key"} {
		if n := e.count(`SELECT count(*) FROM orders WHERE regexp_replace(` + col + `, '[^0-9]', '', 'g') ~ '4111111111111111'`); n != 0 {
			var v string
			e.st.DB.Raw(`SELECT ` + col + ` FROM orders WHERE regexp_replace(` + col + `, '[^0-9]', '', 'g') ~ '4111111111111111'`).Scan(&v)
			t.Errorf("orders.%s holds a card number made by joining cells: %q", col, v)
		}
	}
	if got := e.orders()["1"]; !strings.Contains(got.Phone, "****1111") {
		t.Errorf("phone: %q, want it masked to brand and last four", got.Phone)
	}
	if got := e.orders()["2"]; pan.Contains(got.Name) || pan.Contains(got.NameAddressKey) {
		t.Errorf("order 2 keeps a card number: name %q, key %q", got.Name, got.NameAddressKey)
	}
}

const badRows = "注文番号,注文日時,氏名\n" +
	"1,2026-10-01 10:00:00,A\n" +
	"2,yesterday morning,B\n" +
	",2026-10-01 12:00:00,C\n" +
	"4,2026-10-01 13:00:00,D\n"

var genericOpts = orders.ImportOptions{Preset: "generic", Columns: map[string][]string{orders.FieldOrderNo: {"注文番号"},
	orders.FieldOrderedAt: {"注文日時"}, orders.FieldName: {"氏名"}}}

// A bad date or a missing order number is an error naming line and
// field, never the cell's content; the other rows are imported.
func TestLineErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	imp := e.importCSV(badRows, genericOpts)
	if imp.Status != orders.StatusDone || imp.OrdersImported != 2 || imp.RowsInvalid != 2 || len(imp.Errors) != 2 {
		t.Fatalf("import: %+v", imp)
	}
	if er := imp.Errors[0]; er.Line != 3 || er.Field != orders.FieldOrderedAt || er.Code != "validation.row_order_date" {
		t.Fatalf("error 0: %+v", er)
	}
	if er := imp.Errors[1]; er.Line != 4 || er.Field != orders.FieldOrderNo || er.Code != "validation.row_order_no_required" {
		t.Fatalf("error 1: %+v", er)
	}
	if n := e.count(`SELECT count(*) FROM order_imports WHERE errors::text LIKE '%yesterday%'`); n != 0 {
		t.Fatal("an error repeats the cell")
	}
	if got := e.orders(); len(got) != 2 || got["1"].Name != "A" || got["4"].Name != "D" {
		t.Fatalf("orders: %+v", got)
	}
}

func TestAllOrNothingRejects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	opts := genericOpts
	opts.Mode = orders.ModeAllOrNothing
	imp := e.importCSV(badRows, opts)
	if imp.Status != orders.StatusRejected || imp.RowsInvalid != 2 || len(imp.Errors) != 2 || len(e.orders()) != 0 {
		t.Fatalf("import: %+v", imp)
	}
	if n := e.count(`SELECT count(*) FROM order_import_files`); n != 0 {
		t.Fatal("the stored file outlived the import")
	}
	imp = e.importCSV(strings.ReplaceAll(strings.ReplaceAll(badRows, "yesterday morning", "2026-10-01 11:00"), ",2026-10-01 12", "3,2026-10-01 12"), opts)
	if imp.Status != orders.StatusDone || imp.OrdersImported != 4 {
		t.Fatalf("clean file: %+v", imp)
	}
}

// An order without a date on any of its rows is refused at its first line.
func TestOrderWithoutDate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	imp := e.importCSV("注文番号,注文日時,氏名\n1,,A\n1,,A\n2,2026-10-01,B\n", genericOpts)
	if imp.OrdersImported != 1 || imp.RowsInvalid != 2 || len(imp.Errors) != 1 || imp.Errors[0].Line != 2 || imp.Errors[0].Code != "validation.row_order_date_required" {
		t.Fatalf("import: %+v", imp)
	}
}

// A file in the other encoding than the one chosen is refused with an
// error that says so.
func TestWrongEncoding(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	utf8File := "注文番号,注文日時,氏名\n1,2026-10-01,山田\n"
	tests := []struct {
		name, file, encoding, field, code string
	}{
		{"Shift_JIS read as UTF-8", sjis(t, utf8File), orders.EncodingUTF8, "encoding", "validation.order_encoding_not_utf8"},
		{"UTF-8 read as Shift_JIS", utf8File, orders.EncodingSJIS, "encoding", "validation.order_encoding_is_utf8"},
		{"UTF-8 with BOM read as Shift_JIS", "\ufeff" + utf8File, orders.EncodingSJIS, "encoding", "validation.order_encoding_is_utf8"},
		{"bytes that are no Shift_JIS", "order,date,name\n1,2026-10-01,\x82\xff\n", orders.EncodingSJIS, "file", "validation.order_line_encoding"},
	}
	for _, tc := range tests {
		opts := genericOpts
		opts.Encoding = tc.encoding
		opts.Columns = map[string][]string{orders.FieldOrderNo: {"#1"}, orders.FieldOrderedAt: {"#2"}, orders.FieldName: {"#3"}}
		_, err := e.start(tc.file, opts)
		if f := fieldError(t, err, tc.field); f.Code != tc.code {
			t.Errorf("%s: %s, want %s", tc.name, f.Code, tc.code)
		}
	}
}

func TestRowLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	orders.SetMaxRows(e.svc, 2)
	_, err := e.start("注文番号,注文日時,氏名\n1,2026-10-01,A\n2,2026-10-01,B\n3,2026-10-01,C\n", genericOpts)
	if f := fieldError(t, err, "file"); f.Code != "validation.order_too_many_rows" {
		t.Fatalf("code %s", f.Code)
	}
}

// Within one import, later rows of an order fill only what earlier rows
// left empty, even when they come apart; a later import replaces the
// order whole.
func TestMergeAndReplace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	opts := orders.ImportOptions{Preset: "generic", Columns: map[string][]string{orders.FieldOrderNo: {"no"}, orders.FieldOrderedAt: {"at"},
		orders.FieldEmail: {"email"}, orders.FieldPaymentMethod: {"pay"}, orders.FieldName: {"name"}}}
	orders.SetChunkRows(e.svc, 1) // the second run of X lands in a later chunk
	first := e.importCSV("no,at,email,pay,name\nX,2026-10-01 10:00,,カード,\nY,2026-10-01 11:00,y@example.jp,振込,Y\nX,2026-10-09 10:00,x@example.jp,振込,Xa\nX,,z@example.jp,,Xb\n", opts)
	x := e.orders()["X"]
	if first.OrdersImported != 2 || x.Email != "x@example.jp" || x.PaymentMethod != "カード" || !x.CardPayment || x.Name != "Xa" || x.Line != 2 ||
		!x.OrderedAt.Equal(time.Date(2026, 10, 1, 10, 0, 0, 0, jst)) {
		t.Fatalf("import %+v\nX %+v", first, x)
	}
	second := e.importCSV("no,at,email,pay,name\nX,2026-10-02 10:00,new@example.jp,振込,\n", opts)
	got := e.orders()
	x = got["X"]
	if len(got) != 2 || x.Email != "new@example.jp" || x.CardPayment || x.Name != "" || *x.ImportID != second.ID || x.EmailKey != "new@example.jp" {
		t.Fatalf("X after the second import: %+v", x)
	}
	if y := got["Y"]; *y.ImportID != first.ID {
		t.Fatalf("Y: %+v", y)
	}
}

// A crash between chunks loses nothing: the retried job resumes after the
// last committed chunk, never inside an order.
func TestResumesAfterACrash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	orders.SetChunkRows(e.svc, 3)
	crash := errors.New("crash")
	orders.SetAfterChunk(e.svc, func() error { return crash })
	file := "注文番号,注文日時,氏名\nA,2026-10-01,a\nA,,a\nB,2026-10-02,b\nB,,\nC,2026-10-03,c\nD,2026-10-04,d\nD,,d\n"
	imp, err := e.start(file, genericOpts)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Run(ctx, imp.ID); !errors.Is(err, crash) {
		t.Fatalf("want the crash, got %v", err)
	}
	mid, _ := e.svc.Get(ctx, e.p, imp.ID)
	if mid.Status != orders.StatusRunning || mid.RowsDone != 4 || mid.RowsTotal != 7 || len(e.orders()) != 2 {
		t.Fatalf("after the crash: %+v", mid)
	}
	orders.SetAfterChunk(e.svc, nil)
	done := e.run(imp.ID)
	if done.Status != orders.StatusDone || done.RowsDone != 7 || done.OrdersImported != 4 || done.RowsInvalid != 0 || len(e.orders()) != 4 {
		t.Fatalf("after the resume: %+v", done)
	}
	if err := e.svc.Run(ctx, imp.ID); err != nil { // a re-delivered job exits
		t.Fatal(err)
	}
}

// Another organisation sees neither the imports nor the orders.
func TestTenancy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	imp := e.importCSV("注文番号,注文日時,氏名\n1,2026-10-01,A\n", genericOpts)
	other := newEnvSameDB(e, "mgr@b.example", "org-b")
	if _, err := e.svc.Get(context.Background(), other, imp.ID); err == nil {
		t.Fatal("another organisation read the import")
	}
	if _, _, err := e.svc.List(context.Background(), other, e.caseID, 10, 0); err == nil {
		t.Fatal("another organisation listed the orders")
	}
}
