package config

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"regexp"
	"strings"
)

// DKIM signs outgoing e-mail so that receiving servers can tell it really
// comes from the organisation's domain (letters to persons otherwise land
// in spam folders). Selector empty: no signing.
type DKIM struct {
	// Domain is the signing domain, d= (BREACHDESK_DKIM_DOMAIN); default:
	// the domain of BREACHDESK_MAIL_FROM, which DMARC aligns with.
	Domain string
	// Selector locates the public key in DNS at
	// <selector>._domainkey.<domain> (BREACHDESK_DKIM_SELECTOR).
	Selector string
	// KeyFile is the private key, PEM: RSA (PKCS #1 or #8, at least 1024
	// bits) or Ed25519 (PKCS #8) (BREACHDESK_DKIM_KEY_FILE).
	KeyFile string
	// Key is read from KeyFile by Load, so an unreadable key stops the
	// process at start rather than at the first message.
	Key crypto.Signer
}

// Enabled reports whether outgoing mail is signed.
func (d DKIM) Enabled() bool { return d.Key != nil }

var dnsLabels = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*$`)

// MailDomain is the domain part of a From address such as
// "BreachDesk <noreply@shop.example>": Message-IDs and the DKIM signing
// domain default to it. Empty when the address does not parse.
func MailDomain(from string) string {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return ""
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(a.Address[at+1:])
}

// dkim reads and checks the BREACHDESK_DKIM_* variables; selector and key
// go together, and each missing or bad one is named.
func (p *parser) dkim(mailFrom string) DKIM {
	d := DKIM{
		Domain:   p.str("BREACHDESK_DKIM_DOMAIN", MailDomain(mailFrom)),
		Selector: p.str("BREACHDESK_DKIM_SELECTOR", ""),
		KeyFile:  p.str("BREACHDESK_DKIM_KEY_FILE", ""),
	}
	switch {
	case d.Selector == "" && d.KeyFile == "":
		if p.str("BREACHDESK_DKIM_DOMAIN", "") != "" {
			p.fail("BREACHDESK_DKIM_SELECTOR", "required with BREACHDESK_DKIM_DOMAIN (and BREACHDESK_DKIM_KEY_FILE)")
		}
		return d
	case d.Selector == "":
		p.fail("BREACHDESK_DKIM_SELECTOR", "required with BREACHDESK_DKIM_KEY_FILE: the DNS selector the public key is published under")
		return d
	case d.KeyFile == "":
		p.fail("BREACHDESK_DKIM_KEY_FILE", "required with BREACHDESK_DKIM_SELECTOR: the PEM private key (RSA or Ed25519) that signs outgoing mail")
		return d
	}
	if !dnsLabels.MatchString(d.Selector) {
		p.fail("BREACHDESK_DKIM_SELECTOR", "want DNS labels such as mail2026, got %q", d.Selector)
	}
	if d.Domain == "" || !dnsLabels.MatchString(d.Domain) {
		p.fail("BREACHDESK_DKIM_DOMAIN", "want a domain such as shop.example (BREACHDESK_MAIL_FROM has none to default to), got %q", d.Domain)
	}
	b, err := os.ReadFile(d.KeyFile)
	if err != nil {
		p.fail("BREACHDESK_DKIM_KEY_FILE", "%v", err)
		return d
	}
	k, err := parseDKIMKey(b)
	if err != nil {
		p.fail("BREACHDESK_DKIM_KEY_FILE", "%s: %v", d.KeyFile, err)
		return d
	}
	d.Key = k
	return d
}

// parseDKIMKey accepts the two key types DKIM defines (RFC 6376, RFC 8463).
func parseDKIMKey(b []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM block: want an RSA or Ed25519 private key in PEM")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("PEM block %q: want \"PRIVATE KEY\" or \"RSA PRIVATE KEY\"", block.Type)
	}
	if err != nil {
		return nil, err
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		// RFC 8301: verifiers may refuse keys under 1024 bits.
		if k.N.BitLen() < 1024 {
			return nil, fmt.Errorf("RSA key of %d bits: DKIM needs at least 1024 (2048 advised)", k.N.BitLen())
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	default:
		return nil, fmt.Errorf("key type %T: want RSA or Ed25519", key)
	}
}
