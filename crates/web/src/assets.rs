//! The stylesheet, scripts and images served under `/assets/`, compiled into
//! the binary.
//!
//! Why in the binary: a deployment is then one file, with no directory of
//! static files to ship, mount or keep in step with the templates that name
//! them; pages can never be served by one build and styled by another; and
//! the server needs no Node.js at run time. `build.rs` does the work at build
//! time: it installs GOV.UK Frontend and MoJ Frontend from npm (pinned in
//! `frontend/package-lock.json`), compiles `frontend/scss/hearth.scss`, copies
//! the JavaScript bundles, `frontend/js/` and `frontend/images/` and the
//! images the stylesheet refers to into `$OUT_DIR/assets/`, and writes
//! `$OUT_DIR/asset_table.rs`: one `include_bytes!` entry per file, with its
//! content type and an ETag hashed from its content.
//!
//! The names, as used after `/assets/`: `hearth.css`, `app.mjs` (the page
//! script), `govuk-frontend.min.js`, `moj-frontend.min.js`, `favicon.svg`,
//! and `images/…` for the icons MoJ Frontend's styles draw.

/// One embedded file.
#[derive(Clone, Copy)]
pub struct Asset {
    pub bytes: &'static [u8],
    /// The `Content-Type` header value, with a charset for text.
    pub content_type: &'static str,
    /// A hash of `bytes` in hex, without the quotes an `ETag` header needs.
    pub etag: &'static str,
}

impl std::fmt::Debug for Asset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Asset")
            .field("bytes", &self.bytes.len())
            .field("content_type", &self.content_type)
            .field("etag", &self.etag)
            .finish()
    }
}

/// Every asset as (name, asset), sorted by name; written by `build.rs`.
static ASSETS: &[(&str, Asset)] = &include!(concat!(env!("OUT_DIR"), "/asset_table.rs"));

/// The asset at `path`, the part of the URL after `/assets/` (for example
/// `hearth.css` or `images/icon-document.svg`).
pub fn lookup(path: &str) -> Option<Asset> {
    ASSETS.binary_search_by(|(name, _)| (*name).cmp(path)).ok().map(|i| ASSETS[i].1)
}

/// The name of every asset, in order.
pub fn names() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str) -> &'static str {
        let asset = lookup(name).unwrap_or_else(|| panic!("{name} is not an asset"));
        std::str::from_utf8(asset.bytes).unwrap_or_else(|e| panic!("{name} is not UTF-8: {e}"))
    }

    #[test]
    fn every_named_asset_has_content_a_type_and_an_etag() {
        let names: Vec<&str> = names().collect();
        assert!(names.windows(2).all(|pair| pair[0] < pair[1]), "sorted and unique: {names:?}");
        for name in names {
            let asset = lookup(name).unwrap();
            assert!(!asset.bytes.is_empty(), "{name} is empty");
            assert!(!asset.content_type.is_empty(), "{name} has no content type");
            assert_eq!(asset.etag.len(), 16, "{name}");
            assert!(asset.etag.bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
        }
    }

    #[test]
    fn the_pages_assets_are_all_there() {
        for (name, content_type) in [
            ("hearth.css", "text/css; charset=utf-8"),
            ("app.mjs", "text/javascript; charset=utf-8"),
            ("govuk-frontend.min.js", "text/javascript; charset=utf-8"),
            ("moj-frontend.min.js", "text/javascript; charset=utf-8"),
            ("favicon.svg", "image/svg+xml"),
        ] {
            assert_eq!(lookup(name).map(|a| a.content_type), Some(content_type), "{name}");
        }
        assert!(lookup("nope.css").is_none());
        assert!(lookup("").is_none());
        assert!(lookup("/hearth.css").is_none());
    }

    #[test]
    fn the_stylesheet_has_the_components_and_a_system_font_and_no_gov_uk_typeface() {
        let css = text("hearth.css");
        for selector in [
            ".govuk-generic-header",
            ".govuk-button",
            ".govuk-tag--red",
            ".moj-primary-navigation",
            ".hearth-header__user",
        ] {
            assert!(css.contains(selector), "no {selector}");
        }
        assert!(css.contains(r#"font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif"#));
        assert!(!css.contains("GDS Transport"));
        assert!(!css.contains("@font-face"));
        assert!(!css.contains("govuk-crest"), "the GOV.UK crest is not Hearth's");
        // GOV.UK Frontend 6's refreshed brand (blue, blue-tinted template) is
        // replaced by Hearth's teal and grey.
        assert!(css.contains("--govuk-brand-colour: #106165") && !css.contains("--govuk-brand-colour: #1d70b8"));
        assert!(css.contains("--govuk-template-background-colour: #f3f3f3"));
        assert!(css.contains(".hearth-tag--overdue") && css.contains(".hearth-tag--due") && css.contains(".hearth-tag--ok"));
        assert!(css.contains(".hearth-print"));
        assert!(!css.contains("sourceMappingURL"));
    }

    #[test]
    fn every_url_in_the_stylesheet_is_served() {
        let css = text("hearth.css");
        let mut urls = 0;
        for piece in css.split("url(").skip(1) {
            let target = piece.split(')').next().unwrap().trim_matches(['"', '\'']);
            let name = target
                .strip_prefix("/assets/")
                .unwrap_or_else(|| panic!("url({target}) is not under /assets/"));
            assert!(lookup(name).is_some(), "hearth.css needs /assets/{name}");
            urls += 1;
        }
        assert!(urls > 0, "MoJ Frontend's icons are referenced");
    }

    #[test]
    fn the_scripts_are_es_modules_that_start_the_components() {
        let app = text("app.mjs");
        assert!(app.contains("\"/assets/govuk-frontend.min.js\"") && app.contains("\"/assets/moj-frontend.min.js\""));
        assert!(app.contains("govuk-frontend-supported"));
        for bundle in ["govuk-frontend.min.js", "moj-frontend.min.js"] {
            let js = text(bundle);
            assert!(js.contains("initAll") && js.contains("export{"), "{bundle} exports initAll");
            assert!(!js.contains("sourceMappingURL"), "{bundle} points at a map that is not served");
        }
    }
}
