//! Fault points: named places where a test can make the process stop in
//! the middle of a command, to prove that a crash leaves nothing half-done.
//!
//! Set `HEARTH_FAULT=<point>:<action>` in the environment of a `hearth`
//! process. `abort` ends the process at once (as a power cut would);
//! `pause` writes `fault point <point> reached` to standard error and waits
//! for a minute, so a test can kill the process there. With the variable
//! unset (always, in production) a fault point does nothing.

use std::time::Duration;

/// The variable that arms a fault point.
pub const VARIABLE: &str = "HEARTH_FAULT";

/// Stops here if `point` is armed.
pub async fn reach(point: &str) {
    let Ok(armed) = std::env::var(VARIABLE) else {
        return;
    };
    match armed.strip_prefix(point).and_then(|rest| rest.strip_prefix(':')) {
        Some("abort") => std::process::abort(),
        Some("pause") => {
            eprintln!("fault point {point} reached");
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        _ => {}
    }
}
