// Package cli implements `breachdesk obligations`, the calculator that
// computes the obligations for a set of facts with no database: legal staff
// use it to check a case, and it doubles as the rule table's reference page.
package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// Exit codes: 2 follows the flag package's convention for bad usage and is
// also used for invalid facts, so scripts can tell "fix your input" (2) from
// "something broke" (1).
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

const usageText = `Usage: breachdesk obligations --facts FILE [options]
       breachdesk obligations --rules [options]

Computes the breach-notification obligations (reports, notices, deadlines)
for the facts in FILE (JSON; "-" reads standard input). No database needed.

Options:
  --facts FILE        facts as JSON, or - for standard input
  --rules             print the rule table instead (a reference page: each
                      rule's primary sources and the date each was read)
  --format FORMAT     json (default), table or markdown
  --lang LANG         ja (default) or en, for table and markdown output
  --at TIME           compute as of TIME (RFC 3339) instead of now
  --promptly DUR      target for "promptly" rules (default 72h)
  --immediately DUR   target for "immediately" rules (default 24h)
  --help              show this help

Facts fields: aware_at (RFC 3339 with offset, required), data_items,
persons_affected, persons_upper_bound, records_affected, sensitive,
financial_damage_risk, unauthorized_purpose, high_level_encryption,
key_compromised, data_being_entered, external_access, entrusted_processor
(true/false/null),
principal_notified_at, residents ({"JP":1200,"EU":40}), card_brands,
eu_risk (none/risk/high), timezone (default Asia/Tokyo).

Example:
  echo '{"aware_at":"2026-12-01T10:00:00+09:00","data_items":["card_number"]}' |
    breachdesk obligations --facts - --format table

Exit status: 0 ok, 1 I/O error, 2 bad usage or invalid facts.
`

// options are the parsed flags.
type options struct {
	factsPath  string
	rules      bool
	format     string
	lang       string
	at         time.Time
	policy     obligations.Policy
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	now        func() time.Time
	atExplicit bool
}

// Run executes `breachdesk obligations` with args (without the program and
// subcommand names) and returns the exit code. now supplies the current
// time so that tests are reproducible; cmd/breachdesk passes the system
// clock's Now.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) int {
	o, code, done := parseFlags(args, stdout, stderr)
	if done {
		return code
	}
	o.stdin, o.stdout, o.stderr, o.now = stdin, stdout, stderr, now
	if !o.atExplicit {
		o.at = now()
	}
	if o.rules {
		return o.printRules()
	}
	return o.compute()
}

// parseFlags parses args; done is true when Run should return code now.
func parseFlags(args []string, stdout, stderr io.Writer) (o options, code int, done bool) {
	fs := flag.NewFlagSet("breachdesk obligations", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported below, help goes to stdout
	fs.StringVar(&o.factsPath, "facts", "", "facts JSON file, or - for stdin")
	fs.BoolVar(&o.rules, "rules", false, "print the rule table")
	fs.StringVar(&o.format, "format", "json", "json, table or markdown")
	lang := fs.String("lang", "ja", "ja or en")
	at := fs.String("at", "", "compute as of this RFC 3339 time")
	def := obligations.DefaultPolicy()
	fs.DurationVar(&o.policy.Promptly, "promptly", def.Promptly, "target for promptly rules")
	fs.DurationVar(&o.policy.Immediately, "immediately", def.Immediately, "target for immediately rules")
	usageErr := func(msg string) (options, int, bool) {
		fmt.Fprintf(stderr, "breachdesk obligations: %s\nRun 'breachdesk obligations --help' for usage.\n", msg)
		return o, ExitUsage, true
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText)
			return o, ExitOK, true
		}
		return usageErr(err.Error())
	}
	if fs.NArg() > 0 {
		return usageErr(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if o.lang = *lang; !slices.Contains(i18n.Languages, o.lang) {
		return usageErr(fmt.Sprintf("--lang must be ja or en (got %q)", *lang))
	}
	switch o.format {
	case "json", "table", "markdown":
	default:
		return usageErr(fmt.Sprintf("--format must be json, table or markdown (got %q)", o.format))
	}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageErr(fmt.Sprintf("--at must be an RFC 3339 time with offset (got %q)", *at))
		}
		o.at, o.atExplicit = t, true
	}
	if o.policy.Promptly <= 0 || o.policy.Immediately <= 0 {
		return usageErr("--promptly and --immediately must be positive durations")
	}
	switch {
	case o.rules && o.factsPath != "":
		return usageErr("--rules and --facts cannot be combined")
	case !o.rules && o.factsPath == "":
		return usageErr("--facts FILE (or -) is required")
	}
	return o, 0, false
}

// compute reads, validates and computes the facts, then prints the result.
func (o options) compute() int {
	var r io.Reader = o.stdin
	if o.factsPath != "-" {
		f, err := os.Open(o.factsPath)
		if err != nil {
			fmt.Fprintf(o.stderr, "breachdesk obligations: %v\n", err)
			return ExitFailure
		}
		defer f.Close()
		r = f
	}
	facts, err := obligations.ParseFacts(r)
	if err == nil {
		err = facts.Validate(o.at)
	}
	if err != nil {
		var ve obligations.ValidationErrors
		if !errors.As(err, &ve) {
			fmt.Fprintf(o.stderr, "breachdesk obligations: %v\n", err)
			return ExitFailure
		}
		fmt.Fprintln(o.stderr, "breachdesk obligations: invalid facts:")
		for _, e := range ve {
			fmt.Fprintf(o.stderr, "  %s: %s\n", e.Field, e.Reason)
		}
		return ExitUsage
	}
	res := obligations.ComputeWith(facts, o.at, obligations.Options{Policy: o.policy})
	switch o.format {
	case "table":
		err = writeResultTable(o.stdout, res, o.lang)
	case "markdown":
		err = writeResultMarkdown(o.stdout, res, o.lang)
	default:
		err = writeJSON(o.stdout, res)
	}
	return o.writeErr(err)
}

func (o options) printRules() int {
	rules := obligations.Rules()
	var err error
	switch o.format {
	case "table":
		err = writeRulesTable(o.stdout, rules, o.lang)
	case "markdown":
		err = writeRulesMarkdown(o.stdout, rules, o.lang)
	default:
		err = writeJSON(o.stdout, map[string]any{"rules": rules})
	}
	return o.writeErr(err)
}

func (o options) writeErr(err error) int {
	if err != nil {
		fmt.Fprintf(o.stderr, "breachdesk obligations: write output: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// oneLine flattens text for table cells.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
