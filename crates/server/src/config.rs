//! Configuration: defaults, then a TOML file, then `HEARTH_*` variables,
//! then command-line flags.
//!
//! The database URL can hold a password, so it is kept as a secret and only
//! ever shown through `store::DatabaseUrl`'s redacting `Display`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use kernel::{Nation, WorkingDays};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use time::Duration;

/// Everything configurable, with its default.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Where the data lives (see `hearth --help`).
    #[serde(serialize_with = "hide")]
    pub database_url: SecretString,
    /// Address the server listens on.
    pub bind: String,
    /// The council's name, shown on pages and reports.
    pub council_name: String,
    /// `england` or `wales`: chooses statutory rules and bank holidays.
    pub nation: String,
    /// The council's own closure days (YYYY-MM-DD), skipped by working-day deadlines.
    pub local_closure_days: Vec<String>,
    /// True when users reach Hearth over HTTPS (turns on HSTS).
    pub https: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub login_max_failures: i64,
    pub login_window_minutes: i64,
    /// Local limits tighter than statute, by name, e.g. first_review_working_days = 15.
    pub timescales: std::collections::BTreeMap<String, u32>,
    /// The council's own timescale for placement needs assessments.
    pub placement_needs_working_days: u32,
    /// Placements above this weekly cost, in pounds, are reviewed as high-cost.
    pub high_cost_threshold_pounds: i64,
    /// How often high-cost placements are reviewed, in months.
    pub high_cost_review_months: u32,
    /// The day Hearth went live (YYYY-MM-DD): the controls on placement
    /// decisions (Gateway approval, ratification, signed agreements) test
    /// placements from then on. Empty: every placement.
    pub controls_from: Option<String>,
    /// The council's opinion scale for assurance by area, best first, e.g.
    /// `[{ name = "Substantial", up_to_bp = 200 }, …, { name = "No assurance" }]`
    /// (thresholds are exception rates in basis points; the last has none).
    pub opinion_scale: Option<Vec<assurance::opinion::Level>>,
    /// The address people use to reach Hearth, for links in emails.
    pub public_url: String,
    /// An SMTP relay for notification emails; without one they go to `outbox_path`.
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub mail_from: String,
    pub outbox_path: PathBuf,
}

fn hide<S: serde::Serializer>(_: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str("sqlite://data/hearth.sqlite")
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            database_url: SecretString::from("sqlite://data/hearth.sqlite"),
            bind: "127.0.0.1:8080".to_owned(),
            council_name: "Demo County Council".to_owned(),
            nation: "england".to_owned(),
            local_closure_days: Vec::new(),
            https: false,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            login_max_failures: 5,
            login_window_minutes: 15,
            timescales: std::collections::BTreeMap::new(),
            placement_needs_working_days: 10,
            high_cost_threshold_pounds: 5_000,
            high_cost_review_months: 3,
            controls_from: None,
            opinion_scale: None,
            public_url: "http://127.0.0.1:8080".to_owned(),
            smtp_host: None,
            smtp_port: 25,
            mail_from: "hearth@localhost".to_owned(),
            outbox_path: PathBuf::from("data/outbox.eml"),
        }
    }
}

impl Settings {
    /// Loads settings from the layers; `explicit_file` must exist if given.
    pub fn load(explicit_file: Option<&Path>) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match explicit_file {
            Some(path) => {
                if !path.exists() {
                    bail!("configuration file {} does not exist", path.display());
                }
                figment = figment.merge(Toml::file(path));
            }
            None => {
                let local = PathBuf::from("hearth.toml");
                if local.exists() {
                    figment = figment.merge(Toml::file(local));
                }
            }
        }
        figment = figment.merge(Env::prefixed("HEARTH_").only(&[
            "database_url",
            "bind",
            "council_name",
            "nation",
            "https",
            "session_idle_minutes",
            "session_absolute_hours",
            "login_max_failures",
            "login_window_minutes",
        ]));
        let settings: Settings = figment.extract().map_err(|e| anyhow::anyhow!("configuration: {}", one_line(&e)))?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.session_idle_minutes <= 0 || self.session_absolute_hours <= 0 {
            bail!("configuration: session_idle_minutes and session_absolute_hours must be positive");
        }
        if self.high_cost_threshold_pounds <= 0 || self.high_cost_review_months == 0 {
            bail!("configuration: high_cost_threshold_pounds and high_cost_review_months must be positive");
        }
        if self.login_max_failures <= 0 || self.login_window_minutes <= 0 {
            bail!("configuration: login_max_failures and login_window_minutes must be positive");
        }
        self.nation()?;
        self.calendar()?;
        self.timescales()?;
        Ok(())
    }

    /// Where notification emails go.
    pub fn mailer(&self) -> crate::jobs::Mailer {
        match self.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) {
            Some(host) => crate::jobs::Mailer::Smtp {
                host: host.trim().to_owned(),
                port: self.smtp_port,
                from: self.mail_from.clone(),
            },
            None => crate::jobs::Mailer::Outbox {
                path: self.outbox_path.clone(),
                from: self.mail_from.clone(),
            },
        }
    }

    pub fn database_url(&self, flag: Option<&str>) -> anyhow::Result<store::DatabaseUrl> {
        let text = flag.unwrap_or(self.database_url.expose_secret());
        Ok(store::DatabaseUrl::parse(text)?)
    }

    pub fn nation(&self) -> anyhow::Result<Nation> {
        self.nation
            .parse::<Nation>()
            .map_err(|_| anyhow::anyhow!("configuration: nation must be 'england' or 'wales', not '{}'", self.nation))
    }

    pub fn calendar(&self) -> anyhow::Result<WorkingDays> {
        let mut closures = Vec::new();
        for text in &self.local_closure_days {
            let date = kernel::dates::parse_iso_date(text)
                .with_context(|| format!("configuration: local_closure_days entry '{text}' is not a YYYY-MM-DD date"))?;
            closures.push(date);
        }
        Ok(WorkingDays::new(self.nation()?, closures))
    }

    /// The statutory timescales for the nation, tightened as configured.
    pub fn timescales(&self) -> anyhow::Result<compliance::Timescales> {
        compliance::Timescales::statutory(self.nation()?)
            .with_overrides(&self.timescales)
            .map_err(|e| anyhow::anyhow!("configuration: timescales: {e}"))
    }

    pub fn web_config(&self) -> anyhow::Result<web::WebConfig> {
        let mut config = web::WebConfig::standard(&self.council_name);
        config.https = self.https;
        config.session_idle = Duration::minutes(self.session_idle_minutes);
        config.session_absolute = Duration::hours(self.session_absolute_hours);
        config.login_max_failures = self.login_max_failures;
        config.login_window = Duration::minutes(self.login_window_minutes);
        config.timescales = self.timescales()?;
        config.placement_needs_working_days = self.placement_needs_working_days;
        config.controls.decisions_from = self
            .controls_from
            .as_deref()
            .map(|day| {
                time::Date::parse(day, time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|_| anyhow::anyhow!("configuration: controls_from: give a date as YYYY-MM-DD, not {day}"))
            })
            .transpose()?;
        if let Some(levels) = &self.opinion_scale {
            config.opinion_scale =
                assurance::opinion::Scale::new(levels.clone()).map_err(|e| anyhow::anyhow!("configuration: opinion_scale: {e}"))?;
        }
        config.high_cost = gateway::high_cost::Policy {
            weekly_threshold: kernel::Money::from_pounds(self.high_cost_threshold_pounds),
            interval_months: self.high_cost_review_months,
        };
        Ok(config)
    }
}

fn one_line(error: &figment::Error) -> String {
    error.to_string().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let settings = Settings::default();
        assert!(settings.check().is_ok());
        assert_eq!(settings.nation().unwrap(), Nation::England);
    }

    #[test]
    fn files_override_defaults_and_bad_values_are_named() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("hearth.toml");
        std::fs::write(
            &file,
            "council_name = \"Monmouthshire\"\nnation = \"wales\"\nlocal_closure_days = [\"2026-12-29\"]\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.council_name, "Monmouthshire");
        assert_eq!(settings.nation().unwrap(), Nation::Wales);

        std::fs::write(&file, "nation = \"scotland\"\n").unwrap();
        let err = Settings::load(Some(&file)).unwrap_err().to_string();
        assert!(err.contains("nation must be 'england' or 'wales'"), "{err}");

        std::fs::write(&file, "[timescales]\nfirst_review_working_days = 15\n").unwrap();
        assert_eq!(
            Settings::load(Some(&file)).unwrap().timescales().unwrap().first_review_working_days,
            15
        );
        std::fs::write(&file, "[timescales]\nlater_review_months = 9\n").unwrap();
        let err = Settings::load(Some(&file)).unwrap_err().to_string();
        assert!(err.contains("may only shorten"), "{err}");

        std::fs::write(&file, "colour = \"blue\"\n").unwrap();
        let err = Settings::load(Some(&file)).unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn the_go_live_day_and_the_opinion_scale_are_read_and_checked() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("hearth.toml");
        std::fs::write(
            &file,
            "controls_from = \"2025-11-01\"\nopinion_scale = [{ name = \"Good\", up_to_bp = 500 }, { name = \"Poor\" }]\n",
        )
        .unwrap();
        let config = Settings::load(Some(&file)).unwrap().web_config().unwrap();
        assert_eq!(config.controls.decisions_from, Some(time::macros::date!(2025 - 11 - 01)));
        assert_eq!(config.opinion_scale.levels()[1].name, "Poor");

        std::fs::write(&file, "opinion_scale = [{ name = \"Good\", up_to_bp = 500 }]\n").unwrap();
        let err = Settings::load(Some(&file)).unwrap().web_config().unwrap_err().to_string();
        assert!(err.contains("opinion_scale"), "{err}");
        std::fs::write(&file, "controls_from = \"1 Nov\"\n").unwrap();
        let err = Settings::load(Some(&file)).unwrap().web_config().unwrap_err().to_string();
        assert!(err.contains("controls_from"), "{err}");
    }

    #[test]
    fn the_database_password_is_never_serialised() {
        let settings = Settings {
            database_url: SecretString::from("postgres://app:hunter2@db/hearth"),
            ..Settings::default()
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
