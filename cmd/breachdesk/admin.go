package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/demo"
)

// cliCtx marks CLI actions in the audit log.
func cliCtx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Label: "cli"})
}

func runMigrate(args []string) int {
	fs := newFlags("migrate", "migrate [--down VERSION] [--status]\n\nApplies River's and BreachDesk's migrations. With --down, reverts\nBreachDesk's schema down to VERSION (0 = everything).")
	down := fs.Int("down", -1, "revert down to this schema version")
	status := fs.Bool("status", false, "print the current schema version and exit")
	if code, done := parse(fs, args); done {
		return code
	}
	ctx := context.Background()
	e, err := open(ctx, false)
	if err != nil {
		return fail(os.Stderr, err)
	}
	defer e.close()
	switch {
	case *status:
	case *down >= 0:
		err = e.st.MigrateDown(ctx, *down)
	default:
		err = e.st.Migrate(ctx)
	}
	if err != nil {
		return fail(os.Stderr, err)
	}
	v, err := e.st.SchemaVersion(ctx)
	if err != nil {
		return fail(os.Stderr, err)
	}
	fmt.Printf("schema version %d\n", v)
	return 0
}

func runUser(args []string) int {
	if code, ok := subcommand(args, "create", "Usage: breachdesk user create --email E --name N --org SLUG --role ROLE [--operator] [--password-stdin]"); !ok {
		return code
	}
	fs := newFlags("user create", "user create --email E --name N --org SLUG --role ROLE [--operator] [--password-stdin]\n\nCreates a user, or updates the user with that e-mail (new password, role).\nThe organisation is created when missing. The password is read from the\nfirst line of standard input.")
	email := fs.String("email", "", "e-mail address (login)")
	name := fs.String("name", "", "display name")
	org := fs.String("org", "", "organisation slug (created when missing)")
	orgName := fs.String("org-name", "", "organisation name when it is created (default: the slug)")
	role := fs.String("role", "", "role in the organisation: owner, manager, responder, legal, viewer")
	operator := fs.Bool("operator", false, "platform operator: may act in every organisation")
	_ = fs.Bool("password-stdin", true, "read the password from standard input (always on; never pass passwords as arguments)")
	if code, done := parse(fs, args[1:]); done {
		return code
	}
	pw, err := readPassword(os.Stdin)
	if err != nil {
		return fail(os.Stderr, err)
	}
	ctx := cliCtx()
	e, err := open(ctx, true)
	if err != nil {
		return fail(os.Stderr, err)
	}
	defer e.close()
	if *org == "" && !*operator {
		fmt.Fprintln(os.Stderr, "breachdesk: --org is required (except for --operator users)")
		return 2
	}
	a, err := newAuth(e.cfg, e.clock, e.st)
	if err != nil {
		return fail(os.Stderr, err)
	}
	u, err := a.CreateUser(ctx, auth.NewUser{Email: *email, Name: *name, Password: pw, OrgSlug: *org, OrgName: *orgName, Role: auth.Role(*role), Operator: *operator})
	if err != nil {
		return fail(os.Stderr, err)
	}
	fmt.Printf("user %d %s ready\n", u.ID, u.Email)
	return 0
}

func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("no password on standard input (echo 'secret' | breachdesk user create ...)")
	}
	return pw, nil
}

func runToken(args []string) int {
	if code, ok := subcommand(args, "create", "Usage: breachdesk token create --email E --org SLUG [--name NAME] [--scope read|write] [--days N]"); !ok {
		return code
	}
	fs := newFlags("token create", "token create --email E --org SLUG [--name NAME] [--scope read|write] [--days N]\n\nCreates an API token for the user in the organisation and prints only the\ntoken (it is stored hashed and cannot be shown again). A read token may\nonly read; every token ends after --days.")
	email := fs.String("email", "", "the user's e-mail address")
	org := fs.String("org", "", "organisation slug")
	name := fs.String("name", "cli", "a name to recognise the token by")
	scope := fs.String("scope", auth.TokenRead, "read (GET and HEAD only) or write")
	days := fs.Int("days", auth.DefaultTokenDays, "days until the token stops working (1 to 365)")
	if code, done := parse(fs, args[1:]); done {
		return code
	}
	ctx := cliCtx()
	e, err := open(ctx, true)
	if err != nil {
		return fail(os.Stderr, err)
	}
	defer e.close()
	a, err := newAuth(e.cfg, e.clock, e.st)
	if err != nil {
		return fail(os.Stderr, err)
	}
	secret, err := a.IssueTokenFor(ctx, *email, *org, auth.TokenInput{Name: *name, Scope: *scope, Days: *days})
	if err != nil {
		return fail(os.Stderr, err)
	}
	fmt.Println(secret)
	return 0
}

func runDemo(args []string) int {
	fs := newFlags("demo", "demo\n\nSeeds the demo organisation (demo-shop) with one user per role and prints\ntheir new passwords. Running it again resets those passwords.")
	if code, done := parse(fs, args); done {
		return code
	}
	ctx := cliCtx()
	e, err := open(ctx, true)
	if err != nil {
		return fail(os.Stderr, err)
	}
	defer e.close()
	a, err := wire(e.cfg, e.clock, e.st)
	if err != nil {
		return fail(os.Stderr, err)
	}
	logins, err := demo.Seed(ctx, a.demoServices())
	if err != nil {
		return fail(os.Stderr, err)
	}
	demo.Print(os.Stdout, e.cfg.BaseURL, logins)
	return 0
}

// subcommand checks that args start with the one verb a command group has
// (user create, token create, audit verify); otherwise it prints the usage
// and gives the exit code: 0 for --help, 2 for anything else.
func subcommand(args []string, verb, usage string) (code int, ok bool) {
	if len(args) > 0 && args[0] == verb {
		return 0, true
	}
	fmt.Fprintln(os.Stderr, usage)
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
		return 0, false
	}
	return 2, false
}
