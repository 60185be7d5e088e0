package auth

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/lib/pq"
	"golang.org/x/text/unicode/norm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
)

// Profile is an organisation's own details as the reports, letters and
// the public notice print them: the whole of it is given on every change.
type Profile struct {
	Name            string   `json:"name" required:"true" maxLength:"200" doc:"the short name pages show"`
	LegalName       string   `json:"legal_name" required:"true" maxLength:"200" doc:"the registered name documents print"`
	CorporateNumber string   `json:"corporate_number" maxLength:"20" doc:"法人番号: 13 digits, the first a check digit; hyphens and spaces are dropped"`
	Address         string   `json:"address" maxLength:"300"`
	Representative  string   `json:"representative" maxLength:"200"`
	ContactDesk     string   `json:"contact_desk" maxLength:"200" doc:"the desk people affected can reach"`
	ContactPhone    string   `json:"contact_phone" maxLength:"30"`
	ContactHours    string   `json:"contact_hours" maxLength:"100"`
	ContactEmail    string   `json:"contact_email" maxLength:"254"`
	ContactURL      string   `json:"contact_url" maxLength:"500" doc:"an https address"`
	AcquirerName    string   `json:"acquirer_name" maxLength:"200"`
	PSPName         string   `json:"psp_name" maxLength:"200"`
	CardBrands      []string `json:"card_brands" doc:"the card brands accepted, by the facts' card_brands keys (visa, jcb...)"`
	Timezone        string   `json:"timezone" maxLength:"64" doc:"IANA zone; Asia/Tokyo when empty"`
}

// ProfileOf returns o's details as a Profile.
func ProfileOf(o Organisation) Profile {
	return Profile{Name: o.Name, LegalName: o.LegalName, CorporateNumber: o.CorporateNumber, Address: o.Address,
		Representative: o.Representative, ContactDesk: o.ContactDesk, ContactPhone: o.ContactPhone, ContactHours: o.ContactHours,
		ContactEmail: o.ContactEmail, ContactURL: o.ContactURL, AcquirerName: o.AcquirerName, PSPName: o.PSPName,
		CardBrands: append([]string{}, o.CardBrands...), Timezone: o.Timezone}
}

// ProfileMissing reports whether the organisation's legal details were
// never entered: the documents would print its short name and （未確定）
// where its legal name, address and representative belong.
func (o Organisation) ProfileMissing() bool {
	return o.LegalName == "" || o.Address == "" || o.Representative == ""
}

// Contact is the contact desk as the documents print it, one line in each
// language: the desk's name, phone with hours, e-mail and web form, each
// where given; "" when nothing is.
func (o Organisation) Contact() i18n.Text {
	var ja, en []string
	add := func(jaPart, enPart string) { ja, en = append(ja, jaPart), append(en, enPart) }
	if o.ContactDesk != "" {
		add(o.ContactDesk, o.ContactDesk)
	}
	switch {
	case o.ContactPhone != "" && o.ContactHours != "":
		add("電話 "+o.ContactPhone+"（受付時間 "+o.ContactHours+"）", "Phone "+o.ContactPhone+" ("+o.ContactHours+")")
	case o.ContactPhone != "":
		add("電話 "+o.ContactPhone, "Phone "+o.ContactPhone)
	case o.ContactHours != "":
		add("受付時間 "+o.ContactHours, "Hours "+o.ContactHours)
	}
	if o.ContactEmail != "" {
		add("メール "+o.ContactEmail, "E-mail "+o.ContactEmail)
	}
	if o.ContactURL != "" {
		add("ウェブフォーム "+o.ContactURL, "Web form "+o.ContactURL)
	}
	return i18n.Text{JA: strings.Join(ja, "　"), EN: strings.Join(en, "; ")}
}

// UpdateProfile replaces the organisation's details with in, checked as a
// whole (every invalid field is named). The owner's. Audited, with the
// names of the fields that changed.
func (s *Service) UpdateProfile(ctx context.Context, p *Principal, in Profile) (Organisation, error) {
	if err := p.Require(EditProfile); err != nil {
		return Organisation{}, err
	}
	in, err := checkProfile(in)
	if err != nil {
		return Organisation{}, err
	}
	var org Organisation
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Where("id = ?", p.OrgID()).Take(&org).Error; err != nil {
			return err
		}
		before := ProfileOf(org)
		changed := changedFields(before, in)
		if len(changed) == 0 {
			return nil
		}
		org.Name, org.LegalName, org.CorporateNumber, org.Address, org.Representative = in.Name, in.LegalName, in.CorporateNumber, in.Address, in.Representative
		org.ContactDesk, org.ContactPhone, org.ContactHours, org.ContactEmail, org.ContactURL = in.ContactDesk, in.ContactPhone, in.ContactHours, in.ContactEmail, in.ContactURL
		org.AcquirerName, org.PSPName, org.CardBrands, org.Timezone = in.AcquirerName, in.PSPName, pq.StringArray(in.CardBrands), in.Timezone
		org.UpdatedAt = tx.Now()
		if err := tx.DB.Save(&org).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: org.ID, Action: "organisation.profile", TargetType: "organisation",
			TargetID: fmt.Sprint(org.ID), Details: map[string]any{"changed": changed}})
	})
	return org, err
}

// Field returns the text field called name (its JSON name, which forms
// use too), or nil for no such field: forms read and fill the profile
// through it, so the list of fields is profileLimits alone.
func (p *Profile) Field(name string) *string {
	for _, l := range profileLimits {
		if l.field == name {
			return l.get(p)
		}
	}
	return nil
}

// profileLimits are the profile's text fields with the most characters
// each may hold.
var profileLimits = []struct {
	field string
	get   func(*Profile) *string
	max   int
}{
	{"name", func(p *Profile) *string { return &p.Name }, 200},
	{"legal_name", func(p *Profile) *string { return &p.LegalName }, 200},
	{"address", func(p *Profile) *string { return &p.Address }, 300},
	{"representative", func(p *Profile) *string { return &p.Representative }, 200},
	{"contact_desk", func(p *Profile) *string { return &p.ContactDesk }, 200},
	{"contact_phone", func(p *Profile) *string { return &p.ContactPhone }, 30},
	{"contact_hours", func(p *Profile) *string { return &p.ContactHours }, 100},
	{"contact_email", func(p *Profile) *string { return &p.ContactEmail }, 254},
	{"contact_url", func(p *Profile) *string { return &p.ContactURL }, 500},
	{"acquirer_name", func(p *Profile) *string { return &p.AcquirerName }, 200},
	{"psp_name", func(p *Profile) *string { return &p.PSPName }, 200},
	{"corporate_number", func(p *Profile) *string { return &p.CorporateNumber }, 20},
	{"timezone", func(p *Profile) *string { return &p.Timezone }, 64},
}

// checkProfile trims and normalises in and names every invalid field.
func checkProfile(in Profile) (Profile, error) {
	v := &apperr.ValidationError{}
	for _, l := range profileLimits {
		f := l.get(&in)
		*f = strings.TrimSpace(*f)
		if utf8.RuneCountInString(*f) > l.max {
			v.Add(l.field, "validation.max_chars", l.max)
		}
		if pan.Contains(*f) {
			v.Add(l.field, "validation.full_pan")
		}
	}
	if in.Name == "" {
		v.Add("name", "validation.required")
	}
	if in.LegalName == "" {
		v.Add("legal_name", "validation.required")
	}
	if in.CorporateNumber != "" {
		n := strings.NewReplacer("-", "", " ", "").Replace(norm.NFKC.String(in.CorporateNumber))
		if !CorporateNumberValid(n) {
			v.Add("corporate_number", "validation.corporate_number")
		}
		in.CorporateNumber = n
	}
	if in.ContactEmail != "" && !validEmail(in.ContactEmail) {
		v.Add("contact_email", "validation.email")
	}
	if in.ContactURL != "" {
		if u, err := url.Parse(in.ContactURL); err != nil || u.Scheme != "https" || u.Host == "" {
			v.Add("contact_url", "validation.https_url")
		}
	}
	if in.Timezone == "" {
		in.Timezone = obligations.DefaultTimezone
	} else if _, err := obligations.LoadZone(in.Timezone); err != nil {
		v.Add("timezone", "validation.timezone")
	}
	brands := []string{}
	for _, b := range in.CardBrands {
		b = strings.ToLower(strings.TrimSpace(b))
		if !obligations.CardBrand(b).Known() {
			v.Add("card_brands", "validation.one_of", brandList())
			break
		}
		if !slices.Contains(brands, b) {
			brands = append(brands, b)
		}
	}
	in.CardBrands = brands
	return in, v.OrNil()
}

func brandList() string {
	names := make([]string, len(obligations.KnownCardBrands))
	for i, b := range obligations.KnownCardBrands {
		names[i] = string(b)
	}
	return strings.Join(names, ", ")
}

// CorporateNumberValid reports whether n is a corporate number (法人番号):
// 13 digits whose first is the check digit of the other twelve, 9 minus
// the sum of those digits, weighted 1 and 2 alternately from the right,
// modulo 9 (法人番号の指定等に関する省令 第2条).
func CorporateNumberValid(n string) bool {
	if len(n) != 13 {
		return false
	}
	sum := 0
	for i := 12; i >= 1; i-- {
		c := n[i]
		if c < '0' || c > '9' {
			return false
		}
		weight := 1
		if (13-i)%2 == 0 {
			weight = 2
		}
		sum += int(c-'0') * weight
	}
	return n[0] >= '0' && n[0] <= '9' && int(n[0]-'0') == 9-sum%9
}

// changedFields names the fields of after that differ from before.
func changedFields(before, after Profile) []string {
	var out []string
	for _, l := range profileLimits {
		if *l.get(&before) != *l.get(&after) {
			out = append(out, l.field)
		}
	}
	if !slices.Equal(before.CardBrands, after.CardBrands) {
		out = append(out, "card_brands")
	}
	return out
}
