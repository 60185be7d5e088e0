package security

import "github.com/breachdesk/breachdesk/app/i18n"

// Cause codes: the root causes a forensic investigation finds, as the
// taxonomy records them on a case. They are stable: case_causes rows and
// prevention plan items refer to them.
const (
	CausePageTamper         = "page_tamper"         // payment page tampered after the admin screen was compromised
	CauseSQLInjection       = "sql_injection"       // SQL injection
	CauseVulnerablePlugin   = "vulnerable_plugin"   // a vulnerable plugin, module or shop package
	CauseExposedDirectory   = "exposed_directory"   // data files in a publicly reachable directory
	CauseCardTesting        = "card_testing"        // card testing / credit master attack
	CauseCredentialStuffing = "credential_stuffing" // list-based login attack on customer accounts
	CauseInsider            = "insider"             // an insider took the data
	CauseMisdelivery        = "misdelivery"         // sent to the wrong recipient (mail, e-mail, parcel)
	CauseLostDevice         = "lost_device"         // a device or medium lost or stolen
	CauseOther              = "other"               // anything else, described in words
)

// Cause is one entry of the taxonomy: its label and the catalogue
// measures that, in place, would have prevented it (or stopped it early).
// Those measures are what the recurrence-prevention plan proposes when
// the register says they are missing.
type Cause struct {
	Code  string    `json:"code"`
	Label i18n.Text `json:"label"`
	// Prevented lists catalogue measure ids (catalogue.go), most direct
	// first; "other" names none, since nothing is known about it.
	Prevented []string `json:"prevented"`
	// NeedsDescription: the cause says nothing by itself, so the finding
	// must be written out.
	NeedsDescription bool `json:"needs_description"`
}

// causes is the taxonomy in the order the case page offers it: the
// attacks on EC sites Japanese investigations report most, then the
// human causes. The mapping is our reading of the guideline's measures
// (shared/reference/CARD-SECURITY.md §2, §3): which one closes the door
// the cause went through.
var causes = []Cause{
	{Code: CausePageTamper, Label: i18n.Text{JA: "管理画面への不正アクセス後の決済画面の改ざん", EN: "Payment page tampered with after the admin screen was compromised"},
		Prevented: []string{MeasureAdminAccess, MeasureAdminMFA, MeasurePatching, MeasureWebAppVuln, MeasureLogMonitoring, MeasureWAF}},
	{Code: CauseSQLInjection, Label: i18n.Text{JA: "SQLインジェクション", EN: "SQL injection"},
		Prevented: []string{MeasureWebAppVuln, MeasureWAF, MeasureNonRetention, MeasurePatching, MeasureLogMonitoring}},
	{Code: CauseVulnerablePlugin, Label: i18n.Text{JA: "脆弱性のあるプラグイン・モジュールの悪用", EN: "A vulnerable plugin or module exploited"},
		Prevented: []string{MeasurePatching, MeasureWebAppVuln, MeasureWAF, MeasureLogMonitoring}},
	{Code: CauseExposedDirectory, Label: i18n.Text{JA: "公開ディレクトリに置かれたデータの露見", EN: "Data exposed in a publicly reachable directory"},
		Prevented: []string{MeasureDataDirectory, MeasureWebAppVuln, MeasureNonRetention, MeasureLeastPrivilege}},
	{Code: CauseCardTesting, Label: i18n.Text{JA: "悪質な有効性確認（クレジットマスター等）", EN: "Card testing (credit master attack)"},
		Prevented: []string{MeasureCardTesting, MeasureEMV3DS, MeasureWAF, MeasureLogMonitoring}},
	{Code: CauseCredentialStuffing, Label: i18n.Text{JA: "リスト型攻撃等による会員アカウントへの不正ログイン", EN: "Credential stuffing against customer accounts"},
		Prevented: []string{MeasureLoginFraud, MeasureEMV3DS, MeasureWAF, MeasureLogMonitoring}},
	{Code: CauseInsider, Label: i18n.Text{JA: "内部不正（従業員・委託先による持ち出し）", EN: "Insider (taken by staff or a contractor)"},
		Prevented: []string{MeasureLeastPrivilege, MeasureLogMonitoring, MeasureTraining, MeasureNonRetention}},
	{Code: CauseMisdelivery, Label: i18n.Text{JA: "誤送付・誤送信", EN: "Sent to the wrong recipient"},
		Prevented: []string{MeasureTraining, MeasureLeastPrivilege}},
	{Code: CauseLostDevice, Label: i18n.Text{JA: "端末・記録媒体の紛失・盗難", EN: "Device or storage medium lost or stolen"},
		Prevented: []string{MeasureTraining, MeasureLeastPrivilege, MeasureNonRetention}},
	{Code: CauseOther, Label: i18n.Text{JA: "その他", EN: "Other"}, NeedsDescription: true},
}

// Causes returns the taxonomy in display order (a copy).
func Causes() []Cause {
	out := make([]Cause, len(causes))
	for i, c := range causes {
		c.Prevented = append([]string(nil), c.Prevented...)
		out[i] = c
	}
	return out
}

// CauseByCode returns the cause with code, and whether it exists.
func CauseByCode(code string) (Cause, bool) {
	for _, c := range causes {
		if c.Code == code {
			return c, true
		}
	}
	return Cause{}, false
}

// CauseCodes lists the codes in display order.
func CauseCodes() []string {
	out := make([]string, len(causes))
	for i, c := range causes {
		out[i] = c.Code
	}
	return out
}
