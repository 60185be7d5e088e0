// Package devpg runs a private PostgreSQL cluster for zero-setup
// development: when nothing answers on 127.0.0.1:5432 but Debian's
// PostgreSQL binaries are installed, BreachDesk initialises a cluster in a
// local folder and talks to it over a unix socket only, so it never clashes
// with another server's TCP port.
package devpg

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
)

// socketPort only names the socket file (.s.PGSQL.5433): the cluster does
// not listen on TCP, so any number works and a fixed one keeps DSNs stable.
const socketPort = 5433

// maxSocketPath is sizeof(sockaddr_un.sun_path) minus the trailing NUL on
// Linux. PostgreSQL refuses to start if the socket path is longer.
const maxSocketPath = 107

// pgRoot is where Debian's postgresql-NN packages put their binaries.
const pgRoot = "/usr/lib/postgresql"

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	binDir    string
	pgData    string // <dataDir>/db, the PGDATA directory
	logFile   string
	socketDir string
	port      int
	owned     bool // we started the server, so Stop stops it
	cred      *syscall.Credential

	stopOnce sync.Once
	stopErr  error
}

// Available reports the bin directory of the newest PostgreSQL installed
// under /usr/lib/postgresql that has initdb, pg_ctl and postgres.
func Available() (binDir string, ok bool) {
	dirs, _ := filepath.Glob(filepath.Join(pgRoot, "*", "bin"))
	var found []string
	for _, d := range dirs {
		if hasTools(d) {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return "", false
	}
	// Sort numerically: "9.6" < "15" < "16", which a string sort gets wrong.
	sort.Slice(found, func(i, j int) bool {
		return versionLess(versionOf(found[i]), versionOf(found[j]))
	})
	return found[len(found)-1], true
}

// Start starts (initialising it first if needed) the cluster kept under
// dataDir, or reuses the server already running on it. Stop the returned
// Cluster when done; a reused server is left running.
func Start(ctx context.Context, dataDir string) (*Cluster, error) {
	binDir, ok := Available()
	if !ok {
		return nil, fmt.Errorf("devpg: no PostgreSQL binaries under %s/*/bin (apt-get install postgresql)", pgRoot)
	}
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("devpg: data dir: %w", err)
	}
	c := &Cluster{
		binDir:    binDir,
		pgData:    filepath.Join(dataDir, "db"),
		logFile:   filepath.Join(dataDir, "postgres.log"),
		socketDir: socketDirFor(dataDir),
		port:      socketPort,
		owned:     true,
	}

	// Debian's initdb and postgres refuse to run as root, so as root every
	// command runs as the "postgres" OS user, which must own the files.
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("devpg: running as root needs the postgres OS user (installed with the postgresql package): %w", err)
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	}

	for _, d := range []string{dataDir, c.socketDir} {
		if err := mkdirOwned(d, uid, gid, c.cred != nil); err != nil {
			return nil, err
		}
	}
	if c.cred != nil {
		// A directory may have been made by an earlier non-root run; give
		// everything to postgres so initdb and the server can write.
		if err := chownTree(dataDir, uid, gid); err != nil {
			return nil, err
		}
		if err := reachable(dataDir, uid, gid); err != nil {
			return nil, err
		}
	}

	if err := c.ensureInitialised(ctx); err != nil {
		return nil, err
	}
	// PostgreSQL refuses a PGDATA readable by others; initdb sets 0700 but a
	// copied or restored folder may not have it.
	if err := os.Chmod(c.pgData, 0o700); err != nil {
		return nil, fmt.Errorf("devpg: %w", err)
	}

	if err := c.clearZombieLock(); err != nil {
		return nil, err
	}
	running, err := c.running(ctx)
	if err != nil {
		return nil, err
	}
	if running {
		// Another process (an earlier `make run`, a second test binary)
		// owns this server: use its socket and leave it running.
		c.owned = false
		c.readPidFile()
		if err := c.waitReady(ctx); err != nil {
			return nil, err
		}
		return c, nil
	}

	// pg_ctl hands -o to /bin/sh, so paths are shell-quoted. A stale
	// postmaster.pid from a killed run is fine: postgres sees that its PID
	// is gone and replaces it.
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -p %d", shellQuote(c.socketDir), c.port)
	out, err := c.run(ctx, "pg_ctl", "-D", c.pgData, "-l", c.logFile, "-w", "-t", "60", "start", "-o", opts)
	if err != nil {
		return nil, fmt.Errorf("devpg: pg_ctl start %s: %w\n%s\n--- tail of %s ---\n%s",
			c.pgData, err, strings.TrimSpace(out), c.logFile, tail(c.logFile, 20))
	}
	return c, nil
}

// DSN returns a pgx connection string for database dbname on the cluster's
// unix socket.
func (c *Cluster) DSN(dbname string) string {
	// "/" is legal in a query, and keeping it makes the DSN readable in logs.
	// pgx does not read "+" as a space, so spaces become %20.
	host := strings.NewReplacer("%2F", "/", "+", "%20").Replace(url.QueryEscape(c.socketDir))
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&sslmode=disable",
		url.PathEscape(dbname), host, c.port)
}

// Owned reports whether Start launched the server (and Stop will stop it),
// as opposed to reusing one that was already running on the data dir.
func (c *Cluster) Owned() bool { return c.owned }

// Stop shuts the server down if Start launched it. It is safe to call more
// than once.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		if !c.owned {
			return
		}
		// Stop must work even when the caller's context is already done
		// (shutdown paths), so it has its own deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		out, err := c.run(ctx, "pg_ctl", "-D", c.pgData, "-m", "fast", "-w", "-t", "60", "stop")
		if err != nil {
			c.stopErr = fmt.Errorf("devpg: pg_ctl stop %s: %w\n%s", c.pgData, err, strings.TrimSpace(out))
		}
	})
	return c.stopErr
}

// ensureInitialised runs initdb unless PGDATA already holds a cluster, and
// picks the binaries matching an existing cluster's major version.
func (c *Cluster) ensureInitialised(ctx context.Context) error {
	raw, err := os.ReadFile(filepath.Join(c.pgData, "PG_VERSION"))
	if err == nil {
		v := strings.TrimSpace(string(raw))
		if v != versionOf(c.binDir) {
			// Servers cannot open another major version's files; prefer
			// the matching binaries over failing with a cryptic log line.
			bin := filepath.Join(pgRoot, v, "bin")
			if !hasTools(bin) {
				return fmt.Errorf("devpg: %s was created by PostgreSQL %s, but only %s is installed; delete %s to start afresh",
					c.pgData, v, versionOf(c.binDir), c.pgData)
			}
			c.binDir = bin
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("devpg: %w", err)
	}
	// An initdb killed half-way leaves a directory without PG_VERSION that
	// initdb refuses to reuse; it holds nothing worth keeping.
	if err := os.RemoveAll(c.pgData); err != nil {
		return fmt.Errorf("devpg: remove partial %s: %w", c.pgData, err)
	}
	// --no-sync skips initdb's final fsync of ~1,000 files, which is most of
	// its run time (about 4 s down to 1 s here). A development cluster can
	// afford it: only a power cut in the next seconds could corrupt it, and
	// deleting the data dir starts afresh.
	base := []string{"-D", c.pgData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"}
	out, err := c.run(ctx, "initdb", append(base, "--locale=C.UTF-8")...)
	if err != nil && strings.Contains(strings.ToLower(out), "locale") {
		// Minimal images may lack C.UTF-8; the C locale is fine for
		// development and UTF8 encoding still holds Japanese text.
		_ = os.RemoveAll(c.pgData)
		out, err = c.run(ctx, "initdb", append(base, "--no-locale")...)
	}
	if err != nil {
		return fmt.Errorf("devpg: initdb %s: %w\n%s", c.pgData, err, strings.TrimSpace(out))
	}
	return nil
}

// running asks pg_ctl whether a server is alive on PGDATA. pg_ctl runs as
// the server's user on purpose: as root, kill(pid, 0) would also succeed
// for an unrelated process that reused a stale PID.
func (c *Cluster) running(ctx context.Context) (bool, error) {
	out, err := c.run(ctx, "pg_ctl", "-D", c.pgData, "status")
	if err == nil {
		return true, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 { // 3 = no server running
		return false, nil
	}
	return false, fmt.Errorf("devpg: pg_ctl status %s: %w\n%s", c.pgData, err, strings.TrimSpace(out))
}

// clearZombieLock removes the lock files of a postmaster that was killed
// but never reaped. Where PID 1 does not reap orphans (some containers and
// sandboxes), a killed postmaster lingers as a zombie, and kill(pid, 0),
// which both pg_ctl status and postgres' own lock check use, still
// succeeds: pg_ctl would report a dead server as running and postgres
// would refuse to start. A zombie runs no code, so its locks are stale.
func (c *Cluster) clearZombieLock() error {
	pidFile := filepath.Join(c.pgData, "postmaster.pid")
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		return nil // no lock, or pg_ctl will report why it cannot read it
	}
	lines := strings.Split(string(raw), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pid <= 0 || !zombie(pid) {
		return nil
	}
	stale := []string{pidFile}
	if len(lines) >= 5 {
		if dir, port := strings.TrimSpace(lines[4]), strings.TrimSpace(lines[3]); dir != "" && port != "" {
			sock := filepath.Join(dir, ".s.PGSQL."+port)
			stale = append(stale, sock, sock+".lock")
		}
	}
	for _, f := range stale {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("devpg: remove stale lock of killed server %d: %w", pid, err)
		}
	}
	return nil
}

// zombie reports whether pid is a process that has exited but was not
// reaped (state Z in /proc/<pid>/stat).
func zombie(pid int) bool {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name, which may itself
	// contain spaces or parentheses, so look after the last ')'.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// readPidFile takes the port and socket directory from a running server's
// postmaster.pid, since it may have been started with other settings.
func (c *Cluster) readPidFile() {
	raw, err := os.ReadFile(filepath.Join(c.pgData, "postmaster.pid"))
	if err != nil {
		return
	}
	lines := strings.Split(string(raw), "\n")
	// Lines: 1 pid, 2 datadir, 3 start time, 4 port, 5 first socket dir.
	if len(lines) >= 5 {
		if p, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil && p > 0 {
			c.port = p
		}
		if d := strings.TrimSpace(lines[4]); d != "" {
			c.socketDir = d
		}
	}
}

// waitReady polls pg_isready, because a reused server may still be
// starting up or recovering.
func (c *Cluster) waitReady(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(c.binDir, "pg_isready")); err != nil {
		return nil // pg_ctl status already said it runs; the client will retry
	}
	waited := clock.Start()
	for {
		out, err := c.run(ctx, "pg_isready", "-q", "-h", c.socketDir, "-p", strconv.Itoa(c.port), "-t", "5")
		if err == nil {
			return nil
		}
		if waited.Elapsed() > 60*time.Second || ctx.Err() != nil {
			return fmt.Errorf("devpg: server on %s is running but not ready: %w %s\n--- tail of %s ---\n%s",
				c.pgData, err, strings.TrimSpace(out), c.logFile, tail(c.logFile, 20))
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// run executes one PostgreSQL program and returns its combined output.
func (c *Cluster) run(ctx context.Context, prog string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, prog), args...)
	// The caller's working directory (e.g. /root) may be unreadable for the
	// postgres user, and initdb complains about that; PGDATA's parent is ours.
	cmd.Dir = filepath.Dir(c.pgData)
	cmd.Env = cleanEnv()
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	// pg_ctl start leaves postgres running with our pipes closed on its side
	// (it redirects to the log file), so Wait returns when pg_ctl exits.
	err := cmd.Run()
	return buf.String(), err
}

// cleanEnv drops PG* variables: PGDATA, PGPORT, PGHOST and friends from the
// developer's shell would otherwise override what we pass explicitly.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// socketDirFor returns <dataDir>/run, unless the socket path inside it
// would exceed the kernel's limit for unix socket paths; deep checkouts hit
// that, so the socket then moves to a short directory in os.TempDir() named
// after a hash of dataDir (stable across runs, distinct per data dir).
func socketDirFor(dataDir string) string {
	dir := filepath.Join(dataDir, "run")
	if len(dir)+len("/.s.PGSQL.")+len(strconv.Itoa(socketPort))+len(".lock") <= maxSocketPath {
		return dir
	}
	sum := sha256.Sum256([]byte(dataDir))
	return filepath.Join(os.TempDir(), "breachdesk-pg-"+hex.EncodeToString(sum[:6]))
}

// mkdirOwned creates dir and any missing parents with mode 0700, and when
// chown is set gives the ones it created to uid:gid. Existing parents are
// left alone: they are the developer's, not ours.
func mkdirOwned(dir string, uid, gid int, chown bool) error {
	var created []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		created = append(created, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("devpg: %w", err)
	}
	if chown {
		for _, d := range created {
			if err := os.Chown(d, uid, gid); err != nil {
				return fmt.Errorf("devpg: %w", err)
			}
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			return fmt.Errorf("devpg: %w", err)
		}
	}
	return nil
}

// chownTree gives every entry under root that is not yet owned by uid:gid
// to it. Checking first keeps repeated starts cheap.
func chownTree(root string, uid, gid int) error {
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid && int(st.Gid) == gid {
			return nil
		}
		return os.Lchown(p, uid, gid)
	})
	if err != nil {
		return fmt.Errorf("devpg: chown %s: %w", root, err)
	}
	return nil
}

// reachable checks that uid:gid may traverse every parent of dir. Without
// this, a data dir below a 0700 root-owned folder (such as /root) fails
// deep inside initdb with a bare "Permission denied".
func reachable(dir string, uid, gid int) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("devpg: %w", err)
		}
		mode := info.Mode().Perm()
		st, _ := info.Sys().(*syscall.Stat_t)
		ok := mode&0o001 != 0
		if st != nil && int(st.Uid) == uid {
			ok = mode&0o100 != 0
		} else if st != nil && int(st.Gid) == gid {
			ok = mode&0o010 != 0
		}
		if !ok {
			return fmt.Errorf("devpg: the postgres user cannot reach %s because %s has mode %04o; run `chmod o+x %s` or use a data dir elsewhere",
				dir, d, mode, d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// hasTools reports whether dir holds the three programs Start needs.
func hasTools(dir string) bool {
	for _, p := range []string{"initdb", "pg_ctl", "postgres"} {
		info, err := os.Stat(filepath.Join(dir, p))
		if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// versionOf returns "15" for /usr/lib/postgresql/15/bin.
func versionOf(binDir string) string { return filepath.Base(filepath.Dir(binDir)) }

// versionLess compares dotted version strings numerically.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errX := strconv.Atoi(as[i])
		y, errY := strconv.Atoi(bs[i])
		if errX != nil || errY != nil {
			if as[i] != bs[i] {
				return as[i] < bs[i]
			}
			continue
		}
		if x != y {
			return x < y
		}
	}
	return len(as) < len(bs)
}

// shellQuote wraps s in single quotes for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
