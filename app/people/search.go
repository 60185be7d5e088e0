package people

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lib/pq"
	"golang.org/x/text/unicode/norm"

	"github.com/breachdesk/breachdesk/app/store"
)

// Searching the persons of a case (the people page and API, ?q=). A call
// centre finds a caller by whatever the caller says: the name, its reading
// spelt out in kana, a phone number, the postal code, part of the address,
// an e-mail address or a customer number, each typed however the agent's
// keyboard produces it. So the query and every person's fields go through
// the same normalisation (searchFold, phoneDigits) and are compared in that
// form; the folded fields are stored in the people table's search_*
// columns (migration 0024), filled by the import and, for rows anything
// else wrote, by fillSearch before a search reads them.
//
// What matches: a query of kana only matches readings that start with it
// (family name first, spaces ignored); a phone number (8 digits or more,
// with any separators or +81) matches phone numbers that start with it,
// and the exact customer id or e-mail address matches too. These are
// index lookups. When they find nobody, and for any other query (kanji,
// Latin letters, a postal code, part of an address), the query matches
// wherever it occurs in any field, which reads all of the case's persons.

// minPhoneDigits is the shortest query taken as a phone number for the
// indexed lookup; shorter runs of digits (a postal code, a house number)
// are searched anywhere instead.
const minPhoneDigits = 8

// searchSep separates the fields in search_text. The fold removes it from
// every field and from the query, so a query cannot match across two
// fields.
const searchSep = "\n"

// searchFold is the form in which search compares text: NFKC (full-width
// letters and digits as ASCII, half-width kana as full-width, ｶﾞ as ガ),
// hiragana as katakana, lower case, and without spaces, hyphens, the
// katakana middle dot (・) and the postal mark (〒), which people put in or
// leave out at will. "やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ" and "ヤマダタロウ" all fold
// to "ヤマダタロウ", "100-0005" to "1000005". The prolonged sound mark ー is
// kept: it is part of the reading.
func searchFold(s string) string {
	// The import folds a million rows: ASCII, kana and kanji (nearly all
	// of the text) take the short ways, the rest the Unicode tables.
	if !nfkcStable(s) {
		s = norm.NFKC.String(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			case c > ' ' && c != '-' && c != 0x7f: // not a space, control or hyphen
				b = append(b, c)
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r >= 'ぁ' && r <= 'ゖ', r == 'ゝ', r == 'ゞ':
			r += 'ァ' - 'ぁ'
		case r == '・':
			continue
		case r > 'ゞ' && r <= 0x9fff: // kana and kanji: no case, no spaces
		case r == '〒', isDash(r), unicode.IsSpace(r), unicode.In(r, unicode.Cc, unicode.Cf):
			continue
		default:
			r = unicode.ToLower(r)
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// nfkcStable reports whether s is text that NFKC leaves as it is for
// certain, without asking norm: printable ASCII, full-width kana (not the
// spacing voiced marks, not ゟ ヿ) and the common kanji. Anything else
// (including a combining mark, which may compose with what precedes it)
// goes through NFKC.
func nfkcStable(s string) bool {
	for _, r := range s {
		switch {
		case r >= ' ' && r < 0x7f, r >= 'ぁ' && r <= 'ゖ', r >= 'ァ' && r <= 'ヺ', r == 'ー', r >= 0x4e00 && r <= 0x9fff:
		default:
			return false
		}
	}
	return true
}

// isDash reports the hyphens and dashes typed between the parts of phone
// numbers, postal codes and addresses (not ー, the prolonged sound mark).
func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '―', '−', '﹘', '﹣', '－', '⁃':
		return true
	}
	return false
}

// phoneDigits is a phone number as the digits dialled within Japan: the
// digits only (after NFKC, so full-width ones count), and an international
// +81 number as its domestic form with the leading 0 ("+81 3-1234-5678"
// and "+81 (0)3 1234 5678" → "0312345678"). Without the plus, 81 is read
// as the country code only in front of a whole national number (11 or 12
// digits): no domestic number starts with 81, but a postal code may.
func phoneDigits(s string) string {
	s = strings.TrimSpace(norm.NFKC.String(s))
	d := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if rest, ok := strings.CutPrefix(string(d), "81"); ok && (strings.HasPrefix(s, "+") || len(d) == 11 || len(d) == 12) {
		return "0" + strings.TrimPrefix(rest, "0")
	}
	return string(d)
}

// phoneShaped reports whether a query is written like a phone number:
// digits with at most the punctuation people put between them (the
// katakana ー too, which input methods produce for a hyphen).
func phoneShaped(s string) bool {
	digits := false
	for _, r := range norm.NFKC.String(s) {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case unicode.IsSpace(r), isDash(r), strings.ContainsRune("+().ー/", r):
		default:
			return false
		}
	}
	return digits
}

// isKana reports whether folded text is katakana only: a reading.
func isKana(s string) bool {
	for _, r := range s {
		if (r < 'ァ' || r > 'ヺ') && r != 'ー' && r != 'ヽ' && r != 'ヾ' {
			return false
		}
	}
	return s != ""
}

// searchColumns are a person's search_text, search_kana and search_phone.
// The search column of the reading holds the name when there is no reading
// and the name is written in kana (a reading in all but the column). Each
// folded field passes the card-number guard again: removing the spaces and
// hyphens between two harmless numbers can make a card number.
func (r *record) searchColumns() (text, kana, phone string) {
	fold := func(s string) string {
		s, _ = maskCell(searchFold(s))
		return s
	}
	name, reading := fold(r.Name), fold(r.NameKana)
	kana = reading
	if kana == "" && isKana(name) {
		kana = name
	}
	phone, _ = maskCell(phoneDigits(r.Phone))
	text = strings.Join([]string{name, reading, fold(r.Address), fold(r.PostalCode), fold(r.Email), fold(r.CustomerID), phone}, searchSep)
	return text, kana, phone
}

// fillBatch is how many persons fillSearch folds per transaction.
const fillBatch = 5000

// fillSearch fills the search columns of the case's persons that lack them:
// the persons of before migration 0024, those inserted by other means
// than the import (the demo data), those whose fields an update changed
// (a trigger empties the columns then). The import fills them itself, so
// normally there is nothing to do and the probe is one look at an empty
// partial index. The rows are locked while their columns are computed, so
// that a concurrent change of a field cannot be overwritten by values
// computed from the old one.
func (s *Service) fillSearch(ctx context.Context, orgID, caseID int64) error {
	for {
		n := 0
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			rows, err := tx.DB.Raw(`SELECT id, name, name_kana, address, postal_code, email, customer_id, phone FROM people
				WHERE case_id = ? AND organisation_id = ? AND search_text IS NULL ORDER BY id LIMIT ? FOR UPDATE`, caseID, orgID, fillBatch).Rows()
			if err != nil {
				return err
			}
			defer rows.Close()
			var ids pq.Int64Array
			var texts, kanas, phones pq.StringArray
			for rows.Next() {
				var id int64
				var r record
				if err := rows.Scan(&id, &r.Name, &r.NameKana, &r.Address, &r.PostalCode, &r.Email, &r.CustomerID, &r.Phone); err != nil {
					return err
				}
				text, kana, phone := r.searchColumns()
				ids, texts, kanas, phones = append(ids, id), append(texts, text), append(kanas, kana), append(phones, phone)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if n = len(ids); n == 0 {
				return nil
			}
			return tx.DB.Exec(`UPDATE people p SET search_text = u.t, search_kana = u.k, search_phone = u.ph
				FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS u(id, t, k, ph)
				WHERE p.id = u.id AND p.case_id = ?`, ids, texts, kanas, phones, caseID).Error
		})
		if err != nil || n < fillBatch {
			return err
		}
	}
}

// searchCondition returns the SQL condition (with its arguments) that
// selects the persons a query finds, as the package comment describes:
// the indexed lookups when the query has their shape and they find
// someone, otherwise "anywhere". An empty condition means no search (the
// query was blank, or only spaces and hyphens).
func (s *Service) searchCondition(ctx context.Context, orgID, caseID int64, term string) (string, []any, error) {
	folded := searchFold(term)
	if folded == "" {
		return "", nil, nil
	}
	if err := s.fillSearch(ctx, orgID, caseID); err != nil {
		return "", nil, err
	}
	var phone string
	if phoneShaped(term) {
		phone = phoneDigits(term)
	}
	// The lookups: each one a partial index (its predicate repeated, so
	// the planner may use it).
	var fast []string
	var fastArgs []any
	exact := norm.NFKC.String(strings.TrimSpace(term))
	fast, fastArgs = append(fast, "(customer_id <> '' AND customer_id = ?)"), append(fastArgs, exact)
	if strings.Contains(exact, "@") {
		fast, fastArgs = append(fast, "(email <> '' AND lower(email) = ?)"), append(fastArgs, strings.ToLower(exact))
	}
	if isKana(folded) {
		fast, fastArgs = append(fast, "(search_kana <> '' AND search_kana LIKE ?)"), append(fastArgs, store.EscapeLike(folded)+"%")
	}
	if len(phone) >= minPhoneDigits {
		fast, fastArgs = append(fast, "(search_phone <> '' AND search_phone LIKE ?)"), append(fastArgs, phone+"%")
	}
	cond := "(" + strings.Join(fast, " OR ") + ")"
	var found []int64
	err := s.st.DB.WithContext(ctx).Model(&Person{}).Where("case_id = ? AND organisation_id = ?", caseID, orgID).
		Where(cond, fastArgs...).Limit(1).Pluck("id", &found).Error
	if err != nil || len(found) > 0 {
		return cond, fastArgs, err
	}
	anywhere, args := "search_text LIKE ?", []any{"%" + store.EscapeLike(folded) + "%"}
	if phone != "" && phone != folded {
		anywhere, args = "(search_text LIKE ? OR search_text LIKE ?)", append(args, "%"+phone+"%")
	}
	return anywhere, args, nil
}
