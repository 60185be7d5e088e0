package obligations

// Japanese rules: APPI (個人情報保護法) and the card/police practice of
// RULES.md sections A and B.

// ppcReportItems are the nine items of 施行規則8条1項, in the order of the
// report form (別記様式第一). The same list serves 速報 and 確報.
var ppcReportItems = []Text{
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
var individualNoticeItems = []Text{ppcReportItems[0], ppcReportItems[1], ppcReportItems[3], ppcReportItems[4], ppcReportItems[8]}

var (
	ppcRecipient = tx("個人情報保護委員会（権限委任業種は所管省庁）", "Personal Information Protection Commission (PPC), or the delegated ministry")
	appiTrigger  = tx("施行規則7条1号～4号のいずれか（要配慮／財産的被害のおそれ／不正の目的（入力中の情報を含む）／1,000人超）。高度な暗号化（鍵の漏えいなし）及び委託元へ通知済みの委託先は除外。",
		"Any of Enforcement Rules Art. 7(1)–(4): sensitive data; financial-damage risk; wrongful purpose (incl. data being entered); more than 1,000 persons. Excluded: high-level encryption with the key safe; a processor that notified its principal.")
	awareClock  = tx("事態を知った時点（部署内のいずれかの従業者が知った時点）", "When the business became aware (any employee of the department knew)")
	appiSources = []string{
		"ppc.go.jp/personalinfo/legal/leakAction/",
		"iuris.jp (施行規則 第七条, 2024-04-01 text)",
		"businesslawyers.jp/practices/1433",
		"ppc.go.jp/all_faq_index/faq7-q3-4-1",
	}
	delegationCaveat   = "権限委任業種（金融等）は所管省庁へ報告（⚠ 委任先一覧は都度確認）。"
	delegationCaveatEN = "Delegated sectors (e.g. finance) report to their ministry (⚠ check the current delegation list)."
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
				"速やかに（ガイドライン上の目安: 知った時点から概ね3～5日以内）",
				"Promptly; guideline target roughly 3–5 days from awareness")},
			ClockStart: awareClock,
			Content:    ppcReportItems,
			Basis: tx("個人情報保護法26条1項、施行規則8条1項、ガイドライン（通則編）3-5-3-3",
				"APPI Art. 26(1); Enforcement Rules Art. 8(1); PPC Guidelines (General Rules) 3-5-3-3"),
			Guideline:  true,
			Zone:       "Asia/Tokyo",
			VerifiedOn: DefaultVerifiedOn,
			Sources:    appiSources,
			Caveat: caveat("3～5日はガイドライン上の目安であり法定期限ではありません。速報は判明している事項のみで可。"+delegationCaveat,
				"Days 3–5 are a guideline target, not a statutory date; the preliminary report may leave items unknown. "+delegationCaveatEN),
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
			ClockStart: tx("事態を知った日（1日目）", "The aware date (day 1)"),
			Content:    ppcReportItems,
			Basis: tx("個人情報保護法26条1項、施行規則8条2項、ガイドライン（通則編）3-5-3-4、行政機関の休日に関する法律2条",
				"APPI Art. 26(1); Enforcement Rules Art. 8(2); PPC Guidelines (General Rules) 3-5-3-4; Act on Holidays of Administrative Organs Art. 2"),
			Zone:       "Asia/Tokyo",
			VerifiedOn: DefaultVerifiedOn,
			Sources:    appiSources,
			Caveat: caveat("⚠ 起算（知った日を1日目）と翌開庁日への繰り下げはGL 3-5-3-4の文言を最新版で確認してください。確報時に不明な事項は追完可。"+delegationCaveat,
				"⚠ Confirm the counting (aware date = day 1) and the move to the next business day against the current wording of GL 3-5-3-4. Items still unknown may be supplemented later. "+delegationCaveatEN),
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
			Recipient:    tx("本人（通知困難な場合は公表及び問合せ窓口の設置等の代替措置）", "Each affected person (if notice is impossible: public notice and an inquiry desk instead)"),
			Trigger:      appiTrigger,
			Deadline: Deadline{Kind: KindPromptly, Text: tx(
				"当該事態の状況に応じて速やかに（日数の定めなし）",
				"Promptly, as the situation allows (no fixed number of days)")},
			ClockStart: awareClock,
			Content:    individualNoticeItems,
			Basis: tx("個人情報保護法26条2項、施行規則10条、ガイドライン（通則編）3-5-4",
				"APPI Art. 26(2); Enforcement Rules Art. 10; PPC Guidelines (General Rules) 3-5-4"),
			Zone:       "Asia/Tokyo",
			VerifiedOn: DefaultVerifiedOn,
			Sources:    []string{"businesslawyers.jp/practices/1434", "kojinjyouhou.or.jp column oyakudachi-23", "PPC Q&A Q6-33"},
			Caveat: caveat("⚠ 通知により被害が拡大するおそれがある間等は待つことができる（GL 3-5-4-2の要旨）。⚠ 2026-07-17公布の改正法（低リスク時の本人通知緩和、課徴金）は未施行・下位規則未定（2026-10-09時点の公開情報）。",
				"⚠ Notice may wait while it would widen the harm (GL 3-5-4-2, paraphrase). ⚠ The APPI amendment promulgated 2026-07-17 (relaxed notice where risk is low; administrative fines) is not yet in force, sub-rules pending (public notes verified 2026-10-09)."),
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
			Basis:      tx("個人情報保護法26条1項ただし書、施行規則9条", "APPI Art. 26(1) proviso; Enforcement Rules Art. 9"),
			Zone:       "Asia/Tokyo",
			VerifiedOn: DefaultVerifiedOn,
			Sources:    []string{"businesslawyers.jp/practices/1433", "ppc.go.jp/personalinfo/legal/leakAction/"},
			Caveat:     caveat("通知事項は施行規則8条1項各号のうちその時点で把握しているもの。", "Give the Art. 8(1) items known at the time."),
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
			Content: []Text{
				tx("加盟店名・サイト", "Merchant and site"),
				tx("検知の日時と経緯", "When and how it was detected"),
				tx("漏えいが疑われる期間", "Suspected period"),
				tx("影響を受けたシステム", "Affected systems"),
				tx("カード情報の保存の有無（非保持／通過のみ）", "Whether card data was stored or only passed through"),
				tx("実施済みの措置（ネットワーク遮断、カード決済停止、証拠保全）", "Actions taken (disconnect, stop card payments, preserve evidence)"),
				tx("連絡先", "Contact"),
			},
			Basis: tx("割賦販売法35条の16、クレジットカード・セキュリティガイドライン（6.0版）、加盟店契約",
				"Installment Sales Act Art. 35-16; Credit Card Security Guidelines v6.0; merchant agreement"),
			Guideline:  true,
			Zone:       "Asia/Tokyo",
			VerifiedOn: DefaultVerifiedOn,
			Sources:    []string{"gmo-aozora.com/policy/acquiring.html", "cardservice.co.jp/zmc/news/20211105.html", "ec-cube.systemfriend.co.jp"},
			Caveat: caveat("⚠ 加盟店から経済産業省への法定の漏えい報告義務は確認できず、義務は契約に基づきます。報告項目は典型例です。証拠保全のため、影響システムの電源断・削除・パスワード変更はしないでください。",
				"⚠ No statutory merchant→METI leak report was found; the duty runs by contract. The report items are typical ones. Preserve evidence: do not shut down, delete or change passwords on affected systems."),
			when: func(c *evalCtx) verdict {
				items := c.f.presentOf(cardDataItems)
				if len(items) == 0 {
					return no
				}
				return verdict{applies: true, why: tx("カード情報（"+joinStrings(items)+"）が対象。", "Card data involved ("+joinStrings(items)+").")}
			},
		},
		{
			ID:           "jp.police.consultation",
			Jurisdiction: JP,
			Recipient:    tx("都道府県警察本部サイバー犯罪相談窓口又は所轄警察署", "Prefectural police cybercrime desk or the local police station"),
			Trigger:      tx("不正アクセス、ランサムウェア等、不正の目的によるおそれ（入力中の情報の窃取を含む）", "Unauthorised access, ransomware or another wrongful-purpose act (incl. web skimming)"),
			Deadline:     Deadline{Kind: KindPromptly, Text: tx("法定期限なし（早期の相談が求められる）", "No statutory deadline; police ask for early contact")},
			ClockStart:   awareClock,
			Content: []Text{
				tx("5W1Hの概要", "Summary (who, what, when, where, why, how)"),
				tx("通信ログ・アクセスログ", "Network and access logs"),
				tx("マルウェア・サーバーの記録", "Malware and server records"),
				tx("システム構成図", "System diagram"),
			},
			Basis:      tx("法定期限なし（警察の相談窓口の案内による）", "No statutory duty; police guidance"),
			Guideline:  true,
			Zone:       "Asia/Tokyo",
			VerifiedOn: DefaultVerifiedOn,
			Sources:    []string{"npa.go.jp/bureau/cyber/soudan.html", "police.pref.toyama.jp/…/sodan.html", "pref.fukui.jp/kenkei"},
			Caveat:     caveat("被害届の提出は任意です。", "A formal damage report (被害届) is optional."),
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
