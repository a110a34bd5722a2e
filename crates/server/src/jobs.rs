//! Background work: delivering notification emails, chasing emergency
//! placements awaiting ratification, and alerting commissioning officers
//! to agreements about to end and accreditation about to expire. `hearth serve` runs it every minute;
//! `hearth jobs run` runs it once (for cron or a health check).
//!
//! Email goes to an SMTP relay when `smtp_host` is configured, otherwise it
//! is appended to an outbox file. Subjects carry the request number only;
//! the body is a link into Hearth, so no personal data leaves the system.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use store::notifications::OutgoingEmail;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Where email goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mailer {
    /// A plain SMTP relay inside the council's network (no TLS or login).
    Smtp { host: String, port: u16, from: String },
    /// A file that messages are appended to, for demos and test systems.
    Outbox { path: PathBuf, from: String },
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub emailed: usize,
    pub chased: usize,
    /// New commissioning alerts (agreements ending, accreditation expiring).
    pub alerted: usize,
    /// Exceptions found by the controls pass, when one was due.
    pub control_exceptions: Option<usize>,
}

/// Runs every job once.
pub async fn run_once(state: &web::AppState, mailer: &Mailer, public_url: &str) -> anyhow::Result<Report> {
    let (store, clock) = (&state.store, state.clock.as_ref());
    // The controls library runs over all data at most hourly: often enough
    // for managers to see exceptions the day they arise.
    let controls = web::assurance_pass::run_if_due(state, time::Duration::hours(1)).await?;
    let mut cmd = store.begin(authz::Actor::System, clock).await?;
    let chased = store::request_steps::chase_ratifications(&mut cmd, clock.today()).await?;
    let alerted = store::alerts::commissioning(store, &mut cmd, clock.today()).await?
        + store::alerts::audit_escalations(store, &mut cmd, clock.today()).await?;
    cmd.commit().await?;
    let mut emailed = 0;
    for email in store::notifications::outbox(store, 200).await? {
        let message = compose(mailer, &email, public_url);
        match send(mailer, &email.to, &message).await {
            Ok(()) => {
                store::notifications::mark_emailed(store, email.notification, clock.now()).await?;
                emailed += 1;
            }
            // Logged by notification id only; the next run tries again.
            Err(error) => tracing::warn!(notification = email.notification, error = %error, "email not sent"),
        }
    }
    Ok(Report {
        emailed,
        chased,
        alerted,
        control_exceptions: controls.map(|pass| pass.exceptions),
    })
}

/// Runs the jobs every `every` until the process ends.
pub fn spawn(state: web::AppState, mailer: Mailer, public_url: String, every: Duration) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        loop {
            interval.tick().await;
            if let Err(error) = run_once(&state, &mailer, &public_url).await {
                tracing::warn!(error = %error, "background jobs failed; retrying at the next tick");
            }
        }
    });
}

fn from_address(mailer: &Mailer) -> &str {
    match mailer {
        Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from,
    }
}

/// The message: headers and a body that only links into Hearth.
fn compose(mailer: &Mailer, email: &OutgoingEmail, public_url: &str) -> String {
    let subject: String = email.subject.chars().filter(|c| !c.is_control()).collect();
    format!(
        "From: {}\r\nTo: {}\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{subject}.\r\n\r\nOpen it in Hearth: {}{}\r\n",
        from_address(mailer),
        email.to,
        public_url.trim_end_matches('/'),
        email.link
    )
}

async fn send(mailer: &Mailer, to: &str, message: &str) -> anyhow::Result<()> {
    if to.contains(['\r', '\n', '<', '>']) {
        bail!("the address is not valid");
    }
    match mailer {
        Mailer::Outbox { path, .. } => {
            let mut file = tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .await
                .with_context(|| format!("cannot open the outbox {}", path.display()))?;
            file.write_all(format!("{message}\r\n.\r\n").as_bytes()).await?;
            // tokio's File writes in the background: flush before it drops.
            file.flush().await?;
            Ok(())
        }
        Mailer::Smtp { host, port, from } => smtp(host, *port, from, to, message).await,
    }
}

/// A minimal SMTP conversation: EHLO, MAIL, RCPT, DATA, QUIT.
async fn smtp(host: &str, port: u16, from: &str, to: &str, message: &str) -> anyhow::Result<()> {
    let stream = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect((host, port)))
        .await
        .context("the mail server did not answer")??;
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    expect(&mut lines, "2").await?;
    for (command, wanted) in [
        ("EHLO hearth".to_owned(), "2"),
        (format!("MAIL FROM:<{from}>"), "2"),
        (format!("RCPT TO:<{to}>"), "2"),
        ("DATA".to_owned(), "3"),
    ] {
        write.write_all(format!("{command}\r\n").as_bytes()).await?;
        expect(&mut lines, wanted).await?;
    }
    // Dot-stuffing: a line starting with '.' gets another.
    let body = message.replace("\r\n.", "\r\n..");
    write.write_all(format!("{body}\r\n.\r\n").as_bytes()).await?;
    expect(&mut lines, "2").await?;
    write.write_all(b"QUIT\r\n").await?;
    Ok(())
}

/// Reads a (possibly multi-line) reply and checks its class.
async fn expect(lines: &mut tokio::io::Lines<BufReader<tokio::net::tcp::OwnedReadHalf>>, class: &str) -> anyhow::Result<()> {
    loop {
        let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .context("the mail server stopped answering")??
            .context("the mail server closed the connection")?;
        // "250-..." continues; "250 ..." ends the reply.
        if line.as_bytes().get(3) == Some(&b'-') {
            continue;
        }
        if !line.starts_with(class) {
            bail!("the mail server refused: {}", line.chars().take(3).collect::<String>());
        }
        return Ok(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    fn email() -> OutgoingEmail {
        OutgoingEmail {
            notification: 1,
            to: "gill@council.example".into(),
            subject: "Placement request 7 awaits your approval".into(),
            link: "/requests/7".into(),
        }
    }

    /// A fake relay that records what it is sent.
    async fn fake_relay() -> (u16, tokio::task::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let mut seen = Vec::new();
            write.write_all(b"220 relay ready\r\n").await.unwrap();
            let mut in_data = false;
            while let Ok(Some(line)) = lines.next_line().await {
                seen.push(line.clone());
                let reply: &[u8] = if in_data {
                    if line == "." {
                        in_data = false;
                        b"250 queued\r\n"
                    } else {
                        continue;
                    }
                } else if line.starts_with("EHLO") {
                    b"250-relay\r\n250 SIZE 1000\r\n"
                } else if line == "DATA" {
                    in_data = true;
                    b"354 go ahead\r\n"
                } else if line == "QUIT" {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                } else {
                    b"250 ok\r\n"
                };
                write.write_all(reply).await.unwrap();
            }
            seen
        });
        (port, handle)
    }

    #[tokio::test]
    async fn smtp_delivers_a_message_with_only_the_request_number() {
        let (port, relay) = fake_relay().await;
        let mailer = Mailer::Smtp {
            host: "127.0.0.1".into(),
            port,
            from: "hearth@council.example".into(),
        };
        let message = compose(&mailer, &email(), "https://hearth.council.example/");
        send(&mailer, "gill@council.example", &message).await.unwrap();
        let seen = relay.await.unwrap();
        assert!(seen.contains(&"RCPT TO:<gill@council.example>".to_owned()), "{seen:?}");
        assert!(seen.contains(&"Subject: Placement request 7 awaits your approval".to_owned()));
        assert!(seen.contains(&"Open it in Hearth: https://hearth.council.example/requests/7".to_owned()));
    }

    #[tokio::test]
    async fn without_smtp_messages_go_to_the_outbox_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.eml");
        let mailer = Mailer::Outbox {
            path: path.clone(),
            from: "hearth@localhost".into(),
        };
        let message = compose(&mailer, &email(), "http://127.0.0.1:8080");
        send(&mailer, "gill@council.example", &message).await.unwrap();
        send(&mailer, "gill@council.example", &message).await.unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written.matches("Subject: Placement request 7").count(), 2);
        assert!(
            send(&mailer, "x@y\r\nBcc: z", &message).await.is_err(),
            "header injection is refused"
        );
    }
}
