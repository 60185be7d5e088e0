package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
)

const orgUsage = `Usage: breachdesk org profile show | set

  profile show  print an organisation's details (legal name, corporate number, contact desk, ...)
  profile set   change them, checked and audited as the Organisation page and the API do`

func runOrg(args []string) int {
	if code, ok := subcommand(args, "profile", orgUsage); !ok {
		return code
	}
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, orgUsage)
		return 2
	}
	switch args[1] {
	case "show":
		return runOrgProfileShow(args[2:])
	case "set":
		return runOrgProfileSet(args[2:])
	case "-h", "--help":
		fmt.Fprintln(os.Stderr, orgUsage)
		return 0
	}
	fmt.Fprintln(os.Stderr, orgUsage)
	return 2
}

func runOrgProfileShow(args []string) int {
	fs := newFlags("org profile show", "org profile show --org SLUG [--json]\n\n"+
		"Prints the organisation's details, one field a line under the names that\n"+
		"`org profile set` and the API use. With --json, prints them as\n"+
		"GET /api/v1/organisation/profile does: edit that and give it back to\n"+
		"`org profile set --file`.")
	org := fs.String("org", "", "organisation slug")
	asJSON := fs.Bool("json", false, "print JSON (the API's body) instead of lines")
	if code, done := parse(fs, args); done {
		return code
	}
	if *org == "" {
		fmt.Fprintln(os.Stderr, "breachdesk: --org is required")
		return 2
	}
	ctx := cliCtx()
	e, _, o, err := openOrganisation(ctx, *org)
	if err != nil {
		return fail(os.Stderr, err)
	}
	defer e.close()
	p := auth.ProfileOf(o)
	if *asJSON {
		if err := writeProfileJSON(os.Stdout, p); err != nil {
			return fail(os.Stderr, err)
		}
		return 0
	}
	fields, err := profileFields()
	if err != nil {
		return fail(os.Stderr, err)
	}
	for _, f := range fields {
		v := strings.Join(p.CardBrands, ", ")
		if f != cardBrandsField {
			v = *p.Field(f)
		}
		fmt.Println(strings.TrimRight(fmt.Sprintf("%-17s %s", f, v), " "))
	}
	if o.ProfileMissing() {
		// The same nudge the dashboard gives the owner: documents print
		// （未確定） until these are entered.
		fmt.Fprintln(os.Stderr, "note: legal_name, address or representative is empty: the reports and letters print (not yet known) in their place")
	}
	return 0
}

func runOrgProfileSet(args []string) int {
	fs := newFlags("org profile set", "org profile set --org SLUG [--file FILE] [--FIELD VALUE ...]\n\n"+
		"Changes the organisation's details through the service the Organisation\n"+
		"page and PUT /api/v1/organisation/profile use: the same checks (a\n"+
		"corporate number's check digit, an https contact URL, known card brands,\n"+
		"...) and an audit row naming the fields that changed, recorded as the\n"+
		"actor \"cli\" acting as the organisation's owner. Every invalid field is\n"+
		"named on standard error, one a line, and nothing is saved (exit 1).\n\n"+
		"--file is the whole profile as JSON (the API's body, or the output of\n"+
		"`org profile show --json`; - reads standard input): a field left out is\n"+
		"emptied, as with PUT. Without --file, the current details are kept and\n"+
		"only the fields given as flags change. Flags override the file.")
	org := fs.String("org", "", "organisation slug")
	file := fs.String("file", "", "JSON file with the whole profile (- for standard input)")
	fields, err := profileFields()
	if err != nil {
		return fail(os.Stderr, err)
	}
	values := make(map[string]*string, len(fields))
	for _, f := range fields {
		values[f] = fs.String(strings.ReplaceAll(f, "_", "-"), "", fieldUsage(f))
	}
	if code, done := parse(fs, args); done {
		return code
	}
	if *org == "" {
		fmt.Fprintln(os.Stderr, "breachdesk: --org is required")
		return 2
	}
	// Only the flags given change a field: an empty value given on
	// purpose (--contact-url '') empties it, one not given keeps it.
	var given []string
	fs.Visit(func(fl *flag.Flag) {
		if f := strings.ReplaceAll(fl.Name, "-", "_"); values[f] != nil {
			given = append(given, f)
		}
	})
	if *file == "" && len(given) == 0 {
		fmt.Fprintln(os.Stderr, "breachdesk: nothing to set: give --file or at least one field flag (breachdesk org profile set --help)")
		return 2
	}
	ctx := cliCtx()
	e, a, o, err := openOrganisation(ctx, *org)
	if err != nil {
		return fail(os.Stderr, err)
	}
	defer e.close()
	in := auth.ProfileOf(o)
	if *file != "" {
		if in, err = readProfile(*file); err != nil {
			return fail(os.Stderr, err)
		}
	}
	for _, f := range given {
		if f == cardBrandsField {
			in.CardBrands = splitList(*values[f])
		} else {
			*in.Field(f) = *values[f]
		}
	}
	// The CLI has no logged-in user: whoever runs it has the database
	// already. The narrowest principal UpdateProfile accepts is an owner of
	// this one organisation (not an operator, who may act everywhere), as
	// demo.Seed builds; with no user it is audited as cliCtx's "cli" actor,
	// as `user create` is.
	p := &auth.Principal{Organisation: o, Role: auth.RoleOwner}
	saved, err := a.UpdateProfile(ctx, p, in)
	if ve := (*apperr.ValidationError)(nil); errors.As(err, &ve) {
		fmt.Fprintf(os.Stderr, "breachdesk: the profile of %s was not saved:\n", *org)
		for _, f := range ve.Fields {
			// One field a line, said as the API and the other commands say it.
			fmt.Fprintln(os.Stderr, errorText(apperr.Invalid(f.Field, f.Code, f.Args...)))
		}
		return 1
	} else if err != nil {
		return fail(os.Stderr, err)
	}
	if reflect.DeepEqual(auth.ProfileOf(o), auth.ProfileOf(saved)) {
		fmt.Printf("profile of %s unchanged\n", *org)
	} else {
		fmt.Printf("profile of %s saved\n", *org)
	}
	return 0
}

// cardBrandsField is the profile's one field that is a list, not text.
const cardBrandsField = "card_brands"

// profileFields are the JSON names of auth.Profile's fields in its order:
// read from the type, so a field added there gets its flag and its line
// here without this command changing. A field that is neither text nor
// the brands is an error, so that it is never silently left out.
func profileFields() ([]string, error) {
	t := reflect.TypeFor[auth.Profile]()
	var p auth.Profile
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if name != cardBrandsField && p.Field(name) == nil {
			return nil, fmt.Errorf("profile field %s is neither text nor %s: the org profile command cannot set it", name, cardBrandsField)
		}
		names = append(names, name)
	}
	return names, nil
}

// fieldUsage is a field flag's help: the label and hint the Organisation
// page shows, from the catalogue, so the two say the same.
func fieldUsage(field string) string {
	msgs, err := messages()
	if err != nil || !msgs.Has("en", "profile."+field) {
		return field
	}
	s := msgs.T("en", "profile."+field)
	if msgs.Has("en", "profile."+field+"_hint") {
		s += ": " + msgs.T("en", "profile."+field+"_hint")
	}
	if field == cardBrandsField {
		s += " (comma-separated, e.g. visa,jcb; '' for none)"
	}
	return s
}

// openOrganisation opens the database (migrating it, as the other admin
// commands do) and finds the organisation by slug, for both profile verbs;
// the error names the slug, since "not found" alone does not say what was
// looked for. On success the caller closes the env.
func openOrganisation(ctx context.Context, slug string) (*env, *auth.Service, auth.Organisation, error) {
	e, err := open(ctx, true)
	if err != nil {
		return nil, nil, auth.Organisation{}, err
	}
	a, err := newAuth(e.cfg, e.clock, e.st)
	if err == nil {
		var o auth.Organisation
		if o, err = a.OrganisationBySlug(ctx, slug); err == nil {
			return e, a, o, nil
		}
		err = fmt.Errorf("organisation %q: %w", slug, err)
	}
	e.close()
	return nil, nil, auth.Organisation{}, err
}

// readProfile reads a whole profile as the API's PUT takes it: an unknown
// field is refused rather than ignored, since a misspelt one would
// otherwise empty the field it was meant for.
func readProfile(path string) (auth.Profile, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return auth.Profile{}, err
	}
	var in auth.Profile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return auth.Profile{}, fmt.Errorf("--file %s: %w", path, err)
	}
	if dec.More() {
		return auth.Profile{}, fmt.Errorf("--file %s: more than one JSON value", path)
	}
	if in.CardBrands == nil {
		in.CardBrands = []string{}
	}
	return in, nil
}

// splitList splits a comma-separated flag value; "" is the empty list.
func splitList(s string) []string {
	out := []string{}
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// writeProfileJSON prints p as the API's body, indented for reading and
// with & < > as they are, since no browser reads it.
func writeProfileJSON(w io.Writer, p auth.Profile) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}
