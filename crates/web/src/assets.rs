//! Static assets compiled into the binary by `build.rs`.
//!
//! Embedding the stylesheet, scripts and icons means a deployment is one
//! file with nothing to serve separately and nothing that can drift from the
//! templates that use it. Each asset carries a content-hash ETag for caching.

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    pub etag: &'static str,
}

/// (name, bytes, content type, etag), written by `build.rs`.
const TABLE: &[(&str, &[u8], &str, &str)] = include!(concat!(env!("OUT_DIR"), "/assets/table.rs"));

/// The asset at `path` (the part after `/assets/`), if any.
pub fn lookup(path: &str) -> Option<Asset> {
    TABLE
        .iter()
        .find(|(name, ..)| *name == path)
        .map(|(_, bytes, content_type, etag)| Asset { bytes, content_type, etag })
}

/// Every asset's name.
pub fn names() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|(name, ..)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_content() {
        assert!(names().count() >= 5);
        for name in names() {
            let asset = lookup(name).unwrap();
            assert!(!asset.bytes.is_empty(), "{name} is empty");
            assert_eq!(asset.etag.len(), 16);
        }
    }

    #[test]
    fn the_stylesheet_is_unbranded_with_a_system_font() {
        let css = std::str::from_utf8(lookup("hearth.css").unwrap().bytes).unwrap();
        assert!(css.contains(".govuk-generic-header") && css.contains(".moj-primary-navigation"));
        assert!(css.contains("font-family:system-ui"));
        assert!(!css.contains("GDS Transport"));
    }

    #[test]
    fn scripts_and_icons_are_present() {
        for name in ["app.mjs", "govuk-frontend.min.js", "moj-frontend.min.js", "favicon.svg"] {
            assert!(lookup(name).is_some(), "{name}");
        }
        assert!(names().any(|n| n.starts_with("images/icon-")));
        assert!(lookup("images/govuk-crest.svg").is_none(), "no GOV.UK brand");
        assert!(lookup("nope.css").is_none());
    }
}
