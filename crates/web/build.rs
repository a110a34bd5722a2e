//! Compiles the front end into the binary.
//!
//! GOV.UK Frontend and MoJ Frontend come from npm (`frontend/package.json`,
//! pinned by `package-lock.json`). This script installs them when the lock
//! file is newer than the installed copy, compiles `frontend/scss/hearth.scss`
//! with the `sass` package, copies the JavaScript and icons into `OUT_DIR`,
//! and writes the table that `src/assets.rs` includes. So `cargo build` alone
//! works on a fresh machine that has Node.js and npm; without them the build
//! stops with one line saying so.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{exit, Command};

fn main() {
    let manifest = PathBuf::from(env("CARGO_MANIFEST_DIR"));
    let frontend = manifest.join("frontend");
    let out = PathBuf::from(env("OUT_DIR")).join("assets");
    for watched in ["package.json", "package-lock.json", "scss", "js", "images"] {
        println!("cargo::rerun-if-changed=frontend/{watched}");
    }
    println!("cargo::rerun-if-changed=build.rs");

    println!("cargo::rerun-if-env-changed=HEARTH_NPM");
    println!("cargo::rerun-if-env-changed=HEARTH_NODE");
    let npm = tool("npm", "HEARTH_NPM");
    let node = tool("node", "HEARTH_NODE");
    install_packages(&npm, &frontend);
    fs::create_dir_all(&out).unwrap_or_else(|e| fail(&format!("cannot create {}: {e}", out.display())));
    compile_styles(&node, &frontend, &out);

    let modules = frontend.join("node_modules");
    let mut assets: Vec<(String, PathBuf, &str)> = vec![
        ("hearth.css".into(), out.join("hearth.css"), "text/css; charset=utf-8"),
        ("app.mjs".into(), frontend.join("js/app.mjs"), "text/javascript; charset=utf-8"),
        (
            "govuk-frontend.min.js".into(),
            modules.join("govuk-frontend/dist/govuk/govuk-frontend.min.js"),
            "text/javascript; charset=utf-8",
        ),
        (
            "moj-frontend.min.js".into(),
            modules.join("@ministryofjustice/frontend/moj/moj-frontend.min.js"),
            "text/javascript; charset=utf-8",
        ),
        ("favicon.svg".into(), frontend.join("images/favicon.svg"), "image/svg+xml"),
    ];
    // MoJ components draw their icons from CSS; GOV.UK crowns and crests are
    // not copied because Hearth does not carry the GOV.UK brand.
    let icons = modules.join("@ministryofjustice/frontend/moj/assets/images");
    let mut icon_names: Vec<String> = fs::read_dir(&icons)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", icons.display())))
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("icon-") && name.ends_with(".svg"))
        .collect();
    icon_names.sort();
    for name in icon_names {
        assets.push((format!("images/{name}"), icons.join(&name), "image/svg+xml"));
    }
    write_table(&out, &assets);
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| fail(&format!("{name} is not set (run this through cargo)")))
}

/// Stops the build with one clear line.
fn fail(message: &str) -> ! {
    println!("cargo::error={message}");
    exit(1)
}

/// The program to run for `name`: `$override_var` if set, else `name` on
/// PATH. Stops the build with one line if it does not run.
fn tool(name: &str, override_var: &str) -> String {
    let program = std::env::var(override_var).unwrap_or_else(|_| name.to_owned());
    let found = Command::new(&program).arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        fail(&format!(
            "Hearth's web assets need Node.js and npm to build, and `{program}` was not found (install them, for example `apt-get install nodejs npm`, or set {override_var})"
        ));
    }
    program
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn install_packages(npm: &str, frontend: &Path) {
    let lock = frontend.join("package-lock.json");
    let installed = frontend.join("node_modules/.package-lock.json");
    let fresh = matches!((modified(&lock), modified(&installed)), (Some(l), Some(i)) if i >= l);
    if fresh {
        return;
    }
    run(
        Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(frontend),
        "npm ci (installing GOV.UK Frontend and MoJ Frontend)",
    );
}

fn compile_styles(node: &str, frontend: &Path, out: &Path) {
    run(
        Command::new(node)
            .arg("node_modules/sass/sass.js")
            .arg("--load-path=.")
            .args(["--style=compressed", "--no-source-map", "--quiet-deps", "--quiet"])
            .arg("scss/hearth.scss")
            .arg(out.join("hearth.css"))
            .current_dir(frontend),
        "sass (compiling frontend/scss/hearth.scss)",
    );
}

fn run(command: &mut Command, what: &str) {
    match command.output() {
        Ok(output) if output.status.success() => {}
        Ok(output) => {
            for line in String::from_utf8_lossy(&output.stderr).lines().take(20) {
                println!("cargo::warning={line}");
            }
            fail(&format!("{what} failed; its messages are above"));
        }
        Err(error) => fail(&format!("{what} could not start: {error}")),
    }
}

/// Writes `assets.rs`: one entry per asset with its bytes, type and ETag.
fn write_table(out: &Path, assets: &[(String, PathBuf, &str)]) {
    let mut table = String::from("&[\n");
    for (name, path, content_type) in assets {
        let bytes = fs::read(path).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", path.display())));
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        let copy = out.join(name.replace('/', "__"));
        fs::write(&copy, &bytes).unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", copy.display())));
        table.push_str(&format!(
            "    ({name:?}, include_bytes!({copy:?}), {content_type:?}, \"{:016x}\"),\n",
            hasher.finish(),
            copy = copy.display().to_string()
        ));
    }
    table.push(']');
    let target = out.join("table.rs");
    fs::write(&target, table).unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", target.display())));
}
