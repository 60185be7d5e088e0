package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fixedNow() time.Time { return time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC) }

const factsJSON = `{"aware_at":"2026-11-30T16:30:00Z","data_items":["card_number","security_code","name"],
 "persons_affected":1200,"unauthorized_purpose":false,"high_level_encryption":false,
 "residents":{"JP":1100,"EU":40},"card_brands":["visa"],"eu_risk":"risk"}`

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, strings.NewReader(stdin), &out, &errb, fixedNow)
	return code, out.String(), errb.String()
}

func TestRunJSONFromStdin(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, factsJSON, "--facts", "-")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var res struct {
		Obligations []struct {
			RuleID      string            `json:"rule_id"`
			DueAt       *string           `json:"due_at"`
			TargetAt    *string           `json:"target_at"`
			WindowStart *string           `json:"window_start"`
			Recipient   map[string]string `json:"recipient"`
			Basis       map[string]string `json:"basis"`
		} `json:"obligations"`
		NeedsReview []map[string]any `json:"needs_review"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	var final string
	for _, o := range res.Obligations {
		if o.RuleID == "jp.appi.ppc.final" && o.DueAt != nil {
			final = *o.DueAt
		}
		if o.Recipient["ja"] == "" || o.Basis["en"] == "" {
			t.Errorf("%s: recipient/basis missing", o.RuleID)
		}
	}
	if final != "2027-01-04T23:59:59+09:00" {
		t.Errorf("final due = %q, want 2027-01-04T23:59:59+09:00 (JST offset)", final)
	}
	if res.NeedsReview == nil {
		t.Error("needs_review should be an array, not null")
	}
	if !strings.Contains(out, `"needs_review": [`) || strings.Contains(out, `\u003e`) {
		t.Errorf("unexpected JSON shape:\n%s", out[:min(400, len(out))])
	}
}

func TestRunFileAndTable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "facts.json")
	if err := os.WriteFile(path, []byte(factsJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "", "--facts", path, "--format", "table", "--lang", "en")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"WHEN", "jp.appi.ppc.final", "2027-01-04 23:59 +09:00", "guideline", "APPI: applies T2,T4"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	unknownEnc := strings.Replace(factsJSON, `"high_level_encryption":false,`, "", 1)
	code, out, _ = run(t, unknownEnc, "--facts", "-", "--format", "table", "--lang", "en")
	if code != ExitOK || !strings.Contains(out, "Needs review:\n- ENCRYPTION_UNKNOWN [high_level_encryption]") {
		t.Errorf("needs review section missing (exit %d):\n%s", code, out)
	}
	code, out, _ = run(t, factsJSON, "--facts", "-", "--format", "table")
	if code != ExitOK || !strings.Contains(out, "期限") || !strings.Contains(out, "個人情報保護委員会") {
		t.Errorf("Japanese table (exit %d):\n%s", code, out)
	}
	code, out, _ = run(t, factsJSON, "--facts", "-", "--format", "markdown", "--lang", "en")
	if code != ExitOK || !strings.Contains(out, "| When | Kind | Rule |") {
		t.Errorf("markdown (exit %d):\n%s", code, out)
	}
}

func TestRunInvalidFacts(t *testing.T) {
	t.Parallel()
	cases := []struct{ input, want string }{
		{`{"data_items":["card_numbr"]}`, "data_items[0]: unknown data item"},
		{`{"data_items":["email"]}`, "aware_at: required"},
		{`{"aware_at":"2026-12-01T10:00:00+09:00","persons_affected":-1}`, "persons_affected: must not be negative"},
		{`{"aware_at":"2026-12-01T10:00:00+09:00","extra":1}`, "extra: unknown field"},
		{`{"aware_at":"2027-01-01T00:00:00+09:00"}`, "aware_at: is in the future"},
		{`not json`, "(input)"},
	}
	for _, c := range cases {
		code, out, stderr := run(t, c.input, "--facts", "-")
		if code != ExitUsage || !strings.Contains(stderr, c.want) || out != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout %q", c.input, code, stderr, out)
		}
	}
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "", "--help")
	if code != ExitOK || !strings.Contains(out, "Usage: breachdesk obligations") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{}, {"--facts"}, {"--bogus"}, {"--facts", "-", "--format", "xml"}, {"--facts", "-", "--lang", "fr"},
		{"--facts", "-", "extra"}, {"--rules", "--facts", "-"}, {"--facts", "-", "--at", "yesterday"},
		{"--facts", "-", "--promptly", "-1h"},
	} {
		if code, _, stderr := run(t, factsJSON, args...); code != ExitUsage || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if code, _, stderr := run(t, "", "--facts", "/nonexistent/facts.json"); code != ExitFailure || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: exit %d, %s", code, stderr)
	}
}

func TestRunAtAndPolicy(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, factsJSON, "--facts", "-", "--at", "2027-02-01T00:00:00+09:00", "--promptly", "48h", "--format", "table", "--lang", "en")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "OVERDUE") || !strings.Contains(out, "2026-12-03 01:30 +09:00  target") {
		t.Errorf("--at/--promptly not applied:\n%s", out)
	}
}

func TestRunRules(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "", "--rules")
	var doc struct {
		Rules []struct {
			ID         string `json:"id"`
			VerifiedOn string `json:"verified_on"`
			Sources    []struct {
				Primary   bool              `json:"primary"`
				Cite      map[string]string `json:"cite"`
				URL       string            `json:"url"`
				CheckedOn string            `json:"checked_on"`
			} `json:"sources"`
			Deadline struct {
				Kind string `json:"kind"`
			} `json:"deadline"`
		} `json:"rules"`
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Rules) < 30 {
		t.Fatalf("--rules json: exit %d, %d rules", code, len(doc.Rules))
	}
	first := doc.Rules[0]
	if first.ID != "jp.appi.individual_notice" || first.VerifiedOn != "2026-12-06" || len(first.Sources) == 0 ||
		!first.Sources[0].Primary || first.Sources[0].CheckedOn != "2026-12-06" || !strings.HasPrefix(first.Sources[0].URL, "https://laws.e-gov.go.jp/") {
		t.Errorf("first rule: %+v", first)
	}
	// Each rule's primary sources and their check dates, per rule.
	code, out, _ = run(t, "", "--rules", "--format", "table", "--lang", "en")
	for _, want := range []string{"jp.appi.ppc.preliminary  [JP]", "  trigger", "  verified on     2026-12-06",
		"  primary source  APPI Enforcement Rules, Art. 7 (text in force from 2024-04-01) <https://laws.e-gov.go.jp/law/428M60020000003> — checked 2026-12-06",
		"  primary source  Visa, What To Do If Compromised (WTDIC) — not read", "  verified on     2026-11-24",
		"  primary source  RCW 19.255.005 (definitions) <https://app.leg.wa.gov/RCW/default.aspx?cite=19.255.005> — checked 2026-12-06",
		"  commentary", "  caveat"} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("--rules table lacks %q", want)
		}
	}
	code, out, _ = run(t, "", "--rules", "--format", "markdown")
	if code != ExitOK || !strings.Contains(out, "| ID | 法域 |") || !strings.Contains(out, "一次資料（確認日）") ||
		!strings.Contains(out, "## `card.visa.incident_report`") || !strings.Contains(out, "- **一次資料**: 割賦販売法 35条の16") {
		t.Errorf("--rules markdown:\n%s", out[:min(500, len(out))])
	}
}

func TestDisplayWidth(t *testing.T) {
	t.Parallel()
	for s, w := range map[string]int{"abc": 3, "期限": 4, "Visa（FI）": 10, "": 0} {
		if got := displayWidth(s); got != w {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, w)
		}
	}
}
