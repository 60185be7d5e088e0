// Command breachdesk is the BreachDesk server, worker and admin tool.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(args []string) int
}

var commands = map[string]command{
	"serve":       {"run the web server and the background workers", runServe},
	"worker":      {"run background workers only (scale-out)", runWorker},
	"migrate":     {"apply (or revert) database migrations", runMigrate},
	"user":        {"manage users: user create", runUser},
	"token":       {"manage API tokens: token create", runToken},
	"org":         {"organisation details: org profile show | set", runOrg},
	"audit":       {"audit log: audit verify | checkpoint | key", runAudit},
	"demo":        {"seed the demo organisation and users", runDemo},
	"obligations": {"compute legal deadlines from facts (no database)", runObligations},
	"openapi":     {"print the API's OpenAPI document (no database)", runOpenAPI},
	"loadtest":    {"drive a running server with mixed use; report errors, latency, memory", runLoadtest},
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "breachdesk: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd.run(args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "BreachDesk — incident response and breach notification.")
	fmt.Fprintln(w, "\nUsage: breachdesk <command> [flags]   (breachdesk <command> --help for its flags)\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from BREACHDESK_* environment variables; see README.md.")
}
