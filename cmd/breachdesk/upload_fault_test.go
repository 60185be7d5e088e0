package main_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
)

// uploadServer is one `breachdesk serve` process with a private temporary
// directory, so that the files it spools uploads into can be watched.
type uploadServer struct {
	t      *testing.T
	cmd    *exec.Cmd
	base   string
	spool  string
	stderr bytes.Buffer
	done   chan struct{}
}

func startUploadServer(t *testing.T, dbURL, spool string, limitMiB int) *uploadServer {
	t.Helper()
	addr := freePort(t)
	s := &uploadServer{t: t, base: "http://" + addr, spool: spool, done: make(chan struct{})}
	s.cmd = exec.Command(binary(t), "serve")
	s.cmd.Env = append(os.Environ(), "BREACHDESK_DATABASE_URL="+dbURL, "BREACHDESK_SECRET_KEY="+strings.Repeat("cd", 32),
		"BREACHDESK_SEED_DEMO=false", "BREACHDESK_COOKIE_SECURE=false", "BREACHDESK_DATA_DIR="+t.TempDir(),
		"BREACHDESK_LOG_LEVEL=warn", fmt.Sprintf("BREACHDESK_MAX_UPLOAD_MB=%d", limitMiB),
		"BREACHDESK_ADDR="+addr, "BREACHDESK_BASE_URL="+s.base, "TMPDIR="+spool)
	s.cmd.Stderr = &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.cmd.Process.Signal(syscall.SIGTERM); <-s.done })
	waitFor(t, "ready", 60*time.Second, func() bool { return readyz(s.base) == 200 })
	return s
}

func (s *uploadServer) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// spooled lists the files in the server's temporary directory.
func (s *uploadServer) spooled() []string {
	entries, _ := os.ReadDir(s.spool)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// uploadChunk is what upload sends as a file, repeated to its size.
var uploadChunk = bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB

// contentSHA is the SHA-256 of what upload sends as a file of size bytes.
func contentSHA(size int64) string {
	h := sha256.New()
	chunk := uploadChunk
	for written := int64(0); written < size; written += int64(len(chunk)) {
		h.Write(chunk[:min(int64(len(chunk)), size-written)])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// namesMiB reports whether an error page states a limit of n MiB, in
// either language ("21 MiB", "最大21MiB").
func namesMiB(page string, n int) bool {
	return strings.Contains(page, fmt.Sprintf("%d MiB", n)) || strings.Contains(page, fmt.Sprintf("%dMiB", n))
}

// browser is a logged-in web session against a server process.
type browser struct {
	t    *testing.T
	http *http.Client
	base string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func loginBrowser(t *testing.T, base, email, password string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, base: base, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	token := b.csrf("/login")
	resp, err := b.http.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "_csrf": {token}})
	if err != nil || resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	return b
}

// csrf reads the form token from a page.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	resp, err := b.http.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s (%d)", path, resp.StatusCode)
	}
	return string(m[1])
}

// upload posts the evidence form with a file of size bytes, streamed
// through a pipe. paused, when set, is called once the first part of the
// file is written and before the rest is, with the upload still open.
// declared sends a Content-Length; otherwise the body is chunked.
func (b *browser) upload(path, token string, size int64, declared bool, paused func()) (int, string, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var head bytes.Buffer
	hw := multipart.NewWriter(&head)
	_ = hw.SetBoundary(mw.Boundary())
	_ = hw.WriteField("_csrf", token)
	_ = hw.WriteField("description", "disk image excerpt")
	_, _ = hw.CreateFormFile("file", "image.bin")
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	go func() {
		_, err := pw.Write(head.Bytes())
		chunk := uploadChunk
		written := int64(0)
		for err == nil && written < size {
			n := min(int64(len(chunk)), size-written)
			_, err = pw.Write(chunk[:n])
			written += n
			// Pause with the last 512 KiB unsent: past the 16 MiB kept in
			// memory, so the spool file must exist by now.
			if mark := size - 512<<10; paused != nil && written >= mark && written-n < mark {
				paused()
			}
		}
		if err == nil {
			_, err = io.WriteString(pw, tail)
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", b.base+path, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if declared {
		req.ContentLength = int64(head.Len()) + size + int64(len(tail))
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(page), nil
}

// A browser upload larger than fasthttp keeps in memory (16 MiB) is
// spooled to a file in the server's temporary directory. The test proves
// the spool is really used, then fills uploads past the limit (declared
// and chunked, and over the evidence limit but under the body limit) and
// kills the server in the middle of a spooled upload. Each time the
// register's count is checked: the one good upload stored once with the
// right hash, nothing partial kept; and the server's own temporary files
// are gone whenever it is alive.
func TestFaultEvidenceUploadOnDiskPastTheLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server")
	}
	t.Parallel()
	e := newCrashEnv(t, 0)
	spool := t.TempDir()
	const limitMiB = 20
	srv := startUploadServer(t, e.url, spool, limitMiB)
	b := loginBrowser(t, srv.base, "owner@shop.example", "correct horse battery")
	casePage := fmt.Sprintf("/cases/%d", e.caseID)
	path := casePage + "/evidence"
	count := func() (n int64) {
		if err := e.st.DB.Raw(`SELECT count(*) FROM evidence WHERE case_id = ?`, e.caseID).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	noSpool := func(when string) {
		t.Helper()
		// The temporary file is removed when fasthttp releases the
		// request, just after the response is written.
		waited := clock.Start()
		for len(srv.spooled()) > 0 && waited.Elapsed() < 5*time.Second {
			time.Sleep(50 * time.Millisecond)
		}
		if left := srv.spooled(); len(left) > 0 {
			t.Errorf("%s: temporary files left behind: %v", when, left)
		}
	}

	// 18 MiB: over the in-memory threshold, under the limit.
	good := int64(18 << 20)
	var sawSpool []string
	code, page, err := b.upload(path, b.csrf(casePage), good, true, func() {
		waitFor(t, "the upload spooled to disk", 10*time.Second, func() bool { sawSpool = srv.spooled(); return len(sawSpool) > 0 })
	})
	if err != nil || code != http.StatusSeeOther {
		t.Fatalf("upload of %d bytes: %d %v\n%.500s", good, code, err, page)
	}
	t.Logf("spooled to %v while the upload was open", sawSpool)
	noSpool("after a stored upload")
	var stored struct {
		Size   int64
		Sha256 string
	}
	e.st.DB.Raw(`SELECT size_bytes AS size, encode(sha256, 'hex') AS sha256 FROM evidence WHERE case_id = ?`, e.caseID).Scan(&stored)
	if count() != 1 || stored.Size != good || stored.Sha256 != contentSHA(good) {
		t.Fatalf("after the good upload: %d rows, %+v", count(), stored)
	}

	// Past the limit, declared and chunked: 413 naming the limit.
	for _, declared := range []bool{true, false} {
		code, page, err := b.upload(path, b.csrf(casePage), 40<<20, declared, nil)
		if err == nil && (code != http.StatusRequestEntityTooLarge || !namesMiB(page, limitMiB+1)) {
			t.Errorf("40 MiB upload (declared length %v): %d\n%.500s", declared, code, page)
		}
		// A client may see the connection closed before it finished
		// sending; what matters is what the server kept.
		noSpool(fmt.Sprintf("after a refused upload (declared %v)", declared))
	}
	// Over the evidence limit but inside the body limit (file + form
	// room): the service's 422, naming its limit.
	code, page, err = b.upload(path, b.csrf(casePage), limitMiB<<20+64<<10, true, nil)
	if err != nil || code != http.StatusUnprocessableEntity || !namesMiB(page, limitMiB) {
		t.Errorf("upload just over the evidence limit: %d %v\n%.500s", code, err, page)
	}
	noSpool("after the evidence limit")
	if n := count(); n != 1 {
		t.Fatalf("refused uploads stored something: %d rows", n)
	}

	// Killed while a spooled upload is open: nothing partial is stored;
	// the next server takes the same upload.
	token := b.csrf(casePage)
	killed := make(chan struct{})
	go func() {
		b.upload(path, token, good, true, func() {
			waitFor(t, "the upload spooled before the kill", 10*time.Second, func() bool { return len(srv.spooled()) > 0 })
			srv.kill()
			close(killed)
		})
	}()
	<-killed
	if n := count(); n != 1 {
		t.Fatalf("a killed upload left %d rows", n)
	}
	for _, f := range srv.spooled() {
		// The dead process's spool file: the kernel cannot delete it for
		// us; the operator's tmp cleaner does (README).
		os.Remove(spool + "/" + f)
	}
	srv = startUploadServer(t, e.url, spool, limitMiB)
	b = loginBrowser(t, srv.base, "owner@shop.example", "correct horse battery")
	if code, page, err := b.upload(path, b.csrf(casePage), good, true, nil); err != nil || code != http.StatusSeeOther {
		t.Fatalf("upload after the restart: %d %v\n%.500s", code, err, page)
	}
	noSpool("after the upload on the new server")
	var hashes []string
	e.st.DB.Raw(`SELECT encode(sha256, 'hex') FROM evidence WHERE case_id = ? ORDER BY id`, e.caseID).Scan(&hashes)
	if len(hashes) != 2 || hashes[0] != hashes[1] {
		t.Fatalf("after the restart: %v (want the same content twice)", hashes)
	}
}
