//! Closed code sets with stable codes and human labels.
//!
//! [`coded!`](crate::coded) defines an enum whose variants each carry a
//! kebab-case code (what is stored and sent over the API) and a label (what
//! people read). Serde uses the code, so stored values and JSON stay stable
//! when a label is reworded.

/// Defines a code-set enum: `ALL`, `code`, `label`, `FromStr` (by code,
/// with an error naming the unknown code) and serde by code.
#[macro_export]
macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// `(code, label)` pairs for select boxes.
            pub fn choices() -> Vec<(&'static str, &'static str)> {
                Self::ALL.iter().map(|v| (v.code(), v.label())).collect()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;

            fn from_str(code: &str) -> ::std::result::Result<Self, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == code.trim())
                    .ok_or_else(|| format!("unknown code '{code}'"))
            }
        }

        impl $crate::ids::__private::serde::Serialize for $name {
            fn serialize<S: $crate::ids::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> $crate::ids::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::ids::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let code = <String as $crate::ids::__private::serde::Deserialize>::deserialize(deserializer)?;
                code.parse().map_err(<D::Error as $crate::ids::__private::serde::de::Error>::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::coded!(
        /// A test set.
        Colour {
            Red = "red", "Red";
            DarkBlue = "dark-blue", "Dark blue";
        }
    );

    #[test]
    fn codes_labels_and_parsing_agree() {
        for colour in Colour::ALL {
            assert_eq!(colour.code().parse::<Colour>(), Ok(*colour));
        }
        assert_eq!(Colour::DarkBlue.to_string(), "Dark blue");
        assert_eq!(Colour::choices()[1], ("dark-blue", "Dark blue"));
        assert_eq!("green".parse::<Colour>().unwrap_err(), "unknown code 'green'");
    }
}
