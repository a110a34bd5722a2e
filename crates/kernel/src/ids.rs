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

/// Re-exports the macro's own dependencies so a crate using
/// [`typed_id!`](crate::typed_id) needs none of them itself.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}

/// Defines `pub struct $name(i64)`: `new`, `get`, `Display` (the bare
/// number, as it appears in URLs), `FromStr` (positive numbers only, since
/// the database never hands out zero or negative ids) and serde as a plain
/// number.
///
/// Every path goes through `$crate`, so another crate can write
/// `kernel::typed_id!(InvoiceId, "invoice");` without depending on serde.
/// Serde is implemented by hand rather than derived because the derive
/// would name `serde` from the calling crate.
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ids::ParseIdError;

            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                text.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Self)
                    .ok_or_else(|| $crate::ids::ParseIdError {
                        kind: $kind,
                        text: ::std::borrow::ToOwned::to_owned(text),
                    })
            }
        }

        impl $crate::ids::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::ids::__private::serde::Serializer,
            {
                serializer.serialize_i64(self.0)
            }
        }

        impl<'de> $crate::ids::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::ids::__private::serde::Deserializer<'de>,
            {
                <i64 as $crate::ids::__private::serde::Deserialize<'de>>::deserialize(deserializer).map(Self)
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
    use proptest::prelude::*;
    use serde::de::value::{Error as ValueError, I64Deserializer, StrDeserializer};
    use serde::Deserialize;

    /// An id defined the way another crate would, with nothing imported.
    mod elsewhere {
        crate::typed_id!(
            /// A made-up id for testing the macro's paths.
            InvoiceId,
            "invoice"
        );
    }

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
        assert_eq!("".parse::<ApiTokenId>().unwrap_err().to_string(), "'' is not a valid API token id");
        assert!("0".parse::<UserId>().is_err());
        assert!("-3".parse::<UserId>().is_err());
        assert!("1.5".parse::<UserId>().is_err());
        assert!("99999999999999999999".parse::<UserId>().is_err());
    }

    #[test]
    fn the_macro_works_from_another_module() {
        let id: elsewhere::InvoiceId = "7".parse().unwrap();
        assert_eq!(id, elsewhere::InvoiceId::new(7));
        assert_eq!(id.get(), 7);
        assert_eq!(
            "seven".parse::<elsewhere::InvoiceId>().unwrap_err().to_string(),
            "'seven' is not a valid invoice id"
        );
    }

    #[test]
    fn ids_deserialize_from_a_bare_number() {
        let id = PlacementId::deserialize(I64Deserializer::<ValueError>::new(12)).unwrap();
        assert_eq!(id, PlacementId::new(12));
        assert!(PlacementId::deserialize(StrDeserializer::<ValueError>::new("12")).is_err());
    }

    #[test]
    fn ids_order_by_number() {
        assert!(TeamId::new(2) < TeamId::new(10));
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(n in 1i64..=i64::MAX) {
            prop_assert_eq!(SettingId::new(n).to_string().parse::<SettingId>(), Ok(SettingId::new(n)));
        }
    }
}
