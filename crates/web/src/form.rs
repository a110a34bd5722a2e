//! Submitted HTML forms, including repeated fields such as checkboxes.
//!
//! `axum::Form` cannot collect repeated keys into a list, and most Hearth
//! forms have checkbox groups, so forms are read as ordered pairs.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};

use crate::error::AppError;

#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(bytes: &[u8]) -> FormData {
        FormData(form_urlencoded::parse(bytes).into_owned().collect())
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(key, _)| key == name)
    }

    /// The `index`th value of a repeated field (table rows), or empty.
    pub fn nth(&self, name: &str, index: &usize) -> String {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .nth(*index)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    }

    /// Whether `name` was submitted with `value` (checkbox groups, selects).
    pub fn chose(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(key, v)| key == name && v == value)
    }

    /// A form pre-filled from values, for edit pages.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> FormData {
        FormData(pairs)
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::invalid("form", "the form could not be read"))?;
        Ok(FormData::parse(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_are_kept() {
        let form = FormData::parse(b"role=a&role=b&name=+Amy+&x=");
        assert_eq!(form.all("role"), ["a", "b"]);
        assert_eq!(form.text("name"), "Amy");
        assert!(form.has("x"));
        assert_eq!(form.text("missing"), "");
    }
}
