//! Newsroom users and what each role may do.

use std::fmt;

use crate::{
    error::{Error, Result},
    text::quoted,
};

/// A newsroom role. Admins do everything; editors run the desk; writers write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Writer,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Writer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Writer => "writer",
        }
    }

    pub fn parse(value: &str) -> Result<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value).ok_or_else(|| {
            Error::invalid("role", format!("unknown role {}: use admin, editor or writer", quoted(value)))
        })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_ones_name_the_choices() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).expect("known"), role);
        }
        let err = Role::parse("chief").expect_err("unknown");
        assert!(err.to_string().contains("admin, editor or writer"));
    }
}
