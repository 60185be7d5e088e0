// Package devpg runs a private PostgreSQL cluster for zero-setup
// development: when no server answers, `breachdesk serve` starts one under
// ./.data/pg, listening on a unix socket only (no port to clash with), and
// stops it on exit.
package devpg

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// socketPort names the socket file (.s.PGSQL.5433); no TCP port is opened.
const socketPort = 5433

// Cluster is a running private cluster.
type Cluster struct {
	binDir    string
	dataDir   string // the cluster's PGDATA
	socketDir string
	owned     bool // we started it, so we stop it
	cred      *syscall.Credential
}

// Available returns the directory of the newest installed PostgreSQL
// server binaries (Debian layout), if any.
func Available() (binDir string, ok bool) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if exists(filepath.Join(d, "initdb")) && exists(filepath.Join(d, "pg_ctl")) && exists(filepath.Join(d, "postgres")) {
			return d, true
		}
	}
	return "", false
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// Start initialises (once) and starts a cluster in dir. A cluster already
// running from dir is reused and left running by Stop.
func Start(ctx context.Context, dir string) (*Cluster, error) {
	binDir, ok := Available()
	if !ok {
		return nil, errors.New("PostgreSQL server binaries not found under /usr/lib/postgresql")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{binDir: binDir, dataDir: filepath.Join(dir, "db"), socketDir: filepath.Join(dir, "run")}
	// A unix socket path may be at most 107 bytes; a deep checkout would
	// exceed it, so fall back to a short directory named after dir.
	if len(c.socketDir)+len("/.s.PGSQL.5433") > 100 {
		sum := sha256.Sum256([]byte(dir))
		c.socketDir = filepath.Join(os.TempDir(), "bdpg-"+hex.EncodeToString(sum[:6]))
	}
	if os.Geteuid() == 0 {
		// Debian's initdb and postgres refuse to run as root.
		cred, err := postgresUser()
		if err != nil {
			return nil, err
		}
		c.cred = cred
	}
	if err := c.prepareDirs(dir); err != nil {
		return nil, err
	}
	if !exists(filepath.Join(c.dataDir, "PG_VERSION")) {
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
	}
	if c.run(ctx, "pg_ctl", "-D", c.dataDir, "status") == nil {
		return c, nil // already running (another serve on the same checkout)
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -p %d", c.socketDir, socketPort)
	logFile := filepath.Join(dir, "postgres.log")
	if err := c.run(ctx, "pg_ctl", "-D", c.dataDir, "-l", logFile, "-w", "-t", "60", "-o", opts, "start"); err != nil {
		return nil, fmt.Errorf("%w\n--- end of %s ---\n%s", err, logFile, tail(logFile, 20))
	}
	c.owned = true
	return c, nil
}

func (c *Cluster) prepareDirs(dir string) error {
	for _, d := range []string{dir, c.socketDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if c.cred == nil {
		return nil
	}
	// The postgres user must own its directories and reach them.
	for _, d := range []string{dir, c.socketDir} {
		if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return err
		}
	}
	if exists(c.dataDir) {
		return filepath.Walk(c.dataDir, func(p string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, int(c.cred.Uid), int(c.cred.Gid))
		})
	}
	return nil
}

func (c *Cluster) initdb(ctx context.Context) error {
	args := []string{"-D", c.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"}
	if err := c.run(ctx, "initdb", append(args, "--locale=C.UTF-8")...); err == nil {
		return nil
	}
	_ = os.RemoveAll(c.dataDir)
	return c.run(ctx, "initdb", append(args, "--no-locale")...)
}

// DSN is the connection URL of database name on this cluster.
func (c *Cluster) DSN(name string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&sslmode=disable", name, c.socketDir, socketPort)
}

// Stop shuts the cluster down if Start started it.
func (c *Cluster) Stop() error {
	if !c.owned {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return c.run(ctx, "pg_ctl", "-D", c.dataDir, "-m", "fast", "-w", "stop")
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	cmd.Dir = "/" // the postgres user may not be able to read the caller's directory
	// With -l, the server writes to its log file, not to our pipe, so Run returns.
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres OS user to own the private cluster: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
