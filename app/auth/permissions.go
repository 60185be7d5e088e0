package auth

// Permission is something a member may do in an organisation. grants says
// which roles hold each one: it is the one place that ties work to roles,
// so a service asks Require(WorkCases) and a page shows a button when
// Permissions().WorkCases, and the two cannot disagree.
type Permission int

// The permissions, from the widest to the narrowest.
const (
	// ReadMembers: see who is in the organisation (every member).
	ReadMembers Permission = iota
	// WorkCases: tasks, timeline entries, evidence, the assessment, person
	// imports and inquiries (everyone but viewers).
	WorkCases
	// ManageCases: open, edit, move and close cases (owner, manager).
	ManageCases
	// WriteDocuments: draft documents, notices and the FAQ, send letters,
	// mark obligations drafted or submitted, read the audit log (owner,
	// manager, legal). What goes out is vetted: responders propose (by
	// answering inquiries, say) and these roles write.
	WriteDocuments
	// Approve: approve a document, waive an obligation (legal).
	Approve
	// Unpublish: take a notice off the public site (owner, legal).
	Unpublish
	// EditTemplates: change the organisation's document templates (owner,
	// legal).
	EditTemplates
	// ManageMembers: invite, change and remove members (owner).
	ManageMembers
	// EditProfile: change the organisation's legal details, which every
	// report, letter and notice prints (owner).
	EditProfile
)

var grants = map[Permission][]Role{
	ReadMembers:    Roles,
	WorkCases:      {RoleOwner, RoleManager, RoleResponder, RoleLegal},
	ManageCases:    {RoleOwner, RoleManager},
	WriteDocuments: {RoleOwner, RoleManager, RoleLegal},
	Approve:        {RoleLegal},
	Unpublish:      {RoleOwner, RoleLegal},
	EditTemplates:  {RoleOwner, RoleLegal},
	ManageMembers:  {RoleOwner},
	EditProfile:    {RoleOwner},
}

// Permissions are the principal's permissions as fields, for pages: a
// template shows a form when .Can.WorkCases, the same test the service
// makes when the form is sent.
type Permissions struct {
	WorkCases, ManageCases, WriteDocuments, Approve, Unpublish, EditTemplates, ManageMembers, EditProfile bool
}

// Permissions returns what the principal may do.
func (p *Principal) Permissions() Permissions {
	return Permissions{
		WorkCases:      p.May(WorkCases),
		ManageCases:    p.May(ManageCases),
		WriteDocuments: p.May(WriteDocuments),
		Approve:        p.May(Approve),
		Unpublish:      p.May(Unpublish),
		EditTemplates:  p.May(EditTemplates),
		ManageMembers:  p.May(ManageMembers),
		EditProfile:    p.May(EditProfile),
	}
}

// May reports whether the principal holds perm in its organisation.
// Operators hold every permission.
func (p *Principal) May(perm Permission) bool {
	if p.User.IsOperator {
		return true
	}
	for _, r := range grants[perm] {
		if p.Role == r {
			return true
		}
	}
	return false
}
