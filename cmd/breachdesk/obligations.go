package main

import (
	"os"
	"time"

	"github.com/breachdesk/breachdesk/app/obligations/cli"
)

// runObligations is the quick calculator for legal staff: no database.
func runObligations(args []string) int {
	return cli.Run(args, os.Stdin, os.Stdout, os.Stderr, time.Now)
}
