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
    pub platform_roles: &'static [Role],
    pub group_roles: &'static [GroupRole],
}

/// The policy table. It is an exhaustive match, so a new `Action` does not compile until it
/// has its rule.
pub const fn rule(action: Action) -> Rule {
    use GroupRole::Owner;
    use Role::{Admin, Provider};
    let (platform_roles, group_roles): (&'static [Role], &'static [GroupRole]) = match action {
        Action::CreatePrivilegedUser => (&[Admin], &[]),
        Action::RenameGroup => (&[Admin], &[Owner]),
        Action::AddMember => (&[Admin], &[Owner]),
        Action::RemoveOtherMember => (&[Admin], &[Owner]),
        Action::DriveTimer => (&[Admin, Provider], &[Owner]),
        Action::Charge => (&[Admin, Provider], &[]),
        Action::CreditWallet => (&[Admin], &[]),
    };
    Rule {
        platform_roles,
        group_roles,
    }
}

/// Whether a caller with this platform role (and group role, when acting in a group) may act.
pub fn allows(action: Action, role: Role, group_role: Option<GroupRole>) -> bool {
    let rule = rule(action);
    rule.platform_roles.contains(&role) || group_role.is_some_and(|g| rule.group_roles.contains(&g))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn providers_charge_and_drive_timers_but_only_admins_credit() {
        assert!(allows(Action::Charge, Role::Provider, None));
        assert!(!allows(
            Action::Charge,
            Role::Member,
            Some(GroupRole::Owner)
        ));
        assert!(allows(
            Action::DriveTimer,
            Role::Member,
            Some(GroupRole::Owner)
        ));
        assert!(!allows(
            Action::DriveTimer,
            Role::Member,
            Some(GroupRole::Member)
        ));
        assert!(!allows(Action::CreditWallet, Role::Provider, None));
        assert!(allows(Action::CreditWallet, Role::Admin, None));
    }

    #[test]
    fn only_admins_create_privileged_users() {
        assert!(allows(Action::CreatePrivilegedUser, Role::Admin, None));
        assert!(!allows(Action::CreatePrivilegedUser, Role::Provider, None));
        assert!(!allows(Action::CreatePrivilegedUser, Role::Member, None));
    }
}
