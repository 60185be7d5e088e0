package auditkey_test

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/audit/auditkey"
)

// Made with `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout`
// (a key for this test only): operators make keys with openssl.
const (
	opensslPrivate = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPOlk4b6XfyFaF1y01WmtuVza4HmZWV9cUuM7DV7Yee0\n-----END PRIVATE KEY-----\n"
	opensslPublic  = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA62dz/e8mUJ7REVwvzj5Kbd/wB9e5uh4sLxOqtMtbyGY=\n-----END PUBLIC KEY-----\n"
)

func TestOpenSSLKeysAndRoundTrip(t *testing.T) {
	t.Parallel()
	k, err := auditkey.ParsePrivate([]byte(opensslPrivate))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := auditkey.MarshalPublic(k.Public().(ed25519.PublicKey))
	if err != nil || string(pub) != opensslPublic {
		t.Fatalf("public key %q (%v), want openssl's %q", pub, err, opensslPublic)
	}
	p, err := auditkey.ParsePublic(pub)
	if err != nil || !p.Equal(k.Public()) {
		t.Fatalf("parse public: %v", err)
	}
	g, err := auditkey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := auditkey.MarshalPrivate(g)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := auditkey.ParsePrivate(b); err != nil || !back.Equal(g) {
		t.Fatalf("round trip: %v", err)
	}
	if id := auditkey.ID(p); len(id) != 16 {
		t.Fatalf("key id %q", id)
	}
}

func TestWrongKeysAreRefusedClearly(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, data, want string
		public           bool
	}{
		{"not PEM", "hello", "no PEM block", false},
		{"public as private", opensslPublic, `want "PRIVATE KEY"`, false},
		{"private as public", opensslPrivate, `want "PUBLIC KEY"`, true},
		// openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
		{"not Ed25519", "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgCGP+kejw5t3xcb1X\nDIIW9EbU0Hn953Y0W6rCkbe2++6hRANCAARCGUSTu+VTALPCv7qjXNTw9KqXG6IX\nS6Gx6BoJ+l3jePQdZFtorpjq+HJLjt6LsPrXRbAG/Qbb2UOSfMfICIWn\n-----END PRIVATE KEY-----\n", "want Ed25519", false},
	}
	for _, tc := range cases {
		var err error
		if tc.public {
			_, err = auditkey.ParsePublic([]byte(tc.data))
		} else {
			_, err = auditkey.ParsePrivate([]byte(tc.data))
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}
