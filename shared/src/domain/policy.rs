//! Who may do what: one table, easy to read and to change.

use super::group::GroupRole;
use super::user::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Create a user whose role is not `member`.
    CreatePrivilegedUser,
    RenameGroup,
    AddMember,
    /// Remove a member other than oneself (leaving is always allowed).
    RemoveOtherMember,
    DriveTimer,
    Charge,
    CreditWallet,
}

/// One rule: the action is allowed to any of these platform roles, or to a member of the
/// group holding any of these group roles.
pub struct Rule {
    pub action: Action,
    pub platform_roles: &'static [Role],
    pub group_roles: &'static [GroupRole],
}

pub const POLICY: &[Rule] = &[
    Rule {
        action: Action::CreatePrivilegedUser,
        platform_roles: &[Role::Admin],
        group_roles: &[],
    },
    Rule {
        action: Action::RenameGroup,
        platform_roles: &[Role::Admin],
        group_roles: &[GroupRole::Owner],
    },
    Rule {
        action: Action::AddMember,
        platform_roles: &[Role::Admin],
        group_roles: &[GroupRole::Owner],
    },
    Rule {
        action: Action::RemoveOtherMember,
        platform_roles: &[Role::Admin],
        group_roles: &[GroupRole::Owner],
    },
    Rule {
        action: Action::DriveTimer,
        platform_roles: &[Role::Admin, Role::Provider],
        group_roles: &[GroupRole::Owner],
    },
    Rule {
        action: Action::Charge,
        platform_roles: &[Role::Admin, Role::Provider],
        group_roles: &[],
    },
    Rule {
        action: Action::CreditWallet,
        platform_roles: &[Role::Admin],
        group_roles: &[],
    },
];

/// Whether a caller with this platform role (and group role, when acting in a group) may act.
pub fn allows(action: Action, role: Role, group_role: Option<GroupRole>) -> bool {
    POLICY.iter().any(|rule| {
        rule.action == action
            && (rule.platform_roles.contains(&role)
                || group_role.is_some_and(|g| rule.group_roles.contains(&g)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_rule() {
        use Action::*;
        for action in [
            CreatePrivilegedUser,
            RenameGroup,
            AddMember,
            RemoveOtherMember,
            DriveTimer,
            Charge,
            CreditWallet,
        ] {
            assert!(POLICY.iter().any(|r| r.action == action), "{action:?}");
        }
    }

    #[test]
    fn owners_and_admins_manage_groups_but_members_do_not() {
        assert!(allows(
            Action::AddMember,
            Role::Member,
            Some(GroupRole::Owner)
        ));
        assert!(allows(Action::AddMember, Role::Admin, None));
        assert!(!allows(
            Action::AddMember,
            Role::Member,
            Some(GroupRole::Member)
        ));
        assert!(!allows(
            Action::AddMember,
            Role::Provider,
            Some(GroupRole::Member)
        ));
    }

    #[test]
    fn only_admins_create_privileged_users() {
        assert!(allows(Action::CreatePrivilegedUser, Role::Admin, None));
        assert!(!allows(Action::CreatePrivilegedUser, Role::Provider, None));
        assert!(!allows(Action::CreatePrivilegedUser, Role::Member, None));
    }
}
