package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/breachdesk/breachdesk/app/devpg"
)

// Location says where to find the database.
type Location struct {
	URL       string // explicit URL; when empty, look for a local server
	LocalAddr string // host:port of the local server to try
	DataDir   string // where a private cluster lives when none answers
	Database  string // database name on the local server
}

// Resolve returns a database URL that works, creating the database when it
// is missing. Without an explicit URL it tries the local server, and when
// none answers but PostgreSQL is installed, it starts a private cluster
// under DataDir; stop shuts that cluster down again (a no-op otherwise).
func Resolve(ctx context.Context, loc Location) (dbURL string, stop func(), err error) {
	stop = func() {}
	if loc.Database == "" {
		loc.Database = "breachdesk"
	}
	if loc.URL != "" {
		return loc.URL, stop, ensureDatabase(ctx, loc.URL)
	}
	if answers(loc.LocalAddr) {
		dbURL = fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", loc.LocalAddr, loc.Database)
		return dbURL, stop, ensureDatabase(ctx, dbURL)
	}
	if _, ok := devpg.Available(); !ok {
		return "", stop, fmt.Errorf("no PostgreSQL server answers at %s and PostgreSQL is not installed: install it (apt-get install postgresql) or set BREACHDESK_DATABASE_URL", loc.LocalAddr)
	}
	dir, err := filepath.Abs(filepath.Join(loc.DataDir, "pg"))
	if err != nil {
		return "", stop, err
	}
	slog.Info("no PostgreSQL server answers; starting a private cluster", "addr", loc.LocalAddr, "dir", dir)
	cluster, err := devpg.Start(ctx, dir)
	if err != nil {
		return "", stop, fmt.Errorf("start private PostgreSQL cluster in %s: %w", dir, err)
	}
	stop = func() {
		if err := cluster.Stop(); err != nil {
			slog.Error("stop private PostgreSQL cluster", "err", err)
		} else {
			slog.Info("private PostgreSQL cluster stopped")
		}
	}
	dbURL = cluster.DSN(loc.Database)
	if err := ensureDatabase(ctx, dbURL); err != nil {
		stop()
		return "", func() {}, err
	}
	return dbURL, stop, nil
}

func answers(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// ensureDatabase creates the URL's database when the server says it does
// not exist.
func ensureDatabase(ctx context.Context, dbURL string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err == nil {
		return conn.Close(ctx)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "3D000" {
		return fmt.Errorf("connect to database: %w", err)
	}
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return err
	}
	name := cfg.Database
	admin, err := url.Parse(dbURL)
	if err != nil {
		return err
	}
	admin.Path = "/postgres"
	aconn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return fmt.Errorf("connect to create database %s: %w", name, err)
	}
	defer aconn.Close(ctx)
	if _, err := aconn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	slog.Info("created database", "name", name)
	return nil
}
