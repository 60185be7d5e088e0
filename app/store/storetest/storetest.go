// Package storetest gives each test its own PostgreSQL database, cloned from
// a migrated template database, so tests run in parallel against the real
// schema without seeing each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/migrations"
)

// AdminURL is the server used for tests: BREACHDESK_TEST_DATABASE_URL, or
// the local server's postgres database.
func AdminURL() string {
	if u := os.Getenv("BREACHDESK_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// New returns a Store on a fresh database with every migration applied,
// stamping rows by clk. The database is dropped when the test ends.
func New(t testing.TB, clk clock.Clock) *store.Store {
	t.Helper()
	s, _ := NewWithURL(t, clk)
	return s
}

// NewWithURL is New that also returns the database's URL, for tests that run
// the breachdesk binary or a second process against the same database.
func NewWithURL(t testing.TB, clk clock.Clock) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	tpl, err := templateDB(ctx)
	if err != nil {
		t.Fatalf("storetest: template database: %v", err)
	}
	name := "bd_test_" + randomHex(8)
	if err := adminExec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tpl)); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	dbURL := withDatabase(AdminURL(), name)
	s, err := store.Open(ctx, dbURL, clk)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		_ = adminExec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return s, dbURL
}

// templateDB creates (once per schema version, across concurrently running
// test binaries) a migrated database to clone from, and returns its name.
func templateDB(ctx context.Context) (string, error) {
	name := "bd_tpl_" + schemaHash()
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	// Several test binaries start at once: one builds the template, the
	// others wait on the lock and then find it ready.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7270002)`); err != nil {
		return "", err
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock(7270002)`) //nolint:errcheck
	var ready bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&ready); err != nil {
		return "", err
	}
	if ready {
		return name, nil
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		return "", err
	}
	// Migrating stamps nothing by the store's clock (schema_migrations
	// takes the database's default), so any clock will do.
	s, err := store.Open(ctx, withDatabase(AdminURL(), name), clocktest.Frozen(time.Time{}))
	if err != nil {
		return "", err
	}
	err = s.Migrate(ctx)
	s.Close()
	if err != nil {
		return "", err
	}
	// Marking it a template forbids connections by mistake and lets
	// CREATE DATABASE ... TEMPLATE copy it quickly.
	if _, err := conn.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s WITH is_template true ALLOW_CONNECTIONS false`, name)); err != nil {
		return "", err
	}
	return name, nil
}

// schemaHash names the template after the migrations' content, so a changed
// migration gets a fresh template instead of a stale one.
func schemaHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(migrations.FS, p)
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func adminExec(ctx context.Context, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
