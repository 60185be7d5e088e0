package auth_test

import (
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
)

// Which role may do what, in one table: the services' checks and the
// pages' buttons both read it (Require, Permissions).
func TestPermissionsByRole(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		role auth.Role
		want auth.Permissions
	}{
		{auth.RoleOwner, auth.Permissions{WorkCases: true, ManageCases: true, WriteDocuments: true, Unpublish: true, EditTemplates: true, ManageMembers: true, EditProfile: true}},
		{auth.RoleManager, auth.Permissions{WorkCases: true, ManageCases: true, WriteDocuments: true}},
		{auth.RoleLegal, auth.Permissions{WorkCases: true, WriteDocuments: true, Approve: true, Unpublish: true, EditTemplates: true}},
		{auth.RoleResponder, auth.Permissions{WorkCases: true}},
		{auth.RoleViewer, auth.Permissions{}},
	} {
		p := &auth.Principal{Organisation: auth.Organisation{ID: 1}, Role: tc.role}
		if got := p.Permissions(); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.role, got, tc.want)
		}
		if err := p.Require(auth.ReadMembers); err != nil {
			t.Errorf("%s may not read the members: %v", tc.role, err)
		}
		if err := p.Require(auth.ManageMembers); (err == nil) != tc.want.ManageMembers {
			t.Errorf("%s: Require(ManageMembers) = %v, Permissions say %v", tc.role, err, tc.want.ManageMembers)
		}
	}
	operator := &auth.Principal{Organisation: auth.Organisation{ID: 1}, User: auth.User{IsOperator: true}}
	if got := operator.Permissions(); got != (auth.Permissions{WorkCases: true, ManageCases: true, WriteDocuments: true, Approve: true, Unpublish: true, EditTemplates: true, ManageMembers: true, EditProfile: true}) {
		t.Errorf("operator: %+v, want every permission", got)
	}
	if err := (&auth.Principal{Role: auth.RoleOwner}).Require(auth.WorkCases); err == nil {
		t.Error("a principal outside any organisation passed Require")
	}
}
