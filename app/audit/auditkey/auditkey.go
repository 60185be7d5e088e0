// Package auditkey reads and writes the Ed25519 key that signs the audit
// log's checkpoints. The key lives in a file the operator keeps, never in
// the database: whoever can write to the database can recompute every
// hash of the chain, but cannot sign a checkpoint for the result.
//
// Keys are PEM: the private key as PKCS #8 ("PRIVATE KEY"), the public key
// as PKIX ("PUBLIC KEY"), the forms `openssl genpkey -algorithm ed25519`
// and `openssl pkey -pubout` write, so operators can make and inspect them
// with the tools they already have. The package uses the standard library
// only, so that the configuration can validate a key at start-up without
// pulling in the database.
package auditkey

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
)

// ParsePrivate reads a PEM "PRIVATE KEY" (PKCS #8) holding an Ed25519 key.
func ParsePrivate(data []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block: want an Ed25519 private key (openssl genpkey -algorithm ed25519)")
	}
	if block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("PEM block is %q: want \"PRIVATE KEY\" (PKCS #8, Ed25519)", block.Type)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a PKCS #8 private key: %w", err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the key is %T: want Ed25519 (openssl genpkey -algorithm ed25519)", k)
	}
	return ek, nil
}

// ParsePublic reads a PEM "PUBLIC KEY" (PKIX) holding an Ed25519 key. A
// private key is refused: a verifier should need only the public half.
func ParsePublic(data []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block: want an Ed25519 public key (breachdesk audit key, or openssl pkey -pubout)")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("PEM block is %q: want \"PUBLIC KEY\"", block.Type)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a PKIX public key: %w", err)
	}
	ek, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the key is %T: want Ed25519", k)
	}
	return ek, nil
}

// MarshalPrivate is the PEM form ParsePrivate reads.
func MarshalPrivate(k ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalPublic is the PEM form ParsePublic reads.
func MarshalPublic(k ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// Generate makes a new key pair from crypto/rand.
func Generate() (ed25519.PrivateKey, error) {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	return k, err
}

// ID names a public key in checkpoints and messages: the first 8 bytes of
// its SHA-256, in hex. It tells which key signed a checkpoint (after a key
// rotation, say); it is not a reason to trust one.
func ID(k ed25519.PublicKey) string {
	sum := sha256.Sum256(k)
	return hex.EncodeToString(sum[:8])
}
