//! The command line. `--help` on any command explains it fully.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Hearth: placements, care finance and assurance for a council's children's services.
///
/// Configuration is read, in increasing priority, from built-in defaults, a
/// TOML file (--config, or ./hearth.toml if present), HEARTH_* environment
/// variables (for example HEARTH_DATABASE_URL, HEARTH_BIND), and flags.
#[derive(Debug, Parser)]
#[command(name = "hearth", version, about, long_about)]
pub struct Cli {
    /// A TOML configuration file.
    #[arg(long, global = true, env = "HEARTH_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Log progress to standard error (set HEARTH_LOG for finer control).
    #[arg(long, short, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web pages and the API.
    Serve(ServeArgs),
    /// Create or bring the database schema up to date, then exit.
    Migrate(DatabaseArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Build a synthetic demo county on a fresh SQLite file and serve it.
    ///
    /// Everything in it is invented. One account per role is created, all
    /// with the demo password; their usernames are printed at start.
    Demo(DemoArgs),
    /// Load synthetic data at any scale into a database, for benchmarks.
    Generate(GenerateArgs),
    /// Run the background jobs once: send notification emails and chase
    /// emergency placements awaiting ratification (`serve` runs them every minute).
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Where postcode districts are, for distances in placement search.
    #[command(subcommand)]
    Postcodes(PostcodesCommand),
    /// Payment runs: list them, or release an approved run for payment.
    #[command(subcommand)]
    Payments(PaymentsCommand),
    /// Statutory returns: write the SSDA903 files, or validate any folder of them.
    #[command(subcommand)]
    Returns(ReturnsCommand),
    /// Load records from other systems, all or nothing: an SSD extract (re-run
    /// on a newer extract, it changes only what changed) or a council's
    /// SSDA903 files (new children only; one already held is refused).
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A Standard Safeguarding Dataset extract: a folder with one CSV per
    /// SSD table (ssd_person.csv, ssd_cla_episodes.csv, ...). Loads persons,
    /// legal statuses, episodes, placements, reviews, visits, professionals
    /// and involvements; an extract with any problem changes nothing.
    Ssd(ImportSsdArgs),
    /// A council's historic SSDA903 files as new children, with their
    /// periods of care, legal statuses, placements, reviews, missing
    /// episodes and the other 903 facts. DIR holds one year's CSV files,
    /// or one folder per year named by the year's end (DIR/2025, DIR/2026).
    /// All or nothing: any problem, or a child already recorded, is printed
    /// by file, line and column and nothing is written.
    Ssda903(ImportSsda903Args),
}

#[derive(Debug, Args)]
pub struct ImportSsda903Args {
    /// The folder holding the CSV files, or year folders of them.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The collection year of a folder of files, named by its end (2026 is
    /// 2025-26); needed unless the folder or its subfolders are named by year.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<String>,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct ImportSsdArgs {
    /// The folder holding the extract's CSV files.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum ReturnsCommand {
    /// SSDA903 (children looked after): `--year 2026 --out DIR` writes the
    /// year's CSV files from the database; `validate DIR` checks a folder.
    Ssda903(Ssda903Args),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Ssda903Args {
    #[command(subcommand)]
    pub action: Option<Ssda903Action>,
    /// The collection year, named by its end: 2026 is 2025-26.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<String>,
    /// The folder to write the CSV files to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum Ssda903Action {
    /// Validate a folder of SSDA903 CSV files (Hearth's or a council's) and
    /// print each failing rule with the rows it flags. Exits 1 if any fail.
    Validate(Ssda903ValidateArgs),
}

#[derive(Debug, Args)]
pub struct Ssda903ValidateArgs {
    /// The folder holding this year's CSV files.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// A folder holding last year's return, for the continuity rules.
    #[arg(long, value_name = "DIR")]
    pub prev: Option<PathBuf>,
    /// The collection year (default: the year of the latest date in the files).
    #[arg(long, value_name = "YEAR")]
    pub year: Option<String>,
    /// The council's UTLA code (E10000016), for the in/out-of-area rules.
    #[arg(long, value_name = "CODE")]
    pub la: Option<String>,
    /// A CSV of postcode,easting,northing,la for the distance rules.
    #[arg(long, value_name = "FILE")]
    pub postcodes: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Every run: id, cadence, period, state, lines and total.
    List(DatabaseArgs),
    /// Release an approved run as a named finance officer. Releasing is
    /// idempotent: a run already released is refused and nothing is paid.
    Release(PaymentsReleaseArgs),
}

#[derive(Debug, Args)]
pub struct PaymentsReleaseArgs {
    /// The run's number.
    #[arg(value_name = "RUN")]
    pub run: i64,
    /// The username of the finance officer releasing it.
    #[arg(long, value_name = "USERNAME")]
    pub by: String,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum PostcodesCommand {
    /// Replace the district list with a CSV file of district,easting,northing
    /// (British National Grid metres), such as the ONS postcode directory
    /// reduced to districts. A file with any problem changes nothing.
    Load(PostcodesLoadArgs),
}

#[derive(Debug, Args)]
pub struct PostcodesLoadArgs {
    /// The CSV file.
    #[arg(value_name = "FILE")]
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run every job once and report what was done.
    Run(DatabaseArgs),
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Database URL: sqlite://PATH (or a path ending .sqlite/.db) or postgres://USER@HOST:PORT/NAME.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from HEARTH_NEW_PASSWORD or standard input.
    Add(UserAddArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Username: lower-case letters, numbers, dots, hyphens or underscores.
    pub username: String,
    /// The person's full name (defaults to the username).
    #[arg(long)]
    pub name: Option<String>,
    /// A role; repeat for several. One of: social-worker, team-manager,
    /// gateway-officer, panel-member, commissioning-officer, finance-officer,
    /// finance-approver, head-of-service, director, internal-auditor,
    /// committee-member, administrator.
    #[arg(long = "role", value_name = "ROLE", required = true)]
    pub roles: Vec<String>,
    /// A team name to add them to (created if missing); repeatable.
    #[arg(long = "team", value_name = "TEAM")]
    pub teams: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit 0 if intact, 1 naming the first bad event.
    Verify(DatabaseArgs),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// SQLite file for the demo (replaced on each run).
    #[arg(long, value_name = "PATH", default_value = "data/demo.sqlite")]
    pub database: PathBuf,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// How many looked-after children to create.
    #[arg(long, default_value_t = 800)]
    pub children: usize,
    /// Random seed: the same seed gives the same county.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Password for every demo account (demo mode only).
    #[arg(long, value_name = "PASSWORD", default_value = "demo")]
    pub demo_password: String,
    /// Build the county and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// How many children to generate.
    #[arg(long)]
    pub children: usize,
    /// Random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}
