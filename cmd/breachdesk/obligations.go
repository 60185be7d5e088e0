package main

import (
	"os"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/obligations/cli"
)

// runObligations is the quick calculator for legal staff: no database.
func runObligations(args []string) int {
	return cli.Run(args, os.Stdin, os.Stdout, os.Stderr, clock.System.Now)
}
