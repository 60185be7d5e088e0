package web

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Every request body is bounded twice, both times here: on the wire, from
// the headers, before a byte of it is read (bodyAllowance), and after
// decompression, counted as it inflates (inflateBody). A caller without a
// full session or a live API token may send anonymousBodyLimit, which is
// plenty for the login forms; a signed-in one up to the upload limit.
// Without the first bound anyone could make the server hold the upload
// limit per connection before login; without the second a 199 KB gzip
// body became 200 MiB in the handler, for any role, before any check.

// anonymousBodyLimit is the most a caller who is not signed in may send.
const anonymousBodyLimit = 16 << 10

// credentialCheckTimeout bounds the session lookup that decides a large
// body's allowance.
const credentialCheckTimeout = 5 * time.Second

// bodyAllowance is fasthttp's HeaderReceived hook: it sets the most the
// request's body may hold before the body is read. Small bodies and none
// (no Content-Length and not chunked, -2: fasthttp reads no body then, as
// for every plain GET) need no decision; a larger or chunked one is
// allowed the upload limit only when its session or token is live (one
// indexed read, and only for bodies the anonymous limit would refuse).
func (s *Server) bodyAllowance(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if n := h.ContentLength(); n == -2 || n >= 0 && n <= anonymousBodyLimit {
		return fasthttp.RequestConfig{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), credentialCheckTimeout)
	defer cancel()
	bearer, _ := strings.CutPrefix(string(h.Peek(fiber.HeaderAuthorization)), "Bearer ")
	if s.deps.Auth.SignedIn(ctx, string(h.Cookie(s.sessionCookie())), strings.TrimSpace(bearer)) {
		return fasthttp.RequestConfig{MaxRequestBodySize: s.app.Config().BodyLimit}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: anonymousBodyLimit}
}

// bodyLimitFor is the most this request's body may hold, compressed or not.
func (s *Server) bodyLimitFor(c *fiber.Ctx) int {
	if principal(c) != nil && !mfaPending(c) {
		return s.app.Config().BodyLimit
	}
	return anonymousBodyLimit
}

// inflateBody replaces a compressed body (Content-Encoding gzip, deflate
// or br) by its bytes, counting them as they come: one byte past the
// caller's limit it stops and answers 413, having inflated no more than
// the limit. The header goes, so nothing after it decompresses again.
func (s *Server) inflateBody(c *fiber.Ctx) error {
	enc := strings.ToLower(strings.TrimSpace(string(c.Request().Header.Peek(fiber.HeaderContentEncoding))))
	if enc == "" || enc == "identity" {
		return c.Next()
	}
	limit := s.bodyLimitFor(c)
	src := bytes.NewReader(c.Request().Body())
	var r io.Reader
	var err error
	switch enc {
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(src)
	case "deflate":
		r, err = zlib.NewReader(src)
	case "br":
		r = brotli.NewReader(src)
	default:
		return fiber.NewError(fiber.StatusUnsupportedMediaType,
			fmt.Sprintf("Content-Encoding %q is not accepted: send the body as gzip, deflate or br (one coding), or uncompressed", enc))
	}
	var body []byte
	if err == nil {
		body, err = readAtMost(r, limit+1)
	}
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, fmt.Sprintf("the body is not valid %s: %v", enc, err))
	}
	if len(body) > limit {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("the body inflates to more than %d bytes, the most this request may send", limit))
	}
	c.Request().Header.Del(fiber.HeaderContentEncoding)
	c.Request().SetBodyRaw(body)
	c.Request().Header.SetContentLength(len(body))
	return c.Next()
}

// readAtMost reads r up to n bytes. Its buffer doubles as io.ReadAll's
// does, but never past n: refusing a bomb holds at most n bytes and the
// half-size buffer before it, not twice the limit.
func readAtMost(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, 0, min(n, 64<<10))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			buf = append(make([]byte, 0, min(2*cap(buf), n)), buf...)
		}
		m, err := r.Read(buf[len(buf):min(cap(buf), n)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
