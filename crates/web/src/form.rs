//! Submitted HTML forms, including repeated fields such as checkboxes.
//!
//! `axum::Form` cannot collect repeated keys into a list, and most Hearth
//! forms have checkbox groups, so forms are read as ordered pairs. Forms
//! with a file input (imports) arrive as `multipart/form-data`; they are
//! read the same way, a file's text being the value of its field, so a
//! handler never cares which encoding the browser chose.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;

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

    /// The record version the form was read at (the hidden `version`
    /// field), for optimistic locking; a missing one can only be stale.
    pub fn version(&self) -> i64 {
        self.text("version").parse().unwrap_or_default()
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

/// The boundary of a `multipart/form-data` body, if it is one.
pub fn multipart_boundary(content_type: &str) -> Option<String> {
    multer::parse_boundary(content_type).ok()
}

/// Reads a whole multipart body. A file that is not UTF-8 text is refused
/// by name, since every file Hearth imports is CSV or JSON.
pub async fn parse_multipart(bytes: Bytes, boundary: &str) -> Result<FormData, AppError> {
    let unreadable = |_| AppError::invalid("form", "the form could not be read");
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut pairs = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        let data = field.bytes().await.map_err(unreadable)?;
        let text =
            String::from_utf8(data.to_vec()).map_err(|_| AppError::invalid(&name, "the file must be text (CSV or JSON) in UTF-8"))?;
        pairs.push((name, text));
    }
    Ok(FormData(pairs))
}

/// A file from a multipart form, kept as bytes with the name and media
/// type the browser sent (evidence such as PDFs and images is not text).
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub field: String,
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Reads a whole multipart body keeping files as bytes: fields sent with a
/// file name are uploads, the rest are the form. Nothing is refused for
/// not being text, so the CSRF check can read the token of any upload.
pub async fn parse_multipart_uploads(bytes: Bytes, boundary: &str) -> Result<(FormData, Vec<Upload>), AppError> {
    let unreadable = |_| AppError::invalid("form", "the form could not be read");
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let (mut pairs, mut uploads) = (Vec::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(|m| m.to_string()).unwrap_or_default();
        let data = field.bytes().await.map_err(unreadable)?;
        match file_name {
            Some(file_name) => uploads.push(Upload {
                field: name,
                file_name,
                content_type,
                bytes: data.to_vec(),
            }),
            None => pairs.push((name, String::from_utf8_lossy(&data).into_owned())),
        }
    }
    Ok((FormData(pairs), uploads))
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let boundary = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(multipart_boundary);
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::invalid("form", "the form could not be read"))?;
        match boundary {
            Some(boundary) => parse_multipart(bytes, &boundary).await,
            None => Ok(FormData::parse(&bytes)),
        }
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

    #[tokio::test]
    async fn a_file_reads_as_its_field() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ\r\n\
                    Content-Disposition: form-data; name=\"file\"; filename=\"v.csv\"\r\nContent-Type: text/csv\r\n\r\n\
                    a,b\n1,2\n\r\n--XyZ--\r\n";
        let boundary = multipart_boundary("multipart/form-data; boundary=XyZ").unwrap();
        let form = parse_multipart(Bytes::from(body), &boundary).await.unwrap();
        assert_eq!(form.text("csrf_token"), "abc");
        assert_eq!(form.all("file"), ["a,b\n1,2\n"]);
    }
}
