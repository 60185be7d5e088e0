package orders

import (
	"slices"
	"strings"
)

// Fields a column can feed. Several columns may feed one field: their
// values are joined in the order the mapping lists them (name parts with a
// space, phone parts with "-", the two halves of a postal code with
// nothing, a date and a time with a space).
const (
	FieldOrderNo       = "order_no"
	FieldOrderedAt     = "ordered_at"
	FieldPaymentMethod = "payment_method"
	FieldCardBrand     = "card_brand"
	FieldCardNumber    = "card_number" // a full (masked) or partly masked number, or the last 4: only brand and last 4 survive
	FieldCustomerID    = "customer_id"
	FieldEmail         = "email"
	FieldName          = "name"
	FieldNameKana      = "name_kana"
	FieldPostalCode    = "postal_code"
	FieldAddress       = "address"
	FieldPhone         = "phone"
	// FieldCardData marks a column of sensitive card data (security code,
	// expiry, PIN, track data; people.IsCardData): dropped at upload, and
	// no mapping can make it otherwise.
	FieldCardData = "card_data"
)

// Fields lists the fields a mapping may name, in the order forms show them.
var Fields = []string{FieldOrderNo, FieldOrderedAt, FieldPaymentMethod, FieldCardBrand, FieldCardNumber, FieldCustomerID,
	FieldEmail, FieldName, FieldNameKana, FieldPostalCode, FieldAddress, FieldPhone}

// requiredFields must have a column: an order is its number and its time.
var requiredFields = []string{FieldOrderNo, FieldOrderedAt}

// identityFields: at least one must have a column, or no order could be
// traced to a customer.
var identityFields = []string{FieldCustomerID, FieldEmail, FieldName}

// joiners are the separators of a field fed by several columns.
var joiners = map[string]string{FieldOrderedAt: " ", FieldName: " ", FieldNameKana: " ", FieldAddress: " ", FieldPhone: "-",
	FieldPaymentMethod: " ", FieldPostalCode: ""}

// Encodings an import may be read in. EncodingAuto detects UTF-8 (with or
// without a byte-order mark) and takes anything else as Shift_JIS.
const (
	EncodingAuto  = "auto"
	EncodingUTF8  = "utf-8"
	EncodingSJIS  = "shift_jis" // with the CP932 (Windows) extensions
	presetGeneric = "generic"
)

// Encodings are the encodings a user may choose.
var Encodings = []string{EncodingAuto, EncodingUTF8, EncodingSJIS}

// DefaultCardPatterns are the payment-method texts that mean a card
// payment: a payment method containing one of them (compared after NFKC,
// case-insensitive) makes the order a card payment.
var DefaultCardPatterns = []string{"クレジット", "カード", "credit", "card"}

// DefaultTimeZone is the zone of export times that carry no offset: the
// Japanese shop systems write local time.
const DefaultTimeZone = "Asia/Tokyo"

// commonLayouts are tried after a preset's own date layouts. Go parses
// fractional seconds after the seconds even when a layout has none.
var commonLayouts = []string{
	"2006-01-02 15:04:05 -0700", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05", "2006/01/02 15:04:05",
	"2006/1/2 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04", "2006/1/2 15:04", "2006/1/2 150405", "2006-01-02 150405",
	"20060102150405", "2006-01-02", "2006/01/02", "2006/1/2", "2006年1月2日 15:04:05", "2006年1月2日 15:04", "2006年1月2日",
}

// Preset is what a shop system's order export looks like: which columns
// feed which field, its usual encoding and date formats. Presets are a
// starting point: the upload form shows the preset's columns and the user
// may change every one of them (a header, or "#N" for the N-th column when
// a header is missing or repeated).
type Preset struct {
	Name         string              `json:"name"`
	Encoding     string              `json:"encoding"`
	Columns      map[string][]string `json:"columns"` // field → columns, in join order
	DateLayouts  []string            `json:"date_layouts"`
	TimeZone     string              `json:"time_zone"`
	CardPatterns []string            `json:"card_patterns"`
}

// Presets are the shop systems whose exports BreachDesk knows, from the
// vendors' sources and manuals (shared/reference/SHOP-EXPORTS.md; tags: ✔
// source or vendor manual, ◐ secondary, UNCONFIRMED not found).
var Presets = []Preset{
	{
		// EC-CUBE 4.x 受注CSV ✔: SJIS-win (CP932), one row per order item
		// (the order's fields repeated on every row). 「送料」 appears twice
		// (order total, then per shipping): no field uses it, and a user
		// who needs one of them names it "#N".
		Name: "eccube4", Encoding: EncodingSJIS,
		Columns: map[string][]string{
			FieldOrderNo: {"注文番号"}, FieldOrderedAt: {"受注日"}, FieldPaymentMethod: {"支払方法(名称)"},
			FieldCustomerID: {"会員ID"}, // empty for guests ◐
			FieldName:       {"お名前(姓)", "お名前(名)"}, FieldNameKana: {"お名前(セイ)", "お名前(メイ)"},
			FieldPostalCode: {"郵便番号"}, FieldAddress: {"都道府県(名称)", "住所1", "住所2"},
			FieldEmail: {"メールアドレス"}, FieldPhone: {"TEL"},
		},
		DateLayouts: []string{"2006-01-02 15:04:05"}, // eccube_csv_export_date_format ✔; zone UNCONFIRMED: local time assumed
	},
	{
		// EC-CUBE 2.x 受注CSV ✔: CP932, CRLF, one row per order; member id
		// 0 for guests; phone and postal code split.
		Name: "eccube2", Encoding: EncodingSJIS,
		Columns: map[string][]string{
			FieldOrderNo: {"注文番号"}, FieldOrderedAt: {"注文日時"}, FieldPaymentMethod: {"支払い方法"},
			FieldCustomerID: {"会員ID"},
			FieldName:       {"お名前(姓)", "お名前(名)"}, FieldNameKana: {"お名前(フリガナ・姓)", "お名前(フリガナ名)"}, // spelled as in the source ✔
			FieldPostalCode: {"郵便番号1", "郵便番号2"}, FieldAddress: {"都道府県", "住所1", "住所2"},
			FieldEmail: {"メールアドレス"}, FieldPhone: {"電話番号1", "電話番号2", "電話番号3"},
		},
		DateLayouts: []string{"2006-01-02 15:04:05", "2006/01/02 15:04:05"}, // 注文日時 format UNCONFIRMED (DB timestamp text)
	},
	{
		// Shopify "Export orders" ◐: UTF-8 ✔, one row per line item, the
		// order's fields on its first row only; no kana, member id or card
		// columns in the known header list.
		Name: "shopify", Encoding: EncodingUTF8,
		Columns: map[string][]string{
			FieldOrderNo: {"Name"}, FieldOrderedAt: {"Created at"}, FieldPaymentMethod: {"Payment Method"},
			FieldEmail: {"Email"}, FieldPhone: {"Phone"}, FieldName: {"Billing Name"}, FieldPostalCode: {"Billing Zip"},
			FieldAddress: {"Billing Province Name", "Billing City", "Billing Address1", "Billing Address2"},
		},
		DateLayouts: []string{"2006-01-02 15:04:05 -0700"}, // observed in third-party fixtures; UNCONFIRMED by Shopify's docs
		// "Shopify Payments" is Shopify's own card processing (an
		// assumption, UNCONFIRMED: whether Payment Method names a brand).
		CardPatterns: append(slices.Clone(DefaultCardPatterns), "shopify payments"),
	},
	{
		// MakeShop 注文出力用テンプレート ✔ for these columns only: the
		// merchant builds the template, and e-mail, address, phone, member
		// id, payment method and encoding are UNCONFIRMED: the user maps them.
		Name: "makeshop", Encoding: EncodingAuto,
		Columns: map[string][]string{
			FieldOrderNo: {"注文番号"}, FieldOrderedAt: {"日付", "注文時間"}, // 2022/8/10 + 103309 (hhmmss) ✔
			FieldName: {"注文者"}, FieldNameKana: {"注文者(振り仮名)"},
		},
		DateLayouts: []string{"2006/1/2 150405"},
	},
	{
		// futureshop 受注データ (FutureShop2 layout) ◐: item names as listed
		// for Next Engine. Encoding, member id and the main e-mail column
		// are UNCONFIRMED (氏名(名) and the kana columns too: not encoded).
		Name: "futureshop", Encoding: EncodingAuto,
		Columns: map[string][]string{
			FieldOrderNo: {"受注コード"}, FieldOrderedAt: {"注文日時"}, FieldPaymentMethod: {"決済方法"},
			FieldName: {"氏名(姓)"}, FieldPostalCode: {"郵便番号"}, FieldAddress: {"都道府県区分", "住所1", "住所2", "住所3"},
			FieldPhone: {"電話番号(メイン)"},
		},
		DateLayouts: []string{"2006/01/02 15:04:05", "2006/01/02 15:04"}, // format UNCONFIRMED
	},
	{Name: presetGeneric, Encoding: EncodingAuto, Columns: map[string][]string{}}, // the user maps every field
}

// PresetNames lists the presets' names, the first the default.
func PresetNames() []string {
	out := make([]string, len(Presets))
	for i, p := range Presets {
		out[i] = p.Name
	}
	return out
}

// FindPreset returns the named preset (a copy the caller may change) and
// whether it exists.
func FindPreset(name string) (Preset, bool) {
	for _, p := range Presets {
		if p.Name == name {
			p.Columns = cloneColumns(p.Columns)
			if p.TimeZone == "" {
				p.TimeZone = DefaultTimeZone
			}
			if p.CardPatterns == nil {
				p.CardPatterns = DefaultCardPatterns
			}
			p.CardPatterns = slices.Clone(p.CardPatterns)
			return p, true
		}
	}
	return Preset{}, false
}

func cloneColumns(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = slices.Clone(v)
	}
	return out
}

// ColumnList writes a field's columns the way the form shows them:
// separated by commas (ParseColumnList reads them back).
func (p Preset) ColumnList(field string) string { return strings.Join(p.Columns[field], ", ") }

// ParseColumnList reads a comma-separated list of columns (ASCII or
// ideographic commas), dropping blanks.
func ParseColumnList(s string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '、' || r == '，' || r == '\n' }) {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}
