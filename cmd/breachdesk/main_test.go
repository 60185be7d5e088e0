package main_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/devpg"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds breachdesk once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "breachdesk-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "breachdesk")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func TestHelpOnEveryCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"worker", "--help"}, {"migrate", "--help"},
		{"user", "create", "--help"}, {"token", "create", "--help"}, {"audit", "verify", "--help"}, {"demo", "--help"}, {"obligations", "--help"}, {"openapi", "--help"}, {"loadtest", "--help"}} {
		r := runCLI(t, nil, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "Usage") {
			t.Errorf("%v: exit %d, output %q", args, r.code, r.stdout+r.stderr)
		}
	}
	if r := runCLI(t, nil, "", "frobnicate"); r.code != 2 {
		t.Errorf("unknown command: exit %d", r.code)
	}
}

func TestUserTokenAndAuditCommands(t *testing.T) {
	t.Parallel()
	st, dbURL := storetest.NewWithURL(t, clocktest.Real())
	env := []string{"BREACHDESK_DATABASE_URL=" + dbURL, "BREACHDESK_SECRET_KEY=" + strings.Repeat("ab", 32)}
	r := runCLI(t, env, "a long passphrase\n", "user", "create", "--email", "Me@Shop.example", "--name", "Me", "--org", "my-shop", "--role", "owner")
	if r.code != 0 {
		t.Fatalf("user create: %d %s", r.code, r.stderr)
	}
	r = runCLI(t, env, "short\n", "user", "create", "--email", "x@shop.example", "--name", "X", "--org", "my-shop", "--role", "owner")
	if r.code == 0 || !strings.Contains(r.stderr, "password") {
		t.Fatalf("short password accepted: %d %s", r.code, r.stderr)
	}
	r = runCLI(t, env, "", "token", "create", "--email", "me@shop.example", "--org", "my-shop")
	token := strings.TrimSpace(r.stdout)
	if r.code != 0 || !strings.HasPrefix(token, "bdt_") || strings.Contains(token, "\n") {
		t.Fatalf("token create: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, env, "", "audit", "verify"); r.code != 0 || !strings.Contains(r.stdout, "intact") {
		t.Fatalf("audit verify on a fresh chain: %d %s %s", r.code, r.stdout, r.stderr)
	}
	// Tamper with the second row as someone with direct SQL access would.
	err := st.DB.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SET LOCAL session_replication_role = replica`).Error; err != nil {
			return err
		}
		return tx.Exec(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, env, "", "audit", "verify")
	if r.code != 1 || !strings.Contains(r.stderr, "row 2") {
		t.Fatalf("audit verify after tampering: exit %d, stderr %q", r.code, r.stderr)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// With no server answering on the local address but PostgreSQL installed,
// serve starts a private cluster, migrates, seeds the demo organisation,
// becomes ready, and on SIGTERM stops everything it started.
func TestServeStartsPrivateClusterWhenNoServerAnswers(t *testing.T) {
	if _, ok := devpg.Available(); !ok {
		t.Skip("PostgreSQL binaries not installed")
	}
	t.Parallel()
	dataDir, err := os.MkdirTemp("", "bd-serve-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dataDir, 0o755)
	defer os.RemoveAll(dataDir)
	addr := freePort(t)
	nobody := freePort(t) // nothing listens here: "installed but not running"
	cmd := exec.Command(binary(t), "serve")
	cmd.Env = append(os.Environ(), "BREACHDESK_DATABASE_URL=", "BREACHDESK_LOCAL_PG_ADDR="+nobody,
		"BREACHDESK_DATA_DIR="+dataDir, "BREACHDESK_ADDR="+addr, "BREACHDESK_BASE_URL=http://"+addr)
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ready := false
	for !ready && ctx.Err() == nil {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			ready = resp.StatusCode == 200
			resp.Body.Close()
		}
		if !ready {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if !ready {
		cmd.Process.Kill()
		t.Fatalf("never became ready; stderr:\n%s", stderr.String())
	}
	resp, err := http.Get("http://" + addr + "/login")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login page: %v", err)
	}
	resp.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve exit: %v\n%s", err, stderr.String())
	}
	var out strings.Builder
	for l := range lines {
		out.WriteString(l + "\n")
	}
	if !strings.Contains(out.String(), "owner@demo.example") || !strings.Contains(out.String(), "password:") {
		t.Errorf("first start did not print the demo login:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dataDir, "pg")); err != nil {
		t.Errorf("private cluster not under the data dir: %v", err)
	}
	matches, _ := filepath.Glob(filepath.Join(dataDir, "pg", "*", "postmaster.pid"))
	if len(matches) > 0 {
		t.Errorf("private cluster still running after exit: %v", matches)
	}
}
