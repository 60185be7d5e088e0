package web

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/notices"
)

// publicCacheControl lets browsers and a CDN keep a public notice, its
// PDF and its feed for five minutes: on the day a breach is announced the
// page is read by many more people than the server should answer, and a
// correction is still out within minutes. After that, the ETag makes
// revalidation a 304 without the body.
const publicCacheControl = "public, max-age=300"

// isCacheablePublic reports whether the request is for one of the public
// notice routes whose answers are the same for everyone. loadPrincipal
// and checkCSRF leave these alone: no session is read, and no cookie is
// set (a Set-Cookie makes a shared cache refuse the answer, or worse, hand
// one reader's cookie to the next).
func isCacheablePublic(c *fiber.Ctx) bool {
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		return false
	}
	// Routes match whatever the case of the path (Fiber's default).
	p := strings.ToLower(c.Path())
	return strings.HasPrefix(p, "/notices/") || (strings.HasPrefix(p, "/orgs/") && strings.HasSuffix(p, "/notices.atom"))
}

// publicETag is a weak validator of what the public answer is made of:
// the frozen versions' content hashes (the hash both approvals named) and
// whatever else the answer shows (the language, the history, the
// organisation's profile). Weak because the page's markup may change
// with a release while the content stays the same.
func publicETag(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return `W/"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// versionTag is what identifies a published version's content: its
// content hash, or for versions published before hashes were kept, its
// id and publication time (such a version can no longer change).
func versionTag(v notices.Version) string {
	if v.ContentSHA256 != nil {
		return *v.ContentSHA256
	}
	at := ""
	if v.PublishedAt != nil {
		at = v.PublishedAt.UTC().String()
	}
	return "v" + strconv.FormatInt(v.ID, 10) + "@" + at
}

// cachePublic sets the caching headers of a public answer and reports
// whether the client's copy (If-None-Match) is current, in which case the
// caller answers 304 and sends nothing.
func cachePublic(c *fiber.Ctx, etag string) bool {
	// Whatever set a cookie on the way here, a shared cache must not hand
	// it to the next reader.
	c.Response().Header.DelAllCookies()
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, publicCacheControl)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		c.Status(fiber.StatusNotModified)
		return true
	}
	return false
}

// etagMatches is If-None-Match's weak comparison (RFC 9110 §13.1.2): a
// list of tags, W/ prefixes ignored, or "*".
func etagMatches(header, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// feedSummaryRunes bounds an entry's summary taken from the notice text.
const feedSummaryRunes = 280

// feedSummary is an Atom entry's summary: the version's update line
// (what changed in this report), else the start of its first section
// with text, so every entry has one.
func feedSummary(v notices.Version) string {
	if s := strings.TrimSpace(v.UpdateLineJA); s != "" {
		return s
	}
	for _, k := range notices.Sections {
		if s := strings.Join(strings.Fields(v.Sections[k].JA), " "); s != "" {
			if utf8.RuneCountInString(s) > feedSummaryRunes {
				s = string([]rune(s)[:feedSummaryRunes]) + "…"
			}
			return s
		}
	}
	return v.TitleJA
}
