package orders

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/breachdesk/breachdesk/app/people"
)

// Length limits of an order's fields, in characters.
var maxChars = map[string]int{FieldOrderNo: 100, FieldPaymentMethod: 200, FieldCardBrand: 30, FieldCustomerID: 100,
	FieldEmail: 254, FieldName: 200, FieldNameKana: 200, FieldPostalCode: 20, FieldAddress: 500, FieldPhone: 40, FieldOrderedAt: 60}

// columns applies a resolved mapping to the cells of one row.
type columns struct {
	fields   map[string][]int // field → cell indexes, in join order
	layouts  []string
	loc      *time.Location
	patterns []string // NFKC, lower-case
}

func newColumns(m Mapping) *columns {
	c := &columns{fields: map[string][]int{}, layouts: m.DateLayouts, loc: zone(m.TimeZone)}
	cols := slices.Clone(m.Columns)
	slices.SortStableFunc(cols, func(a, b ColumnMapping) int { return a.Part - b.Part })
	for _, cm := range cols {
		if cm.kept() {
			c.fields[cm.Field] = append(c.fields[cm.Field], cm.Column-1)
		}
	}
	for _, p := range m.CardPatterns {
		c.patterns = append(c.patterns, strings.ToLower(norm.NFKC.String(p)))
	}
	return c
}

// jst is Japan's time, which has had no daylight saving since 1951.
var jst = time.FixedZone("JST", 9*3600)

// zone is the named time zone; Asia/Tokyo (and a zone the system does not
// know) is JST.
func zone(name string) *time.Location {
	if name == "" || name == DefaultTimeZone {
		return jst
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return jst
}

// row is one line of the file, mapped, guarded and normalised.
type row struct {
	line    int64
	order   Order
	hasDate bool
}

var (
	hhmmss  = regexp.MustCompile(`^(.*\S)\s+([0-9]{5})$`)
	jpZip   = regexp.MustCompile(`^([0-9]{3})-?([0-9]{4})$`)
	dashes  = strings.NewReplacer("‐", "-", "‑", "-", "–", "-", "—", "-", "―", "-", "−", "-", "ー", "-", "ｰ", "-")
	allZero = regexp.MustCompile(`^0+$`)
)

// parse maps, guards and validates one row. Every value passes the
// card-number guard again (the cells were masked at upload; NFKC can make
// digits of other characters), so that no path around the upload brings a
// card number in. blank: the row holds nothing of an order.
func (c *columns) parse(line int64, cells []string) (r row, errs []RowError, masked int, blank bool) {
	r.line = line
	add := func(field, code string, args ...string) {
		errs = append(errs, RowError{Line: line, Field: field, Code: code, Args: args})
	}
	get := func(field string) string {
		var parts []string
		for _, i := range c.fields[field] {
			if i < len(cells) {
				v, n := people.MaskCell(strings.TrimSpace(norm.NFKC.String(cells[i])))
				masked += n
				if v != "" {
					parts = append(parts, v)
				}
			}
		}
		// Cells that are harmless alone can make a card number joined
		// (EC-CUBE 2's phone in three columns): the joined value passes
		// the guard too.
		v, n := people.MaskCell(strings.Join(parts, joiners[field]))
		masked += n
		if max, ok := maxChars[field]; ok && utf8.RuneCountInString(v) > max {
			add(field, "validation.row_max_chars", strconv.Itoa(max))
			return ""
		}
		return v
	}
	o := &r.order
	o.OrderNo = get(FieldOrderNo)
	rawDate := get(FieldOrderedAt)
	o.PaymentMethod = get(FieldPaymentMethod)
	o.CardBrand = people.NormaliseBrand(get(FieldCardBrand))
	card := get(FieldCardNumber)
	o.CustomerID = get(FieldCustomerID)
	o.Email = get(FieldEmail)
	o.Name = get(FieldName)
	o.NameKana = get(FieldNameKana)
	o.PostalCode = normalisePostal(get(FieldPostalCode))
	o.Address = get(FieldAddress)
	o.Phone = dashes.Replace(get(FieldPhone))
	blank = o.OrderNo == "" && rawDate == "" && o.PaymentMethod == "" && o.CardBrand == "" && card == "" && o.CustomerID == "" &&
		o.Email == "" && o.Name == "" && o.NameKana == "" && o.PostalCode == "" && o.Address == "" && o.Phone == ""
	if blank {
		return r, nil, masked, true
	}
	if allZero.MatchString(o.CustomerID) {
		o.CustomerID = "" // EC-CUBE 2 writes member id 0 for a guest
	}
	if card != "" {
		brand, last4, ok := people.CardFromCell(card)
		if !ok {
			add(FieldCardNumber, "validation.row_card")
		}
		if o.CardBrand == "" {
			o.CardBrand = brand
		}
		o.CardLast4 = last4
	}
	if o.OrderNo == "" {
		add(FieldOrderNo, "validation.row_order_no_required")
	}
	if rawDate != "" {
		t, ok := c.parseTime(rawDate)
		if !ok {
			add(FieldOrderedAt, "validation.row_order_date", c.layouts[0])
		}
		o.OrderedAt, r.hasDate = t, ok
	}
	return r, errs, masked, false
}

// parseTime reads an order time in the mapping's layouts, in its zone
// unless the text carries an offset. A time of five digits (MakeShop's
// 注文時間 for hours before ten, hhmmss without its leading zero) is
// padded.
func (c *columns) parseTime(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if m := hhmmss.FindStringSubmatch(s); m != nil {
		s = m[1] + " 0" + m[2]
	}
	for _, l := range c.layouts {
		if t, err := time.ParseInLocation(l, s, c.loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// normalisePostal writes a Japanese postal code as 123-4567 (EC-CUBE 2
// splits it in two columns, joined without a separator); others stay.
func normalisePostal(s string) string {
	s = dashes.Replace(s)
	if m := jpZip.FindStringSubmatch(s); m != nil {
		return m[1] + "-" + m[2]
	}
	return s
}

// cardPayment reports whether the order was paid by card: its payment
// method names one of the patterns, or a card brand or last 4 is known.
func (c *columns) cardPayment(o *Order) bool {
	if o.CardBrand != "" || o.CardLast4 != "" {
		return true
	}
	pm := strings.ToLower(norm.NFKC.String(o.PaymentMethod))
	return pm != "" && slices.ContainsFunc(c.patterns, func(p string) bool { return strings.Contains(pm, p) })
}

// fill merges later values into an order: every field keeps its first
// non-empty value.
func fill(dst *Order, src *Order) {
	for _, f := range []struct{ d, s *string }{
		{&dst.PaymentMethod, &src.PaymentMethod}, {&dst.CardBrand, &src.CardBrand}, {&dst.CardLast4, &src.CardLast4},
		{&dst.CustomerID, &src.CustomerID}, {&dst.Email, &src.Email}, {&dst.Name, &src.Name}, {&dst.NameKana, &src.NameKana},
		{&dst.PostalCode, &src.PostalCode}, {&dst.Address, &src.Address}, {&dst.Phone, &src.Phone},
	} {
		if *f.d == "" {
			*f.d = *f.s
		}
	}
	if dst.OrderedAt.IsZero() {
		dst.OrderedAt = src.OrderedAt
	}
}
