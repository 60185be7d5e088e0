package orders_test

import (
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/orders"
)

var jst = time.FixedZone("JST", 9*3600)

// eccube4Header is EC-CUBE 4.1–4.3's default 受注CSV header (SHOP-EXPORTS
// §1), 「送料」 twice.
var eccube4Header = strings.Split("注文ID,注文番号,会員ID,お名前(姓),お名前(名),お名前(セイ),お名前(メイ),会社名,郵便番号,"+
	"都道府県(ID),都道府県(名称),住所1,住所2,メールアドレス,TEL,性別(ID),性別(名称),職業(ID),"+
	"職業(名称),誕生日,ショップ用メモ欄,小計,値引き,送料,税金,合計,支払合計,対応状況(ID),"+
	"対応状況(名称),支払方法(ID),支払方法(名称),受注日,入金日,注文詳細ID,商品ID,商品規格ID,商品名,"+
	"商品コード,規格名1,規格名2,規格分類名1,規格分類名2,価格,個数,税率,税率ルール(ID),明細区分(ID),"+
	"明細区分(名称),出荷ID,配送先_お名前(姓),配送先_お名前(名),配送先_お名前(セイ),配送先_お名前(メイ),"+
	"配送先_会社名,配送先_郵便番号,配送先_都道府県(ID),配送先_都道府県(名称),配送先_住所1,配送先_住所2,"+
	"配送先_TEL,配送業者(ID),配送業者(名称),お届け時間ID,お届け時間(名称),お届け希望日,送料,発送日,"+
	"出荷伝票番号,配達用メモ,出荷メール送信日", ",")

// eccube2Header is EC-CUBE 2's default 受注CSV header (status 1 columns).
var eccube2Header = strings.Split("注文番号,会員ID,要望等,お名前(姓),お名前(名),お名前(フリガナ・姓),お名前(フリガナ名),会社名,"+
	"メールアドレス,電話番号1,電話番号2,電話番号3,FAX1,FAX2,FAX3,郵便番号1,郵便番号2,都道府県,住所1,住所2,性別,生年月日,職種,"+
	"小計,値引き,送料,手数料,使用ポイント,加算ポイント,税金,合計,お支払い合計,配送業者ID,支払い方法,SHOPメモ,対応状況,"+
	"注文日時,更新日時,発送完了日時,端末種別ID,配送情報ID", ",")

// shopifyHeader is a part of Shopify's order export header, in its order.
var shopifyHeader = strings.Split("Name,Email,Financial Status,Paid at,Currency,Total,Created at,Lineitem quantity,Lineitem name,"+
	"Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,"+
	"Billing Country,Billing Phone,Payment Method,Payment Reference,Id,Phone,Billing Province Name", ",")

var makeshopHeader = []string{"日付", "注文時間", "注文番号", "処理状況", "注文者", "注文者(振り仮名)", "Eメール", "支払方法"}

var futureshopHeader = strings.Split("受注コード,注文日時,請求合計金額,決済方法,氏名(姓),メールアドレス(サブ),郵便番号,都道府県区分,"+
	"住所1,住所2,住所3,電話番号(メイン),商品名", ",")

// row makes one CSV row for header from values by header name (a
// repeated header gets the value in each place).
func row(header []string, values map[string]string) []string {
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = values[h]
	}
	return out
}

// Every preset's columns are found in the header its shop system writes,
// each field fed by the columns the preset names, in join order.
func TestPresetsMapTheirHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		preset string
		header []string
		opts   orders.ImportOptions
		want   map[string][]string // field → headers, in join order
	}{
		{"eccube4", eccube4Header, orders.ImportOptions{Encoding: orders.EncodingUTF8}, map[string][]string{
			orders.FieldOrderNo: {"注文番号"}, orders.FieldOrderedAt: {"受注日"}, orders.FieldPaymentMethod: {"支払方法(名称)"},
			orders.FieldName: {"お名前(姓)", "お名前(名)"}, orders.FieldAddress: {"都道府県(名称)", "住所1", "住所2"},
			orders.FieldCustomerID: {"会員ID"}, orders.FieldPhone: {"TEL"}}},
		{"eccube2", eccube2Header, orders.ImportOptions{Encoding: orders.EncodingUTF8}, map[string][]string{
			orders.FieldOrderNo: {"注文番号"}, orders.FieldOrderedAt: {"注文日時"}, orders.FieldPhone: {"電話番号1", "電話番号2", "電話番号3"},
			orders.FieldPostalCode: {"郵便番号1", "郵便番号2"}, orders.FieldNameKana: {"お名前(フリガナ・姓)", "お名前(フリガナ名)"}}},
		{"shopify", shopifyHeader, orders.ImportOptions{}, map[string][]string{
			orders.FieldOrderNo: {"Name"}, orders.FieldOrderedAt: {"Created at"}, orders.FieldEmail: {"Email"}, orders.FieldPhone: {"Phone"},
			orders.FieldAddress: {"Billing Province Name", "Billing City", "Billing Address1", "Billing Address2"}}},
		{"makeshop", makeshopHeader, orders.ImportOptions{}, map[string][]string{
			orders.FieldOrderNo: {"注文番号"}, orders.FieldOrderedAt: {"日付", "注文時間"}, orders.FieldName: {"注文者"},
			orders.FieldNameKana: {"注文者(振り仮名)"}, orders.FieldEmail: nil}},
		{"futureshop", futureshopHeader, orders.ImportOptions{}, map[string][]string{
			orders.FieldOrderNo: {"受注コード"}, orders.FieldPaymentMethod: {"決済方法"}, orders.FieldPhone: {"電話番号(メイン)"},
			orders.FieldAddress: {"都道府県区分", "住所1", "住所2", "住所3"}}},
		{"generic", makeshopHeader, orders.ImportOptions{Columns: map[string][]string{orders.FieldOrderNo: {"#3"},
			orders.FieldOrderedAt: {"日付", "注文時間"}, orders.FieldEmail: {"Eメール"}}}, map[string][]string{
			orders.FieldOrderNo: {"注文番号"}, orders.FieldEmail: {"Eメール"}, orders.FieldName: nil}},
	}
	for _, tc := range tests {
		tc.opts.Preset = tc.preset
		cells := make([]string, len(tc.header))
		for i := range cells {
			cells[i] = "x"
		}
		imp, err := e.start(csvText("\n", tc.header, cells), tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.preset, err)
		}
		if imp.Preset != tc.preset {
			t.Fatalf("%s: preset %q", tc.preset, imp.Preset)
		}
		for field, want := range tc.want {
			var got []string
			for part := 0; part < 10; part++ {
				for _, c := range imp.Mapping.Columns {
					if c.Field == field && c.Part == part {
						got = append(got, c.Header)
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s: %s fed by %q, want %q", tc.preset, field, got, want)
			}
		}
	}
}

// The mapping is checked against the header before anything is stored:
// each problem names the field.
func TestMappingErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := csvText("\n", eccube4Header, row(eccube4Header, map[string]string{"注文番号": "1"}))
	tests := []struct {
		name  string
		opts  orders.ImportOptions
		field string
		code  string
	}{
		{"repeated header", orders.ImportOptions{Preset: "eccube4", Columns: map[string][]string{orders.FieldPaymentMethod: {"送料"}}}, "columns.payment_method", "validation.order_mapping_ambiguous"},
		{"required column missing", orders.ImportOptions{Preset: "eccube4", Columns: map[string][]string{orders.FieldOrderNo: {"注文コード"}}}, "columns.order_no", "validation.order_mapping_no_column"},
		{"required field unmapped", orders.ImportOptions{Preset: "eccube4", Columns: map[string][]string{orders.FieldOrderedAt: {}}}, "columns.ordered_at", "validation.required"},
		{"position out of range", orders.ImportOptions{Preset: "eccube4", Columns: map[string][]string{orders.FieldPhone: {"#999"}}}, "columns.phone", "validation.order_mapping_position"},
		{"column used twice", orders.ImportOptions{Preset: "eccube4", Columns: map[string][]string{orders.FieldPhone: {"注文番号"}}}, "columns.phone", "validation.order_mapping_used"},
		{"no identity", orders.ImportOptions{Preset: "generic", Columns: map[string][]string{orders.FieldOrderNo: {"注文番号"}, orders.FieldOrderedAt: {"受注日"}}}, "columns", "validation.order_mapping_identity"},
		{"unknown preset", orders.ImportOptions{Preset: "base"}, "preset", "validation.one_of"},
		{"unknown encoding", orders.ImportOptions{Preset: "eccube4", Encoding: "euc-jp"}, "encoding", "validation.one_of"},
		{"unknown field", orders.ImportOptions{Preset: "eccube4", Columns: map[string][]string{"birthday": {"誕生日"}}}, "columns.birthday", "validation.mapping_field"},
	}
	for _, tc := range tests {
		if tc.opts.Encoding == "" {
			tc.opts.Encoding = orders.EncodingUTF8
		}
		_, err := e.start(file, tc.opts)
		if f := fieldError(t, err, tc.field); f.Code != tc.code {
			t.Errorf("%s: code %s, want %s", tc.name, f.Code, tc.code)
		}
	}
	// By position, the repeated header is fine.
	_, err := e.start(file, orders.ImportOptions{Preset: "eccube4", Encoding: orders.EncodingUTF8,
		Columns: map[string][]string{orders.FieldPaymentMethod: {"#24"}}})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT count(*) FROM order_imports`); n != 1 {
		t.Fatalf("imports stored: %d, want only the valid one", n)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, postal, address, want string }{
		{"山田　太郎", "123-4567", "東京都 千代田区 1-1", "山田太郎|123-4567|東京都千代田区1-1"},
		{"ＹＡＭＡＤＡ Taro", "", "Ｔｏｋｙｏ\t1", "yamadataro||tokyo1"},
		{"山田", "123-4567", "", ""},
		{"", "123-4567", "東京都", ""},
	}
	for _, tc := range tests {
		if got := orders.NameAddressKey(tc.name, tc.postal, tc.address); got != tc.want {
			t.Errorf("NameAddressKey(%q, %q, %q) = %q, want %q", tc.name, tc.postal, tc.address, got, tc.want)
		}
	}
	if got := orders.EmailKey("  Ｔａｒｏ@Example.JP "); got != "taro@example.jp" {
		t.Errorf("EmailKey: %q", got)
	}
}
