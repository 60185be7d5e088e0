package obligations

import "github.com/breachdesk/breachdesk/app/i18n"

// titles name the reports and notices of the rules people meet most, as a
// timeline, a chart or a mail subject says them ("PPC preliminary report"
// where the rule key is jp.appi.ppc.preliminary). A rule without one is
// named by its recipient.
var titles = map[string]i18n.Text{
	"jp.appi.ppc.preliminary":        tx("個人情報保護委員会への速報", "Preliminary report to the PPC"),
	"jp.appi.ppc.final":              tx("個人情報保護委員会への確報", "Final report to the PPC"),
	"jp.appi.individual_notice":      tx("本人への通知", "Notice to the affected persons"),
	"jp.appi.processor_to_principal": tx("委託元への通知", "Notice to the principal (委託元)"),
	"jp.card.acquirer":               tx("アクワイアラ・決済代行会社への報告", "Report to the acquirer or PSP"),
	"jp.isa.measures":                tx("割賦販売法上の措置", "Measures under the Installment Sales Act"),
	"jp.police.consultation":         tx("警察への相談", "Police consultation"),
	"card.visa.notify":               tx("Visaへの第一報", "First notice to Visa"),
	"card.visa.incident_report":      tx("Visaへのインシデントレポート", "Incident report to Visa"),
	"card.visa.account_numbers":      tx("Visaへの対象カード番号の提出", "At-risk account numbers to Visa"),
	"card.mastercard.adc":            tx("MastercardへのADC報告", "ADC report to Mastercard"),
	"card.amex.eirp":                 tx("American Express EIRPへの報告", "Report to American Express EIRP"),
	"card.jcb.acquirer":              tx("JCBへの報告（アクワイアラ経由）", "Report to JCB via the acquirer"),
}

// Title names the obligation of rule id in both languages: its title, else
// its recipient, else (a rule no longer in the table) the id itself.
func Title(id string) i18n.Text {
	r, ok := RuleByID(id)
	if !ok {
		return tx(id, id)
	}
	return r.Title
}
