//! `sango-hub`: parse the command line, set up logging, dispatch.

use clap::Parser;
use sango_hub::cli::{Cli, Command, TokenCommand};
use sango_hub::commands;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("SANGO_LOG").unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Demo { listen, data_dir, prefecture, facilities, seed } => commands::demo(data_dir, *listen, prefecture, *facilities, *seed).await,
        Command::Serve { listen, db } => commands::serve_database(db, *listen).await,
        Command::Migrate { db } => commands::migrate(db).await,
        Command::Import { kind, file, db } => commands::import(db, kind, file).await,
        Command::Token { command: TokenCommand::Create { role, scope, label, expires_in_days, db } } => {
            commands::token_create(db, role, scope, label, *expires_in_days).await
        }
        Command::Settle { fiscal_year, month, municipality, format, encoding, out, issue, font, issuer, db } => {
            let request = sango_hub::settle::Request {
                fiscal_year: *fiscal_year,
                month: month.as_deref(),
                municipality: municipality.as_deref(),
                format,
                encoding,
                out,
                issue: *issue,
                font: font.as_deref(),
                issuer: issuer.as_deref(),
            };
            commands::settle(db, &request).await
        }
        Command::Schema => {
            print!("{}", sango_graphql::sdl());
            Ok(())
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
