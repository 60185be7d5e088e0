package documents

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Source is everything a document is built from: one case and what the
// team recorded about it. The drafts service loads it; Build is pure.
type Source struct {
	Org         auth.Organisation
	Case        cases.Case
	Facts       obligations.Facts
	HasFacts    bool
	Obligations []assessment.Obligation
	Timeline    []timeline.Entry
	Tasks       []cases.Task
	Evidence    []evidence.Item
	Now         time.Time
	// FAQ is the case's curated call-centre FAQ, in the staff's order.
	FAQ []QA
	// Plan is the latest approved recurrence-prevention plan (nil when
	// none was approved) and Causes the root causes recorded on the case.
	Plan   *Plan
	Causes []Cause
	// PlanTasks are the tasks made for plan items: their progress is the
	// plan's, which the documents report only as an approved version, so
	// they are not counted among the task-derived measures.
	PlanTasks map[int64]bool
}

// CaseView is the typed view-model every template gets: strings already
// formatted for the document's language and the organisation's zone, so
// templates only place them.
type CaseView struct {
	Lang    string
	Kind    KindInfo
	Title   string
	Today   string
	Unknown string // how an unknown value reads in this language
	Org     OrgView
	Case    CaseFacts
	// Items are the leaked data items, in the document's language.
	Items     []string
	Persons   string
	Records   string
	Triggers  []string // APPI rule 7 items that apply, in words
	Brands    []string
	Residents []string
	// Reports lists the case's obligations and where each stands.
	Reports []ReportView
	// OtherBodies are the bodies other than the PPC and the persons
	// (police, acquirer, brands) with where their reports stand, one line
	// per body: a brand with three rules is one body.
	OtherBodies  []ReportView
	OtherReports []string
	// Timeline is the course of events as a reader outside the team can
	// follow it: the leak period, the awareness, the team's own notes and
	// the reports made, in time order. The system's log of changes is not
	// in it.
	Timeline []TimelineView
	// Awareness says when the organisation became aware, the start of the
	// 発見者・発覚の経緯 field (how it began, not the attack).
	Awareness string
	// DoneMeasures and PlannedMeasures are the recurrence-prevention
	// measures: the approved plan's items when a plan was approved, else
	// the done and open containment / recovery tasks (but for the tasks
	// made for plan items, see Source.PlanTasks).
	DoneMeasures    []string
	PlannedMeasures []string
	// DoneActions are the done containment and recovery tasks (the
	// response so far, whatever the plan says).
	DoneActions []string
	// PlanVersion is the approved plan version shown (0: none) and
	// PlanLines its items, each with where it stands.
	PlanVersion int
	PlanLines   []string
	// Causes are the recorded root causes, one line each.
	Causes         []string
	EvidenceList   []string
	DefaultRequest string
	// FAQ is the curated call-centre FAQ in the document's language.
	FAQ []QAView
	// Fields are the edited free-text fields, by key ("" = not written yet).
	Fields map[string]string
}

// OrgView is the organisation as documents show it. ContactDesk is the
// whole contact line in the document's language (auth.Organisation.Contact).
type OrgView struct {
	Name, LegalName, CorporateNumber, Address, Representative, ContactDesk, Acquirer, PSP string
}

// CaseFacts are the case's own fields, formatted.
type CaseFacts struct {
	Reference, Title, Summary, IncidentType, AwareAt, OccurredFrom, OccurredTo, Period string
}

// ReportView is one obligation as a line of a report.
type ReportView struct {
	RuleID, Recipient, Due, Status, SubmittedAt, Reference string
	status                                                 string // the obligation's status code
}

// TimelineView is one timeline entry, formatted.
type TimelineView struct{ When, What string }

// Field returns an edited field, or the unknown marker when empty.
func (v *CaseView) Field(key string) string {
	if s := strings.TrimSpace(v.Fields[key]); s != "" {
		return s
	}
	return v.Unknown
}

// Build turns a source into the view-model for kind in lang, with the
// edited fields (missing ones are prefilled from the case).
func Build(src Source, kind KindInfo, lang string, fields map[string]string) *CaseView {
	l := localizer{lang: lang, loc: src.Org.Location()}
	v := &CaseView{Lang: lang, Kind: kind, Title: kind.Title.In(lang), Today: l.date(src.Now), Unknown: l.pick(UnknownJA, UnknownEN),
		Fields: map[string]string{}}
	v.Org = OrgView{Name: src.Org.Name, LegalName: or(src.Org.LegalName, src.Org.Name), CorporateNumber: src.Org.CorporateNumber, Address: src.Org.Address,
		Representative: src.Org.Representative, ContactDesk: src.Org.Contact().In(lang), Acquirer: src.Org.AcquirerName, PSP: src.Org.PSPName}
	c := src.Case
	v.Case = CaseFacts{Reference: c.Reference, Title: c.Title, Summary: c.Summary, IncidentType: l.incident(c.IncidentType), AwareAt: l.dateTime(c.AwareAt)}
	if c.OccurredFrom != nil {
		v.Case.OccurredFrom = l.date(*c.OccurredFrom)
	}
	if c.OccurredTo != nil {
		v.Case.OccurredTo = l.date(*c.OccurredTo)
	}
	if v.Case.OccurredFrom != "" || v.Case.OccurredTo != "" {
		v.Case.Period = or(v.Case.OccurredFrom, v.Unknown) + l.pick(" ～ ", " to ") + or(v.Case.OccurredTo, v.Unknown)
	} else {
		v.Case.Period = v.Unknown
	}
	v.buildFacts(src, l)
	v.buildProgress(src, l)
	v.buildPlan(src, l)
	v.FAQ = faqViews(src.FAQ, lang)
	v.DefaultRequest = l.pick(
		"カードのご利用明細に身に覚えのない請求がないかご確認ください。不審な請求がある場合は、カード裏面に記載のカード会社へお問い合わせください。カードの再発行をご希望の場合、手数料はかかりません。弊社やカード会社を装った不審なメール・電話にご注意ください。",
		"Please check your card statements for charges you do not recognise and, if you find any, call the number on the back of your card. Reissuing the card is free of charge. Beware of e-mails or calls pretending to come from us or your card company.")
	for _, f := range kind.Fields {
		if s, ok := fields[f.Key]; ok {
			v.Fields[f.Key] = s
		} else if f.Prefill != nil {
			v.Fields[f.Key] = f.Prefill(v)
		}
	}
	return v
}

func (v *CaseView) buildFacts(src Source, l localizer) {
	if !src.HasFacts {
		v.Persons, v.Records = v.Unknown, v.Unknown
		return
	}
	f := src.Facts
	for _, it := range obligations.KnownDataItems {
		if f.Has(it.Item) {
			v.Items = append(v.Items, l.pick(it.Label.JA, it.Label.EN))
		}
	}
	switch {
	case f.PersonsAffected != nil && f.PersonsUpperBound != nil && *f.PersonsUpperBound > *f.PersonsAffected:
		v.Persons = l.pick(fmt.Sprintf("%s名（最大%s名の見込み）", Thousands(*f.PersonsAffected), Thousands(*f.PersonsUpperBound)),
			fmt.Sprintf("%s (up to %s)", Thousands(*f.PersonsAffected), Thousands(*f.PersonsUpperBound)))
	case f.PersonsAffected != nil:
		v.Persons = l.pick(Thousands(*f.PersonsAffected)+"名", Thousands(*f.PersonsAffected))
	case f.PersonsUpperBound != nil:
		v.Persons = l.pick("最大"+Thousands(*f.PersonsUpperBound)+"名（調査中）", "up to "+Thousands(*f.PersonsUpperBound)+" (under investigation)")
	default:
		v.Persons = v.Unknown
	}
	v.Records = v.Unknown
	if f.RecordsAffected != nil {
		v.Records = l.pick(Thousands(*f.RecordsAffected)+"件", Thousands(*f.RecordsAffected))
	}
	trig := []struct {
		on     bool
		ja, en string
	}{
		{f.EffectiveSensitive().IsTrue(), "要配慮個人情報が含まれる（規則7条1号）", "sensitive personal data (rule 7(1))"},
		{f.EffectiveFinancialDamageRisk().IsTrue(), "不正に利用されることにより財産的被害が生じるおそれ（同2号）", "risk of financial damage from misuse (rule 7(2))"},
		{f.EffectiveUnauthorizedPurpose().IsTrue(), "不正の目的をもって行われたおそれのある行為による（同3号）", "possibly caused by an act with a wrongful purpose (rule 7(3))"},
		{f.PersonsAffected != nil && *f.PersonsAffected > 1000 || f.PersonsUpperBound != nil && *f.PersonsUpperBound > 1000, "本人の数が1,000人を超える（おそれ）（同4号）", "more than 1,000 persons (possibly) (rule 7(4))"},
	}
	for _, t := range trig {
		if t.on {
			v.Triggers = append(v.Triggers, l.pick(t.ja, t.en))
		}
	}
	for _, b := range f.CardBrands {
		v.Brands = append(v.Brands, b.Name().In(l.lang))
	}
	for _, j := range obligations.KnownJurisdictions {
		if n, ok := f.Residents[j]; ok {
			v.Residents = append(v.Residents, fmt.Sprintf("%s: %s", j, Thousands(n)))
		}
	}
}

func (v *CaseView) buildProgress(src Source, l localizer) {
	for _, o := range src.Obligations {
		d := o.Detail()
		r := ReportView{RuleID: o.RuleID, Recipient: l.pick(d.Recipient.JA, d.Recipient.EN), Status: l.status(o.Status), Reference: o.RecipientReference, status: o.Status}
		if dl := o.Deadline(); dl != nil {
			r.Due = l.dateTime(*dl)
		}
		if o.SubmittedAt != nil {
			r.SubmittedAt = l.dateTime(*o.SubmittedAt)
		}
		v.Reports = append(v.Reports, r)
		if o.Status == assessment.StatusSubmitted && o.RuleID != v.Kind.Obligation {
			v.OtherReports = append(v.OtherReports, l.pick(fmt.Sprintf("%s：%s 報告済み", r.Recipient, r.SubmittedAt), fmt.Sprintf("%s: reported %s", r.Recipient, r.SubmittedAt)))
		}
	}
	v.OtherBodies = otherBodies(v.Reports)
	v.Timeline = events(src, l)
	aware := l.dateTime(src.Case.AwareAt)
	v.Awareness = l.pick(aware+"、漏えい等が発生した（又はそのおそれがある）ことを認識した。（誰が、何によって気付いたかを記入してください。）",
		aware+": we became aware that a leak had happened or may have happened. (Say who noticed it, and from what.)")
	pb := cases.Playbooks[src.Case.Playbook]
	title := func(t cases.Task) string {
		for _, pt := range pb.Tasks {
			if t.Key != "" && pt.Key == t.Key {
				return pt.Title.In(l.lang)
			}
		}
		return t.Title
	}
	for _, t := range src.Tasks {
		planTask := src.PlanTasks[t.ID]
		switch {
		case t.Status == "done" && (t.Phase == cases.PhaseContainment || t.Phase == cases.PhaseRecovery):
			when := ""
			if t.CompletedAt != nil {
				when = l.date(*t.CompletedAt) + " "
			}
			if !planTask {
				v.DoneMeasures = append(v.DoneMeasures, when+title(t))
			}
			v.DoneActions = append(v.DoneActions, when+title(t))
		case t.Open() && t.Phase == cases.PhaseRecovery && !planTask:
			v.PlannedMeasures = append(v.PlannedMeasures, title(t))
		}
	}
	for _, e := range src.Evidence {
		v.EvidenceList = append(v.EvidenceList, fmt.Sprintf("%s (SHA-256 %s…)", e.Filename, e.SHA256.Short()))
	}
}

type localizer struct {
	lang string
	loc  *time.Location
}

func (l localizer) pick(ja, en string) string {
	if l.lang == "en" {
		return en
	}
	return ja
}

func (l localizer) date(t time.Time) string {
	t = t.In(l.loc)
	if l.lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

func (l localizer) dateTime(t time.Time) string {
	t = t.In(l.loc)
	if l.lang == "en" {
		return t.Format("2 January 2006 15:04 MST")
	}
	return fmt.Sprintf("%d年%d月%d日 %02d時%02d分", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
}

func (l localizer) status(s string) string { return assessment.StatusNames[s].In(l.lang) }

func (l localizer) incident(s string) string {
	m := map[string][2]string{"card_skimming": {"決済画面の改ざん等によるカード情報の窃取", "card skimming"}, "unauthorized_access": {"不正アクセス", "unauthorised access"},
		"ransomware": {"ランサムウェア", "ransomware"}, "misdelivery": {"誤送信・誤配送", "misdelivery"}, "lost_device": {"紛失・盗難", "lost or stolen device"},
		"insider": {"内部不正", "insider"}, "other": {"その他", "other"}}
	p := m[s]
	return l.pick(p[0], p[1])
}

// Thousands writes n with comma separators (4,800), as both Japanese and
// English documents print counts.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func lines(xs []string) string { return strings.Join(xs, "\n") }

// statusOrder ranks obligation statuses from the least advanced.
var statusOrder = []string{assessment.StatusPending, assessment.StatusDrafted, assessment.StatusApproved, assessment.StatusSubmitted, assessment.StatusWaived}

// otherBodies groups the reports to bodies other than the PPC and the
// persons (the appi rules; the Installment Sales Act's measures are the
// merchant's own duty, no report) by recipient, in their order: the status
// shown is the least advanced of the body's rules, and a submission date
// only when every one of them was submitted.
func otherBodies(reports []ReportView) []ReportView {
	var out []ReportView
	index := map[string]int{}
	for _, r := range reports {
		if strings.HasPrefix(r.RuleID, "jp.appi.") || strings.HasPrefix(r.RuleID, "jp.isa.") {
			continue
		}
		i, seen := index[r.Recipient]
		if !seen {
			index[r.Recipient] = len(out)
			out = append(out, r)
			continue
		}
		if rank(r.status) < rank(out[i].status) {
			out[i].Status, out[i].status = r.Status, r.status
		}
		if r.SubmittedAt == "" || out[i].SubmittedAt == "" {
			out[i].SubmittedAt, out[i].Reference = "", ""
		}
	}
	return out
}

func rank(status string) int { return slices.Index(statusOrder, status) }

// events is the course of events for documents (see CaseView.Timeline).
func events(src Source, l localizer) []TimelineView {
	type event struct {
		at   time.Time
		what string
	}
	var out []event
	c := src.Case
	if c.OccurredFrom != nil {
		out = append(out, event{*c.OccurredFrom, l.pick("この頃から漏えい等が発生していた（又はそのおそれがある）。", "The leak began, or may have begun, around this time.")})
	}
	out = append(out, event{c.AwareAt, l.pick("漏えい等の発生（又はそのおそれ）を認識し、対応を開始した。", "We became aware of the leak, or its possibility, and began our response.")})
	for _, e := range src.Timeline {
		if e.Kind == "manual" {
			out = append(out, event{e.OccurredAt, e.Summary})
		}
	}
	for _, o := range src.Obligations {
		if o.SubmittedAt == nil || o.Status != assessment.StatusSubmitted {
			continue
		}
		d := o.Detail()
		out = append(out, event{*o.SubmittedAt, l.pick(d.Recipient.JA+"へ報告・連絡した。", "Reported to "+d.Recipient.EN+".")})
	}
	slices.SortStableFunc(out, func(a, b event) int { return a.at.Compare(b.at) })
	views := make([]TimelineView, len(out))
	for i, e := range out {
		views[i] = TimelineView{When: l.dateTime(e.at), What: e.what}
	}
	return views
}
