//! Build script for the `web` crate: compiles Hearth's front end into the
//! binary, so `cargo build` alone gives a server that needs no files beside it.
//!
//! GOV.UK Frontend and MoJ Frontend come from npm, pinned exactly in
//! `frontend/package.json` and `frontend/package-lock.json`. This script:
//!
//! 1. finds `node` and `npm` on PATH, and stops the build with one line if
//!    either is missing;
//! 2. runs `npm ci` in `frontend/` only when `node_modules/.package-lock.json`
//!    is missing or older than `package-lock.json`, so later builds are quick
//!    and need no network;
//! 3. compiles `frontend/scss/hearth.scss` with the `sass` package into
//!    `$OUT_DIR/assets/hearth.css` (compressed, no source map);
//! 4. copies into `$OUT_DIR/assets/` the GOV.UK Frontend and MoJ Frontend
//!    ES module bundles, every file in `frontend/js/` and `frontend/images/`,
//!    and exactly the images that the compiled stylesheet refers to;
//! 5. writes `$OUT_DIR/asset_table.rs`, which `src/assets.rs` includes: one
//!    entry per asset with its name, content type, content-hash ETag and an
//!    `include_bytes!` of its copy in `$OUT_DIR`.
//!
//! Every failure ends the build with a single `cargo::error=` line (and the
//! tool's own messages as `cargo::warning=` lines above it), never a panic.
//!
//! `HEARTH_FRONTEND_DIR`, if set, names the front-end directory to use instead
//! of `frontend/` beside this file. It exists so a scratch crate can reuse this
//! script (`build = ".../crates/web/build.rs"`) while developing the assets.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{exit, Command, Output};

/// What to tell someone whose machine has no Node.js or npm.
const NEED_NODE: &str =
    "Hearth's web assets need Node.js and npm on PATH to build (install nodejs and npm, e.g. apt-get install nodejs npm)";

/// The ES module bundles the pages load, as (name served, path under node_modules).
const BUNDLES: [(&str, &str); 2] = [
    ("govuk-frontend.min.js", "govuk-frontend/dist/govuk/govuk-frontend.min.js"),
    ("moj-frontend.min.js", "@ministryofjustice/frontend/moj/moj-frontend.min.js"),
];

/// Where images that the stylesheet refers to as `/assets/images/NAME` come
/// from, searched in order. GOV.UK Frontend's own images are its crest and
/// GOV.UK icons, which Hearth must not show, so only MoJ Frontend's are used.
const IMAGE_DIRS: [&str; 1] = ["@ministryofjustice/frontend/moj/assets/images"];

/// A reason to stop the build: one line, and optionally the tool's output.
struct Failure {
    message: String,
    details: Vec<String>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            details: Vec::new(),
        }
    }
}

type Result<T> = std::result::Result<T, Failure>;

fn main() {
    match build() {
        // Said only on success: a failed build script runs again anyway, and
        // this keeps cargo's report of a failure down to our own lines.
        Ok(rerun_if) => {
            for line in rerun_if {
                println!("cargo::{line}");
            }
        }
        Err(failure) => {
            for line in failure.details {
                println!("cargo::warning={line}");
            }
            println!("cargo::error={}", failure.message);
            exit(1);
        }
    }
}

/// Does the work, returning the `rerun-if-…` directives for cargo.
fn build() -> Result<Vec<String>> {
    let manifest_dir = PathBuf::from(var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(var("OUT_DIR")?);
    let mut rerun_if = vec!["rerun-if-env-changed=HEARTH_FRONTEND_DIR".to_owned()];
    let frontend = match std::env::var_os("HEARTH_FRONTEND_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir.join("frontend"),
    };
    if !frontend.join("package.json").is_file() {
        return Err(Failure::new(format!(
            "no package.json in {}; the web crate's front end is missing",
            frontend.display()
        )));
    }

    // Only our own sources: node_modules is the output of `npm ci`, and
    // package-lock.json decides when that runs.
    for watched in ["package.json", "package-lock.json", "scss", "js", "images"] {
        rerun_if.push(format!("rerun-if-changed={}", frontend.join(watched).display()));
    }
    // This script is in the package root (the web crate) or beside frontend/
    // (a scratch crate using HEARTH_FRONTEND_DIR).
    let script = [Some(manifest_dir.as_path()), frontend.parent()]
        .into_iter()
        .flatten()
        .map(|dir| dir.join("build.rs"))
        .find(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from("build.rs"));
    rerun_if.push(format!("rerun-if-changed={}", script.display()));

    let npm = find_on_path("npm").ok_or_else(|| Failure::new(NEED_NODE))?;
    let node = find_on_path("node").ok_or_else(|| Failure::new(NEED_NODE))?;
    install_packages(&npm, &frontend)?;

    let assets_dir = out_dir.join("assets");
    if assets_dir.exists() {
        fs::remove_dir_all(&assets_dir).map_err(|e| io_failure("clear", &assets_dir, e))?;
    }
    fs::create_dir_all(assets_dir.join("images")).map_err(|e| io_failure("create", &assets_dir, e))?;

    let mut assets = Assets {
        dir: assets_dir,
        names: Vec::new(),
    };
    let css = compile_styles(&node, &frontend, &assets.dir.join("hearth.css"))?;
    assets.names.push("hearth.css".into());

    let modules = frontend.join("node_modules");
    for (name, path) in BUNDLES {
        let bytes = read(&modules.join(path))?;
        assets.add(name, &without_source_map_comment(&bytes))?;
    }
    for dir in ["js", "images"] {
        for path in files_in(&frontend.join(dir))? {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            assets.add(&name, &read(&path)?)?;
        }
    }
    for name in images_used_by(&css)? {
        if assets.names.contains(&name) {
            continue;
        }
        let file = name.strip_prefix("images/").unwrap_or(&name);
        let source = IMAGE_DIRS
            .iter()
            .map(|dir| modules.join(dir).join(file))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                Failure::new(format!(
                    "hearth.css refers to /assets/{name}, which is not one of MoJ Frontend's images (GOV.UK brand images are not served)"
                ))
            })?;
        assets.add(&name, &read(&source)?)?;
    }
    assets.write_table(&out_dir.join("asset_table.rs"))?;
    Ok(rerun_if)
}

fn var(name: &str) -> Result<String> {
    std::env::var(name).map_err(|_| Failure::new(format!("{name} is not set: run this build script through cargo")))
}

fn io_failure(action: &str, path: &Path, error: std::io::Error) -> Failure {
    Failure::new(format!("cannot {action} {}: {error}", path.display()))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| io_failure("read", path, e))
}

/// The regular files directly in `dir`, by name, skipping dotfiles.
fn files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| io_failure("list", dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && !p.file_name().and_then(|n| n.to_str()).unwrap_or(".").starts_with('.'))
        .collect();
    files.sort();
    Ok(files)
}

/// The first executable called `name` in a directory on PATH.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let suffixes: &[&str] = if cfg!(windows) { &[".cmd", ".exe", ""] } else { &[""] };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .flat_map(|dir| suffixes.iter().map(move |suffix| dir.join(format!("{name}{suffix}"))))
        .find(|path| is_executable(path))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Runs `npm ci` unless node_modules was installed from the current lock file.
fn install_packages(npm: &Path, frontend: &Path) -> Result<()> {
    let modified = |path: &Path| fs::metadata(path).and_then(|m| m.modified()).ok();
    let lock = modified(&frontend.join("package-lock.json"))
        .ok_or_else(|| Failure::new(format!("no package-lock.json in {}; run `npm install` there", frontend.display())))?;
    if modified(&frontend.join("node_modules/.package-lock.json")).is_some_and(|installed| installed >= lock) {
        return Ok(());
    }
    let output = Command::new(npm)
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(frontend)
        .output();
    check(output, &format!("`npm ci` in {}", frontend.display()), npm_messages)?;
    Ok(())
}

/// Compiles hearth.scss to `target`, returning the CSS.
fn compile_styles(node: &Path, frontend: &Path, target: &Path) -> Result<String> {
    let output = Command::new(node)
        .arg(frontend.join("node_modules/sass/sass.js"))
        // `frontend/` lets MoJ Frontend's own `@forward "node_modules/govuk-frontend/..."`
        // resolve; `frontend/node_modules` lets ours say `@use "govuk-frontend/..."`.
        .arg(format!("--load-path={}", frontend.display()))
        .arg(format!("--load-path={}", frontend.join("node_modules").display()))
        .args(["--style=compressed", "--no-source-map", "--no-error-css", "--quiet-deps"])
        .arg(frontend.join("scss/hearth.scss"))
        .arg(target)
        .current_dir(frontend)
        .output();
    let output = check(output, "sass, compiling frontend/scss/hearth.scss", sass_messages)?;
    // Our own stylesheets' warnings and `@debug` output, if any.
    for line in sass_messages(&output) {
        println!("cargo::warning=sass: {line}");
    }
    fs::read_to_string(target).map_err(|e| io_failure("read", target, e))
}

/// The output of a command that ran and succeeded, or a failure carrying the
/// end of its messages, as picked from its output by `messages`.
fn check(output: std::io::Result<Output>, what: &str, messages: fn(&Output) -> Vec<String>) -> Result<Output> {
    let output = output.map_err(|e| Failure::new(format!("{what} could not start: {e}")))?;
    if output.status.success() {
        return Ok(output);
    }
    let mut details = messages(&output);
    details.drain(..details.len().saturating_sub(40));
    Err(Failure {
        message: format!("{what} failed ({}); its messages are above", output.status),
        details,
    })
}

/// npm's messages, less empty `npm error` lines, complaints about the
/// machine's npmrc, and the command's help text that follows a usage error.
fn npm_messages(output: &Output) -> Vec<String> {
    let text = [&output.stderr, &output.stdout]
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .join("\n");
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| {
            let content = line.trim_start_matches("npm error").trim_start_matches("npm warn");
            !content.trim().is_empty() && !line.contains("Unknown user config")
        })
        .collect();
    let help = lines
        .iter()
        .position(|line| line.trim_end().ends_with("Usage:"))
        .unwrap_or(lines.len());
    let mut kept: Vec<String> = lines[..help].iter().map(|line| line.to_string()).collect();
    if let Some(log) = lines[help..].last().filter(|line| line.contains("complete log")) {
        kept.push(log.to_string());
    }
    kept
}

/// sass's messages (errors, `@debug`, warnings) less the warnings raised
/// inside node_modules: `--quiet-deps` hides the packages' deprecations but
/// not their `@warn`s, which are theirs to fix. A message starts with an
/// unindented `WARNING`, `Deprecation`, `Error` or `… DEBUG:` line; its
/// source locations follow as indented `path line:column` lines, the first
/// being where it was raised.
fn sass_messages(output: &Output) -> Vec<String> {
    const WARNINGS: [&str; 3] = ["WARNING", "Deprecation", "DEPRECATION"];
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut messages: Vec<Vec<&str>> = Vec::new();
    for line in stderr.lines() {
        let starts = WARNINGS.iter().chain(&["Error"]).any(|prefix| line.starts_with(prefix))
            || (!line.starts_with(' ') && line.contains(" DEBUG: "));
        match messages.last_mut() {
            Some(message) if !starts => message.push(line),
            _ => messages.push(vec![line]),
        }
    }
    messages
        .into_iter()
        .filter(|message| {
            let warning = WARNINGS.iter().any(|prefix| message[0].starts_with(prefix));
            let origin = message.iter().skip(1).find_map(|line| location(line));
            !warning || origin.is_none_or(|path| !path.contains("node_modules"))
        })
        .flat_map(|message| message.into_iter().filter(|line| !line.trim().is_empty()).map(str::to_owned))
        .collect()
}

/// The path in a sass stack-trace line such as `    scss/hearth.scss 12:3  root stylesheet`.
fn location(line: &str) -> Option<&str> {
    if !line.starts_with(' ') {
        return None;
    }
    let mut words = line.split_whitespace();
    let path = words.next()?;
    let (row, column) = words.next()?.split_once(':')?;
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let stylesheet = path.ends_with(".scss") || path.ends_with(".sass") || path.ends_with(".css");
    (stylesheet && numeric(row) && numeric(column)).then_some(path)
}

/// The bundle without its trailing `//# sourceMappingURL=` comment: the maps
/// are not served, and a dangling reference shows as a 404 in developer tools.
fn without_source_map_comment(bytes: &[u8]) -> Vec<u8> {
    const MARK: &[u8] = b"//# sourceMappingURL=";
    match bytes.windows(MARK.len()).rposition(|w| w == MARK) {
        Some(at) if !bytes[at..].trim_ascii_end().contains(&b'\n') => [&bytes[..at], b"\n"].concat(),
        _ => bytes.to_vec(),
    }
}

/// The asset names (`images/NAME`) that the stylesheet loads from `/assets/`.
/// Other URLs (none today) are left alone; `/assets/` ones that are not
/// images, such as fonts, are refused, since Hearth uses system fonts.
fn images_used_by(css: &str) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for piece in css.split("url(").skip(1) {
        let target = piece.split(')').next().unwrap_or_default().trim().trim_matches(['"', '\'']);
        let Some(name) = target.strip_prefix("/assets/") else { continue };
        let file = name.strip_prefix("images/").unwrap_or_default();
        if file.is_empty() || file.contains('/') || file.starts_with('.') {
            return Err(Failure::new(format!(
                "hearth.css refers to /assets/{name}; only /assets/images/NAME is served"
            )));
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// The files being gathered into `$OUT_DIR/assets`.
struct Assets {
    dir: PathBuf,
    names: Vec<String>,
}

impl Assets {
    fn add(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        if name.is_empty() || self.names.iter().any(|n| n == name) {
            return Err(Failure::new(format!("two front-end files would both be served as /assets/{name}")));
        }
        let path = self.dir.join(name);
        fs::write(&path, bytes).map_err(|e| io_failure("write", &path, e))?;
        self.names.push(name.to_owned());
        Ok(())
    }

    /// Writes the table that `src/assets.rs` includes: an array expression of
    /// `(name, Asset)` pairs sorted by name.
    fn write_table(&self, target: &Path) -> Result<()> {
        let mut names = self.names.clone();
        names.sort();
        let mut table = String::from("// Generated by crates/web/build.rs: the assets compiled into Hearth.\n[\n");
        for name in &names {
            let etag = format!("{:016x}", fnv1a(&read(&self.dir.join(name))?));
            let content_type = content_type(name)?;
            let file = format!("/assets/{name}");
            let _ = writeln!(
                table,
                "    ({name:?}, Asset {{ bytes: include_bytes!(concat!(env!(\"OUT_DIR\"), {file:?})), content_type: {content_type:?}, etag: {etag:?} }}),"
            );
        }
        table.push_str("]\n");
        fs::write(target, table).map_err(|e| io_failure("write", target, e))
    }
}

fn content_type(name: &str) -> Result<&'static str> {
    Ok(match name.rsplit_once('.').map(|(_, extension)| extension) {
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => return Err(Failure::new(format!("no content type is known for front-end file {name}"))),
    })
}

/// 64-bit FNV-1a: a small, stable content hash for ETags (not for security).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
