package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Tasks lists a case's tasks in phase and playbook order.
func (s *Service) Tasks(ctx context.Context, p *auth.Principal, caseID int64) ([]Task, error) {
	c, err := s.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	return s.TasksOf(ctx, p, c)
}

// TasksOf is Tasks for a case the caller has loaded with Get.
func (s *Service) TasksOf(ctx context.Context, p *auth.Principal, c Case) ([]Task, error) {
	if !c.BelongsTo(p) {
		return nil, apperr.ErrNotFound
	}
	var out []Task
	err := s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", c.ID, c.OrganisationID).Find(&out).Error
	slices.SortStableFunc(out, func(a, b Task) int {
		if d := a.Phase.Index() - b.Phase.Index(); d != 0 {
			return d
		}
		return a.Position - b.Position
	})
	return out, err
}

// Task returns one task of the principal's organisation.
func (s *Service) Task(ctx context.Context, p *auth.Principal, id int64) (Task, error) {
	var t Task
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&t).Error
	if store.IsNotFound(err) || p.OrgID() == 0 {
		return t, apperr.ErrNotFound
	}
	return t, err
}

// NewTask is the input of AddTask.
type NewTask struct {
	Phase       Phase      `json:"phase" doc:"the case's current phase when left out; not closed"`
	Title       string     `json:"title" required:"true" maxLength:"300"`
	Description string     `json:"description" doc:"card numbers are masked"`
	AssigneeID  *int64     `json:"assignee_id" doc:"a member of the organisation"`
	DueAt       *time.Time `json:"due_at"`
}

// AddTask adds a task of the team's own to a case.
func (s *Service) AddTask(ctx context.Context, p *auth.Principal, caseID int64, in NewTask) (Task, error) {
	c, err := s.GetWritable(ctx, p, caseID)
	if err != nil {
		return Task{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Task{}, err
	}
	in.Title = strings.TrimSpace(in.Title)
	v := &apperr.ValidationError{}
	checkShortText(v, "title", in.Title, 300, true)
	if in.Phase == "" {
		in.Phase = c.Phase
	}
	if in.Phase.Index() < 0 || in.Phase == PhaseClosed {
		v.Add("phase", "validation.task_phase")
	}
	if err := v.OrNil(); err != nil {
		return Task{}, err
	}
	desc, _ := pan.Mask(in.Description)
	t := Task{OrganisationID: c.OrganisationID, CaseID: c.ID, Phase: in.Phase, Title: in.Title, Description: desc, AssigneeID: in.AssigneeID, DueAt: utc(in.DueAt), Status: "todo"}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := s.checkMember(tx, c.OrganisationID, t.AssigneeID, "assignee_id"); err != nil {
			return err
		}
		if err := tx.DB.Raw(`SELECT COALESCE(max(position), 0) + 1 FROM tasks WHERE case_id = ?`, c.ID).Scan(&t.Position).Error; err != nil {
			return err
		}
		if err := tx.DB.Create(&t).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "task.create", "timeline.task_added", t.Title); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "task.create", TargetType: "task", TargetID: fmt.Sprint(t.ID)})
	})
	return t, err
}

// TaskPatch changes a task; nil fields stay.
type TaskPatch struct {
	Status     *string    `json:"status" enum:"task_status"`
	SkipReason *string    `json:"skip_reason" maxLength:"2000" doc:"why the task is skipped: required for status skipped"`
	AssigneeID *int64     `json:"assignee_id" doc:"a member of the organisation"`
	Unassign   bool       `json:"unassign" doc:"leave the task unassigned (assignee_id is then ignored)"`
	DueAt      *time.Time `json:"due_at" doc:"a due date set by hand: the task stops following its obligation's deadline"`
}

// UpdateTask changes status, assignee or due date. Skipping needs a
// reason: a skipped containment step must be explainable later.
func (s *Service) UpdateTask(ctx context.Context, p *auth.Principal, id int64, in TaskPatch) (Task, error) {
	t, err := s.Task(ctx, p, id)
	if err != nil {
		return t, err
	}
	if _, err := s.GetWritable(ctx, p, t.CaseID); err != nil {
		return t, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return t, err
	}
	v := &apperr.ValidationError{}
	var changes apperr.List
	if in.Status != nil && *in.Status != t.Status {
		if !slices.Contains(TaskStatuses, *in.Status) {
			v.Add("status", "validation.one_of", strings.Join(TaskStatuses, ", "))
		}
		changes = append(changes, apperr.Msg("timeline.task_status", apperr.Msg("task.status."+t.Status), apperr.Msg("task.status."+*in.Status)))
		t.Status = *in.Status
		t.CompletedAt = nil
		if t.Status == "done" || t.Status == "skipped" {
			now := s.now()
			t.CompletedAt = &now
		}
		if t.Status != "skipped" {
			t.SkipReason = ""
		}
	}
	if t.Status == "skipped" {
		if in.SkipReason != nil {
			r, _ := pan.Mask(strings.TrimSpace(*in.SkipReason))
			t.SkipReason = r
		}
		if t.SkipReason == "" {
			v.Add("skip_reason", "validation.skip_reason_required")
		} else if utf8.RuneCountInString(t.SkipReason) > 2000 {
			v.Add("skip_reason", "validation.max_chars", 2000)
		}
		if len(changes) > 0 {
			changes = append(changes, apperr.Msg("timeline.task_skip_reason", t.SkipReason))
		}
	} else if in.SkipReason != nil && utf8.RuneCountInString(*in.SkipReason) > 2000 {
		// Ignored on a task not skipped, but still not beyond what the API says.
		v.Add("skip_reason", "validation.max_chars", 2000)
	}
	if in.Unassign {
		t.AssigneeID = nil
		changes = append(changes, apperr.Msg("timeline.task_unassigned"))
	} else if in.AssigneeID != nil {
		t.AssigneeID = in.AssigneeID
		changes = append(changes, apperr.Msg("timeline.task_assigned"))
	}
	if in.DueAt != nil {
		t.DueAt, t.DueSetByHand = utc(in.DueAt), true
		changes = append(changes, apperr.Msg("timeline.task_due", in.DueAt.UTC()))
	}
	if err := v.OrNil(); err != nil {
		return t, err
	}
	if len(changes) == 0 {
		return t, nil
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := s.checkMember(tx, t.OrganisationID, t.AssigneeID, "assignee_id"); err != nil {
			return err
		}
		t.UpdatedAt = s.now()
		if err := tx.DB.Save(&t).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, t.OrganisationID, t.CaseID, "task.update", "timeline.task_changed", s.taskTitle(t), changes); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: t.OrganisationID, Action: "task.update", TargetType: "task", TargetID: fmt.Sprint(t.ID), Details: map[string]any{"changes": changes}})
	})
	return t, err
}

// Commented is a comment as stored by AddComment.
type Commented struct {
	Comment Comment
	// MaskedCardNumbers counts the card numbers in the body that were cut
	// to brand and last four digits, so the caller can say that the
	// stored text differs from what was typed.
	MaskedCardNumbers int
}

// AddComment adds a comment to a task; card numbers are masked.
func (s *Service) AddComment(ctx context.Context, p *auth.Principal, taskID int64, body string) (Commented, error) {
	t, err := s.Task(ctx, p, taskID)
	if err != nil {
		return Commented{}, err
	}
	if _, err := s.GetWritable(ctx, p, t.CaseID); err != nil {
		return Commented{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Commented{}, err
	}
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > 10000 {
		return Commented{}, apperr.Invalid("body", "validation.required_max_chars", 10000)
	}
	body, masked := pan.Mask(body)
	cm := Comment{OrganisationID: t.OrganisationID, TaskID: t.ID, AuthorID: &p.User.ID, Body: body}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Create(&cm).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: t.OrganisationID, Action: "task.comment", TargetType: "task", TargetID: fmt.Sprint(t.ID)})
	})
	if err != nil {
		return Commented{}, err
	}
	return Commented{Comment: cm, MaskedCardNumbers: masked}, nil
}

// Comments lists a task's comments, oldest first.
func (s *Service) Comments(ctx context.Context, p *auth.Principal, taskID int64) ([]Comment, error) {
	if _, err := s.Task(ctx, p, taskID); err != nil {
		return nil, err
	}
	var out []Comment
	err := s.st.DB.WithContext(ctx).Where("task_id = ? AND organisation_id = ?", taskID, p.OrgID()).Order("id").Find(&out).Error
	return out, err
}

// taskTitle names t in both languages: a playbook task by its playbook
// title, a task someone added by what they typed.
func (s *Service) taskTitle(t Task) i18n.Text {
	for _, pb := range Playbooks {
		for _, pt := range pb.Tasks {
			if t.Key != "" && pt.Key == t.Key {
				return pt.Title
			}
		}
	}
	return i18n.Text{JA: t.Title, EN: t.Title}
}
