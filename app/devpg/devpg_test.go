package devpg

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestStartConnectStopRestart(t *testing.T) {
	if _, ok := Available(); !ok {
		t.Skip("PostgreSQL server binaries not installed")
	}
	t.Parallel()
	// Not t.TempDir(): as root, the postgres user must be able to reach the
	// directory, and t.TempDir's parents are private.
	dir, err := os.MkdirTemp("", "devpg-test-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx := context.Background()
	for round := 1; round <= 2; round++ {
		c, err := Start(ctx, dir)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		conn, err := pgx.Connect(ctx, c.DSN("postgres"))
		if err != nil {
			c.Stop()
			t.Fatalf("round %d connect: %v", round, err)
		}
		var one int
		err = conn.QueryRow(ctx, "SELECT 1").Scan(&one)
		conn.Close(ctx)
		if err != nil || one != 1 {
			t.Fatalf("round %d query: %v", round, err)
		}
		if err := c.Stop(); err != nil {
			t.Fatalf("round %d stop: %v", round, err)
		}
	}
}
