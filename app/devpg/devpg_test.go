package devpg

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/breachdesk/breachdesk/app/clock"
)

// testDir returns a fresh directory the postgres OS user can reach. Not
// t.TempDir(): as root, the cluster runs as postgres, and t.TempDir's
// parent (/tmp/TestName…) is created 0700 for root.
func testDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "devpg-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func selectOne(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	defer conn.Close(ctx)
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
}

// start is Start plus a cleanup that stops the cluster if the test fails
// half-way, so no postgres process outlives the test.
func start(t *testing.T, ctx context.Context, dataDir string) (*Cluster, time.Duration) {
	t.Helper()
	t0 := clock.Start()
	c, err := Start(ctx, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c, t0.Elapsed()
}

func TestStartConnectStopRestart(t *testing.T) {
	if _, ok := Available(); !ok {
		t.Skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// .data/pg like the app uses, so the missing parent gets created too.
	dataDir := filepath.Join(testDir(t), ".data", "pg")

	c, took := start(t, ctx, dataDir)
	t.Logf("first start (initdb + start): %v, DSN %s", took, c.DSN("postgres"))
	if !c.Owned() {
		t.Fatal("first Start should own the server")
	}
	selectOne(t, ctx, c.DSN("postgres"))
	if info, err := os.Stat(filepath.Join(dataDir, "db")); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("PGDATA mode: %v, %v", info.Mode(), err)
	}

	// A second Start on a running cluster reuses it and must not stop it.
	again, _ := start(t, ctx, dataDir)
	if again.Owned() {
		t.Fatal("second Start on a running cluster should not own it")
	}
	if err := again.Stop(); err != nil {
		t.Fatal(err)
	}
	selectOne(t, ctx, again.DSN("postgres"))

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := pgx.Connect(ctx, c.DSN("postgres")); err == nil {
		t.Fatal("server still answers after Stop")
	}

	// Restart: initdb is skipped, so this is fast.
	c, took = start(t, ctx, dataDir)
	t.Logf("restart: %v", took)
	if !c.Owned() {
		t.Fatal("restart should own the server")
	}
	selectOne(t, ctx, c.DSN("postgres"))
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestUnreachableDataDirIsExplained(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root hands the cluster to another OS user")
	}
	if _, ok := Available(); !ok {
		t.Skip("PostgreSQL server binaries not installed")
	}
	t.Parallel()
	private := filepath.Join(testDir(t), "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), filepath.Join(private, "pg"))
	if err == nil || !strings.Contains(err.Error(), "cannot reach") || !strings.Contains(err.Error(), private) {
		t.Fatalf("want an error naming %s, got %v", private, err)
	}
}

func TestSocketDirFor(t *testing.T) {
	t.Parallel()
	if got := socketDirFor("/srv/app/.data/pg"); got != "/srv/app/.data/pg/run" {
		t.Fatalf("short path: got %s", got)
	}
	long := "/" + strings.Repeat("deep/", 25) + ".data/pg"
	got := socketDirFor(long)
	if !strings.HasPrefix(got, os.TempDir()) || len(got)+len("/.s.PGSQL.5433.lock") > maxSocketPath {
		t.Fatalf("long path: got %s", got)
	}
	if socketDirFor(long) != got || socketDirFor(long+"2") == got {
		t.Fatal("fallback dir must be stable per data dir and differ between data dirs")
	}
}

func TestDSNEscapesPath(t *testing.T) {
	t.Parallel()
	c := &Cluster{socketDir: "/tmp/a b&c", port: 5433}
	cfg, err := pgx.ParseConfig(c.DSN("breachdesk"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "/tmp/a b&c" || cfg.Port != 5433 || cfg.Database != "breachdesk" || cfg.User != "postgres" {
		t.Fatalf("parsed %s as host=%q port=%d db=%q user=%q", c.DSN("breachdesk"), cfg.Host, cfg.Port, cfg.Database, cfg.User)
	}
}

func TestVersionLess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"9.6", "15", true}, {"15", "16", true}, {"16", "15", false}, {"15", "15", false}, {"10", "9.6", false}} {
		if got := versionLess(tc.a, tc.b); got != tc.want {
			t.Errorf("versionLess(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}
