//! `sango-hub`: parse the command line, set up logging, dispatch.

use clap::Parser;
use sango_hub::cli::{AuditCommand, Cli, Command, TokenCommand};
use sango_hub::commands;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("SANGO_LOG").unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = sango_service::audit::with_origin(sango_service::audit::Origin::cli(), run(cli)).await;
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Demo { listen, data_dir, prefecture, facilities, seed, serving } => commands::demo(data_dir, *listen, prefecture, *facilities, *seed, serving).await,
        Command::Serve { listen, mode, serving, db } => commands::serve_database(db, *listen, serving, *mode).await,
        Command::Migrate { db } => commands::migrate(db).await,
        Command::Import { kind, file, db } => commands::import(db, kind, file).await,
        Command::Token { command: TokenCommand::Create { role, scope, label, expires_in, operations, db } } => {
            commands::token_create(db, role, scope, label, expires_in, operations).await
        }
        Command::Token { command: TokenCommand::List { db } } => commands::token_list(db).await,
        Command::Token { command: TokenCommand::Revoke { id, db } } => commands::token_revoke(db, *id).await,
        Command::Account { command } => commands::account(command).await,
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
        Command::Plan { prefecture, fiscal_year, month, service_type, max_km, contracted_only, format, out, db } => {
            let request = sango_hub::plan::Request { prefecture, fiscal_year: *fiscal_year, month, service_type, max_km: *max_km, contracted_only: *contracted_only, format, out: out.as_deref() };
            commands::plan(db, &request).await
        }
        Command::Audit { command: AuditCommand::Verify { db } } => commands::audit_verify(db).await,
        Command::Audit { command: AuditCommand::WhoSaw { case, principal, from, to, db } } => {
            commands::audit_who_saw(db, case.as_deref(), principal.as_deref(), from.as_deref(), to.as_deref()).await
        }
        Command::Schema => {
            print!("{}", sango_graphql::sdl());
            Ok(())
        }
    }
}

