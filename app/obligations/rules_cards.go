package obligations

import (
	"slices"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// Card-brand rules (RULES.md section C). They bind the merchant by
// contract through the acquirer, whatever the residence of the cardholders.
// Business days are Monday to Friday (WeekdayCalendar): the brands publish
// no holiday calendar, and counting holidays as business days can only make
// a date earlier, never late.

// brandNote: the brands' own rule documents were not readable in the
// stored copies; the deadlines come from the secondary notes of RULES.md C.
var brandNote = tx("ブランド自身の文書は保存コピーで読めず、期限はRULES.md C節の二次資料による。", "The brand's own document was not readable in the stored copies; the deadlines follow the secondary notes of RULES.md section C.")

var cardSourcesVisa = []Source{
	unread("", "Visa「What To Do If Compromised」（WTDIC）", "Visa, What To Do If Compromised (WTDIC)", brandNote),
	commentary("visa.fi / caribbean.review.visa.com data-security pages", ""),
	commentary("docs.solidgate.com/compliance/data", "https://docs.solidgate.com/compliance/data"),
}

// brandApplies triggers a brand rule: the brand is among the affected
// brands and card data (number or security code) is involved. The notes
// for missing or unmodelled brands are added once here for every brand rule.
func brandApplies(b CardBrand) func(*evalCtx) verdict {
	return func(c *evalCtx) verdict {
		brandReviews(c)
		items := c.f.presentOf(cardDataItems)
		if len(items) == 0 || !slices.Contains(c.f.CardBrands, b) {
			return no
		}
		return verdict{applies: true, why: tx(
			"カードブランド "+string(b)+" のカード情報（"+joinStrings(items)+"）が対象。",
			"Card data ("+joinStrings(items)+") of brand "+string(b)+" involved.")}
	}
}

// brandReviews flags card data without brands, brands without card data,
// and brands the table has no rule for.
func brandReviews(c *evalCtx) {
	hasData := c.f.HasAny(cardDataItems...)
	switch {
	case hasData && len(c.f.CardBrands) == 0:
		c.rs.add(ReviewCardBrandsUnknown, "card_brands", tx(
			"カード情報が対象ですがブランドが未入力です。Mastercard（24時間）等のブランド別期限があるため、対象ブランドを入力してください。",
			"Card data is involved but no card brands are given. Brand deadlines (e.g. Mastercard 24 h) may apply; list the brands."))
	case !hasData && len(c.f.CardBrands) > 0:
		c.rs.add(ReviewCardBrandsWithoutData, "data_items", tx(
			"カードブランドが入力されていますが、カード番号・セキュリティコードがデータ項目にありません。ブランドへの報告は計算していません。",
			"Card brands are given but neither card_number nor security_code is among the data items; no brand reports were computed."))
	}
	if !hasData {
		return
	}
	for i, b := range c.f.CardBrands {
		if b != Visa && b != Mastercard && b != Amex && b != JCB {
			c.rs.add(ReviewCardBrandNoRule, "card_brands["+itoa(i)+"]", tx(
				"ブランド "+string(b)+" の報告期限は未調査です。アクワイアラに確認してください。",
				"No researched reporting rule for brand "+string(b)+"; ask the acquirer."))
		}
	}
}

func cardRules() []Rule {
	visaRecipient := tx("Visa（Fraud Investigations、アクワイアラ経由）", "Visa Fraud Investigations, via the acquirer")
	visaBasis := tx("Visa「What To Do If Compromised」（WTDIC）", "Visa What To Do If Compromised (WTDIC)")
	cardTrigger := func(name string) i18n.Text {
		return tx(name+"のカード情報（番号・セキュリティコード）の漏えい又はそのおそれ", "Known or suspected compromise of "+name+" card data (number or security code)")
	}
	discovery := tx("漏えい（のおそれ）を知った時点", "Discovery of the (suspected) compromise")
	return []Rule{
		{
			ID: "card.visa.notify", Jurisdiction: Card, Recipient: visaRecipient, Trigger: cardTrigger("Visa"),
			Deadline:   Deadline{Kind: KindImmediately, Text: tx("直ちに", "Immediately")},
			ClockStart: discovery,
			Content: []i18n.Text{
				tx("漏えい（のおそれ）の通知", "Notice of the (suspected) compromise"),
				tx("封じ込め状況（隔離、電源を切らない、ログ保全）", "Containment status (isolate, do not power off, keep logs)"),
			},
			Basis: visaBasis, Sources: cardSourcesVisa,
			Caveat: caveat("⚠ PFIの起用は「5日以内」とする二次情報あり。通知遅延はアクワイアラに最大10万米ドルの負担。",
				"⚠ PFI engagement \"no later than 5 days\" (secondary source). A late notice can cost the acquirer up to US$100k."),
			when: brandApplies(Visa),
		},
		{
			ID: "card.visa.incident_report", Jurisdiction: Card, Recipient: visaRecipient, Trigger: cardTrigger("Visa"),
			Deadline:   Deadline{Kind: KindBusinessDays, N: 3, Text: tx("3営業日以内", "Within 3 business days")},
			ClockStart: discovery,
			Content:    []i18n.Text{tx("インシデントレポート（WTDIC付録Aの様式）", "Incident report (WTDIC Appendix A template)")},
			Basis:      visaBasis, Sources: cardSourcesVisa,
			when: brandApplies(Visa),
		},
		{
			ID: "card.visa.account_numbers", Jurisdiction: Card, Recipient: visaRecipient, Trigger: cardTrigger("Visa"),
			Deadline:   Deadline{Kind: KindBusinessDays, N: 10, Text: tx("10営業日以内", "Within 10 business days")},
			ClockStart: discovery,
			Content:    []i18n.Text{tx("漏えいのおそれがある全カード番号", "All at-risk account numbers")},
			Basis:      visaBasis, Sources: cardSourcesVisa,
			when: brandApplies(Visa),
		},
		{
			ID: "card.mastercard.adc", Jurisdiction: Card,
			Recipient:  tx("Mastercard（アクワイアラ経由）", "Mastercard, via the acquirer"),
			Trigger:    cardTrigger("Mastercard"),
			Deadline:   Deadline{Kind: KindHours, N: 24, Text: tx("知った時点から24時間以内、以後継続的に更新", "Within 24 hours of awareness, then ongoing updates")},
			ClockStart: discovery,
			Content: []i18n.Text{
				tx("ADC報告様式", "ADC reporting form"),
				tx("（PFI最終報告）封じ込め、手口、対象カード・データ項目、期間、PCI DSS上の所見", "(PFI final report) containment, method, at-risk accounts and data elements, window, PCI DSS findings"),
			},
			Basis: tx("Mastercard Account Data Compromise（ADC）ユーザーガイド", "Mastercard Account Data Compromise (ADC) User Guide"),
			Sources: []Source{
				unread("", "Mastercard「Account Data Compromise User Guide」", "Mastercard, Account Data Compromise User Guide", brandNote),
				commentary("Mastercard ADC User Guide 2016 (studylib.net/doc/18515487)", "https://studylib.net/doc/18515487"),
				commentary("yumpu Maestro rules §8.9", ""),
			},
			Caveat: caveat("⚠ PFIの起用は72時間以内とする二次情報あり。", "⚠ PFI engagement within 72 h (secondary source)."),
			when:   brandApplies(Mastercard),
		},
		{
			ID: "card.amex.eirp", Jurisdiction: Card,
			Recipient:  tx("American Express EIRP（EIRP@aexp.com）", "American Express EIRP (EIRP@aexp.com)"),
			Trigger:    cardTrigger("American Express"),
			Deadline:   Deadline{Kind: KindHours, N: 72, Text: tx("発見から72時間以内", "Within 72 hours of discovery")},
			ClockStart: discovery,
			Content: []i18n.Text{
				tx("加盟店と連絡先", "Merchant and contact"),
				tx("データの種類", "Data types"),
				tx("発見日・発生日", "Discovery and occurrence dates"),
				tx("概要", "Description"),
				tx("フォレンジック調査の有無", "Forensics engaged?"),
				tx("顧客への通知の有無（通知文を添付）", "Customers notified? (attach the notice)"),
				tx("公表の有無", "Public disclosure?"),
				tx("警察への連絡の有無", "Police contacted?"),
				tx("その後、全カード番号", "Then all card numbers"),
			},
			Basis: tx("American Express Data Security Operating Policy（DSOP）", "American Express Data Security Operating Policy (DSOP)"),
			Sources: []Source{
				unread("", "American Express「Data Security Operating Policy」（DSOP）", "American Express, Data Security Operating Policy (DSOP)", brandNote),
				commentary("aexp-static.com DSOP page", ""), commentary("americanexpress.com TAP page", ""), commentary("docsbay form", ""),
			},
			when: brandApplies(Amex),
		},
		{
			ID: "card.jcb.acquirer", Jurisdiction: Card,
			Recipient:  tx("アクワイアラ（JCB又は発行会社系）", "Acquirer (JCB or issuer-affiliated)"),
			Trigger:    cardTrigger("JCB"),
			Deadline:   Deadline{Kind: KindPromptly, Text: tx("速やかに連絡（加盟店向けの期限は未確認）", "Contact promptly (no merchant timeline found)")},
			ClockStart: discovery,
			Content:    []i18n.Text{tx("漏えい（のおそれ）の通知", "Notice of the (suspected) compromise")},
			Basis:      tx("加盟店契約（アクワイアラの案内）", "Merchant agreement (acquirer guidance)"),
			Guideline:  true,
			Sources: []Source{
				unread("", "加盟店契約（アクワイアラの案内）", "Merchant agreement (acquirer guidance)",
					tx("JCBの加盟店向け期限を定める文書は見つかっていません。", "No JCB document setting a merchant timeline was found.")),
				commentary("nagoya-card.co.jp", "https://www.nagoya-card.co.jp/members/index.html"),
			},
			Caveat: caveat("⚠ JCBの加盟店向け期限は見つかっていません。アクワイアラの指示に従ってください。", "⚠ JCB's merchant timeline was not found; follow the acquirer's instructions."),
			when:   brandApplies(JCB),
		},
	}
}
