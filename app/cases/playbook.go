package cases

import "time"

// Playbook is a named, versioned list of tasks per phase that seeds a new
// case. It is Go data, so a change is reviewed like code and each case
// records the version it was opened with.
type Playbook struct {
	Key     string
	Version int
	Name    Text
	Tasks   []PlaybookTask
}

// PlaybookTask is one seeded task. DueAfter counts from the case's
// awareness time; zero means no due date.
type PlaybookTask struct {
	Key      string
	Phase    Phase
	Title    Text
	Detail   Text
	DueAfter time.Duration
}

// Text is a message in Japanese and English.
type Text struct {
	JA string `json:"ja"`
	EN string `json:"en"`
}

// In returns the text in lang (Japanese unless "en").
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.JA
}

const (
	hour = time.Hour
	day  = 24 * time.Hour
)

// Playbooks are the available playbooks by key.
var Playbooks = map[string]Playbook{
	"jp-card-leak":          jpCardLeak,
	"generic-personal-data": genericPersonalData,
}

// The real sequence of a Japanese card-data leak at an EC merchant: the
// PSP or acquirer is told first, card payments stop, systems are isolated
// without being powered off so memory and logs survive, evidence is kept,
// a PFI investigates, then reports, notices and publication follow, and
// payments reopen only when the card companies agree.
var jpCardLeak = Playbook{Key: "jp-card-leak", Version: 1,
	Name: Text{"カード情報漏えい（EC加盟店）", "Card data leak (e-commerce merchant)"},
	Tasks: []PlaybookTask{
		{"confirm_alert", PhaseTriage, Text{"事実確認（カード会社・決済代行会社からの通知、不審な挙動）", "Confirm the alert (notice from a card company or the PSP, anomalies)"},
			Text{"誰が・いつ・何を検知したかを記録し、漏えい「のおそれ」があれば対応を開始する。", "Record who detected what and when; a suspected leak is enough to start."}, 2 * hour},
		{"appoint_team", PhaseTriage, Text{"対応責任者・社内体制・外部窓口の決定", "Name the incident owner, the team and the outside contacts"}, Text{}, 4 * hour},
		{"contact_acquirer", PhaseTriage, Text{"アクワイアラー／決済代行会社へ連絡", "Tell the acquirer / payment service provider"},
			Text{"契約上、直ちに連絡する義務がある。指示（決済停止、PFI調査）を記録する。", "The contract requires immediate notice. Record their instructions (stop payments, PFI)."}, 24 * hour},
		{"suspend_card_payments", PhaseContainment, Text{"カード決済の停止", "Stop card payments on the site"}, Text{}, 24 * hour},
		{"isolate_systems", PhaseContainment, Text{"該当システムをネットワークから隔離（電源は切らない）", "Isolate affected systems from the network (do not power them off)"},
			Text{"電源を切るとメモリ上の痕跡が失われる。", "Powering off destroys evidence in memory."}, 24 * hour},
		{"preserve_evidence", PhaseContainment, Text{"ログ・ディスクイメージの保全", "Preserve logs and disk images"},
			Text{"アクセスログ、通信ログ、サーバーのイメージを取得し、証拠保全台帳に登録する。", "Take access and network logs and server images; register them as evidence."}, 2 * day},
		{"rotate_credentials", PhaseContainment, Text{"管理者パスワード・APIキー等の変更（証拠保全の後）", "Rotate admin passwords and API keys (after preservation)"}, Text{}, 3 * day},
		{"engage_pfi", PhaseInvestigation, Text{"PFI（PCIフォレンジック調査機関）へ調査を依頼", "Engage a PCI Forensic Investigator (PFI)"}, Text{}, 5 * day},
		{"define_window", PhaseInvestigation, Text{"漏えい対象期間の特定", "Define the exposure window"}, Text{}, 0},
		{"count_persons", PhaseInvestigation, Text{"対象者数・件数と漏えい項目の確定", "Count affected persons, records and data items"}, Text{}, 0},
		{"police_consultation", PhaseInvestigation, Text{"警察（サイバー犯罪相談窓口）へ相談", "Consult the police cybercrime desk"}, Text{}, 7 * day},
		{"ppc_preliminary", PhaseNotification, Text{"個人情報保護委員会へ速報", "Preliminary report to the PPC"}, Text{}, 5 * day},
		{"ppc_final", PhaseNotification, Text{"個人情報保護委員会へ確報", "Final report to the PPC"}, Text{}, 0},
		{"card_brand_reports", PhaseNotification, Text{"カードブランドへの報告（アクワイアラー経由）", "Card-brand reports (through the acquirer)"}, Text{}, 0},
		{"notify_persons", PhaseNotification, Text{"本人への通知（メール・郵送）", "Notify the affected persons (e-mail, letters)"}, Text{}, 0},
		{"call_centre", PhaseNotification, Text{"専用コールセンターの設置", "Set up the dedicated call centre"}, Text{}, 0},
		{"publish_notice", PhasePublication, Text{"お詫びとお知らせの公表", "Publish the apology and notice"}, Text{}, 0},
		{"prevention_measures", PhasePublication, Text{"再発防止策の公表", "Publish the recurrence-prevention measures"}, Text{}, 0},
		{"fix_verify", PhaseRecovery, Text{"脆弱性の修正と第三者による検証", "Fix the vulnerabilities and have the fix verified"}, Text{}, 0},
		{"reopen_payments", PhaseRecovery, Text{"カード決済の再開（カード会社の了承後）", "Reopen card payments (once the card companies agree)"}, Text{}, 0},
		{"lessons_learned", PhaseRecovery, Text{"振り返りと記録の保管", "Lessons learned; keep the records"}, Text{}, 0},
	},
}

var genericPersonalData = Playbook{Key: "generic-personal-data", Version: 1,
	Name: Text{"個人データ漏えい（カード情報以外）", "Personal data leak (no card data)"},
	Tasks: []PlaybookTask{
		{"confirm_alert", PhaseTriage, Text{"事実確認（いつ・何が・どこから）", "Confirm what happened, when and where"}, Text{}, 2 * hour},
		{"appoint_team", PhaseTriage, Text{"対応責任者・社内体制の決定", "Name the incident owner and the team"}, Text{}, 4 * hour},
		{"stop_spread", PhaseContainment, Text{"被害拡大の防止（アクセス遮断、誤送信の回収依頼など）", "Stop further harm (block access, ask for misdirected data to be deleted)"}, Text{}, 24 * hour},
		{"preserve_evidence", PhaseContainment, Text{"ログ等の証拠保全", "Preserve logs and other evidence"}, Text{}, 2 * day},
		{"rotate_credentials", PhaseContainment, Text{"認証情報の変更", "Rotate credentials"}, Text{}, 3 * day},
		{"scope", PhaseInvestigation, Text{"原因・対象範囲の調査", "Investigate the cause and the scope"}, Text{}, 0},
		{"count_persons", PhaseInvestigation, Text{"対象者数と漏えい項目の確定", "Count affected persons and data items"}, Text{}, 0},
		{"ppc_preliminary", PhaseNotification, Text{"個人情報保護委員会へ速報（報告対象の場合）", "Preliminary report to the PPC (if reportable)"}, Text{}, 5 * day},
		{"ppc_final", PhaseNotification, Text{"個人情報保護委員会へ確報（報告対象の場合）", "Final report to the PPC (if reportable)"}, Text{}, 0},
		{"notify_persons", PhaseNotification, Text{"本人への通知", "Notify the affected persons"}, Text{}, 0},
		{"inquiry_desk", PhaseNotification, Text{"問い合わせ窓口の設置", "Set up the inquiry desk"}, Text{}, 0},
		{"publish_notice", PhasePublication, Text{"公表（必要に応じて）", "Publish a notice (where appropriate)"}, Text{}, 0},
		{"fix_verify", PhaseRecovery, Text{"再発防止策の実施と確認", "Carry out and check the prevention measures"}, Text{}, 0},
		{"lessons_learned", PhaseRecovery, Text{"振り返りと記録の保管", "Lessons learned; keep the records"}, Text{}, 0},
	},
}
