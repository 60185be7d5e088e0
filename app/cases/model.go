// Package cases is the incident case: its reference, phases and their
// gates, the tasks seeded from a playbook, and comments. The case service
// is what the incident manager works with every day.
package cases

import "time"

// Phase is where the team's focus is. Legal clocks run independently.
type Phase string

// The phases in order.
const (
	PhaseTriage        Phase = "triage"
	PhaseContainment   Phase = "containment"
	PhaseInvestigation Phase = "investigation"
	PhaseNotification  Phase = "notification"
	PhasePublication   Phase = "publication"
	PhaseRecovery      Phase = "recovery"
	PhaseClosed        Phase = "closed"
)

// Phases lists the phases in order.
var Phases = []Phase{PhaseTriage, PhaseContainment, PhaseInvestigation, PhaseNotification, PhasePublication, PhaseRecovery, PhaseClosed}

// Index is the phase's position in Phases, -1 when unknown.
func (p Phase) Index() int {
	for i, x := range Phases {
		if x == p {
			return i
		}
	}
	return -1
}

// Severities lists the allowed severities.
var Severities = []string{"low", "medium", "high", "critical"}

// IncidentTypes lists the allowed incident types.
var IncidentTypes = []string{"card_skimming", "unauthorized_access", "ransomware", "misdelivery", "lost_device", "insider", "other"}

// Case is one incident.
type Case struct {
	ID              int64      `json:"id"`
	OrganisationID  int64      `json:"organisation_id"`
	Reference       string     `json:"reference"`
	Title           string     `json:"title" pan:"refuse"`
	Summary         string     `json:"summary"`
	AwareAt         time.Time  `json:"aware_at"`
	OccurredFrom    *time.Time `json:"occurred_from"`
	OccurredTo      *time.Time `json:"occurred_to"`
	IncidentType    string     `json:"incident_type" enum:"incident_type"`
	Playbook        string     `json:"playbook" enum:"playbook"`
	PlaybookVersion int        `json:"playbook_version"`
	Phase           Phase      `json:"phase"`
	Severity        string     `json:"severity" enum:"severity"`
	OwnerID         *int64     `json:"owner_id"`
	ClosedAt        *time.Time `json:"closed_at"`
	CreatedBy       *int64     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	// VoidedAt is set when the case was withdrawn as opened in error
	// (Void): it stays readable, but leaves every list and count and
	// accepts no change. VoidedBy and VoidReason say who and why.
	VoidedAt   *time.Time `json:"voided_at"`
	VoidedBy   *int64     `json:"voided_by"`
	VoidReason string     `json:"void_reason"`
	// Drill marks a tabletop exercise (see DrillClock): DrillSpeed drill
	// minutes pass per real minute from DrillStartedAt, when the drill's
	// clock stood at AwareAt. All three are fixed at creation.
	Drill          bool       `json:"drill"`
	DrillSpeed     int        `json:"drill_speed" doc:"drill minutes per real minute; 0 for a real case"`
	DrillStartedAt *time.Time `json:"drill_started_at"`
}

// Task is one step of a case.
type Task struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"-"`
	CaseID         int64      `json:"case_id"`
	Phase          Phase      `json:"phase"`
	Position       int        `json:"position"`
	Key            string     `json:"key"`
	Title          string     `json:"title"`
	Description    string     `json:"description"`
	AssigneeID     *int64     `json:"assignee_id"`
	DueAt          *time.Time `json:"due_at"`
	// DueSetByHand is set when someone gave the task its due date; until
	// then a task that serves an obligation (see Serves) follows the
	// obligation's deadline.
	DueSetByHand bool       `json:"due_set_by_hand"`
	Status       string     `json:"status" enum:"task_status"`
	SkipReason   string     `json:"skip_reason"`
	CompletedAt  *time.Time `json:"completed_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// TaskStatuses lists the allowed task statuses.
var TaskStatuses = []string{"todo", "doing", "done", "skipped"}

// Open reports whether the task still needs work.
func (t Task) Open() bool { return t.Status == "todo" || t.Status == "doing" }

// Comment is a note on a task.
type Comment struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"-"`
	TaskID         int64     `json:"task_id"`
	AuthorID       *int64    `json:"author_id"`
	Body           string    `json:"body"`
	CreatedAt      time.Time `json:"created_at"`
}

// TableName is the comments table.
func (Comment) TableName() string { return "task_comments" }
