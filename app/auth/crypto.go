package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost settings.
type Argon2Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultArgon2 follows the RFC 9106 second recommendation scaled to a
// small server: 64 MiB, one pass, two lanes (about 200 ms on two cores).
var DefaultArgon2 = Argon2Params{Time: 1, Memory: 64 * 1024, Threads: 2}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword compares password with a PHC argon2id hash in constant time.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the e-mail is unknown, so a login for a
// missing account takes as long as one for an existing account. It is
// made on first use: a CLI command that never logs anyone in should not
// pay 64 MiB and an Argon2 run at start.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password", DefaultArgon2)
	return h
})

// randomToken returns n random bytes as unpadded base32, fit for URLs,
// cookies and reading aloud.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func sha(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// SecretBox encrypts small secrets at rest (TOTP seeds, webhook secrets,
// the single sign-on flow cookie) with AES-256-GCM, a random nonce
// prefixed to each sealed value.
type SecretBox struct{ aead cipher.AEAD }

// NewSecretBox returns a box sealing with the 32-byte key itself.
func NewSecretBox(key []byte) (*SecretBox, error) {
	if len(key) != 32 {
		return nil, errors.New("auth: secret key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretBox{aead: aead}, nil
}

// NewDerivedSecretBox returns a box whose key is derived from the server
// key for one purpose (HMAC-SHA256 of label), so that what one feature
// seals no other feature's box opens.
func NewDerivedSecretBox(key []byte, label string) (*SecretBox, error) {
	if len(key) == 0 {
		return nil, errors.New("auth: no secret key to derive from")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(label))
	return NewSecretBox(mac.Sum(nil))
}

// Seal encrypts plain.
func (b *SecretBox) Seal(plain []byte) []byte {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return b.aead.Seal(nonce, nonce, plain, nil)
}

// Open decrypts what Seal sealed with the same key; anything else fails.
func (b *SecretBox) Open(sealed []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("auth: sealed secret too short")
	}
	return b.aead.Open(nil, sealed[:n], sealed[n:], nil)
}
