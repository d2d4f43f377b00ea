//! `clusterpolisee`: serve the platform, or run one of the administration commands.

use clap::Parser;
use server::config::{AdminCommand, Cli, Command, Config, TemplateCommand};
use server::{AppState, StartupResult};
use std::io::Read;
use std::process::ExitCode;

/// A rendered page or a section save allocates many short-lived strings and maps; under load
/// glibc's allocator took about a third of the server's CPU (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_tracing(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.config);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> StartupResult<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let state = AppState::new(&config).await?;
            let listener = tokio::net::TcpListener::bind(config.addr).await?;
            tracing::info!(address = %config.addr, "listening on http://{}", config.addr);
            server::serve(server::app(state, &config), listener).await?;
        }
        Command::Migrate => {
            AppState::new(&config).await?;
            println!("migrations applied");
        }
        Command::Admin {
            command: AdminCommand::Create { email, name },
        } => {
            let state = AppState::new(&config).await?;
            let password = match std::env::var("ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut p = String::new();
                    std::io::stdin().read_to_string(&mut p)?;
                    p.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let id =
                app::identity::commands::create_admin(&state.context.db, &email, &name, &password)
                    .await
                    .map_err(|e| format!("{e}: {}", describe(&e)))?;
            println!("administrator {email} created ({id})");
        }
        Command::Backup { file } => {
            if file.exists() {
                return Err(format!("{} exists already; choose a new file", file.display()).into());
            }
            let state = AppState::new(&config).await?;
            state.context.db.backup(&file.to_string_lossy()).await?;
            println!("backup written to {}", file.display());
        }
        Command::Demo => {
            let state = AppState::new(&config).await?;
            let seeded = app::demo::seed(&state.context.db, &state.context.documents)
                .await
                .map_err(|e| match e {
                    app::error::AppError::Forbidden => {
                        "the platform has organisations already; demo data goes into an empty one only"
                            .to_owned()
                    }
                    other => other.to_string(),
                })?;
            println!(
                "added {} organisations, {} people, {} finished assessment rounds ({} responses), \
                 a workshop ready to run (join code {}) and one run with its results, {} \
                 workspaces with their members; every demo account's password is {}",
                seeded.organisations,
                seeded.people,
                seeded.rounds,
                seeded.responses,
                seeded.workshop_code,
                seeded.workspaces,
                app::demo::DEMO_PASSWORD
            );
        }
        Command::Template {
            command: TemplateCommand::Import { file },
        } => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| format!("reading {} failed: {e}", file.display()))?;
            let state = AppState::new(&config).await?;
            let saved = app::assessment::commands::import(&state.context.db, &json).await?;
            if saved.created {
                println!("saved as version {} ({})", saved.version, saved.version_id);
            } else {
                println!(
                    "unchanged: version {} ({}) is the same",
                    saved.version, saved.version_id
                );
            }
        }
        Command::Template {
            command: TemplateCommand::Export { key_or_version },
        } => {
            let state = AppState::new(&config).await?;
            let json = app::assessment::commands::export(&state.context.db, &key_or_version)
                .await
                .map_err(|e| match e {
                    app::error::AppError::NotFound => {
                        format!("no template key or version id {key_or_version:?}")
                    }
                    other => other.to_string(),
                })?;
            println!("{json}");
        }
    }
    Ok(())
}

/// The field problems of a command-line mistake, in plain words.
fn describe(e: &app::error::AppError) -> String {
    match e {
        app::error::AppError::Invalid { fields, .. } => fields
            .iter()
            .map(|(field, problem)| format!("{field}: {problem:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}
