package main_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/loadtest"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// The load test's 30 minutes cannot run in CI; this runs the same command
// for a few seconds against a real server (the binary, with its workers)
// so that the scenario keeps working as the API and pages change.
// metricsToken lets the load test read the server's /metrics.
const metricsToken = "metrics-token-for-the-load-test"

func TestLoadtestAgainstARunningServer(t *testing.T) {
	t.Parallel()
	_, dbURL := storetest.NewWithURL(t, clocktest.Real())
	addr := freePort(t)
	env := []string{"BREACHDESK_DATABASE_URL=" + dbURL, "BREACHDESK_SECRET_KEY=" + strings.Repeat("cd", 32),
		"BREACHDESK_DATA_DIR=" + t.TempDir(), "BREACHDESK_ADDR=" + addr, "BREACHDESK_BASE_URL=http://" + addr,
		"BREACHDESK_COOKIE_SECURE=false", "BREACHDESK_SEED_DEMO=false", "BREACHDESK_LOG_LEVEL=warn",
		"BREACHDESK_METRICS_TOKEN=" + metricsToken}
	const pw = "load test passphrase"
	if r := runCLI(t, env, pw+"\n", "user", "create", "--email", "load@shop.example", "--name", "Load", "--org", "load-shop", "--role", "owner"); r.code != 0 {
		t.Fatalf("user create: %d %s", r.code, r.stderr)
	}
	r := runCLI(t, env, "", "token", "create", "--email", "load@shop.example", "--org", "load-shop", "--scope", "write")
	if r.code != 0 {
		t.Fatalf("token create: %d %s", r.code, r.stderr)
	}
	token := strings.TrimSpace(r.stdout)

	srv := exec.Command(binary(t), "serve")
	srv.Env = append(os.Environ(), env...)
	var srvOut bytes.Buffer
	srv.Stdout, srv.Stderr = &srvOut, &srvOut
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	})
	waited := clock.Start()
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if waited.Elapsed() > 30*time.Second {
			t.Fatalf("server never became ready:\n%s", srvOut.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// An organisation made from the command line has no details yet, and
	// its owner's dashboard asks for them first: give them over the API, as
	// an operator setting up a merchant would.
	req, err := http.NewRequest(http.MethodPut, "http://"+addr+"/api/v1/organisation/profile", strings.NewReader(
		`{"name":"Load Shop","legal_name":"株式会社ロードショップ","address":"東京都千代田区1-1","representative":"代表取締役 負荷 試験"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("profile over the API: %d", resp.StatusCode)
	}

	out := filepath.Join(t.TempDir(), "report.json")
	lt := runCLI(t, []string{"BREACHDESK_LOADTEST_PASSWORD=" + pw, "BREACHDESK_METRICS_TOKEN=" + metricsToken}, "", "loadtest", "--url", "http://"+addr, "--token", token,
		"--email", "load@shop.example", "--duration", "3s", "--clients", "2", "--think", "20ms",
		"--report-every", "1s", "--sample-every", "500ms", "--max-error-rate", "0", "--json", out)
	if lt.code != 0 {
		t.Fatalf("loadtest: exit %d\n%s\n%s\nserver:\n%s", lt.code, lt.stdout, lt.stderr, srvOut.String())
	}
	for _, want := range []string{"[     1s]", "page_dashboard", "list_cases", "total", "error rate 0.00%", "Server memory", "heap in use"} {
		if !strings.Contains(lt.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, lt.stdout)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep loadtest.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, o := range rep.Ops {
		ops[o.Op] = o.Requests
	}
	// Both kinds of traffic ran: pages in the session and the API with the token.
	if ops["page_dashboard"] == 0 || ops["page_case"] == 0 || ops["list_cases"] == 0 || ops["metrics"] < 3 || rep.Total.Requests < 20 {
		t.Errorf("too little traffic: %v", ops)
	}
	if rep.Failures != 0 || len(rep.Memory.Samples) < 3 || rep.Memory.HeapInuse.Last <= 0 || rep.Memory.Goroutines.Last <= 0 {
		t.Errorf("failures %d, memory %+v", rep.Failures, rep.Memory)
	}

	// A wrong password stops the run before it starts, saying why.
	bad := runCLI(t, []string{"BREACHDESK_LOADTEST_PASSWORD=wrong"}, "", "loadtest", "--url", "http://"+addr, "--email", "load@shop.example", "--duration", "1s")
	if bad.code != 1 || !strings.Contains(bad.stderr, "wrong e-mail or password") {
		t.Errorf("wrong password: exit %d, %s", bad.code, bad.stderr)
	}
}
