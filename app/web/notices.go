package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"strconv"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/notices"
)

func (s *Server) noticeRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/cases/:id/notices", Access: Tenant, Param: "case", Handler: s.createNotice},
		{Method: "GET", Path: "/notice-drafts/:id", Access: Tenant, Param: "notice", Handler: s.noticeEditor},
		{Method: "POST", Path: "/notice-drafts/:id", Access: Tenant, Param: "notice", Handler: s.saveNotice},
		{Method: "POST", Path: "/notice-drafts/:id/approve", Access: Tenant, Param: "notice", Handler: s.approveNotice},
		{Method: "POST", Path: "/notice-drafts/:id/publish", Access: Tenant, Param: "notice", Handler: s.publishNotice},
		{Method: "POST", Path: "/notice-drafts/:id/unpublish", Access: Tenant, Param: "notice", Handler: s.unpublishNotice},
		{Method: "POST", Path: "/cases/:id/measures", Access: Tenant, Param: "case", Handler: s.saveMeasure},
		{Method: "POST", Path: "/cases/:id/measures/:oid", Access: Tenant, Param: "case", SubParam: "measure", Handler: s.saveMeasure},

		{Method: "GET", Path: "/notices/:slug", Access: Public, Handler: s.publicNotice},
		{Method: "GET", Path: "/notices/:slug/v/:n", Access: Public, Handler: s.publicNotice},
		{Method: "GET", Path: "/notices/:slug/v/:n/pdf", Access: Public, Handler: s.publicNoticePDF},
		{Method: "GET", Path: "/orgs/:slug/notices.atom", Access: Public, Handler: s.noticeFeed},

		{Method: "POST", Path: "/api/v1/cases/:id/notices", Access: Tenant, API: true, Param: "case", Handler: s.apiCreateNotice, Op: &Op{ID: "createNotice", Tag: "notices",
			Summary: "Draft the case's public notice, prefilled from the case", Body: newNotice{}, BodyOptional: true,
			Status: fiber.StatusCreated, Out: noticeCreated{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/notices/:id", Access: Tenant, API: true, Param: "notice", Handler: s.apiGetNotice, Op: &Op{ID: "getNotice", Tag: "notices",
			Summary: "A notice with its versions, and the latest version as approvers see it", Out: noticeOne{}}},
		{Method: "PUT", Path: "/api/v1/notices/:id", Access: Tenant, API: true, Param: "notice", Handler: s.apiSaveNotice, Op: &Op{ID: "saveNotice", Tag: "notices",
			Summary: "Replace the notice's text (title_ja and sections required); clears approvals; after publication starts the next version",
			Body:    notices.Input{}, Out: noticeVersionOne{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/notices/:id/approve", Access: Tenant, API: true, Param: "notice", Handler: s.apiApproveNotice, Op: &Op{ID: "approveNotice", Tag: "notices",
			Summary: "Approve the latest version as legal or as the owner (both are needed), naming the review's content_sha256; 409 if the text or the measures changed since",
			Body:    approval{}, Out: noticeVersionOne{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/notices/:id/publish", Access: Tenant, API: true, Param: "notice", Handler: s.apiPublishNotice, Op: &Op{ID: "publishNotice", Tag: "notices",
			Summary: "Publish the latest version at /notices/{slug} (public, no login) once legal and the owner approved its current content; it is frozen as approved, measures included",
			Out:     noticePublished{}, Errors: []int{fiber.StatusConflict}}},
	}
}

func (s *Server) createNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, _, err := s.deps.Notices.Create(c.UserContext(), principal(c), id, c.FormValue("slug"))
	if err != nil {
		return s.caseResult(c, id, "notices", err, "")
	}
	return c.Redirect(fmt.Sprintf("/notice-drafts/%d", n.ID), fiber.StatusSeeOther)
}

type noticeEditorData struct {
	Notice   notices.Notice
	Versions []notices.Version
	Latest   notices.Version
	// Review is the latest version as approvers see it; its content hash
	// goes with the approve form, so an approval names what was shown.
	Review   notices.Review
	Sections []string
	Titles   map[string]i18n.Text
	Measures []notices.Measure
	Statuses []string
	CaseRef  string
	Members  []auth.Member
	Tasks    []cases.Task
}

func (s *Server) noticeEditorPage(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	n, err := s.deps.Notices.Get(ctx, p, id)
	if err != nil {
		return err
	}
	versions, err := s.deps.Notices.Versions(ctx, p, id)
	if err != nil {
		return err
	}
	// The text, the measures and the hash all come from one read.
	rv, err := s.deps.Notices.Review(ctx, p, id)
	if err != nil {
		return err
	}
	cs, err := s.deps.Cases.Get(ctx, p, n.CaseID)
	if err != nil {
		return err
	}
	members, err := s.deps.Auth.ListMembers(ctx, p)
	if err != nil {
		return err
	}
	tasks, err := s.deps.Cases.Tasks(ctx, p, n.CaseID)
	if err != nil {
		return err
	}
	d := noticeEditorData{Notice: n, Versions: versions, Latest: rv.Version, Review: rv, Sections: notices.Sections, Titles: notices.SectionTitles, Measures: rv.Live,
		Statuses: notices.MeasureStatuses, CaseRef: cs.Reference, Members: members, Tasks: tasks}
	pg.Title = cs.Reference + " · " + pg.T("notice.title")
	pg.Data = d
	return s.render(c, status, "notice_editor", pg)
}

func (s *Server) noticeEditor(c *fiber.Ctx) error {
	return s.noticeEditorPage(c, fiber.StatusOK, s.newPage(c, "", "dashboard"))
}

func noticeInput(c *fiber.Ctx) notices.Input {
	in := notices.Input{TitleJA: c.FormValue("title_ja"), TitleEN: c.FormValue("title_en"), UpdateLineJA: c.FormValue("update_line_ja"),
		UpdateLineEN: c.FormValue("update_line_en"), Sections: map[string]i18n.Text{}}
	for _, k := range notices.Sections {
		in.Sections[k] = i18n.Text{JA: c.FormValue("section_" + k + "_ja"), EN: c.FormValue("section_" + k + "_en")}
	}
	return in
}

func (s *Server) noticeResult(c *fiber.Ctx, err error, flash string) error {
	id, _ := pathID(c)
	if err == nil {
		s.flash(c, flash)
		return c.Redirect(fmt.Sprintf("/notice-drafts/%d", id), fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	return s.noticeEditorPage(c, statusOf(err), pg)
}

func (s *Server) saveNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.deps.Notices.Save(c.UserContext(), principal(c), id, noticeInput(c))
	return s.noticeResult(c, err, "flash.notice_saved")
}

func (s *Server) approveNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// The form carries the content hash of the version its page showed.
	_, err = s.deps.Notices.Approve(c.UserContext(), principal(c), id, c.FormValue("content_sha256"))
	return s.noticeResult(c, err, "flash.notice_approved")
}

func (s *Server) publishNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.deps.Notices.Publish(c.UserContext(), principal(c), id)
	return s.noticeResult(c, err, "flash.notice_published")
}

func (s *Server) unpublishNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.noticeResult(c, s.deps.Notices.Unpublish(c.UserContext(), principal(c), id), "flash.notice_unpublished")
}

func (s *Server) saveMeasure(c *fiber.Ctx) error {
	caseID, err := pathID(c)
	if err != nil {
		return err
	}
	var mid int64
	if raw := c.Params("oid"); raw != "" {
		if mid, err = strconv.ParseInt(raw, 10, 64); err != nil {
			return apperr.ErrNotFound
		}
	}
	var in notices.MeasureInput
	for field, dst := range map[string]**string{"title_ja": &in.TitleJA, "title_en": &in.TitleEN, "status": &in.Status} {
		if c.Request().PostArgs().Has(field) {
			v := c.FormValue(field)
			*dst = &v
		}
	}
	if raw := c.FormValue("target_date"); raw != "" {
		t, err := time.ParseInLocation("2006-01-02", raw, principal(c).Organisation.Location())
		if err != nil {
			return s.caseResult(c, caseID, "measures", apperr.Invalid("target_date", "validation.date"), "")
		}
		in.TargetDate = &t
	}
	if in.OwnerID, err = optInt64(c, "owner_id"); err != nil {
		return s.caseResult(c, caseID, "measures", err, "")
	}
	if in.TaskID, err = optInt64(c, "task_id"); err != nil {
		return s.caseResult(c, caseID, "measures", err, "")
	}
	_, err = s.deps.Notices.SaveMeasure(c.UserContext(), principal(c), caseID, mid, in)
	if back := c.FormValue("back"); err == nil && back != "" {
		if nid, perr := strconv.ParseInt(back, 10, 64); perr == nil {
			return c.Redirect(fmt.Sprintf("/notice-drafts/%d#measures", nid), fiber.StatusSeeOther)
		}
	}
	return s.caseResult(c, caseID, "measures", err, "flash.measure_saved")
}

// Public pages: no session, no internal data, plain HTML.

type publicData struct {
	Pub      notices.Public
	Lang     string
	Sections []string
	Titles   map[string]i18n.Text
	Statuses map[string]i18n.Text
	HasEN    bool
	Base     string
}

func (s *Server) publicNotice(c *fiber.Ctx) error {
	n := 0
	if raw := c.Params("n"); raw != "" {
		v, err := strconv.Atoi(raw)
		if err != nil || v <= 0 {
			return fiber.ErrNotFound
		}
		n = v
	}
	pub, err := s.deps.Notices.PublicPage(c.UserContext(), c.Params("slug"), n)
	if err != nil {
		return err
	}
	lang := i18n.Supported(c.Query("lang"))
	if lang == "" {
		lang = "ja"
	}
	if lang == "en" && pub.Version.TitleEN == "" {
		lang = "ja"
	}
	pg := &Page{Lang: lang, msgs: s.msgs, loc: pub.Org.Location(), Title: pub.Version.Title(lang), now: s.deps.Clock.Now()}
	pg.Data = publicData{Pub: pub, Lang: lang, Sections: notices.Sections, Titles: notices.SectionTitles, HasEN: pub.Version.TitleEN != "",
		Statuses: map[string]i18n.Text{"planned": {JA: "実施予定", EN: "planned"}, "in_progress": {JA: "実施中", EN: "in progress"}, "done": {JA: "実施済み", EN: "done"}},
		Base:     "/notices/" + pub.Notice.Slug}
	// The page shows the version, the list of published versions and the
	// organisation's contact details: any of them changing changes it.
	tags := []string{"page", lang, pub.Org.UpdatedAt.UTC().String()}
	for _, v := range pub.History {
		tags = append(tags, versionTag(v))
	}
	if cachePublic(c, publicETag(append(tags, versionTag(pub.Version))...)) {
		return nil
	}
	if err := s.renderWith(c, fiber.StatusOK, "public_notice", "public", pg); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, publicCacheControl) // renderWith's no-store is for private pages
	return nil
}

func (s *Server) publicNoticePDF(c *fiber.Ctx) error {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n <= 0 {
		return fiber.ErrNotFound
	}
	lang := c.Query("lang", "ja")
	pdf, err := s.deps.Notices.PublicPDF(c.UserContext(), c.Params("slug"), n, lang)
	if err != nil {
		return err
	}
	// A published version's PDF never changes: its bytes are its tag.
	sum := sha256.Sum256(pdf)
	if cachePublic(c, publicETag("pdf", hex.EncodeToString(sum[:]))) {
		return nil
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	return c.Send(pdf)
}

type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	// Author is required of a feed whose entries have none (RFC 4287
	// §4.1.1): the organisation that publishes the notices.
	Author  atomAuthor  `xml:"author"`
	Link    atomLink    `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

// noticeFeed is an Atom feed of an organisation's published notices, so
// journalists and customers can follow updates (第2報, 第3報).
func (s *Server) noticeFeed(c *fiber.Ctx) error {
	org, entries, err := s.deps.Notices.Feed(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	tags := []string{"feed", org.UpdatedAt.UTC().String()}
	for _, e := range entries {
		tags = append(tags, e.Notice.Slug, versionTag(e.Version))
	}
	if cachePublic(c, publicETag(tags...)) {
		return nil
	}
	base := s.deps.Config.BaseURL
	author := org.LegalName
	if author == "" {
		author = org.Name
	}
	feed := atomFeed{Title: org.Name, ID: base + "/orgs/" + org.Slug + "/notices.atom", Link: atomLink{Href: base + "/orgs/" + org.Slug + "/notices.atom", Rel: "self"},
		Author: atomAuthor{Name: author, URI: org.ContactURL}, Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	for _, e := range entries {
		at := *e.Version.PublishedAt
		url := fmt.Sprintf("%s/notices/%s/v/%d", base, e.Notice.Slug, e.Version.Version)
		feed.Entries = append(feed.Entries, atomEntry{Title: e.Version.TitleJA, ID: url, Updated: at.Format(time.RFC3339), Link: atomLink{Href: url}, Summary: feedSummary(e.Version)})
		if at.Format(time.RFC3339) > feed.Updated {
			feed.Updated = at.Format(time.RFC3339)
		}
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), out...))
}

// API

// approval is the body of an approve request: the content hash of the
// version the approver reviewed (GET the notice or document for it).
type approval struct {
	ContentSHA256 string `json:"content_sha256" required:"true" pattern:"^[0-9a-f]{64}$" doc:"SHA-256 (hex) of the content approved, as the API or the page showed it; 409 when the content has changed since"`
}

// newNotice is the optional body of POST /api/v1/cases/{id}/notices.
type newNotice struct {
	Slug string `json:"slug" pattern:"^([a-z0-9][a-z0-9-]{2,80})?$" doc:"the public address, /notices/{slug}: 3 to 81 lower-case letters, digits and hyphens; by default the organisation's slug and the case reference"`
}

// noticeCreated answers a new notice: it and its first version,
// prefilled from the case, and the public address it will have.
type noticeCreated struct {
	Notice    notices.Notice  `json:"notice"`
	Version   notices.Version `json:"version"`
	PublicURL string          `json:"public_url" doc:"where the notice is once published (no login)"`
}

// noticeOne answers GET /api/v1/notices/{id}.
type noticeOne struct {
	Notice notices.Notice `json:"notice"`
	// Versions are short (one per report, 第N報), loaded whole.
	Versions []notices.Version `json:"versions" doc:"every version, newest first"`
	Review   notices.Review    `json:"review" doc:"the latest version as approvers see it: its text, the prevention measures it shows and the content_sha256 an approval names"`
}

// noticeVersionOne answers a change to a notice's latest version.
type noticeVersionOne struct {
	Version notices.Version `json:"version"`
}

// noticePublished answers a publication: the version now public and
// where.
type noticePublished struct {
	Version   notices.Version `json:"version"`
	PublicURL string          `json:"public_url"`
}

// noticeAddressed answers a changed public address.
type noticeAddressed struct {
	Notice    notices.Notice `json:"notice"`
	PublicURL string         `json:"public_url"`
}

// noticeSectionsSchema describes notices.SectionTexts, a map in Go, by
// its keys (notices.Sections), each a text in Japanese and English: a
// client can then be generated with a field per section.
func noticeSectionsSchema() *openapi3.Schema {
	closed := false
	text := openapi3.NewObjectSchema().
		WithProperty("ja", openapi3.NewStringSchema()).
		WithProperty("en", openapi3.NewStringSchema())
	text.AdditionalProperties = openapi3.AdditionalProperties{Has: &closed}
	s := openapi3.NewObjectSchema()
	for _, k := range notices.Sections {
		section := *text
		section.Description = notices.SectionTitles[k].EN
		if notices.Optional[k] {
			section.Description += " (optional: may stay empty when published)"
		}
		s.WithProperty(k, &section)
	}
	s.AdditionalProperties = openapi3.AdditionalProperties{Has: &closed}
	s.Description = "each section's text in Japanese (ja) and English (en), at most 40,000 characters a section (both together); a section left out is empty; every section but delay_reason needs its Japanese text to publish"
	return s
}

func (s *Server) apiCreateNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in newNotice // optional: the default slug
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	n, v, err := s.deps.Notices.Create(c.UserContext(), principal(c), id, in.Slug)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(noticeCreated{Notice: n, Version: v, PublicURL: "/notices/" + n.Slug})
}

func (s *Server) apiGetNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := s.deps.Notices.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	versions, err := s.deps.Notices.Versions(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	rv, err := s.deps.Notices.Review(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	rv.Measures = nonNil(rv.Measures)
	return c.JSON(noticeOne{Notice: n, Versions: nonNil(versions), Review: rv})
}

func (s *Server) apiSaveNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in notices.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.deps.Notices.Save(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(noticeVersionOne{Version: v})
}

func (s *Server) apiApproveNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in approval // no body: the service says what is missing
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	v, err := s.deps.Notices.Approve(c.UserContext(), principal(c), id, in.ContentSHA256)
	if err != nil {
		return err
	}
	return c.JSON(noticeVersionOne{Version: v})
}

func (s *Server) apiPublishNotice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.deps.Notices.Publish(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	n, err := s.deps.Notices.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(noticePublished{Version: v, PublicURL: "/notices/" + n.Slug})
}
