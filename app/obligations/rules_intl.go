package obligations

import (
	"fmt"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// International rules (RULES.md section D, except the US states): GDPR,
// UK GDPR, Singapore, Korea, Australia, Canada. Each applies when the
// residents map lists persons of that jurisdiction; thresholds use that
// jurisdiction's resident count.

var gdprCommentary = []Source{commentary("source.commonaccord.org (GDPR)", "http://source.commonaccord.org/"), commentary("gdprhub.eu", "https://gdprhub.eu/")}

var (
	srcGDPR = read(secondReview, "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
		"GDPR（規則(EU) 2016/679）33条・34条", "GDPR (Regulation (EU) 2016/679), Arts. 33–34",
		tx("source.commonaccord.org及びbetterregulation.comの全文写しで読了", "read through the full-text copies on source.commonaccord.org and betterregulation.com"))
	srcUKGDPR = unread("https://www.legislation.gov.uk/eur/2016/679/contents",
		"UK GDPR 33条・34条", "UK GDPR, Arts. 33–34",
		tx("第二次確認では未読。EU GDPRと同文として扱っています。", "Not read in the second review; taken to match the EU text."))
)

// encryptionSafe reports whether the encryption safe harbour applies, and
// flags the unknowns that could make it apply.
func encryptionSafe(c *evalCtx) bool {
	switch {
	case c.f.HighLevelEncryption.IsTrue() && c.f.KeyCompromised.IsFalse():
		return true
	case c.f.HighLevelEncryption.IsTrue():
		c.rs.add(ReviewKeyCompromiseUnknown, "key_compromised", tx(
			"暗号鍵の漏えいの有無が不明です。鍵が漏えいしていなければ暗号化による除外が適用される可能性があります。除外しない前提で計算しています。",
			"Unknown whether the encryption key leaked. If it did not, the encryption exclusion may apply; the engine assumes it does not."))
	case c.f.HighLevelEncryption.IsUnknown():
		c.rs.add(ReviewEncryptionUnknown, "high_level_encryption", encryptionUnknownText)
	}
	return false
}

// harmLikely stands in for the "serious/significant harm" tests of AU, SG
// and Canada, which the facts do not capture directly: sensitive data or a
// financial-damage risk make harm likely; otherwise the rule still applies
// provisionally and asks for the harm assessment.
func harmLikely(c *evalCtx, j Jurisdiction, test i18n.Text) (provisional bool) {
	if c.f.EffectiveSensitive().Or(c.f.EffectiveFinancialDamageRisk()).IsTrue() {
		return false
	}
	c.rs.add(ReviewHarmAssessment, "residents."+string(j), tx(
		string(j)+": "+test.JA+"の評価が必要です。要配慮情報・財産的被害のおそれがないため、該当する前提で暫定的に表示しています。",
		string(j)+": assess "+test.EN+". Without sensitive data or financial-damage risk the engine cannot tell; the obligation is shown provisionally."))
	return true
}

// residentsWhy explains a residents-based trigger.
func residentsWhy(j Jurisdiction, n int64) i18n.Text {
	return tx(fmt.Sprintf("%s の居住者 %d 人が対象。", j, n), fmt.Sprintf("%d residents of %s affected.", n, j))
}

// gdprRules builds Art. 33 and 34 for the EU or the UK: the texts are the
// same, only the recipient differs. Both read Facts.EURisk.
func gdprRules(j Jurisdiction, prefix string, authority i18n.Text, basis33, basis34, basis332 i18n.Text, primary Source) []Rule {
	srcs := sources([]Source{primary}, gdprCommentary)
	art33 := func(c *evalCtx) verdict {
		n := c.f.residents(j)
		if n <= 0 || actsForOther(c) {
			return no
		}
		why := residentsWhy(j, n)
		switch c.f.EURisk {
		case EURiskNone:
			return no
		case EURiskUnknown:
			c.rs.add(ReviewEURiskUnknown, "eu_risk", tx(
				"GDPR（EU・英国）のリスク評価が未入力です。リスクあり（72時間以内の報告が必要）と仮定しています。高リスクなら本人通知（34条）も必要です。",
				"The GDPR (EU/UK) risk assessment is missing. The engine assumes a risk (report within 72 h); a high risk also requires notifying the people (Art. 34)."))
			return verdict{applies: true, provisional: true, why: join(why, tx("リスク評価は未確定（リスクありと仮定）。", "Risk unknown (assumed)."))}
		}
		return verdict{applies: true, why: join(why, tx("リスク評価: "+string(c.f.EURisk)+"。", "Risk assessment: "+string(c.f.EURisk)+"."))}
	}
	art34 := func(c *evalCtx) verdict {
		n := c.f.residents(j)
		if n <= 0 || c.f.EURisk != EURiskHigh || encryptionSafe(c) || actsForOther(c) {
			return no
		}
		return verdict{applies: true, why: join(residentsWhy(j, n), tx("高リスク。", "High risk."))}
	}
	return []Rule{
		{
			ID: prefix + ".art33", Jurisdiction: j, Recipient: authority,
			Trigger: tx("個人データ侵害（リスクを生じさせる可能性が低い場合を除く）", "Any personal-data breach unless unlikely to result in a risk"),
			Deadline: Deadline{Kind: KindHours, N: 72, Text: tx(
				"不当な遅滞なく、可能な場合は知った時から72時間以内（遅れた場合は理由を付す。段階的報告可）",
				"Without undue delay and, where feasible, not later than 72 hours after becoming aware; give reasons if late; may report in phases")},
			ClockStart: tx("侵害を知った時点（分単位）", "Becoming aware of the breach (to the minute)"),
			Content: []i18n.Text{
				tx("(a) 侵害の性質（本人・記録の種類と概数を含む）", "(a) Nature of the breach, incl. categories and approximate numbers of people and records"),
				tx("(b) DPO又は連絡窓口", "(b) DPO or other contact point"),
				tx("(c) 生じうる結果", "(c) Likely consequences"),
				tx("(d) 講じた又は講じる予定の措置", "(d) Measures taken or proposed"),
				tx("すべての侵害を記録（33条5項）", "Record every breach (Art. 33(5))"),
			},
			Basis: basis33, Sources: srcs,
			Caveat: caveat("⚠ 提案 COM(2025) 837（96時間・閾値引上げ）は未成立。", "⚠ Proposal COM(2025) 837 (96 h, higher threshold) is not law."),
			when:   art33,
		},
		{
			ID: prefix + ".art34", Jurisdiction: j, Recipient: tx("影響を受ける本人", "Affected people"),
			Trigger: tx("高リスク（例外: 暗号化等で理解不能、事後措置で高リスク解消、過大な労力→公表で代替）",
				"High risk (exceptions: data unintelligible, e.g. encrypted; later measures remove the high risk; disproportionate effort → public communication)"),
			Deadline:   Deadline{Kind: KindPromptly, Text: tx("不当な遅滞なく", "Without undue delay")},
			ClockStart: tx("侵害を知った時点", "Becoming aware of the breach"),
			Content: []i18n.Text{
				tx("平易な言葉による侵害の性質", "Nature of the breach in clear and plain language"),
				tx("DPO又は連絡窓口", "DPO or other contact point"),
				tx("生じうる結果", "Likely consequences"),
				tx("講じた又は講じる予定の措置", "Measures taken or proposed"),
			},
			Basis: basis34, Sources: srcs,
			when: art34,
		},
		{
			ID: prefix + ".processor", Jurisdiction: j, Recipient: tx("管理者（controller）", "The controller"),
			Trigger:    tx("処理者（processor）として個人データ侵害を知った場合（リスクの程度を問わない）", "The organisation is a processor and becomes aware of a personal-data breach (whatever the risk)"),
			Deadline:   Deadline{Kind: KindPromptly, Text: tx("知った後、不当な遅滞なく", "Without undue delay after becoming aware")},
			ClockStart: tx("侵害を知った時点", "Becoming aware of the breach"),
			Content: []i18n.Text{
				tx("侵害の性質（本人・記録の種類と概数）", "Nature of the breach (categories and approximate numbers of people and records)"),
				tx("連絡窓口", "Contact point"),
				tx("講じた措置", "Measures taken"),
			},
			Basis: basis332, Sources: srcs,
			Caveat: caveat("監督機関への報告（33条1項）と本人への連絡（34条）は管理者が行います。通知事項は管理者が33条3項の報告に使う事項（処理者契約の定めに従う）。",
				"The controller reports to the supervisory authority (Art. 33(1)) and tells the people (Art. 34). Give what the controller needs for its Art. 33(3) report (as the processing contract provides)."),
			when: func(c *evalCtx) verdict {
				n := c.f.residents(j)
				if n <= 0 || !c.f.EntrustedProcessor.IsTrue() {
					return no
				}
				return verdict{applies: true, why: join(residentsWhy(j, n), tx("処理者として取り扱っている。", "The organisation is a processor."))}
			},
		},
	}
}

// actsForOther reports whether the organisation handles the data for
// another business (a processor under GDPR Art. 33(2); under the US state
// laws the party that maintains data it does not own), which then owes
// notice to that business instead of to the regulator and the people.
// While that is unknown the organisation is taken to report itself, and a
// review note names the shorter duty it may owe instead.
func actsForOther(c *evalCtx) bool {
	switch {
	case c.f.EntrustedProcessor.IsTrue():
		return true
	case c.f.EntrustedProcessor.IsUnknown():
		c.rs.add(ReviewProcessorRole, "entrusted_processor", tx(
			"他社の委託を受けて（処理者として）取り扱っているかが不明です。GDPRと米国州法では、他社のためにデータを処理・保持する者は管理者・所有者に通知し（GDPRは不当な遅滞なく、カリフォルニア・ニューヨーク・テキサス・ワシントンは直ちに、フロリダは10日以内、コロラドは速やかに）、当局・本人への通知は管理者・所有者が行います。自社が通知する前提で計算しています。",
			"Unknown whether the organisation handles the data for another business (as a processor). Under GDPR and the US state laws, a party that processes or maintains data for another notifies that controller or owner (GDPR without undue delay; California, New York, Texas and Washington immediately; Florida within 10 days; Colorado promptly), and the controller or owner tells the regulator and the people. The engine assumes the organisation notifies them itself."))
	}
	return false
}

func intlRules() []Rule {
	rules := gdprRules(EU, "eu.gdpr",
		tx("主監督機関（リード監督機関）", "Lead supervisory authority"),
		tx("GDPR 33条", "GDPR Art. 33"), tx("GDPR 34条", "GDPR Art. 34"), tx("GDPR 33条2項", "GDPR Art. 33(2)"), srcGDPR)
	rules = append(rules, gdprRules(UK, "uk.gdpr",
		tx("英国情報コミッショナー（ICO）", "Information Commissioner's Office (ICO)"),
		tx("UK GDPR 33条", "UK GDPR Art. 33"), tx("UK GDPR 34条", "UK GDPR Art. 34"), tx("UK GDPR 33条2項", "UK GDPR Art. 33(2)"), srcUKGDPR)...)
	notReread := tx("第二次確認では未読（RULES.md D節の記載による）。", "Not read in the second review (per RULES.md section D).")
	sgSources := []Source{
		read(secondReview, "https://sso.agc.gov.sg/Act/PDPA2012?ProvIds=P16A-", "Personal Data Protection Act 2012 第6A部（26A～26E条）",
			"Personal Data Protection Act 2012, Part 6A (ss 26A–26E)", tx("Singapore Statutes Onlineの条文を公開の調査メモの逐語引用（2026-10-09取得）で読了", "Singapore Statutes Online text read through a public research note's verbatim quotes (taken 2026-10-09)")),
		read(secondReview, "https://sso.agc.gov.sg/SL/PDPA2012-S64-2021", "Personal Data Protection (Notification of Data Breaches) Regulations 2021",
			"Personal Data Protection (Notification of Data Breaches) Regulations 2021", tx("4条（500人）・5条のみ、同じ調査メモの逐語引用で読了", "regs 4 (500 persons) and 5 only, read through the same note's verbatim quotes")),
		commentary("PDPA ss26A–26E + Regs 2021 (quoted in public notes)", ""),
	}
	sgHarm := tx("重大な損害（significant harm）", "significant harm")
	// The Korean texts were read in a public research note that quotes
	// law.go.kr verbatim (as amended, in force 2026-09-11; quotes taken
	// 2026-10-09); the note itself is not cited as a source of law.
	viaKRNote := tx("law.go.krの条文を公開の調査メモの逐語引用（2026-10-09取得）で読了", "law.go.kr text read through a public research note's verbatim quotes (taken 2026-10-09)")
	krSources := []Source{
		read(secondReview, "https://www.law.go.kr/LSW/lsInfoP.do?lsId=011357", "개인정보 보호법（個人情報保護法、法律第21445号、2026-09-11施行）34条1項・2項・4項",
			"Personal Information Protection Act (PIPA, Act No. 21445, in force 2026-09-11), Art. 34(1), (2), (4)", viaKRNote),
		read(secondReview, "https://www.law.go.kr/LSW/lsInfoP.do?lsiSeq=289537", "개인정보 보호법 시행령（施行令、大統領令第36671号、2026-09-11施行）39条・39条の2・40条",
			"PIPA Enforcement Decree (Presidential Decree No. 36671, in force 2026-09-11), Arts. 39, 39-2, 40", viaKRNote),
		read(secondReview, "https://www.pipc.go.kr/np/cop/bbs/selectBoardArticle.do?bbsId=BS074&mCode=C020010000&nttId=12459",
			"個人情報保護委員会（PIPC）報道資料 2026-09-10（改正法・施行令の9月11日施行）", "PIPC press release of 2026-09-10 (amended Act and Decree in force from 11 September)", viaKRNote),
		commentary("segye.com 2026-03-09", "https://m.segye.com/view/20260309514460"),
		commentary("donga.com 2026-03-09", "https://www.donga.com/news/Economy/article/all/20260309/133492828/1"),
	}
	krCaveat := caveat("2026-09-11施行の改正により、報告規定は34条4項（旧3項）。施行令40条1項の報告事由は1,000人以上、センシティブ情報・固有識別情報、外部からの不法な接近のいずれかで、内部者による持ち出しだけでは該当しません。回収・削除等で権益侵害の可能性が著しく低くなった場合は報告しないことができます（同項ただし書）。偽造・改ざん・毀損（ランサムウェア等）も報告対象です。",
		"Since the amendment in force on 2026-09-11 the report is Art. 34(4) (formerly (3)). Decree Art. 40(1) requires it for 1,000 or more people, sensitive or unique-ID data, or unlawful access from outside; insider theft alone does not qualify. It may be omitted where retrieval or deletion has made harm markedly unlikely (proviso). Forgery, alteration and damage (e.g. ransomware) are reported too.")
	krContent := []i18n.Text{
		tx("漏えいした項目", "Items leaked"),
		tx("漏えいの時期と経緯", "When and how"),
		tx("本人がとりうる対策", "What people can do"),
		tx("事業者の対応と被害救済の方法（損害賠償請求・紛争調整の申請）", "The handler's response and the remedies (damages claim, dispute mediation)"),
		tx("相談窓口", "Contact desk"),
	}
	auHarm := tx("重大な損害（serious harm）のおそれ", "likely serious harm")
	caHarm := tx("重大な損害の現実的なリスク（RROSH）", "a real risk of significant harm (RROSH)")
	return append(rules,
		Rule{
			ID: "sg.pdpa.assessment", Jurisdiction: SG, Recipient: tx("自社（通知要否の評価）", "The organisation itself (assessment)"),
			Trigger:    tx("シンガポール居住者のデータ侵害（のおそれ）", "A (suspected) data breach affecting Singapore residents"),
			Deadline:   Deadline{Kind: KindDaysAfter, N: 30, Text: tx("合理的かつ迅速に評価（PDPCは30日以内を期待）", "Assess reasonably and expeditiously (PDPC expects within 30 days)")},
			ClockStart: tx("侵害のおそれを知った時点", "Becoming aware of the suspected breach"),
			Content:    []i18n.Text{tx("通知対象（重大な損害又は500人以上）かの評価と記録", "Assessment (significant harm or ≥500 people) and its record")},
			Basis:      tx("PDPA 26C条", "PDPA s26C"), Guideline: true, Zone: "Asia/Singapore",
			Sources: sgSources,
			when: func(c *evalCtx) verdict {
				if n := c.f.residents(SG); n > 0 {
					return verdict{applies: true, why: residentsWhy(SG, n)}
				}
				return no
			},
		},
		Rule{
			ID: "sg.pdpa.pdpc", Jurisdiction: SG, Recipient: tx("個人情報保護委員会（PDPC、シンガポール）", "Personal Data Protection Commission (PDPC)"),
			Trigger: tx("重大な損害又は500人以上", "Significant harm, or 500 or more people"),
			Deadline: Deadline{Kind: KindDaysAfter, N: 33, Text: tx(
				"評価完了後3日以内（表示日は評価に30日を要した場合の最終日）",
				"Within 3 calendar days after the assessment (the date shown assumes the full 30-day assessment)")},
			ClockStart: tx("通知対象と評価した時点", "Concluding the breach is notifiable"),
			Content: []i18n.Text{
				tx("事実関係、日付と発見経緯", "Facts, dates and how discovered"),
				tx("影響人数", "Number affected"),
				tx("データの種類", "Data involved"),
				tx("生じうる損害", "Possible harm"),
				tx("救済措置", "Remedies"),
				tx("本人がとるべき措置", "Steps for individuals"),
				tx("連絡先", "Contact"),
			},
			Basis:     tx("PDPA 26D条、Personal Data Protection (Notification of Data Breaches) Regulations 2021", "PDPA s26D; Personal Data Protection (Notification of Data Breaches) Regulations 2021"),
			Guideline: true, Zone: "Asia/Singapore", Sources: sgSources,
			Caveat: caveat("⚠ 規則2021の記載事項は公開メモからの引用です。評価が早く終われば期限も早まります。", "⚠ The Regulations 2021 items are quoted from public notes. An earlier assessment makes the deadline earlier."),
			when: func(c *evalCtx) verdict {
				n := c.f.residents(SG)
				if n <= 0 {
					return no
				}
				if n >= 500 {
					return verdict{applies: true, why: join(residentsWhy(SG, n), tx("500人以上。", "500 or more."))}
				}
				return verdict{applies: true, provisional: harmLikely(c, SG, sgHarm), why: residentsWhy(SG, n)}
			},
		},
		Rule{
			ID: "sg.pdpa.individuals", Jurisdiction: SG, Recipient: tx("影響を受ける本人（シンガポール）", "Affected individuals (Singapore)"),
			Trigger:    tx("重大な損害（例外: 事前の暗号化、救済措置、法執行機関・PDPCの指示）", "Significant harm (exceptions: prior encryption, remedial action, told not to by law enforcement or the PDPC)"),
			Deadline:   Deadline{Kind: KindPromptly, Text: tx("PDPCへの通知と同時又はその後", "At the same time as or after notifying the PDPC")},
			ClockStart: tx("通知対象と評価した時点", "Concluding the breach is notifiable"),
			Content:    []i18n.Text{tx("侵害の内容、本人がとるべき措置、連絡先", "What happened, steps for individuals, contact")},
			Basis:      tx("PDPA 26D条", "PDPA s26D"), Zone: "Asia/Singapore", Sources: sgSources,
			when: func(c *evalCtx) verdict {
				n := c.f.residents(SG)
				if n <= 0 || encryptionSafe(c) {
					return no
				}
				return verdict{applies: true, provisional: harmLikely(c, SG, sgHarm), why: residentsWhy(SG, n)}
			},
		},
		Rule{
			ID: "kr.pipa.individuals", Jurisdiction: KR, Recipient: tx("影響を受ける本人（韓国）", "Affected people (Korea)"),
			Trigger:    tx("個人情報の漏えい等（偽造・改ざん・毀損を含む）又はその可能性（人数を問わない）", "Any leak, forgery, alteration or damage of personal information, or the possibility of one (any number of people)"),
			Deadline:   Deadline{Kind: KindHours, N: 72, Text: tx("知った時から72時間以内", "Within 72 hours of awareness")},
			ClockStart: tx("漏えいを知った時点", "Becoming aware of the leak"),
			Content:    krContent,
			Basis:      tx("個人情報保護法（韓国）34条1項・2項、施行令39条・39条の2", "PIPA Art. 34(1)–(2); Enforcement Decree Arts. 39, 39-2"),
			Sources:    krSources,
			Caveat: caveat("連絡先が不明な場合はウェブサイトに30日以上掲示（施行令39条3項）。2026-09-11施行の改正により、漏えい等の可能性がある場合もその可能性のあるすべての本人に通知し（34条2項、施行令39条の2）、通知には損害賠償・紛争調整などの救済手段も記載します。",
				"If contacts are unknown: website posting for at least 30 days (Decree Art. 39(3)). Since the amendment in force on 2026-09-11, a possible leak is notified to everyone possibly affected (Art. 34(2), Decree Art. 39-2), and the notice names the remedies (damages, dispute mediation)."),
			when: func(c *evalCtx) verdict {
				if n := c.f.residents(KR); n > 0 {
					return verdict{applies: true, why: residentsWhy(KR, n)}
				}
				return no
			},
		},
		Rule{
			ID: "kr.pipa.pipc", Jurisdiction: KR, Recipient: tx("個人情報保護委員会（PIPC）又は韓国インターネット振興院（KISA）", "PIPC or KISA"),
			Trigger:    tx("1,000人以上、センシティブ情報・固有識別情報、又は外部からの不法な接近（ハッキング。内部者による持ち出しは含まない。人数を問わない）", "1,000 or more people, sensitive or unique-ID data, or unlawful access from outside (hacking; not insider theft; any number)"),
			Deadline:   Deadline{Kind: KindHours, N: 72, Text: tx("知った時から72時間以内（一部報告の後、追加可）", "Within 72 hours of awareness (partial report allowed, then add the rest)")},
			ClockStart: tx("漏えいを知った時点", "Becoming aware of the leak"),
			Content:    krContent,
			Basis:      tx("個人情報保護法（韓国）34条4項、施行令40条1項", "PIPA Art. 34(4); Enforcement Decree Art. 40(1)"),
			Sources:    krSources, Caveat: krCaveat,
			when: krReport,
		},
		Rule{
			ID: "au.ndb.assessment", Jurisdiction: AU, Recipient: tx("自社（適格データ侵害の評価）", "The organisation itself (assessment)"),
			Trigger:    tx("適格データ侵害のおそれ（APP対象事業者）", "A suspected eligible data breach (APP entities)"),
			Deadline:   Deadline{Kind: KindDaysAfter, N: 30, Text: tx("30日以内に評価", "Assess within 30 days")},
			ClockStart: tx("侵害のおそれを知った時点", "Becoming aware of the suspected breach"),
			Content:    []i18n.Text{tx("重大な損害のおそれの評価", "Assessment of likely serious harm")},
			Basis:      tx("Privacy Act 1988 26WH条", "Privacy Act 1988 s26WH"), Zone: "Australia/Sydney",
			Sources: []Source{
				unread("https://www.legislation.gov.au/C2004A03712/latest", "Privacy Act 1988 (Cth) 26WH・26WK・26WL条", "Privacy Act 1988 (Cth), ss 26WH, 26WK, 26WL", notReread),
				commentary("zoelaw.ai 26WK", ""), commentary("rulesmate.com.au", ""),
			},
			Caveat: caveat("APP対象事業者（年商300万豪ドル超等）のみ。", "Applies to APP entities only (turnover above A$3M, plus exceptions)."),
			when: func(c *evalCtx) verdict {
				if n := c.f.residents(AU); n > 0 {
					return verdict{applies: true, why: residentsWhy(AU, n)}
				}
				return no
			},
		},
		Rule{
			ID: "au.ndb.notify", Jurisdiction: AU, Recipient: tx("豪州情報コミッショナー（OAIC）及び本人", "OAIC and the affected individuals"),
			Trigger:    tx("適格データ侵害（重大な損害のおそれ）", "An eligible data breach (likely serious harm)"),
			Deadline:   Deadline{Kind: KindPromptly, Text: tx("実行可能な限り速やかに", "As soon as practicable")},
			ClockStart: tx("適格データ侵害と判断した時点", "Determining an eligible data breach"),
			Content: []i18n.Text{
				tx("事業者の名称と連絡先", "Identity and contact details"),
				tx("侵害の内容", "Description of the breach"),
				tx("情報の種類", "Kinds of information"),
				tx("本人への推奨措置", "Recommended steps for individuals"),
			},
			Basis: tx("Privacy Act 1988 26WK条・26WL条", "Privacy Act 1988 s26WK, s26WL"), Zone: "Australia/Sydney",
			Sources: []Source{
				unread("https://www.legislation.gov.au/C2004A03712/latest", "Privacy Act 1988 (Cth) 26WH・26WK・26WL条", "Privacy Act 1988 (Cth), ss 26WH, 26WK, 26WL", notReread),
				commentary("zoelaw.ai 26WK", ""), commentary("rulesmate.com.au", ""),
			},
			Caveat: caveat("APP対象事業者（年商300万豪ドル超等）のみ。", "Applies to APP entities only (turnover above A$3M, plus exceptions)."),
			when: func(c *evalCtx) verdict {
				n := c.f.residents(AU)
				if n <= 0 {
					return no
				}
				return verdict{applies: true, provisional: harmLikely(c, AU, auHarm), why: residentsWhy(AU, n)}
			},
		},
		Rule{
			ID: "ca.pipeda.notify", Jurisdiction: CA, Recipient: tx("カナダ・プライバシーコミッショナー（OPC）及び本人（損害を軽減できる機関を含む）", "Office of the Privacy Commissioner (OPC) and the affected individuals (and bodies able to reduce the harm)"),
			Trigger:    tx("重大な損害の現実的なリスク（RROSH）", "Real risk of significant harm (RROSH)"),
			Deadline:   Deadline{Kind: KindPromptly, Text: tx("侵害と判断した後、実行可能な限り速やかに", "As soon as feasible after determining the breach")},
			ClockStart: tx("侵害と判断した時点", "Determining that a breach occurred"),
			Content: []i18n.Text{
				tx("経緯と原因", "Circumstances and cause"),
				tx("日付又は期間", "Date or period"),
				tx("個人情報の内容", "Personal information involved"),
				tx("影響人数", "Number affected"),
				tx("軽減措置", "Mitigation"),
				tx("本人への通知計画", "Notice plan"),
				tx("連絡先（本人向けにはとりうる措置、フリーダイヤル、苦情申立権も）", "Contact (for individuals also steps they can take, toll-free contact, complaint rights)"),
			},
			Basis: tx("PIPEDA 10.1条、Breach of Security Safeguards Regulations", "PIPEDA s.10.1; Breach of Security Safeguards Regulations"),
			Sources: []Source{
				unread("https://laws-lois.justice.gc.ca/eng/acts/P-8.6/", "PIPEDA 10.1条、Breach of Security Safeguards Regulations", "PIPEDA s 10.1; Breach of Security Safeguards Regulations", notReread),
				commentary("priv.gc.ca gd_pb_201810", "https://www.priv.gc.ca/"),
			},
			Caveat: caveat("すべての侵害の記録を24か月保存。", "Keep records of all breaches for 24 months."),
			when: func(c *evalCtx) verdict {
				n := c.f.residents(CA)
				if n <= 0 {
					return no
				}
				return verdict{applies: true, provisional: harmLikely(c, CA, caHarm), why: residentsWhy(CA, n)}
			},
		},
	)
}

// krReport is the PIPC/KISA report trigger of Decree Art. 40(1): 1,000 or
// more Korean residents, sensitive or unique-ID data, or unlawful access
// from outside to the processing system (hacking). Insider theft is a
// wrongful purpose under APPI but not "access from outside", so it does
// not report on its own.
func krReport(c *evalCtx) verdict {
	n := c.f.residents(KR)
	if n <= 0 {
		return no
	}
	why := residentsWhy(KR, n)
	ext := c.f.EffectiveExternalAccess()
	switch {
	case n >= 1000:
		return verdict{applies: true, why: join(why, tx("1,000人以上。", "1,000 or more."))}
	case c.f.EffectiveSensitive().IsTrue():
		return verdict{applies: true, why: join(why, tx("センシティブ情報を含む。", "Sensitive data involved."))}
	case c.f.HasAny(uniqueIDItems...):
		return verdict{applies: true, why: join(why, tx("固有識別情報を含む。", "Unique-ID data involved."))}
	case ext.IsTrue():
		return verdict{applies: true, why: join(why, tx("外部からの不法な接近（ハッキング）による漏えい。", "Leak by unlawful access from outside (hacking)."))}
	case c.f.EffectiveSensitive().IsUnknown() || ext.IsUnknown():
		c.rs.add(ReviewKRReportUnknown, "residents.KR", tx(
			"韓国: センシティブ情報の有無、又は外部からの不法な接近（ハッキング。内部者による持ち出しは含まない）によるかが不明です。該当すればPIPC/KISAへの報告が必要なため、報告する前提で表示しています。",
			"Korea: unknown whether sensitive data is involved or whether the leak came from unlawful access from outside (hacking; insider theft does not count); either requires a report to PIPC/KISA, so the report is shown."))
		return verdict{applies: true, provisional: true, why: why}
	}
	return no
}
