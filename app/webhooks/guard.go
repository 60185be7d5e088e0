package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// guard keeps the server from being turned against its own network: an
// endpoint must be an HTTPS URL whose host is a public address. It is
// checked when the endpoint is registered (every address the name
// resolves to) and again on every connection, at the address actually
// dialled, so a name that resolves to a public address at registration
// and to 127.0.0.1 later (DNS rebinding) is still refused.
type guard struct {
	allowLoopback bool
}

// errRefusedAddress is the error of a connection to a refused address.
var errRefusedAddress = errors.New("refused: the address is private, loopback or link-local")

// refusedPrefixes are the ranges netip does not call private but that
// reach no public host, or reach a private one through a translator:
// carrier-grade NAT (RFC 6598), IETF protocol assignments, benchmarking,
// the reserved 240/4 (with broadcast), NAT64 (RFC 6052, 8215, which reach
// 10/8 behind DNS64), 6to4 and IPv4-compatible IPv6.
var refusedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("::/96"),
}

// allowed reports whether the server may connect to a.
func (g *guard) allowed(a netip.Addr) bool {
	a = a.Unmap()
	switch {
	case !a.IsValid(), a.IsUnspecified(), a.IsMulticast(), a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast(),
		a.IsInterfaceLocalMulticast(), a.IsPrivate():
		return false
	case slices.ContainsFunc(refusedPrefixes, func(p netip.Prefix) bool { return p.Contains(a) }):
		return false
	case a.Is4() && a.As4()[0] == 0: // "this network"
		return false
	case a.IsLoopback():
		return g.allowLoopback
	}
	return true
}

// checkURL returns the message code (and its arguments) of what is wrong
// with raw as an endpoint URL, or "" when it is fine.
func (g *guard) checkURL(ctx context.Context, raw string) (string, []any) {
	if raw == "" {
		return "validation.required", nil
	}
	if len(raw) > 2000 {
		return "validation.max_chars", []any{2000}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "validation.webhook_url_invalid", nil
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return "validation.webhook_url_https", nil
	}
	if u.User != nil {
		return "validation.webhook_url_userinfo", nil
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if !g.allowed(a) {
			return "validation.webhook_url_private", []any{host}
		}
		return "", nil
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(rctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return "validation.webhook_url_unresolved", []any{host}
	}
	for _, a := range addrs {
		if !g.allowed(a) {
			return "validation.webhook_url_private", []any{host}
		}
	}
	return "", nil
}

// control runs before every connection is made, on the address being
// dialled after resolution: the check DNS rebinding cannot get around.
func (g *guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook dial %s: %w", address, err)
	}
	if !g.allowed(ap.Addr()) {
		return fmt.Errorf("%s: %w", address, errRefusedAddress)
	}
	return nil
}
