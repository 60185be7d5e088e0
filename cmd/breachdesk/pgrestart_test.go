package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/devpg"
)

// api calls the JSON API with a bearer token.
func api(t *testing.T, base, token, method, path, contentType string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

func readyz(base string) int {
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	waited := clock.Start()
	for !ok() {
		if waited.Elapsed() > d {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// PostgreSQL restarts while the app serves and works jobs: /readyz says
// not ready while it is down, requests fail cleanly, and once it is back
// the app recovers by itself — the import that was running finishes with
// every row once and new work goes through (`make faulttest`).
func TestFaultPostgresRestartWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster and the server")
	}
	if _, ok := devpg.Available(); !ok {
		t.Skip("PostgreSQL server binaries not installed")
	}
	t.Parallel()
	ctx := context.Background()
	dataDir, err := os.MkdirTemp("", "bd-pgrestart-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dataDir, 0o755)
	defer os.RemoveAll(dataDir)
	cluster, err := devpg.Start(ctx, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cluster.Stop() }()
	env := []string{"BREACHDESK_DATABASE_URL=" + cluster.DSN("postgres"), "BREACHDESK_SECRET_KEY=" + strings.Repeat("ab", 32),
		"BREACHDESK_SEED_DEMO=false", "BREACHDESK_COOKIE_SECURE=false", "BREACHDESK_DATA_DIR=" + t.TempDir(),
		"BREACHDESK_JOB_TIMEOUT=8s", "BREACHDESK_JOB_RESCUE_AFTER=9s", "BREACHDESK_LOG_LEVEL=warn"}
	if r := runCLI(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	if r := runCLI(t, env, "a long passphrase\n", "user", "create", "--email", "me@shop.example", "--name", "Me", "--org", "shop", "--role", "owner"); r.code != 0 {
		t.Fatalf("user create: %s", r.stderr)
	}
	r := runCLI(t, env, "", "token", "create", "--email", "me@shop.example", "--org", "shop", "--scope", "write")
	token := strings.TrimSpace(r.stdout)
	addr := freePort(t)
	base := "http://" + addr
	cmd := exec.Command(binary(t), "serve")
	cmd.Env = append(append(os.Environ(), env...), "BREACHDESK_ADDR="+addr, "BREACHDESK_BASE_URL="+base)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	waitFor(t, "ready", 60*time.Second, func() bool { return readyz(base) == 200 })

	code, c := api(t, base, token, "POST", "/api/v1/cases", "application/json", []byte(`{"title":"Skimmer","aware_at":"`+clocktest.Real().Now().Add(-time.Hour).Format(time.RFC3339)+`","incident_type":"card_skimming"}`))
	if code != 201 && code != 200 {
		t.Fatalf("create case: %d %v", code, c)
	}
	caseID := int64(c["case"].(map[string]any)["id"].(float64))
	var csv strings.Builder
	csv.WriteString("氏名,メールアドレス\n")
	for i := range 100_000 {
		fmt.Fprintf(&csv, "氏名%d,u%d@example.jp\n", i, i)
	}
	code, imp := api(t, base, token, "POST", fmt.Sprintf("/api/v1/cases/%d/people/import?filename=a.csv", caseID), "text/csv", []byte(csv.String()))
	if code != http.StatusAccepted {
		t.Fatalf("import: %d %v", code, imp)
	}
	importID := int64(imp["id"].(float64))

	// Down, while the import job is running.
	waitFor(t, "the import starts", 30*time.Second, func() bool {
		_, m := api(t, base, token, "GET", fmt.Sprintf("/api/v1/imports/%d", importID), "", nil)
		return m != nil && m["status"] == "running"
	})
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "not ready while the database is down", 15*time.Second, func() bool { return readyz(base) == http.StatusServiceUnavailable })
	if code, _ := api(t, base, token, "GET", fmt.Sprintf("/api/v1/cases/%d", caseID), "", nil); code < 500 {
		t.Errorf("a request with the database down answered %d", code)
	}
	time.Sleep(2 * time.Second)
	if cmd.ProcessState != nil {
		t.Fatalf("the server exited while the database was down:\n%s", stderr.String())
	}

	// Up again: same data directory, same socket.
	if cluster, err = devpg.Start(ctx, dataDir); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "ready again", 60*time.Second, func() bool { return readyz(base) == 200 })
	waitFor(t, "the interrupted import finishes", 90*time.Second, func() bool {
		_, m := api(t, base, token, "GET", fmt.Sprintf("/api/v1/imports/%d", importID), "", nil)
		return m != nil && m["status"] == "done"
	})
	_, m := api(t, base, token, "GET", fmt.Sprintf("/api/v1/imports/%d", importID), "", nil)
	_, ppl := api(t, base, token, "GET", fmt.Sprintf("/api/v1/cases/%d/people?limit=1", caseID), "", nil)
	if m["rows_imported"] != float64(100_000) || ppl["total"] != float64(100_000) {
		t.Fatalf("after the restart: import %v, %v persons", m["rows_imported"], ppl["total"])
	}
	if conn, err := pgx.Connect(ctx, cluster.DSN("postgres")); err == nil {
		var attempts int
		conn.QueryRow(ctx, `SELECT attempt FROM river_job WHERE kind = 'import_people' ORDER BY id LIMIT 1`).Scan(&attempts)
		t.Logf("the import job took %d attempt(s) across the restart", attempts)
		conn.Close(ctx)
	}
	// New work goes through the recovered pool and workers.
	code, imp = api(t, base, token, "POST", fmt.Sprintf("/api/v1/cases/%d/people/import?filename=b.csv", caseID), "text/csv", []byte("氏名,メールアドレス\n新しい人,new@example.jp\n"))
	if code != http.StatusAccepted {
		t.Fatalf("import after the restart: %d %v", code, imp)
	}
	second := int64(imp["id"].(float64))
	waitFor(t, "a new import after the restart", 30*time.Second, func() bool {
		_, m := api(t, base, token, "GET", fmt.Sprintf("/api/v1/imports/%d", second), "", nil)
		return m != nil && m["status"] == "done"
	})
}
