package security

import (
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// Measure ids of the catalogue. They are stable: the register, the
// causes' mapping and stored declarations refer to them.
const (
	MeasureNonRetention   = "non_retention"   // 非保持化 or PCI DSS
	MeasureAdminAccess    = "admin_access"    // admin-screen access restriction, admin ID/password management
	MeasureDataDirectory  = "data_directory"  // no exposed data directories
	MeasureWebAppVuln     = "webapp_vuln"     // web-application vulnerability measures, periodic testing
	MeasureAntiMalware    = "anti_malware"    // anti-virus software installed and run
	MeasureCardTesting    = "card_testing"    // defence against card testing / credit master attacks
	MeasureEMV3DS         = "emv_3ds"         // EMV 3-D Secure
	MeasureLoginFraud     = "login_fraud"     // unauthorised-login defences
	MeasurePatching       = "patching"        // shop software, plugins and modules patched
	MeasureAdminMFA       = "admin_mfa"       // MFA on admin logins
	MeasureWAF            = "waf"             // web application firewall
	MeasureLeastPrivilege = "least_privilege" // least-privilege access to card and personal data
	MeasureTraining       = "staff_training"  // staff training
	MeasureLogMonitoring  = "log_monitoring"  // continuous monitoring of access and operation logs
)

// Groups of measures, in the order the guideline and the pages put them.
const (
	GroupNonRetention  = "non_retention"   // card data not kept, or PCI DSS
	GroupVulnerability = "vulnerability"   // the five vulnerability measures of v6.0
	GroupFraud         = "fraud"           // fraud-use prevention (EMV 3-DS, login fraud)
	GroupPractice      = "common_practice" // what practice adds beyond the guideline
)

// Groups lists the groups in display order.
var Groups = []string{GroupNonRetention, GroupVulnerability, GroupFraud, GroupPractice}

// CatalogueVersion names this edition of the catalogue; a declaration
// prints it, and a register row keeps the version it was assessed under.
// Bump it (and CatalogueDate) whenever a measure's meaning changes.
const CatalogueVersion = "2026.12-jca6.0"

// CatalogueDate is when this edition was compiled (YYYY-MM-DD): the
// project's researched notes (shared/reference/CARD-SECURITY.md) are of
// 2026-12-02 and the catalogue was written from them on this date.
const CatalogueDate = "2026-12-07"

// SubItem is one concrete point of a measure as acquirers' forms ask it.
type SubItem struct {
	ID   string    `json:"id"`
	Text i18n.Text `json:"text"`
	// Threshold is a number the point sets (e.g. "≤10" failed logins),
	// empty when it sets none. A PSP may ask for a stricter value.
	Threshold string `json:"threshold,omitempty"`
}

// Measure is one security measure of the catalogue.
type Measure struct {
	ID    string `json:"id"`
	Group string `json:"group"`
	// Checklist: the measure is declared on the セキュリティ・チェックリスト
	// (対策措置状況申告) an EC merchant hands its acquirer or PSP.
	Checklist   bool      `json:"checklist"`
	Title       i18n.Text `json:"title"`
	Description i18n.Text `json:"description"`
	SubItems    []SubItem `json:"sub_items,omitempty"`
	// ReviewMonths is our default interval between reviews: the guideline
	// sets none, so it follows the yearly re-declaration PSPs ask for, or
	// less for what changes often (patches, logs).
	ReviewMonths int                  `json:"review_months"`
	Sources      []obligations.Source `json:"sources"`
}

// Edition is the versioned set of measures.
type Edition struct {
	Version  string    `json:"version"`
	Date     string    `json:"date"`
	Measures []Measure `json:"measures"`
}

// jcaURL is the council's security page at the Japan Consumer Credit
// Association; the exact path of the v6.0 PDFs could not be confirmed.
const jcaURL = "https://www.j-credit.or.jp/security/"

// notRead is the note of a primary text the catalogue could not read.
var notRead = &i18n.Text{
	JA: "要確認: 原文（日本クレジット協会のPDF）は取得できず未読。内容は本項の二次資料（決済代行業者の申告フォーム・解説記事）を通じて確認したもの。原文で確認のうえ確認日を記入すること。",
	EN: "Needs review: the primary text (the JCA PDF) could not be retrieved and was not read. The content was taken from the secondary sources listed here (PSP declaration forms, commentary). Check against the original and record the date read.",
}

func guideline(partJA, partEN string) obligations.Source {
	return obligations.Source{Primary: true, URL: jcaURL, Note: notRead,
		Cite: i18n.Text{JA: "クレジットカード・セキュリティガイドライン【6.0版】" + partJA, EN: "Credit Card Security Guidelines v6.0, " + partEN}}
}

func checklistDoc() obligations.Source {
	return obligations.Source{Primary: true, URL: jcaURL, Note: notRead,
		Cite: i18n.Text{JA: "セキュリティ・チェックリスト（EC加盟店における基本的なセキュリティ対策、ガイドライン付属文書）",
			EN: "Security checklist (basic security measures of EC merchants), annex to the guidelines"}}
}

// secondary is commentary, read through the project's notes.
func secondary(url, ja, en string) obligations.Source {
	return obligations.Source{URL: url, Cite: i18n.Text{JA: ja, EN: en},
		Note: &i18n.Text{JA: "二次資料。shared/reference/CARD-SECURITY.md の保存コピー経由で参照（確認日なし）。", EN: "Secondary source, read through the stored copy cited in shared/reference/CARD-SECURITY.md (no date read)."}}
}

// Secondary sources the measures share (tags of CARD-SECURITY.md).
var (
	srcF5       = secondary("https://www.f5.com/ja_jp/go/special/blog-jp/revision-of-credit-card-security-guideline-version-6", "F5 ブログ: ガイドライン6.0版の改訂解説 [S3]", "F5 blog: the v6.0 revision explained [S3]")
	srcAkuru    = secondary("https://akuru-inc.com/?p=2149", "akuru: 2025年4月から必須の対策 [S11]", "akuru: measures required from April 2025 [S11]")
	srcStripeCL = secondary("https://select-type.com/blog/payment/stripe-security-list", "SELECT: Stripe のセキュリティチェックリスト項目 [S30]", "SELECT: Stripe's security checklist items [S30]")
	srcNeo      = secondary("https://neocharge.jp/contact/henko", "NeoCharge: 申告フォーム（SCリスト対策01） [S33]", "NeoCharge: declaration form (SCリスト対策01) [S33]")
	srcPayjp    = secondary("https://help.pay.jp/ja/articles/8610808", "PAY.JP: 対策措置状況の申告方法 [S27]", "PAY.JP: how to answer the declaration [S27]")
	srcSony     = secondary("https://sonypaymentservices.jp/yougo/non-holding.html", "ソニーペイメントサービス: カード情報非保持化 [S13]", "Sony Payment Services: card data non-retention [S13]")
	srcPayjp3DS = secondary("https://pay.jp/info/2024/03/19/1100000", "PAY.JP: EMV 3-Dセキュア義務化とロードマップ [S20]", "PAY.JP: the EMV 3-DS mandate and roadmap [S20]")
	srcIssue    = obligations.Source{Cite: i18n.Text{JA: "一般的な実務（BreachDesk issue 24 の整理）", EN: "Common practice (as listed in BreachDesk issue 24)"},
		Note: &i18n.Text{JA: "ガイドラインの指針対策ではなく、一般的な実務として推奨される対策。", EN: "Not a measure the guidelines require; recommended as common practice."}}
)

var catalogue = Edition{Version: CatalogueVersion, Date: CatalogueDate, Measures: []Measure{
	{ID: MeasureNonRetention, Group: GroupNonRetention, Checklist: true, ReviewMonths: 12,
		Title: i18n.Text{JA: "カード情報の非保持化（またはPCI DSS準拠）", EN: "Card data not retained (or PCI DSS compliance)"},
		Description: i18n.Text{
			JA: "自社のサーバーや回線でカード番号を保存・処理・通過させない決済方式（リンク型またはトークン型）を使う。使えない場合はPCI DSSに準拠する。",
			EN: "Take card payments so that card numbers are never stored, processed or passed through the shop's own servers and networks (a redirect/link or token integration). Where that is impossible, comply with PCI DSS."},
		SubItems: []SubItem{
			{ID: "integration", Text: i18n.Text{JA: "決済はリンク型（決済代行業者の画面へ遷移）またはトークン型で、カード番号が自社サーバーを通らない", EN: "Payment by redirect to the PSP's page or by token: card numbers never reach the shop's server"}},
			{ID: "pci_dss", Text: i18n.Text{JA: "カード情報を扱う場合はPCI DSS準拠を維持している", EN: "Where card data is handled, PCI DSS compliance is kept up"}},
		},
		Sources: []obligations.Source{guideline("（カード情報保護対策：非保持化またはPCI DSS準拠）", "card data protection: non-retention or PCI DSS"), checklistDoc(), srcSony}},

	{ID: MeasureAdminAccess, Group: GroupVulnerability, Checklist: true, ReviewMonths: 12,
		Title: i18n.Text{JA: "管理画面のアクセス制限と管理者ID・パスワードの管理", EN: "Admin screen access restriction and admin account management"},
		Description: i18n.Text{
			JA: "ショップの管理画面に届く接続元を絞り、管理者アカウントが盗まれても使えないようにする。",
			EN: "Limit who can reach the shop's admin screen, and make a stolen admin account useless on its own."},
		SubItems: []SubItem{
			{ID: "ip_restriction", Text: i18n.Text{JA: "管理画面への接続元IPアドレスを制限する（できない場合はBasic認証等で保護する）", EN: "Allow the admin screen from listed IP addresses only (or, where that is impossible, put Basic authentication or similar in front of it)"}},
			{ID: "two_factor", Text: i18n.Text{JA: "管理者ログインに二段階または二要素認証を使う", EN: "Admin logins use two-step or two-factor authentication"}},
			{ID: "lockout", Threshold: "≤10", Text: i18n.Text{JA: "ログイン失敗が10回以下で管理者アカウントをロックする", EN: "Lock an admin account after at most 10 failed logins"}},
		},
		Sources: []obligations.Source{guideline("（脆弱性対策：管理画面のアクセス制限と管理者ID/パスワード管理）", "vulnerability measures: admin screen access and admin ID/password"), checklistDoc(), srcStripeCL, srcNeo}},

	{ID: MeasureDataDirectory, Group: GroupVulnerability, Checklist: true, ReviewMonths: 12,
		Title: i18n.Text{JA: "データディレクトリの露出防止", EN: "No exposed data directories"},
		Description: i18n.Text{
			JA: "設定ファイルやデータの書き出しが公開ディレクトリから読まれないようにし、アップロードできるファイルを限定する。",
			EN: "Keep configuration files and data exports out of publicly reachable directories, and limit which files can be uploaded."},
		SubItems: []SubItem{
			{ID: "no_public_files", Text: i18n.Text{JA: "DB接続情報やデータの書き出しなど重要なファイルを公開ディレクトリに置かない", EN: "No important files (database credentials, exports) in publicly reachable directories"}},
			{ID: "upload_limits", Text: i18n.Text{JA: "アップロードできるファイルの種類・拡張子を制限する", EN: "Only allowed file types and extensions can be uploaded"}},
		},
		Sources: []obligations.Source{guideline("（脆弱性対策：データディレクトリの露見に伴う設定不備への対策）", "vulnerability measures: misconfiguration exposing data directories"), checklistDoc(), srcStripeCL}},

	{ID: MeasureWebAppVuln, Group: GroupVulnerability, Checklist: true, ReviewMonths: 12,
		Title: i18n.Text{JA: "Webアプリケーションの脆弱性対策", EN: "Web application vulnerability measures"},
		Description: i18n.Text{
			JA: "定期的に脆弱性診断またはペネトレーションテストを受けて指摘を直し、SQLインジェクションやクロスサイトスクリプティングを防ぐ。",
			EN: "Have the site tested for vulnerabilities (assessment or penetration test) at regular intervals and fix the findings; defend against SQL injection and cross-site scripting."},
		SubItems: []SubItem{
			{ID: "periodic_test", Text: i18n.Text{JA: "脆弱性診断またはペネトレーションテストを定期的に行い、指摘を修正する（頻度は未確認のため既定は年1回）", EN: "Regular vulnerability assessment or penetration test, findings fixed (the interval is unconfirmed; yearly by default here)"}},
			{ID: "injection_xss", Text: i18n.Text{JA: "SQLインジェクションとクロスサイトスクリプティングへの対策", EN: "Defences against SQL injection and cross-site scripting"}},
			{ID: "secure_coding", Text: i18n.Text{JA: "独自開発・改修部分はセキュアコーディングとレビューを行う", EN: "Secure coding and review of custom or modified code"}},
		},
		Sources: []obligations.Source{guideline("（脆弱性対策：Webアプリケーションの脆弱性対策）", "vulnerability measures: web application vulnerabilities"), checklistDoc(), srcF5}},

	{ID: MeasureAntiMalware, Group: GroupVulnerability, Checklist: true, ReviewMonths: 12,
		Title: i18n.Text{JA: "マルウェア対策（ウイルス対策ソフトの導入と運用）", EN: "Anti-malware (antivirus installed and run)"},
		Description: i18n.Text{
			JA: "ショップの運営に使う端末やサーバーにウイルス対策ソフトを入れ、定義を更新し、定期的に検査する。",
			EN: "Install antivirus software on the devices and servers that run the shop, keep its signatures current and scan regularly."},
		SubItems: []SubItem{
			{ID: "installed_updated", Text: i18n.Text{JA: "導入済み・定義ファイル更新・定期スキャン（細目は未確認）", EN: "Installed, signatures updated, regular scans (exact sub-items unconfirmed)"}},
		},
		Sources: []obligations.Source{guideline("（脆弱性対策：マルウェア対策）", "vulnerability measures: anti-malware"), checklistDoc(), srcPayjp}},

	{ID: MeasureCardTesting, Group: GroupVulnerability, Checklist: true, ReviewMonths: 12,
		Title: i18n.Text{JA: "悪質な有効性確認・クレジットマスターへの対策", EN: "Defence against card testing and credit-master attacks"},
		Description: i18n.Text{
			JA: "大量のカード番号を試す攻撃を止める仕組みを持つ。例：ボット対策、不正検知サービス、セキュリティコード入力、IP・会員ごとの試行回数制限と自動遮断。",
			EN: "Have controls that stop attackers trying many card numbers, e.g. bot defence, a fraud-detection service, security-code entry, attempt limits per IP address or member with automatic blocking."},
		Sources: []obligations.Source{guideline("（脆弱性対策：悪質な有効性確認、クレジットマスターへの対策）", "vulnerability measures: card testing and credit master"), checklistDoc(), srcF5}},

	{ID: MeasureEMV3DS, Group: GroupFraud, ReviewMonths: 12,
		Title: i18n.Text{JA: "EMV 3-Dセキュアの導入", EN: "EMV 3-D Secure in place"},
		Description: i18n.Text{
			JA: "カード決済で本人認証（EMV 3-Dセキュア）を行う。原則としてすべてのEC加盟店に求められている。チェックリストの申告項目かは未確認。",
			EN: "Authenticate the cardholder (EMV 3-D Secure) on card payments; in principle every EC merchant is expected to. Whether it is a checklist item is unconfirmed."},
		Sources: []obligations.Source{guideline("（不正利用対策：EMV 3-Dセキュア）", "fraud prevention: EMV 3-D Secure"), srcPayjp3DS, srcAkuru}},

	{ID: MeasureLoginFraud, Group: GroupFraud, Checklist: true, ReviewMonths: 12,
		Title: i18n.Text{JA: "不正ログイン対策", EN: "Defences against unauthorised logins"},
		Description: i18n.Text{
			JA: "会員登録・ログイン・登録情報の変更の各場面で、なりすましを防ぐ対策を少なくとも一つ行う（多要素認証、ログイン通知、失敗回数の制限など）。",
			EN: "Take at least one measure against account takeover at sign-up, login and change of account details (multi-factor authentication, login notifications, failed-login limits and the like)."},
		SubItems: []SubItem{
			{ID: "registration", Text: i18n.Text{JA: "会員登録時の対策", EN: "At member registration"}},
			{ID: "login", Text: i18n.Text{JA: "ログイン時の対策", EN: "At login"}},
			{ID: "attribute_change", Text: i18n.Text{JA: "メールアドレス・パスワード・住所・カード等の変更時の対策", EN: "When e-mail, password, address or card details change"}},
		},
		Sources: []obligations.Source{guideline("（不正利用対策：不正ログイン対策、附属文書20）", "fraud prevention: unauthorised logins, annex 20"), checklistDoc(), srcPayjp, srcAkuru}},

	{ID: MeasurePatching, Group: GroupPractice, ReviewMonths: 3,
		Title:       i18n.Text{JA: "ショップソフト・プラグインの更新", EN: "Shop software and plugins patched"},
		Description: i18n.Text{JA: "ECパッケージ、プラグイン、モジュール、OS・ミドルウェアの更新を追い、脆弱性の修正を速やかに当てる。", EN: "Track updates of the shop package, its plugins and modules, the OS and middleware, and apply security fixes promptly."},
		Sources:     []obligations.Source{srcIssue}},
	{ID: MeasureAdminMFA, Group: GroupPractice, ReviewMonths: 12,
		Title:       i18n.Text{JA: "管理者ログインの多要素認証", EN: "Multi-factor authentication for admin logins"},
		Description: i18n.Text{JA: "ショップ、サーバー、決済代行業者の管理画面など、すべての管理者ログインで多要素認証を使う。", EN: "Use multi-factor authentication on every admin login: the shop, the servers, the PSP's merchant console."},
		Sources:     []obligations.Source{srcIssue}},
	{ID: MeasureWAF, Group: GroupPractice, ReviewMonths: 12,
		Title:       i18n.Text{JA: "WAF（Webアプリケーションファイアウォール）", EN: "Web application firewall"},
		Description: i18n.Text{JA: "サイトの前にWAFを置き、攻撃の通信を止めて記録する。", EN: "Put a web application firewall in front of the site to block and record attack traffic."},
		Sources:     []obligations.Source{srcIssue}},
	{ID: MeasureLeastPrivilege, Group: GroupPractice, ReviewMonths: 6,
		Title:       i18n.Text{JA: "カード情報・個人情報への最小権限", EN: "Least-privilege access to card and personal data"},
		Description: i18n.Text{JA: "カード情報や個人情報に触れられる人と権限を業務に必要な範囲に絞り、定期的に見直す。", EN: "Give access to card and personal data only to the people and rights the work needs, and review the list regularly."},
		Sources:     []obligations.Source{srcIssue}},
	{ID: MeasureTraining, Group: GroupPractice, ReviewMonths: 12,
		Title:       i18n.Text{JA: "従業員への教育", EN: "Staff training"},
		Description: i18n.Text{JA: "ショップの運営に関わる従業員・委託先に、情報の扱いと不審な事象の報告方法を教える。", EN: "Train staff and contractors who run the shop in handling data and in reporting anything suspicious."},
		Sources:     []obligations.Source{srcIssue}},
	{ID: MeasureLogMonitoring, Group: GroupPractice, ReviewMonths: 3,
		Title:       i18n.Text{JA: "アクセス・操作ログの継続的な監視", EN: "Continuous monitoring of access and operation logs"},
		Description: i18n.Text{JA: "管理画面・サーバーのアクセスログと操作ログを保存し、不審な操作やファイル改ざんに気づける仕組みを持つ。", EN: "Keep access and operation logs of the admin screen and servers, and watch them so that suspicious actions or altered files are noticed."},
		Sources:     []obligations.Source{srcIssue}},
}}

// byID indexes the catalogue.
var byID = func() map[string]*Measure {
	m := make(map[string]*Measure, len(catalogue.Measures))
	for i := range catalogue.Measures {
		m[catalogue.Measures[i].ID] = &catalogue.Measures[i]
	}
	return m
}()

// Catalogue returns the catalogue: version, date and measures in display
// order. The slice is a copy, so callers cannot change the catalogue.
func Catalogue() Edition {
	c := catalogue
	c.Measures = append([]Measure(nil), catalogue.Measures...)
	return c
}

// MeasureByID returns the measure with id, and whether it exists.
func MeasureByID(id string) (Measure, bool) {
	m, ok := byID[id]
	if !ok {
		return Measure{}, false
	}
	return *m, true
}

// ChecklistMeasures returns the measures declared on the checklist, in
// catalogue order.
func ChecklistMeasures() []Measure {
	var out []Measure
	for _, m := range catalogue.Measures {
		if m.Checklist {
			out = append(out, m)
		}
	}
	return out
}
