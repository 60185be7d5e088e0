package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/notices"
)

// correctionRoutes undo mistakes: a case opened in error is voided, a
// notice's address or a prevention measure is corrected or removed.
func (s *Server) correctionRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/cases/:id/void", Access: Tenant, Param: "case", Handler: s.voidCase},
		{Method: "POST", Path: "/notice-drafts/:id/slug", Access: Tenant, Param: "notice", Handler: s.setNoticeSlug},
		{Method: "POST", Path: "/notice-drafts/:id/measures/:oid", Access: Tenant, Param: "notice", SubParam: "measure", Handler: s.editMeasure},
		{Method: "POST", Path: "/notice-drafts/:id/measures/:oid/delete", Access: Tenant, Param: "notice", SubParam: "measure", Handler: s.deleteMeasure},

		{Method: "POST", Path: "/api/v1/cases/:id/void", Access: Tenant, API: true, Param: "case", Handler: s.apiVoidCase, Op: &Op{ID: "voidCase", Tag: "cases",
			Summary: "Void a case opened in error (owner or manager): it leaves every list, count and reminder and takes no further change (409 conflict.case_voided), " +
				"but stays readable; 409 while its public notice is published (unpublish it first) or its letters are being sent",
			Body: caseVoid{}, Out: caseOne{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "PUT", Path: "/api/v1/notices/:id/slug", Access: Tenant, API: true, Param: "notice", Handler: s.apiSetNoticeSlug, Op: &Op{ID: "setNoticeSlug", Tag: "notices",
			Summary: "Change the public address (/notices/{slug}) of a notice never published; 409 once published (a published URL must not change) or when another notice uses the slug",
			Body:    noticeSlug{}, Out: noticeAddressed{}, Errors: []int{fiber.StatusConflict}}},
	}
}

// voidReasonField is where the case page shows a void's errors: the form
// sends "reason", as the reopen form does, and each must show its own.
const voidReasonField = "void_reason"

func (s *Server) voidCase(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.deps.Cases.Void(c.UserContext(), principal(c), id, c.FormValue("reason"))
	if err == nil {
		s.flash(c, "flash.case_voided")
		return c.Redirect(fmt.Sprintf("/cases/%d#voided", id), fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	if msg, ok := pg.Errors["reason"]; ok {
		delete(pg.Errors, "reason")
		pg.Errors[voidReasonField] = msg
	}
	pg.Form[voidReasonField] = c.FormValue("reason")
	return s.renderCaseByID(c, id, statusOf(err), pg)
}

// caseVoid is the body of POST /api/v1/cases/{id}/void.
type caseVoid struct {
	Reason string `json:"reason" required:"true" maxLength:"2000" doc:"why the case was opened in error, e.g. the case it duplicates"`
}

func (s *Server) apiVoidCase(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in caseVoid
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cs, err := s.deps.Cases.Void(c.UserContext(), principal(c), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(caseOne{Case: cs})
}

// confirmOldAwareAt is the form field that confirms an awareness date the
// case service asks about (validation.aware_at_confirm).
const confirmOldAwareAt = "confirm_old_aware_at"

// askOldAwareAt marks pg to show the "this date is correct" box when err
// asks to confirm the awareness date.
func askOldAwareAt(pg *Page, err error) {
	var ve *apperr.ValidationError
	if errors.As(err, &ve) && ve.For("aware_at") == "validation.aware_at_confirm" {
		pg.Form[confirmOldAwareAt+"_ask"] = "1"
	}
}

// confirmedOldAwareAt reads the box.
func confirmedOldAwareAt(c *fiber.Ctx) bool {
	v := c.FormValue(confirmOldAwareAt)
	return v != "" && v != "0" && v != "false"
}

// caseDetailFields are the fields of the case page's edit form, shown
// again as sent when the form comes back.
var caseDetailFields = []string{"title", "aware_at", "occurred_from", "occurred_to", "severity", "owner_id", "summary"}

// keepCaseDetails puts what the edit form sent into pg.Form (and marks it
// sent), so that the form, shown again to confirm a date or fix a field,
// keeps every change typed instead of the stored values.
func keepCaseDetails(c *fiber.Ctx, pg *Page) {
	for _, f := range caseDetailFields {
		pg.Form[f] = c.FormValue(f)
	}
	if confirmedOldAwareAt(c) {
		pg.Form[confirmOldAwareAt] = "1"
	}
	pg.Form["details_sent"] = "1"
}

// caseDetailsResult is caseResult for the case page's edit form: on an
// error the form comes back with what was sent, and asks to confirm the
// awareness date when that is what is missing.
func (s *Server) caseDetailsResult(c *fiber.Ctx, id int64, err error) error {
	if err == nil {
		return s.caseResult(c, id, "details", nil, "flash.case_saved")
	}
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	keepCaseDetails(c, pg)
	askOldAwareAt(pg, err)
	return s.renderCaseByID(c, id, statusOf(err), pg)
}

func (s *Server) setNoticeSlug(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.deps.Notices.SetSlug(c.UserContext(), principal(c), id, c.FormValue("slug"))
	if err == nil {
		s.flash(c, "flash.notice_slug_changed")
		return c.Redirect(fmt.Sprintf("/notice-drafts/%d", id), fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	pg.Form["slug"] = c.FormValue("slug")
	return s.noticeEditorPage(c, statusOf(err), pg)
}

// noticeSlug is the body of PUT /api/v1/notices/{id}/slug.
type noticeSlug struct {
	Slug string `json:"slug" required:"true" pattern:"^[a-z0-9][a-z0-9-]{2,80}$" doc:"the new public address, /notices/{slug}: 3 to 81 lower-case letters, digits and hyphens, unused by another notice"`
}

func (s *Server) apiSetNoticeSlug(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in noticeSlug
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	n, err := s.deps.Notices.SetSlug(c.UserContext(), principal(c), id, in.Slug)
	if err != nil {
		return err
	}
	return c.JSON(noticeAddressed{Notice: n, PublicURL: "/notices/" + n.Slug})
}

// measureID reads the measure of a notice editor route (:oid).
func measureID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("oid"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// measureFieldKey is where the notice editor keeps the error or sent value
// of one measure's edit form: each measure has its own form, and the
// notice's own form has fields of the same names.
func measureFieldKey(id int64, field string) string {
	return fmt.Sprintf("measure-%d.%s", id, field)
}

// measureEditInput reads a measure's edit form: every field is sent, and
// an optional one left empty is cleared.
func measureEditInput(c *fiber.Ctx) (notices.MeasureInput, error) {
	var in notices.MeasureInput
	for field, dst := range map[string]**string{"title_ja": &in.TitleJA, "title_en": &in.TitleEN, "status": &in.Status} {
		v := c.FormValue(field)
		*dst = &v
	}
	v := &apperr.ValidationError{}
	if raw := strings.TrimSpace(c.FormValue("target_date")); raw == "" {
		in.Clear = append(in.Clear, "target_date")
	} else if t, err := time.ParseInLocation("2006-01-02", raw, principal(c).Organisation.Location()); err != nil {
		v.Add("target_date", "validation.date")
	} else {
		in.TargetDate = &t
	}
	for field, dst := range map[string]**int64{"owner_id": &in.OwnerID, "task_id": &in.TaskID} {
		id, err := optInt64(c, field)
		if err := v.Merge(err); err != nil {
			return in, err
		}
		if id == nil && err == nil {
			in.Clear = append(in.Clear, field)
		}
		*dst = id
	}
	return in, v.OrNil()
}

func (s *Server) editMeasure(c *fiber.Ctx) error {
	nid, err := pathID(c)
	if err != nil {
		return err
	}
	mid, err := measureID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	n, err := s.deps.Notices.Get(ctx, p, nid)
	if err != nil {
		return err
	}
	in, err := measureEditInput(c)
	if err == nil {
		_, err = s.deps.Notices.SaveMeasure(ctx, p, n.CaseID, mid, in)
	}
	if err == nil {
		s.flash(c, "flash.measure_saved")
		return c.Redirect(fmt.Sprintf("/notice-drafts/%d#measure-%d", nid, mid), fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	measureFormBack(c, pg, mid)
	return s.noticeEditorPage(c, statusOf(err), pg)
}

func (s *Server) deleteMeasure(c *fiber.Ctx) error {
	nid, err := pathID(c)
	if err != nil {
		return err
	}
	mid, err := measureID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	n, err := s.deps.Notices.Get(ctx, p, nid)
	if err != nil {
		return err
	}
	_, err = s.deps.Notices.DeleteMeasure(ctx, p, n.CaseID, mid)
	if err == nil {
		s.flash(c, "flash.measure_deleted")
		return c.Redirect(fmt.Sprintf("/notice-drafts/%d#measures", nid), fiber.StatusSeeOther)
	}
	return s.noticeResult(c, err, "")
}

// measureFormFields are the fields of a measure's edit form.
var measureFormFields = []string{"title_ja", "title_en", "status", "target_date", "owner_id", "task_id"}

// measureFormBack puts the errors and the values sent with measure mid's
// edit form under that form's keys, so that the page (the notice editor
// or the prevention plan) unfolds the form with them.
func measureFormBack(c *fiber.Ctx, pg *Page, mid int64) {
	for k, msg := range pg.Errors {
		if k != "" {
			delete(pg.Errors, k)
			pg.Errors[measureFieldKey(mid, k)] = msg
		}
	}
	for _, f := range measureFormFields {
		pg.Form[measureFieldKey(mid, f)] = c.FormValue(f)
	}
	pg.Form["measure_sent"] = strconv.FormatInt(mid, 10)
}

// measureEdit is one measure's edit form in the notice editor: the
// stored values, or what was sent when the form came back with errors.
type measureEdit struct {
	ID                                                    int64
	TitleJA, TitleEN, Status, TargetDate, OwnerID, TaskID string
	// Open keeps the form unfolded: it came back with errors.
	Open   bool
	Errors map[string]string
}

// MeasureEdits lists the edit forms of the measures shown.
func (d noticeEditorData) MeasureEdits(pg *Page) []measureEdit {
	out := make([]measureEdit, len(d.Measures))
	for i, m := range d.Measures {
		e := measureEdit{ID: m.ID, TitleJA: m.TitleJA, TitleEN: m.TitleEN, Status: m.Status, Errors: map[string]string{}}
		if m.TargetDate != nil {
			e.TargetDate = m.TargetDate.Format("2006-01-02")
		}
		if m.OwnerID != nil {
			e.OwnerID = strconv.FormatInt(*m.OwnerID, 10)
		}
		if m.TaskID != nil {
			e.TaskID = strconv.FormatInt(*m.TaskID, 10)
		}
		if pg.Form["measure_sent"] == strconv.FormatInt(m.ID, 10) {
			e.Open = true
			form := func(f string) string { return pg.Form[measureFieldKey(m.ID, f)] }
			e.TitleJA, e.TitleEN, e.Status, e.TargetDate, e.OwnerID, e.TaskID = form("title_ja"), form("title_en"), form("status"), form("target_date"), form("owner_id"), form("task_id")
			for _, f := range []string{"title_ja", "title_en", "status", "target_date", "owner_id", "task_id", "clear"} {
				if msg := pg.Errors[measureFieldKey(m.ID, f)]; msg != "" {
					e.Errors[f] = msg
				}
			}
		}
		out[i] = e
	}
	return out
}
