//! Command line and environment: every setting has a default that runs on a laptop.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "clusterpolisee",
    version,
    about = "The ClusterPoliSEE platform"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// sqlite:<file> (embedded, the default) or postgres://…
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite:data/clusterpolisee.db",
        global = true
    )]
    pub database_url: String,
    /// Connections in the database pool.
    #[arg(
        long,
        env = "DATABASE_MAX_CONNECTIONS",
        default_value_t = 16,
        global = true
    )]
    pub database_max_connections: u32,
    /// Address to listen on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// Folder with the built site (pkg/ with the WASM, JS and CSS; public assets).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,
    /// Name of the built JS/WASM/CSS files in `site_root/pkg`.
    #[arg(
        long,
        env = "LEPTOS_OUTPUT_NAME",
        default_value = "clusterpolisee",
        global = true
    )]
    pub output_name: String,
    /// The address people reach the platform at (default: http:// + the listen address).
    /// Forms are accepted from this origin only; `https://…` marks cookies Secure and sends HSTS.
    #[arg(long, env = "PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Attempts per account and client address per minute at signing in, signing up, changing
    /// the password and deleting the account (an account takes ten times that from everywhere).
    #[arg(
        long,
        env = "SIGN_IN_ATTEMPTS_PER_MINUTE",
        default_value_t = 10,
        global = true
    )]
    pub sign_in_attempts_per_minute: u32,
    /// The same attempts per client address (an IPv6 client by its /64) per minute: enough for a
    /// workshop room behind one NAT.
    #[arg(
        long,
        env = "ATTEMPTS_PER_ADDRESS_PER_MINUTE",
        default_value_t = 120,
        global = true
    )]
    pub attempts_per_address_per_minute: u32,
    /// E-mails (invitations and reminders) the platform sends on one person's behalf per day,
    /// refilled evenly over the day.
    #[arg(
        long,
        env = "MAIL_PER_DAY",
        default_value_t = 300,
        value_parser = clap::value_parser!(u32).range(1..),
        global = true
    )]
    pub mail_per_day: u32,
    /// Take the client's address from the last `X-Forwarded-For` entry. Only behind a reverse
    /// proxy that sets it: otherwise any client could claim any address.
    #[arg(long, env = "TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: bool,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 512 * 1024, global = true)]
    pub max_body_bytes: usize,
    /// Where workspaces' documents are kept: a folder (made when missing), or
    /// `s3://bucket/prefix` for S3-compatible storage, configured by the usual `AWS_*`
    /// variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT`).
    #[arg(
        long,
        env = "DOCUMENTS_URL",
        default_value = "data/documents",
        global = true
    )]
    pub documents_url: String,
    /// Largest document accepted, in bytes (uploads have this limit instead of
    /// `MAX_BODY_BYTES`).
    #[arg(long, env = "MAX_UPLOAD_BYTES", default_value_t = 25 * 1024 * 1024, global = true)]
    pub max_upload_bytes: u64,
    /// What all of one workspace's documents may come to, in bytes.
    #[arg(long, env = "WORKSPACE_STORAGE_BYTES", default_value_t = 2 * 1024 * 1024 * 1024, global = true)]
    pub workspace_storage_bytes: u64,
    /// What one person may share in documents in 24 hours, over all workspaces, in bytes.
    #[arg(long, env = "DAILY_UPLOAD_BYTES", default_value_t = 250 * 1024 * 1024, global = true)]
    pub daily_upload_bytes: u64,
    /// Where to send e-mail: `smtp://host:25` (a relay that needs no encryption),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS) or `smtps://user:password@host:465`.
    /// Without it the platform sends no e-mail (reminders offer a link to copy instead).
    #[arg(long, env = "SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,
    /// The sender of the platform's e-mail (`Name <address>`); needed with `SMTP_URL`.
    #[arg(long, env = "MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// How often, in seconds, the notifications people asked to get by e-mail are sent (with
    /// `SMTP_URL` only).
    #[arg(
        long,
        env = "NOTICE_MAIL_SECONDS",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub notice_mail_seconds: u64,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "LOG_JSON", global = true)]
    pub log_json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the platform (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write a consistent copy of the SQLite database, also while the server runs.
    Backup {
        /// The file to write (must not exist).
        file: PathBuf,
    },
    /// Fill an empty platform with demo organisations and people.
    Demo,
    /// Import or export questionnaire templates (JSON files, format 1).
    Template {
        #[command(subcommand)]
        command: TemplateCommand,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum TemplateCommand {
    /// Save the template in FILE as its key's next version (unchanged: nothing is written).
    Import { file: PathBuf },
    /// Print a template: the latest version of a key, or one version by its id.
    Export { key_or_version: String },
}

#[derive(Debug, Clone, Subcommand)]
pub enum AdminCommand {
    /// Create an administrator account. The password is read from ADMIN_PASSWORD or standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
}

impl Config {
    /// `PUBLIC_URL`, or the listen address over plain HTTP.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
    }
}
