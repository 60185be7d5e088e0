package people

import (
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Length limits of one person's fields, in characters.
const (
	maxName       = 200
	maxAddress    = 500
	maxEmail      = 254
	maxPhone      = 30
	maxCustomerID = 100
	maxBrand      = 30
	maxDataItems  = 30
	maxDataItem   = 100
	maxExtra      = 2000
)

// record is one row after mapping, guarding and normalising.
type record struct {
	CustomerID, Name, NameKana, PostalCode, Address, Email, Phone string
	Language, Residency, CardBrand, CardLast4                     string
	DataItems                                                     []string
	Extra                                                         map[string]string
}

// columns applies a resolved mapping to the cells of one row.
type columns struct {
	mapping []ColumnMapping
	extra   []string // Extra key of each column
}

func newColumns(m []ColumnMapping) *columns { return &columns{mapping: m, extra: extraKeys(m)} }

// rowErrors collects the problems of one row.
type rowErrors struct {
	line int64
	errs []RowError
}

// add records a problem of field: code is a catalogue message (see
// RowError), args fill it.
func (e *rowErrors) add(field, code string, args ...string) {
	e.errs = append(e.errs, RowError{Line: e.line, Field: field, Code: code, Args: args})
}

var (
	jpPostal    = regexp.MustCompile(`^([0-9]{3})-?([0-9]{4})$`)
	otherPostal = regexp.MustCompile(`^[A-Z0-9][A-Z0-9 -]{0,19}$`)
	phoneChars  = regexp.MustCompile(`^[0-9+\-() ]*[0-9][0-9+\-() ]*$`)
	residencyRe = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)
	dashes      = strings.NewReplacer("‐", "-", "‑", "-", "–", "-", "—", "-", "―", "-", "−", "-", "ー", "-", "ｰ", "-")
	itemSplit   = regexp.MustCompile(`[,、;；|/／・]`)
)

var languages = map[string]string{"": "ja", "ja": "ja", "jp": "ja", "japanese": "ja", "日本語": "ja", "en": "en", "english": "en", "英語": "en"}

var countries = map[string]string{"日本": "JP", "JAPAN": "JP", "JPN": "JP", "日本国": "JP"}

// parse maps, guards and validates one row. The cells have been masked at
// upload already; they pass the guard again here so that no path around
// the upload can bring a card number in. A row of blank cells is skipped
// (blank is true): it holds no person. Required: a name or an e-mail
// address (a notice needs one or the other to be addressed).
func (c *columns) parse(line int64, cells []string) (rec record, errs []RowError, masked int, blank bool) {
	e := &rowErrors{line: line}
	var addr [5]string // prefecture, city, address, street, building
	blank = true
	// NFKC and dash folding can make digits of what the guard saw as other
	// characters (¼ is 1⁄4): a normalised value passes the guard again.
	guard := func(s string) string {
		s, n := maskCell(s)
		masked += n
		return s
	}
	for i, cell := range cells {
		cell = strings.TrimSpace(cell)
		if cell == "" {
			continue
		}
		blank = false
		field := ""
		if i < len(c.mapping) {
			field = c.mapping[i].Field
		}
		if field == FieldCardNumber {
			brand, last4, ok := cardFromCell(cell)
			if !ok {
				e.add(field, "validation.row_card")
			}
			rec.CardLast4 = last4
			if rec.CardBrand == "" {
				rec.CardBrand = brand
			}
			continue
		}
		cell, n := maskCell(cell)
		masked += n
		switch field {
		case FieldName:
			rec.Name = cell
		case FieldNameKana:
			rec.NameKana = guard(norm.NFKC.String(cell))
		case FieldPostalCode:
			rec.PostalCode = cell
		case FieldAddress:
			addr[2] = cell
		case FieldPrefecture:
			addr[0] = cell
		case FieldCity:
			addr[1] = cell
		case FieldStreet:
			addr[3] = cell
		case FieldBuilding:
			addr[4] = cell
		case FieldEmail:
			rec.Email = guard(strings.ToLower(norm.NFKC.String(cell)))
		case FieldPhone:
			rec.Phone = guard(dashes.Replace(norm.NFKC.String(cell)))
		case FieldCustomerID:
			rec.CustomerID = guard(norm.NFKC.String(cell))
		case FieldLanguage:
			rec.Language = cell
		case FieldResidency:
			rec.Residency = cell
		case FieldDataItems:
			rec.DataItems = splitItems(cell)
		case FieldCardBrand:
			rec.CardBrand = normaliseBrand(cell)
		case FieldExtra:
			key := c.extraKey(i)
			if utf8.RuneCountInString(cell) > maxExtra {
				e.add("extra."+key, "validation.row_max_chars", strconv.Itoa(maxExtra))
			}
			if rec.Extra == nil {
				rec.Extra = map[string]string{}
			}
			rec.Extra[key] = cell
		}
		// Any other column (not imported, ignored, card data) was emptied
		// at upload.
	}
	if blank {
		return rec, nil, masked, true
	}
	rec.Address = joinAddress(addr[:])
	rec.validate(e)
	// What the row became (address parts joined, values normalised) passes
	// the guard once more: two harmless halves can make a card number.
	masked += rec.guard()
	return rec, e.errs, masked, false
}

// guard masks card numbers in every text of the record, as composed.
func (r *record) guard() int {
	n := 0
	for _, f := range []*string{&r.CustomerID, &r.Name, &r.NameKana, &r.PostalCode, &r.Address, &r.Email, &r.Phone,
		&r.Language, &r.Residency, &r.CardBrand, &r.CardLast4} {
		var m int
		*f, m = maskCell(*f)
		n += m
	}
	for i := range r.DataItems {
		var m int
		r.DataItems[i], m = maskCell(r.DataItems[i])
		n += m
	}
	for k, v := range r.Extra {
		v, m := maskCell(v)
		r.Extra[k] = v
		n += m
	}
	return n
}

func (c *columns) extraKey(i int) string {
	if i < len(c.extra) {
		return c.extra[i]
	}
	return "column " + strconv.Itoa(i+1) // more cells than header columns
}

func (r *record) validate(e *rowErrors) {
	if r.Name == "" && r.Email == "" {
		e.add(FieldName, "validation.row_name_required")
	}
	checkLen(e, FieldName, r.Name, maxName)
	checkLen(e, FieldNameKana, r.NameKana, maxName)
	checkLen(e, FieldAddress, r.Address, maxAddress)
	checkLen(e, FieldCustomerID, r.CustomerID, maxCustomerID)
	checkLen(e, FieldCardBrand, r.CardBrand, maxBrand)
	if r.Email != "" && !validEmail(r.Email) {
		e.add(FieldEmail, "validation.row_email")
	}
	r.Residency = strings.ToUpper(norm.NFKC.String(r.Residency))
	if c, ok := countries[r.Residency]; ok {
		r.Residency = c
	}
	if r.Residency != "" && !residencyRe.MatchString(r.Residency) {
		e.add(FieldResidency, "validation.row_residency")
	}
	r.validatePostal(e)
	if r.Phone != "" && (!phoneChars.MatchString(r.Phone) || len(r.Phone) > maxPhone) {
		e.add(FieldPhone, "validation.row_phone")
	}
	lang, ok := languages[strings.ToLower(norm.NFKC.String(r.Language))]
	if !ok {
		e.add(FieldLanguage, "validation.row_language")
	}
	r.Language = lang
	if len(r.DataItems) > maxDataItems || slices.ContainsFunc(r.DataItems, func(s string) bool { return utf8.RuneCountInString(s) > maxDataItem }) {
		e.add(FieldDataItems, "validation.row_data_items")
	}
}

// validatePostal checks Japanese postal codes (also written with
// full-width digits or a leading 〒) and normalises them to 123-4567.
// Other countries' codes are only bounded.
func (r *record) validatePostal(e *rowErrors) {
	if r.PostalCode == "" {
		return
	}
	pc := strings.TrimSpace(strings.TrimPrefix(dashes.Replace(norm.NFKC.String(r.PostalCode)), "〒"))
	if r.Residency == "" || r.Residency == "JP" {
		m := jpPostal.FindStringSubmatch(pc)
		if m == nil {
			e.add(FieldPostalCode, "validation.row_postal_jp")
			return
		}
		r.PostalCode = m[1] + "-" + m[2]
		return
	}
	pc = strings.ToUpper(pc)
	if !otherPostal.MatchString(pc) {
		e.add(FieldPostalCode, "validation.row_postal_other")
		return
	}
	r.PostalCode = pc
}

// validEmail accepts a bare address (no display name, no angle brackets)
// whose domain has a dot: "user@localhost" is no one's real address.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || len(s) > maxEmail {
		return false
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	return strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
}

func checkLen(e *rowErrors, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		e.add(field, "validation.row_max_chars", strconv.Itoa(max))
	}
}

// joinAddress joins address parts the way they are written: Japanese
// parts run together (東京都千代田区…), Latin ones take a space, and the
// building always follows a space.
func joinAddress(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(p)
			if i == len(parts)-1 || (last < utf8.RuneSelf && first < utf8.RuneSelf) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

// splitItems splits a list of data items (氏名・住所・カード番号, or
// name, address) and drops blanks and repeats.
func splitItems(s string) []string {
	var out []string
	for _, it := range itemSplit.Split(s, -1) {
		if it = strings.TrimSpace(it); it != "" && !slices.Contains(out, it) {
			out = append(out, it)
		}
	}
	return out
}
