package obligations

import "github.com/breachdesk/breachdesk/app/i18n"

// Japanese rules: APPI (個人情報保護法), the Installment Sales Act (割賦販売法)
// and the card/police practice of RULES.md sections A and B, each citing
// the primary text it rests on (sources.go).

// ppcReportItems are the nine items of 施行規則8条1項, in the order of the
// report form (別記様式第一). The same list serves 速報 and 確報.
var ppcReportItems = []i18n.Text{
	tx("概要", "Summary of the incident"),
	tx("漏えい等が発生し、又は発生したおそれがある個人データの項目", "Data items leaked or possibly leaked"),
	tx("漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数", "Number of people affected"),
	tx("原因", "Cause"),
	tx("二次被害又はそのおそれの有無及びその内容", "Whether secondary harm (or a risk of it) exists, and what it is"),
	tx("本人への対応の実施状況", "Status of measures for the people affected"),
	tx("公表の実施状況", "Status of public announcement"),
	tx("再発防止のための措置", "Measures to prevent recurrence"),
	tx("その他参考となる事項", "Other relevant information"),
}

// individualNoticeItems are items 1, 2, 4, 5 and 9 (施行規則10条).
var individualNoticeItems = []i18n.Text{ppcReportItems[0], ppcReportItems[1], ppcReportItems[3], ppcReportItems[4], ppcReportItems[8]}

var (
	ppcRecipient = tx("個人情報保護委員会（権限委任業種は所管省庁）", "Personal Information Protection Commission (PPC), or the delegated ministry")
	appiTrigger  = tx("施行規則7条1号～4号のいずれか（要配慮／財産的被害のおそれ／不正の目的（入力中の情報を含む）／1,000人超。いずれも「発生したおそれがある事態」を含む）。高度な暗号化（鍵の漏えいなし）及び委託元へ通知済みの委託先は除外。本人の居住地は問わない。",
		"Any of Enforcement Rules Art. 7(1)–(4): sensitive data; financial-damage risk; wrongful purpose (incl. data being entered); more than 1,000 persons — each including a situation where it possibly occurred. Excluded: high-level encryption with the key safe; a processor that notified its principal. The persons' residence does not matter.")
	// awareClock follows GL 3-5-3-3: a company knows when any of its
	// departments knows, not when management is told.
	awareClock = tx("事態を知った時点（法人の場合、いずれかの部署が当該事態を知った時点。GL 3-5-3-3）",
		"When the business became aware (for a company: when any of its departments knew of the situation; GL 3-5-3-3)")
	appiCommentary = []Source{
		commentary("businesslawyers.jp/practices/1433", "https://www.businesslawyers.jp/practices/1433"),
		commentary("iuris.jp (施行規則 第七条, 2024-04-01 text)", "https://iuris.jp/"),
	}
	delegationCaveat   = "権限委任業種（金融等）は所管省庁へ報告（⚠ 委任先一覧は都度確認）。"
	delegationCaveatEN = "Delegated sectors (e.g. finance) report to their ministry (⚠ check the current delegation list)."

	// ISA sources: the Act's own text (Art. 35-16) and the METI ordinance
	// standards could not be read in the stored copies; METI's own pages and
	// the amending act's text show who is bound and that the duty is to take
	// measures, with no recipient or time named.
	srcISAArt3516 = unread("https://laws.e-gov.go.jp/law/336AC0000000159",
		"割賦販売法 35条の16（クレジットカード番号等の適切な管理）", "Installment Sales Act, Art. 35-16 (proper management of card numbers)",
		tx("条文本文は保存コピーで読めず。義務者と内容は下記の経済産業省資料と改正法による。", "Article text not readable in the stored copies; who is bound and what is required follow the METI pages and the amending act below."))
	srcISAAmendingAct = read(secondReview, "https://www.shugiin.go.jp/Internet/itdb_housei.nsf/html/housei/19220161209099.htm",
		"割賦販売法の一部を改正する法律（平成28年法律第99号）", "Act No. 99 of 2016 amending the Installment Sales Act",
		tx("第三章の四の構成（35条の16・35条の17、35条の17の2～35条の17の15）を確認", "Confirms Chapter III-4: Arts. 35-16 and 35-17, and Arts. 35-17-2 to 35-17-15 (card-number handling contracts)"))
	srcISAOrdinance = unread("https://www.japaneselawtranslation.go.jp/ja/laws/view/4501/ja",
		"割賦販売法施行規則（経済産業省令で定める基準）", "Installment Sales Act Enforcement Regulation (the METI ordinance standards)",
		tx("目次のみ確認。漏えい時の措置・報告の基準条文は未確認。", "Table of contents only; the articles on measures or reports after a leak were not read."))
	srcMETIISAPage = read(secondReview, "https://www.meti.go.jp/english/policy/economy/installment_sales/index.html",
		"経済産業省「Act for Partial Revision of the Installment Sales Act」", "METI, Act for Partial Revision of the Installment Sales Act",
		tx("加盟店にカード情報の適切な管理を義務付ける旨（報告先・期限の記載なし）", "Merchants must manage card information properly; no recipient or time for leaks is named"))
	srcMETIMerchantContracts = read(secondReview, "https://www.meti.go.jp/english/press/2017/0703_003.html",
		"経済産業省「クレジットカード加盟店契約に関するガイドライン」策定（2017-07-03）", "METI, Guidelines for Concluding Contracts with Credit Card Affiliated Stores (2017-07-03)",
		tx("報道発表のみ読了。加盟店はカード番号等の適切な管理、アクワイアラは加盟店の措置の調査と必要な措置。モデル条項本文は未読。", "Press release only: merchants manage card numbers; acquirers investigate their merchants' measures and act on the results. The model clauses were not read."))
	srcMETISupervision = unread("https://www.meti.go.jp/policy/economy/consumer/credit/",
		"経済産業省「割賦販売法（後払分野）に基づく監督の基本方針」", "METI, Basic Supervision Policy under the Installment Sales Act (credit sector)",
		tx("令和2年4月版の表紙・改正経緯・目次のみ（vdocuments.pubの写し）。漏えい時の当局報告の記載は未確認。", "Cover, history and contents of the April 2020 version only (vdocuments.pub copy); whether it expects a report to METI after a leak is unconfirmed."))
)

// appiApplies is the trigger of the PPC report and the individual notice.
func appiApplies(c *evalCtx) verdict {
	if !c.appi.Applies {
		return no
	}
	return verdict{applies: true, provisional: c.appi.Provisional, why: c.appi.Why}
}

func japanRules() []Rule {
	return []Rule{
		{
			ID:           "jp.appi.ppc.preliminary",
			Jurisdiction: JP,
			Recipient:    ppcRecipient,
			Trigger:      appiTrigger,
			Deadline: Deadline{Kind: KindWindow, WindowFrom: 3, N: 5, Text: tx(
				"速やかに（施行規則8条1項）。当システムの目標: 知った日を1日目として3日目～5日目",
				"Promptly (Rules Art. 8(1)); this system's target: day 3 to day 5, counting the aware date as day 1")},
			ClockStart: awareClock,
			Content:    ppcReportItems,
			Basis: tx("個人情報保護法26条1項、施行規則7条・8条1項、ガイドライン（通則編）3-5-3-3",
				"APPI Art. 26(1); Enforcement Rules Arts. 7 and 8(1); PPC Guidelines (General Rules) 3-5-3-3"),
			Guideline: true,
			Zone:      "Asia/Tokyo",
			// The trigger test's review notes rest on Q&A 6-15 (T2 judged on
			// awareness) and Q&A 11-2 (Art. 171), so the report cites them.
			Sources: sources([]Source{srcAPPIArt26, srcAPPIRule7, srcAPPIRule8, srcGL3531, srcGL3533, srcPPCLeakPage, srcPPCQA615, srcPPCQA1112}, appiCommentary),
			Caveat: caveat("法令上は「速やかに」のみ。ガイドライン3-5-3-3は知った時点から概ね3～5日以内を目安とします。知った日を1日目として3日目～5日目とする表示は当システムの保守的な目標で、ガイドライン自身の数え方ではなく、法定の期日でもありません。速報は報告時点で把握している事項のみで足ります（施行規則8条1項括弧書）。"+delegationCaveat,
				"The rule says only \"promptly\". GL 3-5-3-3 gives a target of roughly 3–5 days from awareness; showing day 3 to day 5 with the aware date as day 1 is this system's conservative target, not the guideline's own count and not a statutory date. The preliminary report needs only what is known when it is made (Rules Art. 8(1), bracket). "+delegationCaveatEN),
			when: appiApplies,
		},
		{
			ID:           "jp.appi.ppc.final",
			Jurisdiction: JP,
			Recipient:    ppcRecipient,
			Trigger:      appiTrigger,
			Deadline: Deadline{Kind: KindJapanDays, N: 30, Text: tx(
				"知った日から30日以内（不正の目的によるおそれがある場合は60日以内）。末日が土日祝・12/29～1/3の場合は翌開庁日",
				"Within 30 days of the aware date (60 days when a wrongful purpose may be involved); a last day on a weekend, holiday or 12/29–1/3 moves to the next business day")},
			ClockStart: tx("事態を知った日（1日目として数える）", "The aware date (counted as day 1)"),
			Content:    ppcReportItems,
			Basis: tx("個人情報保護法26条1項、施行規則8条2項、ガイドライン（通則編）3-5-3-4、行政機関の休日に関する法律2条",
				"APPI Art. 26(1); Enforcement Rules Art. 8(2); PPC Guidelines (General Rules) 3-5-3-4; Act on Holidays of Administrative Organs Art. 2"),
			Zone:    "Asia/Tokyo",
			Sources: sources([]Source{srcAPPIArt26, srcAPPIRule7, srcAPPIRule8, srcGL3534, srcHolidaysAct}, appiCommentary),
			Caveat: caveat("施行規則8条2項は「当該事態を知った日から三十日以内（同条3号の事態は六十日以内）」。知った日を1日目とし、末日が閉庁日なら翌開庁日とする数え方はGL 3-5-3-4によります（独立レビューで一致を確認、本文は第二次確認で未読）。確報時に不明な事項は判明次第追完。"+delegationCaveat,
				"Rules Art. 8(2): within 30 days (60 for an Art. 7(iii) situation) of the day the business became aware. Counting the aware date as day 1 and moving a closed last day to the next business day follow GL 3-5-3-4 (matched by the independent review; the text was not re-read in the second review). Items still unknown are added when known. "+delegationCaveatEN),
			when: func(c *evalCtx) verdict {
				v := appiApplies(c)
				v.days = c.appi.FinalDays
				if c.appi.FinalDays == 60 {
					v.why = join(v.why, tx("不正の目的によるおそれ（T3）があるため60日。", "T3 applies, so 60 days."))
				}
				return v
			},
		},
		{
			ID:           "jp.appi.individual_notice",
			Jurisdiction: JP,
			Recipient: tx("本人（本人への通知が困難な場合は、事案の公表又は問合せ窓口の設置・連絡先の公表等の代替措置）",
				"Each affected person (where notice is difficult: an alternative measure, such as publishing the incident or setting up an inquiry desk and publishing its contact details)"),
			Trigger: appiTrigger,
			Deadline: Deadline{Kind: KindPromptly, Text: tx(
				"当該事態の状況に応じて速やかに（日数の定めなし）",
				"Promptly, as the situation allows (no fixed number of days)")},
			ClockStart: awareClock,
			Content:    individualNoticeItems,
			Basis: tx("個人情報保護法26条2項、施行規則10条、ガイドライン（通則編）3-5-4",
				"APPI Art. 26(2); Enforcement Rules Art. 10; PPC Guidelines (General Rules) 3-5-4"),
			Zone: "Asia/Tokyo",
			Sources: sources([]Source{srcAPPIArt26, srcAPPIRule10, srcGL354},
				[]Source{commentary("businesslawyers.jp/practices/1434", "https://www.businesslawyers.jp/practices/1434"), commentary("kojinjyouhou.or.jp column oyakudachi-23", ""), commentary("PPC Q&A Q6-33", "")}),
			Caveat: caveat("代替措置は法26条2項ただし書（本人への通知が困難な場合）。事案の公表と問合せ窓口の設置はいずれか（又は）で足ります（GL 3-5-4-5）。⚠ 通知により被害が拡大するおそれがある間等は待つことができる（GL 3-5-4-2の要旨）。⚠ 2026-07-17公布の改正法（低リスク時の本人通知緩和、課徴金）は未施行・下位規則未定（2026-10-09時点の公開情報）。",
				"The alternative measure is APPI Art. 26(2) proviso (where notice is difficult); publishing the incident or an inquiry desk — either one — suffices (GL 3-5-4-5). ⚠ Notice may wait while it would widen the harm (GL 3-5-4-2, paraphrase). ⚠ The APPI amendment promulgated 2026-07-17 (relaxed notice where risk is low; administrative fines) is not yet in force, sub-rules pending (public notes verified 2026-10-09)."),
			when: appiApplies,
		},
		{
			ID:           "jp.appi.processor_to_principal",
			Jurisdiction: JP,
			Recipient:    tx("委託元", "The principal (委託元) on whose behalf the data is handled"),
			Trigger: tx("委託先として報告対象事態を知った場合（委託元に通知すれば報告・本人通知は委託元が行う）",
				"The organisation is a processor (委託先) and an APPI trigger is met; notifying the principal moves the report and notice to the principal"),
			Deadline:   Deadline{Kind: KindPromptly, Text: tx("速やかに", "Promptly")},
			ClockStart: awareClock,
			Content:    ppcReportItems,
			Basis:      tx("個人情報保護法26条1項ただし書、施行規則9条、ガイドライン（通則編）3-5-3-5", "APPI Art. 26(1) proviso; Enforcement Rules Art. 9; PPC Guidelines (General Rules) 3-5-3-5"),
			Zone:       "Asia/Tokyo",
			Sources: sources([]Source{srcAPPIArt26, srcAPPIRule9, unread("https://www.ppc.go.jp/personalinfo/legal/guidelines_tsusoku/",
				"個人情報保護委員会「ガイドライン（通則編）」3-5-3-5（委託元への通知による例外）", "PPC Guidelines (General Rules) 3-5-3-5 (exception by notice to the principal)", guidelineNote)},
				appiCommentary),
			Caveat: caveat("通知事項は施行規則8条1項各号のうちその時点で把握しているもの。", "Give the Art. 8(1) items known at the time."),
			when: func(c *evalCtx) verdict {
				if !c.appi.Applies || !c.f.EntrustedProcessor.IsTrue() {
					return no
				}
				return verdict{applies: true, provisional: c.appi.Provisional,
					why: join(c.appi.Why, tx("委託先として委託元への通知が未了。", "As a processor, the principal has not been notified yet."))}
			},
		},
		{
			ID:           "jp.card.acquirer",
			Jurisdiction: JP,
			Recipient:    tx("アクワイアラ（カード会社）又は決済代行会社", "Acquirer (card company) or payment service provider"),
			Trigger:      tx("カード情報（番号・セキュリティコード）の漏えい又はそのおそれ（CPP通知を含む）", "Known or suspected card-data leak (card number or security code), incl. a CPP alert"),
			Deadline:     Deadline{Kind: KindImmediately, Text: tx("直ちに（契約上）", "Immediately (by contract)")},
			ClockStart:   awareClock,
			Content: []i18n.Text{
				tx("加盟店名・サイト", "Merchant and site"),
				tx("検知の日時と経緯", "When and how it was detected"),
				tx("漏えいが疑われる期間", "Suspected period"),
				tx("影響を受けたシステム", "Affected systems"),
				tx("カード情報の保存の有無（非保持／通過のみ）", "Whether card data was stored or only passed through"),
				tx("実施済みの措置（ネットワーク遮断、カード決済停止、証拠保全）", "Actions taken (disconnect, stop card payments, preserve evidence)"),
				tx("連絡先", "Contact"),
			},
			Basis: tx("加盟店契約（経済産業省「クレジットカード加盟店契約に関するガイドライン」のモデル条項に倣うもの）。割賦販売法は報告先・期限を定めていません",
				"Merchant agreement (modelled on METI's Guidelines for Concluding Contracts with Credit Card Affiliated Stores); the Installment Sales Act names no recipient or time"),
			Guideline: true,
			Zone:      "Asia/Tokyo",
			Sources: sources([]Source{srcMETIMerchantContracts, srcMETIISAPage},
				[]Source{commentary("gmo-aozora.com/policy/acquiring.html", "https://gmo-aozora.com/policy/acquiring.html"),
					commentary("cardservice.co.jp/zmc/news/20211105.html", "https://www.cardservice.co.jp/zmc/news/20211105.html"),
					commentary("lawinsider.com sample clause クレジットカード番号等の管理", "https://lawinsider.com/ja/clause/クレジットカード番号等の管理")}),
			Caveat: caveat("⚠ 報告義務は契約によるもので、割賦販売法・施行規則に加盟店や登録決済代行業者からの報告先・期限の定めは確認できませんでした（施行規則・監督の基本方針の該当箇所は未読）。報告項目は典型例です。証拠保全のため、影響システムの電源断・削除・パスワード変更はしないでください。",
				"⚠ The duty runs by contract: no recipient or time for a report by a merchant or a registered PSP was found in the Act (the ordinance standards and METI's supervision policy could not be read). The report items are typical ones. Preserve evidence: do not shut down, delete or change passwords on affected systems."),
			when: func(c *evalCtx) verdict {
				items := c.f.presentOf(cardDataItems)
				if len(items) == 0 {
					return no
				}
				return verdict{applies: true, why: tx("カード情報（"+joinStrings(items)+"）が対象。", "Card data involved ("+joinStrings(items)+").")}
			},
		},
		{
			ID:           "jp.isa.measures",
			Jurisdiction: JP,
			Recipient:    tx("（報告先の定めなし）自社の措置義務", "No recipient named: the organisation's own duty to act"),
			Trigger: tx("クレジットカード番号等の漏えい又はそのおそれ。加盟店及び決済代行業者等（クレジットカード番号等取扱業者）に共通",
				"Known or suspected leak of card numbers; binds merchants and payment service providers alike (card-number handlers)"),
			Deadline:   Deadline{Kind: KindNone, Text: tx("期限の定めなし（割賦販売法は措置を求めるが時期を定めていません）", "No deadline (the Act requires measures but names no time)")},
			ClockStart: awareClock,
			Content: []i18n.Text{
				tx("状況の把握と被害拡大の防止", "Establish what happened and stop the harm spreading"),
				tx("原因の究明", "Find the cause"),
				tx("再発防止のための措置", "Measures against recurrence"),
				tx("委託先での漏えいの場合は委託先への指導", "Where a contractor leaked: direct the contractor"),
			},
			Basis:    tx("割賦販売法35条の16第1項（経済産業省令で定める基準）", "Installment Sales Act Art. 35-16(1) (METI ordinance standards)"),
			Zone:     "Asia/Tokyo",
			Internal: true,
			Sources: sources([]Source{srcISAArt3516, srcISAAmendingAct, srcISAOrdinance, srcMETIISAPage, srcMETIMerchantContracts, srcMETISupervision},
				[]Source{commentary("iyotetsucard.co.jp/kameiten/credit.html (card company notice on Art. 35-16)", "http://www.iyotetsucard.co.jp/kameiten/credit.html"),
					commentary("Library of Congress Global Legal Monitor 2017-01-18 (Arts. 35-17-2, 35-17-8)", "https://www.loc.gov/item/global-legal-monitor/2017-01-18/japan-merchants-to-be-required-to-have-ic-chip-readers-for-credit-cards/"),
					commentary("shared/reference/ISA-LEAK-DUTIES.md", "")}),
			Caveat: caveat("⚠ 法律は措置を求めるのみで、報告先・期限を定めていません（表示する日時はありません）。措置の内容は典型例で、施行規則の基準条文は未確認です。登録クレジットカード番号等取扱契約締結事業者（アクワイアラ・決済代行業者）は加盟店の措置を調査し必要な措置をとる義務（35条の17の8）もあり、経済産業省（商取引監督課）への報告の要否は監督の基本方針を確認できていません。個人情報保護委員会への報告（個人情報保護法）は別に判定します。",
				"⚠ The Act requires measures and names no recipient or time, so no date is shown. The measures listed are typical ones; the ordinance's standard was not read. A registered card-number contract business (acquirer or PSP) must also investigate its merchants' measures and act on the results (Art. 35-17-8); whether METI's supervision policy expects a report to METI could not be confirmed. The PPC report (APPI) is assessed separately."),
			when: func(c *evalCtx) verdict {
				items := c.f.presentOf(cardDataItems)
				if len(items) == 0 {
					return no
				}
				return verdict{applies: true, why: tx("クレジットカード番号等（"+joinStrings(items)+"）が対象。", "Card numbers or codes involved ("+joinStrings(items)+").")}
			},
		},
		{
			ID:           "jp.police.consultation",
			Jurisdiction: JP,
			Recipient:    tx("都道府県警察本部サイバー犯罪相談窓口又は所轄警察署", "Prefectural police cybercrime desk or the local police station"),
			Trigger:      tx("不正アクセス、ランサムウェア等、不正の目的によるおそれ（入力中の情報の窃取を含む）", "Unauthorised access, ransomware or another wrongful-purpose act (incl. web skimming)"),
			Deadline:     Deadline{Kind: KindPromptly, Text: tx("法定期限なし（早期の相談が求められる）", "No statutory deadline; police ask for early contact")},
			ClockStart:   awareClock,
			Content: []i18n.Text{
				tx("5W1Hの概要", "Summary (who, what, when, where, why, how)"),
				tx("通信ログ・アクセスログ", "Network and access logs"),
				tx("マルウェア・サーバーの記録", "Malware and server records"),
				tx("システム構成図", "System diagram"),
			},
			Basis:     tx("法定期限なし（警察の相談窓口の案内による）", "No statutory duty; police guidance"),
			Guideline: true,
			Zone:      "Asia/Tokyo",
			Sources: []Source{
				unread("https://www.npa.go.jp/bureau/cyber/soudan.html", "警察庁「サイバー事案に関する相談窓口」", "National Police Agency, cybercrime consultation desks",
					tx("第二次確認では未読（RULES.md B節による）。", "Not re-read in the second review (per RULES.md section B).")),
				commentary("police.pref.toyama.jp/…/sodan.html", ""), commentary("pref.fukui.jp/kenkei", ""),
			},
			Caveat: caveat("被害届の提出は任意です。", "A formal damage report (被害届) is optional."),
			when: func(c *evalCtx) verdict {
				switch t3 := c.f.EffectiveUnauthorizedPurpose(); {
				case t3.IsTrue():
					return verdict{applies: true, why: tx("不正の目的によるおそれあり。", "A wrongful-purpose act is involved.")}
				case t3.IsUnknown():
					addTriggerReview(c.f, T3, c.rs)
					return verdict{applies: true, provisional: true, why: tx("不正の目的の有無が不明（該当と仮定）。", "Wrongful purpose unknown (assumed).")}
				}
				return no
			},
		},
	}
}
