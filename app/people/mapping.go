package people

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/pan"
)

// Fields a column can feed. The address parts are joined into Address.
const (
	FieldName       = "name"
	FieldNameKana   = "name_kana"
	FieldPostalCode = "postal_code"
	FieldAddress    = "address"
	FieldPrefecture = "prefecture"
	FieldCity       = "city"
	FieldStreet     = "street"
	FieldBuilding   = "building"
	FieldEmail      = "email"
	FieldPhone      = "phone"
	FieldCustomerID = "customer_id"
	FieldLanguage   = "language"
	FieldResidency  = "residency"
	FieldDataItems  = "data_items"
	FieldCardBrand  = "card_brand"
	FieldCardNumber = "card_number" // only brand and last 4 survive
	FieldExtra      = "extra"       // explicit mapping only: kept as a note, under the header
	FieldIgnore     = "ignore"      // explicit mapping only: drop the column
	// FieldCardData marks a column of sensitive card data (security code,
	// expiry date, PIN, track data): dropped at upload, never stored in
	// any form, and no mapping can make it otherwise.
	FieldCardData = "card_data"
)

// Fields lists every field name an explicit mapping may use. A column no
// mapping names and no synonym recognises is not imported.
var Fields = []string{FieldName, FieldNameKana, FieldPostalCode, FieldAddress, FieldPrefecture, FieldCity, FieldStreet,
	FieldBuilding, FieldEmail, FieldPhone, FieldCustomerID, FieldLanguage, FieldResidency, FieldDataItems,
	FieldCardBrand, FieldCardNumber, FieldExtra, FieldIgnore}

// synonyms are the column names Japanese and English exports commonly
// use; they are compared after normaliseHeader.
var synonyms = map[string][]string{
	FieldName:       {"氏名", "名前", "お名前", "顧客名", "会員名", "name", "full name", "customer name"},
	FieldNameKana:   {"フリガナ", "ふりがな", "カナ", "氏名(カナ)", "氏名カナ", "お名前(カナ)", "name kana", "kana"},
	FieldPostalCode: {"郵便番号", "〒", "zip", "zip code", "zipcode", "postal code", "postcode"},
	FieldAddress:    {"住所", "所在地", "住所1", "address", "address1", "address 1", "address line 1"},
	FieldPrefecture: {"都道府県", "prefecture", "state"},
	FieldCity:       {"市区町村", "city"},
	FieldStreet:     {"番地", "町名番地", "町域・番地", "street"},
	FieldBuilding:   {"建物名", "建物", "建物名・部屋番号", "住所2", "address2", "address 2", "address line 2", "building"},
	FieldEmail:      {"メールアドレス", "メール", "eメール", "eメールアドレス", "e-mail", "email", "mail", "email address", "e-mail address"},
	FieldPhone:      {"電話番号", "電話", "携帯電話", "携帯電話番号", "tel", "phone", "phone number", "telephone"},
	FieldCustomerID: {"顧客id", "顧客番号", "会員id", "会員番号", "customer id", "customer no", "customer number", "member id"},
	FieldLanguage:   {"言語", "language", "lang"},
	FieldResidency:  {"居住国", "国", "country", "residency"},
	FieldDataItems:  {"漏えい項目", "漏洩項目", "漏えいした項目", "data items"},
	FieldCardBrand:  {"カードブランド", "ブランド", "brand", "card brand"},
	FieldCardNumber: {"カード番号", "クレジットカード番号", "card number", "card no", "pan"},
	// Sensitive authentication data and the expiry: the guidelines ask
	// that a merchant keep none of it, and neither does BreachDesk.
	FieldCardData: {"セキュリティコード", "セキュリティーコード", "セキュリティ番号", "security code", "cvv", "cvv2", "cvc", "cvc2", "cid", "csc",
		"有効期限", "カード有効期限", "有効期限(月/年)", "expiry", "expiry date", "expiration", "expiration date", "exp", "exp date", "valid thru",
		"暗証番号", "pin", "pin code", "トラックデータ", "磁気ストライプ", "track", "track data", "track1", "track2", "track 1", "track 2"},
}

// IsCardData reports whether a column header names sensitive card data.
func IsCardData(header string) bool { return bySynonym[normaliseHeader(header)] == FieldCardData }

// bySynonym is synonyms inverted, built once.
var bySynonym = func() map[string]string {
	m := map[string]string{}
	for f, names := range synonyms {
		for _, n := range names {
			m[normaliseHeader(n)] = f
		}
	}
	return m
}()

// normaliseHeader folds the ways one column name gets written: NFKC turns
// full-width ASCII (Ｅｍａｉｌ) into ASCII and half-width kana into
// full-width; case, underscores, repeated spaces and a "required" marker
// are dropped.
func normaliseHeader(h string) string {
	h = strings.ToLower(norm.NFKC.String(h))
	h = strings.ReplaceAll(h, "_", " ")
	h = strings.Join(strings.Fields(h), " ")
	for _, suffix := range []string{"(必須)", "(required)", "*", "※"} {
		h = strings.TrimSpace(strings.TrimSuffix(h, suffix))
	}
	return h
}

// resolveMapping decides which field each column feeds: the explicit
// mapping (column header → field) first, then the synonym table, the first
// column winning when two look alike. Unmapped columns are not imported;
// columns of sensitive card data are dropped whatever the mapping says
// (only "ignore" is accepted for them). The header cells are already
// masked; the explicit keys are masked here so that they compare equal.
func resolveMapping(header []string, explicit map[string]string) ([]ColumnMapping, error) {
	v := &apperr.ValidationError{}
	want := map[string]string{} // normalised header → field
	used := map[string]bool{}
	keys := make([]string, 0, len(explicit))
	for k := range explicit {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		masked, _ := pan.Mask(k)
		field := strings.TrimSpace(strings.ToLower(explicit[k]))
		switch {
		case !slices.Contains(Fields, field):
			v.Add("mapping."+masked, "validation.mapping_field", strings.Join(Fields, ", "))
		case IsCardData(masked) && field != FieldIgnore:
			v.Add("mapping."+masked, "validation.mapping_card_data")
		case field != FieldIgnore && field != FieldExtra && used[field]:
			v.Add("mapping."+masked, "validation.mapping_twice", field)
		case !slices.ContainsFunc(header, func(h string) bool { return normaliseHeader(h) == normaliseHeader(masked) }):
			v.Add("mapping."+masked, "validation.mapping_no_column")
		}
		used[field] = true
		want[normaliseHeader(masked)] = field
	}
	if err := v.OrNil(); err != nil {
		return nil, err
	}
	out := make([]ColumnMapping, len(header))
	for i, h := range header {
		out[i] = ColumnMapping{Column: i + 1, Header: h}
		if IsCardData(h) {
			out[i].Field = FieldCardData
			continue
		}
		if f, ok := want[normaliseHeader(h)]; ok {
			out[i].Field = f
			continue
		}
		if f, ok := bySynonym[normaliseHeader(h)]; ok && !used[f] {
			out[i].Field = f
			used[f] = true
		}
	}
	if !slices.ContainsFunc(out, func(m ColumnMapping) bool { return m.Field == FieldName || m.Field == FieldEmail }) {
		return nil, apperr.Invalid("mapping", "validation.mapping_none")
	}
	return out, nil
}

// extraKeys names the Extra entries of columns mapped to extra: the
// header, or "column N" when the header is blank or repeated.
func extraKeys(m []ColumnMapping) []string {
	seen := map[string]int{}
	for _, c := range m {
		seen[strings.TrimSpace(c.Header)]++
	}
	keys := make([]string, len(m))
	for i, c := range m {
		h := strings.TrimSpace(c.Header)
		if h == "" || seen[h] > 1 {
			h = fmt.Sprintf("column %d", c.Column)
		}
		keys[i] = h
	}
	return keys
}
