package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
)

// env is what every command starts from: the configuration, the clock
// and the database. The services are made from it by wire (or, for the
// user and token commands, newAuth).
type env struct {
	cfg   config.Config
	clock clock.Clock // the one clock every service is handed
	st    *store.Store
	close func()
}

// loadConfig reads and validates the configuration and sets up logging.
func loadConfig() (config.Config, error) {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return cfg, fmt.Errorf("configuration:\n%w", err)
	}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(os.Stderr, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(os.Stderr, opts)
	}
	// Every log line passes the card-number guard, whoever writes it.
	slog.SetDefault(slog.New(pan.LogHandler(h)))
	return cfg, nil
}

// open resolves and opens the database (starting a private cluster when
// needed) and, when migrate is set, brings the schema up to date.
func open(ctx context.Context, migrate bool) (*env, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	if err := cfg.EnsureSecretKey(); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	if cfg.SecretKeyGenerated {
		slog.Warn("BREACHDESK_SECRET_KEY is not set: using a development key kept in " + cfg.DataDir + "/secret.key; set the variable in production")
	}
	dbURL, stop, err := store.Resolve(ctx, store.Location{URL: cfg.DatabaseURL, LocalAddr: cfg.LocalPGAddr, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	clk := clock.System
	st, err := store.Open(ctx, dbURL, clk)
	if err != nil {
		stop()
		return nil, err
	}
	e := &env{cfg: cfg, clock: clk, st: st, close: func() { st.Close(); stop() }}
	if migrate {
		if err := st.Migrate(ctx); err != nil {
			e.close()
			return nil, fmt.Errorf("migrate: %w", err)
		}
	}
	return e, nil
}

// newFlags returns a flag set that prints its usage on --help and exits 0.
func newFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("breachdesk "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: breachdesk %s\n\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; it returns done=true with the exit code when the
// command should stop (help shown or bad flags).
func parse(fs *flag.FlagSet, args []string) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}

// fail reports err and returns the exit status.
func fail(w io.Writer, err error) int {
	fmt.Fprintf(w, "breachdesk: %s\n", errorText(err))
	return 1
}
