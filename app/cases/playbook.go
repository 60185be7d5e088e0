package cases

import (
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// Playbook is a named, versioned list of tasks per phase that seeds a new
// case. It is Go data, so a change is reviewed like code and each case
// records the version it was opened with.
type Playbook struct {
	Key     string
	Version int
	Name    i18n.Text
	Tasks   []PlaybookTask
}

// PlaybookTask is one seeded task. DueAfter counts from the case's
// awareness time; zero means no due date.
type PlaybookTask struct {
	Key      string
	Phase    Phase
	Title    i18n.Text
	Detail   i18n.Text
	DueAfter time.Duration
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
	Name: i18n.Text{JA: "カード情報漏えい（EC加盟店）", EN: "Card data leak (e-commerce merchant)"},
	Tasks: []PlaybookTask{
		{"confirm_alert", PhaseTriage, i18n.Text{JA: "事実確認（カード会社・決済代行会社からの通知、不審な挙動）", EN: "Confirm the alert (notice from a card company or the PSP, anomalies)"},
			i18n.Text{JA: "誰が・いつ・何を検知したかを記録し、漏えい「のおそれ」があれば対応を開始する。", EN: "Record who detected what and when; a suspected leak is enough to start."}, 2 * hour},
		{"appoint_team", PhaseTriage, i18n.Text{JA: "対応責任者・社内体制・外部窓口の決定", EN: "Name the incident owner, the team and the outside contacts"}, i18n.Text{}, 4 * hour},
		{"contact_acquirer", PhaseTriage, i18n.Text{JA: "アクワイアラー／決済代行会社へ連絡", EN: "Tell the acquirer / payment service provider"},
			i18n.Text{JA: "契約上、直ちに連絡する義務がある。指示（決済停止、PFI調査）を記録する。", EN: "The contract requires immediate notice. Record their instructions (stop payments, PFI)."}, 24 * hour},
		{"suspend_card_payments", PhaseContainment, i18n.Text{JA: "カード決済の停止", EN: "Stop card payments on the site"}, i18n.Text{}, 24 * hour},
		{"isolate_systems", PhaseContainment, i18n.Text{JA: "該当システムをネットワークから隔離（電源は切らない）", EN: "Isolate affected systems from the network (do not power them off)"},
			i18n.Text{JA: "電源を切るとメモリ上の痕跡が失われる。", EN: "Powering off destroys evidence in memory."}, 24 * hour},
		{"preserve_evidence", PhaseContainment, i18n.Text{JA: "ログ・ディスクイメージの保全", EN: "Preserve logs and disk images"},
			i18n.Text{JA: "アクセスログ、通信ログ、サーバーのイメージを取得し、証拠保全台帳に登録する。", EN: "Take access and network logs and server images; register them as evidence."}, 2 * day},
		{"rotate_credentials", PhaseContainment, i18n.Text{JA: "管理者パスワード・APIキー等の変更（証拠保全の後）", EN: "Rotate admin passwords and API keys (after preservation)"}, i18n.Text{}, 3 * day},
		{"engage_pfi", PhaseInvestigation, i18n.Text{JA: "PFI（PCIフォレンジック調査機関）へ調査を依頼", EN: "Engage a PCI Forensic Investigator (PFI)"}, i18n.Text{}, 5 * day},
		{"define_window", PhaseInvestigation, i18n.Text{JA: "漏えい対象期間の特定", EN: "Define the exposure window"}, i18n.Text{}, 0},
		{"count_persons", PhaseInvestigation, i18n.Text{JA: "対象者数・件数と漏えい項目の確定", EN: "Count affected persons, records and data items"}, i18n.Text{}, 0},
		{"police_consultation", PhaseInvestigation, i18n.Text{JA: "警察（サイバー犯罪相談窓口）へ相談", EN: "Consult the police cybercrime desk"}, i18n.Text{}, 7 * day},
		{"ppc_preliminary", PhaseNotification, i18n.Text{JA: "個人情報保護委員会へ速報", EN: "Preliminary report to the PPC"}, i18n.Text{}, 5 * day},
		{"ppc_final", PhaseNotification, i18n.Text{JA: "個人情報保護委員会へ確報", EN: "Final report to the PPC"}, i18n.Text{}, 0},
		{"card_brand_reports", PhaseNotification, i18n.Text{JA: "カードブランドへの報告（アクワイアラー経由）", EN: "Card-brand reports (through the acquirer)"}, i18n.Text{}, 0},
		{"notify_persons", PhaseNotification, i18n.Text{JA: "本人への通知（メール・郵送）", EN: "Notify the affected persons (e-mail, letters)"}, i18n.Text{}, 0},
		{"call_centre", PhaseNotification, i18n.Text{JA: "専用コールセンターの設置", EN: "Set up the dedicated call centre"}, i18n.Text{}, 0},
		{"publish_notice", PhasePublication, i18n.Text{JA: "お詫びとお知らせの公表", EN: "Publish the apology and notice"}, i18n.Text{}, 0},
		{"prevention_measures", PhasePublication, i18n.Text{JA: "再発防止策の公表", EN: "Publish the recurrence-prevention measures"}, i18n.Text{}, 0},
		{"fix_verify", PhaseRecovery, i18n.Text{JA: "脆弱性の修正と第三者による検証", EN: "Fix the vulnerabilities and have the fix verified"}, i18n.Text{}, 0},
		{"reopen_payments", PhaseRecovery, i18n.Text{JA: "カード決済の再開（カード会社の了承後）", EN: "Reopen card payments (once the card companies agree)"}, i18n.Text{}, 0},
		{"lessons_learned", PhaseRecovery, i18n.Text{JA: "振り返りと記録の保管", EN: "Lessons learned; keep the records"}, i18n.Text{}, 0},
	},
}

var genericPersonalData = Playbook{Key: "generic-personal-data", Version: 1,
	Name: i18n.Text{JA: "個人データ漏えい（カード情報以外）", EN: "Personal data leak (no card data)"},
	Tasks: []PlaybookTask{
		{"confirm_alert", PhaseTriage, i18n.Text{JA: "事実確認（いつ・何が・どこから）", EN: "Confirm what happened, when and where"}, i18n.Text{}, 2 * hour},
		{"appoint_team", PhaseTriage, i18n.Text{JA: "対応責任者・社内体制の決定", EN: "Name the incident owner and the team"}, i18n.Text{}, 4 * hour},
		{"stop_spread", PhaseContainment, i18n.Text{JA: "被害拡大の防止（アクセス遮断、誤送信の回収依頼など）", EN: "Stop further harm (block access, ask for misdirected data to be deleted)"}, i18n.Text{}, 24 * hour},
		{"preserve_evidence", PhaseContainment, i18n.Text{JA: "ログ等の証拠保全", EN: "Preserve logs and other evidence"}, i18n.Text{}, 2 * day},
		{"rotate_credentials", PhaseContainment, i18n.Text{JA: "認証情報の変更", EN: "Rotate credentials"}, i18n.Text{}, 3 * day},
		{"scope", PhaseInvestigation, i18n.Text{JA: "原因・対象範囲の調査", EN: "Investigate the cause and the scope"}, i18n.Text{}, 0},
		{"count_persons", PhaseInvestigation, i18n.Text{JA: "対象者数と漏えい項目の確定", EN: "Count affected persons and data items"}, i18n.Text{}, 0},
		{"ppc_preliminary", PhaseNotification, i18n.Text{JA: "個人情報保護委員会へ速報（報告対象の場合）", EN: "Preliminary report to the PPC (if reportable)"}, i18n.Text{}, 5 * day},
		{"ppc_final", PhaseNotification, i18n.Text{JA: "個人情報保護委員会へ確報（報告対象の場合）", EN: "Final report to the PPC (if reportable)"}, i18n.Text{}, 0},
		{"notify_persons", PhaseNotification, i18n.Text{JA: "本人への通知", EN: "Notify the affected persons"}, i18n.Text{}, 0},
		{"inquiry_desk", PhaseNotification, i18n.Text{JA: "問い合わせ窓口の設置", EN: "Set up the inquiry desk"}, i18n.Text{}, 0},
		{"publish_notice", PhasePublication, i18n.Text{JA: "公表（必要に応じて）", EN: "Publish a notice (where appropriate)"}, i18n.Text{}, 0},
		{"fix_verify", PhaseRecovery, i18n.Text{JA: "再発防止策の実施と確認", EN: "Carry out and check the prevention measures"}, i18n.Text{}, 0},
		{"lessons_learned", PhaseRecovery, i18n.Text{JA: "振り返りと記録の保管", EN: "Lessons learned; keep the records"}, i18n.Text{}, 0},
	},
}
