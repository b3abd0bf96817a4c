//! `sango-bench`: builds a large demo prefecture and measures the capacity search, the boundary
//! index and the HTTP path against PostgreSQL + PostGIS on the same data; prints a Markdown table.

mod data;
mod queries;
mod state;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use sango_domain::{FiscalYear, PrefectureCode};

#[derive(Parser)]
#[command(name = "sango-bench", about = "Benchmarks of Sango Hub against PostgreSQL + PostGIS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Seed (or reuse) the benchmark prefecture and report how long it took.
    Seed {
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(clap::Args, Clone)]
struct DataArgs {
    /// Two-digit prefecture code.
    #[arg(long, default_value = "13")]
    prefecture: String,
    #[arg(long, default_value_t = 10_000)]
    facilities: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 2025)]
    fiscal_year: i32,
    /// Where the seeded SQLite database is kept between runs.
    #[arg(long, default_value = "target/sango-bench")]
    data_dir: PathBuf,
    /// Delete the database and seed again (the seeding time is only measured then).
    #[arg(long)]
    fresh: bool,
}

impl DataArgs {
    fn spec(&self) -> anyhow::Result<data::DataSpec> {
        Ok(data::DataSpec {
            prefecture: PrefectureCode::parse(&self.prefecture).map_err(|e| anyhow::anyhow!("--prefecture: {}", e.message))?,
            facilities: self.facilities,
            seed: self.seed,
            fiscal_year: FiscalYear::new(self.fiscal_year).map_err(|e| anyhow::anyhow!("--fiscal-year: {}", e.message))?,
        })
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Seed { data } => {
            let (_hub, s) = data::prepare(&data.spec()?, &data.data_dir, data.fresh).await?;
            println!("{s:?}");
        }
    }
    Ok(())
}
