// Package config reads BreachDesk's configuration from BREACHDESK_*
// environment variables into a typed struct and validates it at start-up,
// so a mistake is reported once, clearly, before anything runs.
package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/audit/auditkey"
)

// Config is the whole configuration of one process.
type Config struct {
	Addr         string // BREACHDESK_ADDR: HTTP listen address
	DatabaseURL  string // BREACHDESK_DATABASE_URL: empty means "find or start a local server"
	LocalPGAddr  string // BREACHDESK_LOCAL_PG_ADDR: where the local server is looked for
	DataDir      string // BREACHDESK_DATA_DIR: private cluster, dev secret key
	BaseURL      string // BREACHDESK_BASE_URL: public address, for links in e-mails
	SecretKey    []byte // BREACHDESK_SECRET_KEY: 32 bytes, hex or base64; encrypts TOTP secrets
	CookieSecure bool   // BREACHDESK_COOKIE_SECURE
	SMTPURL      string // BREACHDESK_SMTP_URL: smtp://user:pass@host:port or smtps://
	MailFrom     string // BREACHDESK_MAIL_FROM
	// SMTPRate bounds messages per second to the SMTP server from all
	// worker processes together (BREACHDESK_SMTP_RATE; 0 = no limit).
	SMTPRate float64
	// Jobs tunes the background workers.
	Jobs    Jobs
	PDFFont string // BREACHDESK_PDF_FONT: TrueType font for Japanese PDFs
	// MaxUploadBytes bounds one evidence file (BREACHDESK_MAX_UPLOAD_MB).
	MaxUploadBytes int64
	LogLevel       slog.Level    // BREACHDESK_LOG_LEVEL: debug, info, warn, error
	LogFormat      string        // BREACHDESK_LOG_FORMAT: text or json
	SessionTTL     time.Duration // BREACHDESK_SESSION_TTL
	SeedDemo       bool          // BREACHDESK_SEED_DEMO: seed the demo organisation on an empty database
	Production     bool          // BREACHDESK_ENV=production: no generated secrets
	Throttle       Throttle
	// Audit anchors the audit log outside the database.
	Audit AuditAnchor
	// Metrics says where Prometheus reads /metrics: never on the public
	// listener without a token.
	Metrics Metrics
	// OIDC is single sign-on through the company's identity provider.
	OIDC OIDC
	// DKIM signs outgoing mail when a selector and key are configured.
	DKIM DKIM
	// WebhookAllowLoopback lets webhook endpoints on loopback addresses
	// through (BREACHDESK_WEBHOOK_ALLOW_LOOPBACK): only tests set it, so
	// that their receiver on 127.0.0.1 is reachable. Private and
	// link-local addresses stay refused.
	WebhookAllowLoopback bool
	// SecretKeyGenerated is true when no key was configured and a development
	// key was created under DataDir.
	SecretKeyGenerated bool
}

// Jobs tunes River: how long one attempt may run, and when a job whose
// worker died (killed, machine lost) is taken up again.
type Jobs struct {
	Timeout       time.Duration // BREACHDESK_JOB_TIMEOUT
	RescueAfter   time.Duration // BREACHDESK_JOB_RESCUE_AFTER: must exceed the timeout
	LetterWorkers int           // BREACHDESK_LETTER_WORKERS: letter chunks worked at once
}

// AuditAnchor is where signed checkpoints of the audit chain's head go,
// and the key that signs them. Someone with write access to the database
// can recompute every hash of the chain and move its head; a checkpoint
// signed with a key the database never holds, kept where that person
// cannot write, is what `audit verify` catches them with. Both fields
// empty: no checkpoints (a warning at start).
type AuditAnchor struct {
	KeyFile string             // BREACHDESK_AUDIT_KEY_FILE: Ed25519 private key, PEM (PKCS #8)
	Key     ed25519.PrivateKey // read from KeyFile by Load
	// CheckpointDir receives one file per checkpoint
	// (BREACHDESK_AUDIT_CHECKPOINT_DIR); created when missing.
	CheckpointDir string
	// Every is how often the workers checkpoint the head
	// (BREACHDESK_AUDIT_CHECKPOINT_EVERY).
	Every time.Duration
}

// Enabled reports whether checkpoints are configured.
func (a AuditAnchor) Enabled() bool { return a.Key != nil && a.CheckpointDir != "" }

// Metrics exposes Prometheus metrics on a listen address of their own
// (an address the public cannot reach, as miniflux and Gitea advise) and/or
// on the main listener to a scraper with a bearer token. Neither set: no
// metrics are served.
type Metrics struct {
	Addr  string // BREACHDESK_METRICS_ADDR: e.g. 127.0.0.1:9090
	Token string // BREACHDESK_METRICS_TOKEN: at least 24 characters
}

// Throttle bounds failed logins.
type Throttle struct {
	Window        time.Duration // BREACHDESK_LOGIN_WINDOW
	MaxPerAccount int           // BREACHDESK_LOGIN_MAX_PER_ACCOUNT
	MaxPerIP      int           // BREACHDESK_LOGIN_MAX_PER_IP
}

// Load reads the configuration through getenv (os.Getenv in production,
// a map in tests) and returns every problem found, each naming its variable.
func Load(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		Addr:         p.str("BREACHDESK_ADDR", ":8080"),
		DatabaseURL:  p.str("BREACHDESK_DATABASE_URL", ""),
		LocalPGAddr:  p.str("BREACHDESK_LOCAL_PG_ADDR", "127.0.0.1:5432"),
		DataDir:      p.str("BREACHDESK_DATA_DIR", ".data"),
		BaseURL:      p.str("BREACHDESK_BASE_URL", "http://localhost:8080"),
		CookieSecure: p.boolean("BREACHDESK_COOKIE_SECURE", true),
		SMTPURL:      p.str("BREACHDESK_SMTP_URL", ""),
		MailFrom:     p.str("BREACHDESK_MAIL_FROM", "BreachDesk <breachdesk@localhost>"),
		PDFFont:      p.str("BREACHDESK_PDF_FONT", ""),
		SMTPRate:     float64(p.integer("BREACHDESK_SMTP_RATE", 20)),
		Jobs: Jobs{
			Timeout:       p.duration("BREACHDESK_JOB_TIMEOUT", 10*time.Minute),
			RescueAfter:   p.duration("BREACHDESK_JOB_RESCUE_AFTER", 15*time.Minute),
			LetterWorkers: p.integer("BREACHDESK_LETTER_WORKERS", DefaultLetterWorkers()),
		},
		LogFormat:      p.oneOf("BREACHDESK_LOG_FORMAT", "text", "text", "json"),
		SessionTTL:     p.duration("BREACHDESK_SESSION_TTL", 12*time.Hour),
		SeedDemo:       p.boolean("BREACHDESK_SEED_DEMO", true),
		MaxUploadBytes: int64(p.integer("BREACHDESK_MAX_UPLOAD_MB", 50)) << 20,
		Production:     p.oneOf("BREACHDESK_ENV", "development", "development", "production") == "production",
		Throttle: Throttle{
			Window:        p.duration("BREACHDESK_LOGIN_WINDOW", 15*time.Minute),
			MaxPerAccount: p.integer("BREACHDESK_LOGIN_MAX_PER_ACCOUNT", 5),
			MaxPerIP:      p.integer("BREACHDESK_LOGIN_MAX_PER_IP", 30),
		},
		Metrics: Metrics{
			Addr:  p.str("BREACHDESK_METRICS_ADDR", ""),
			Token: p.str("BREACHDESK_METRICS_TOKEN", ""),
		},
		Audit: AuditAnchor{
			KeyFile:       p.str("BREACHDESK_AUDIT_KEY_FILE", ""),
			CheckpointDir: p.str("BREACHDESK_AUDIT_CHECKPOINT_DIR", ""),
			Every:         p.duration("BREACHDESK_AUDIT_CHECKPOINT_EVERY", 10*time.Minute),
		},
	}
	c.WebhookAllowLoopback = p.boolean("BREACHDESK_WEBHOOK_ALLOW_LOOPBACK", false)
	if c.WebhookAllowLoopback && c.Production {
		p.fail("BREACHDESK_WEBHOOK_ALLOW_LOOPBACK", "is for tests only: it lets webhooks reach this machine's own services")
	}
	switch lvl := p.oneOf("BREACHDESK_LOG_LEVEL", "info", "debug", "info", "warn", "error"); lvl {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		p.fail("BREACHDESK_ADDR", "want host:port such as :8080 (%v)", err)
	}
	if c.Metrics.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Addr); err != nil {
			p.fail("BREACHDESK_METRICS_ADDR", "want host:port such as 127.0.0.1:9090 (%v)", err)
		} else if c.Metrics.Addr == c.Addr {
			p.fail("BREACHDESK_METRICS_ADDR", "must differ from BREACHDESK_ADDR: metrics get a listener of their own")
		}
	}
	if c.Metrics.Token != "" && len(c.Metrics.Token) < 24 {
		p.fail("BREACHDESK_METRICS_TOKEN", "must be at least 24 characters (it is all that guards /metrics on the public listener)")
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			p.fail("BREACHDESK_DATABASE_URL", "want a postgres:// URL")
		}
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail("BREACHDESK_BASE_URL", "want an absolute http(s) URL")
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps" && u.Scheme != "smtp+starttls") || u.Host == "" {
			p.fail("BREACHDESK_SMTP_URL", "want smtp://host:port, smtp+starttls://… or smtps://…")
		}
	}
	if c.SMTPRate < 0 {
		p.fail("BREACHDESK_SMTP_RATE", "must be 0 (no limit) or more messages per second")
	}
	if c.Jobs.Timeout < time.Second {
		p.fail("BREACHDESK_JOB_TIMEOUT", "must be at least 1s")
	}
	if c.Jobs.RescueAfter <= c.Jobs.Timeout {
		p.fail("BREACHDESK_JOB_RESCUE_AFTER", "must be longer than BREACHDESK_JOB_TIMEOUT (%s), or running jobs would be started twice", c.Jobs.Timeout)
	}
	if c.Jobs.LetterWorkers < 1 || c.Jobs.LetterWorkers > 64 {
		p.fail("BREACHDESK_LETTER_WORKERS", "must be between 1 and 64")
	}
	if c.MaxUploadBytes <= 0 || c.MaxUploadBytes > 2<<30 {
		p.fail("BREACHDESK_MAX_UPLOAD_MB", "must be between 1 and 2048")
	}
	if c.SessionTTL < time.Minute {
		p.fail("BREACHDESK_SESSION_TTL", "must be at least 1m")
	}
	if c.Throttle.MaxPerAccount < 1 || c.Throttle.MaxPerIP < 1 {
		p.fail("BREACHDESK_LOGIN_MAX_PER_ACCOUNT", "limits must be at least 1")
	}
	c.Audit.Key = p.auditAnchor(c.Audit)
	c.OIDC = p.oidc()
	c.DKIM = p.dkim(c.MailFrom)
	if raw := getenv("BREACHDESK_SECRET_KEY"); raw != "" {
		key, err := decodeKey(raw)
		if err != nil {
			p.fail("BREACHDESK_SECRET_KEY", "%v", err)
		}
		c.SecretKey = key
	} else if c.Production {
		p.fail("BREACHDESK_SECRET_KEY", "required when BREACHDESK_ENV=production (32 random bytes, hex or base64)")
	}
	return c, errors.Join(p.errs...)
}

// EnsureSecretKey creates (once) and loads a development key under DataDir
// when none is configured; production refuses earlier, in Load.
func (c *Config) EnsureSecretKey() error {
	if len(c.SecretKey) > 0 {
		return nil
	}
	path := filepath.Join(c.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		key, err := decodeKey(strings.TrimSpace(string(b)))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		c.SecretKey, c.SecretKeyGenerated = key, true
		return nil
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return err
	}
	c.SecretKey, c.SecretKeyGenerated = key, true
	return nil
}

// auditAnchor checks the checkpoint settings and reads the signing key, so
// that a missing or wrong key stops the process at start rather than
// leaving the log unanchored until someone notices.
func (p *parser) auditAnchor(a AuditAnchor) ed25519.PrivateKey {
	if a.Every < time.Minute {
		p.fail("BREACHDESK_AUDIT_CHECKPOINT_EVERY", "must be at least 1m")
	}
	switch {
	case a.KeyFile == "" && a.CheckpointDir == "":
		return nil
	case a.KeyFile == "":
		p.fail("BREACHDESK_AUDIT_KEY_FILE", "required with BREACHDESK_AUDIT_CHECKPOINT_DIR: the Ed25519 key that signs checkpoints (breachdesk audit key --generate FILE)")
		return nil
	case a.CheckpointDir == "":
		p.fail("BREACHDESK_AUDIT_CHECKPOINT_DIR", "required with BREACHDESK_AUDIT_KEY_FILE: the directory the signed checkpoints are written to")
	}
	if fi, err := os.Stat(a.CheckpointDir); a.CheckpointDir != "" && err == nil && !fi.IsDir() {
		p.fail("BREACHDESK_AUDIT_CHECKPOINT_DIR", "%s is not a directory", a.CheckpointDir)
	}
	b, err := os.ReadFile(a.KeyFile)
	if err != nil {
		p.fail("BREACHDESK_AUDIT_KEY_FILE", "%v", err)
		return nil
	}
	k, err := auditkey.ParsePrivate(b)
	if err != nil {
		p.fail("BREACHDESK_AUDIT_KEY_FILE", "%s: %v", a.KeyFile, err)
		return nil
	}
	return k
}

func decodeKey(raw string) ([]byte, error) {
	if b, err := hex.DecodeString(raw); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(raw); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, errors.New("must be 32 bytes, hex (64 characters) or base64")
}

type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) fail(name, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
}

func (p *parser) str(name, def string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return def
}

func (p *parser) boolean(name string, def bool) bool {
	v := p.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, "want true or false, got %q", v)
		return def
	}
	return b
}

func (p *parser) integer(name string, def int) int {
	v := p.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.fail(name, "want a whole number, got %q", v)
		return def
	}
	return n
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v := p.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		p.fail(name, "want a duration such as 15m or 12h, got %q", v)
		return def
	}
	return d
}

func (p *parser) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(strings.TrimSpace(p.getenv(name)))
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(name, "want one of %s, got %q", strings.Join(allowed, ", "), v)
	return def
}

// DefaultLetterWorkers is one letter chunk more than there are cores: a
// chunk spends part of its time waiting on the database (reading its
// persons, storing its PDF), and the extra one renders meanwhile
// (measured with make bench: 5–15% more letters per second on 2 cores).
func DefaultLetterWorkers() int { return max(2, runtime.NumCPU()+1) }
