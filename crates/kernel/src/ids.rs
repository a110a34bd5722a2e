//! Typed ids: one newtype per kind of record.
//!
//! The database hands out plain integers; wrapping each kind in its own type
//! means the compiler, not a reviewer, catches a child's id passed as a
//! user's.

/// An id that did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a valid {kind} id")]
pub struct ParseIdError {
    pub kind: &'static str,
    pub text: String,
}

/// Defines `pub struct $name(i64)` with conversions, `Display`, `FromStr`
/// and transparent serde.
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(value: i64) -> Self {
                Self(value)
            }

            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ids::ParseIdError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Self)
                    .ok_or_else(|| $crate::ids::ParseIdError {
                        kind: $kind,
                        text: text.to_owned(),
                    })
            }
        }
    };
}

typed_id!(
    /// A person with an account.
    UserId,
    "user"
);
typed_id!(
    /// A team of staff.
    TeamId,
    "team"
);
typed_id!(
    /// A child's record (Hearth's number, not the council's child id).
    ChildId,
    "child"
);
typed_id!(
    /// A provider organisation.
    ProviderId,
    "provider"
);
typed_id!(
    /// A provider's setting or service (a home, an agency branch).
    SettingId,
    "setting"
);
typed_id!(
    /// A placement.
    PlacementId,
    "placement"
);
typed_id!(
    /// An API token.
    ApiTokenId,
    "API token"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_display() {
        let id: ChildId = " 42 ".parse().unwrap();
        assert_eq!(id, ChildId::new(42));
        assert_eq!(id.to_string(), "42");
        assert_eq!(id.get(), 42);
    }

    #[test]
    fn bad_ids_name_their_kind() {
        let err = "x".parse::<ChildId>().unwrap_err();
        assert_eq!(err.to_string(), "'x' is not a valid child id");
        assert!("0".parse::<UserId>().is_err());
        assert!("-3".parse::<UserId>().is_err());
    }
}
