//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use time::Date;

/// Shotbook command-line tools.
#[derive(Debug, Parser)]
#[command(
    name = "shotbook",
    version,
    about = "Shotbook command-line tools: synthetic registries and benchmarks"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a deterministic synthetic registry (clients, histories, near-duplicates) into a
    /// Shotbook database. Refuses an existing file unless --append or --force is given.
    Generate(GenerateArgs),
    /// CDC CDSi evaluation and forecast: run a CDC test-case file, or show one client's
    /// forecast with its explanation trace.
    Forecast(ForecastArgs),
    /// Forecast every client of a synthetic registry (CDC CDSi) and store the latest forecast
    /// per client and vaccine group, for reminder/recall and coverage. Pages through the
    /// registry on every core with progress; Ctrl-C stops after the page in progress (pages
    /// done stay stored). Prints counts and timings only.
    ForecastRegistry(ForecastRegistryArgs),
    /// Measure the Smart-search matcher on labelled files (FEBRL, pseudopeople): precision,
    /// recall, F1, recall@1 and the false-"found" rate for people not in the master.
    MatchEval(MatchEvalArgs),
    /// Search a registry as the Quick search box does (a name, a date of birth, a client ID,
    /// a phone number, or "garcia 3/14/2019"), or rank by the Smart-search matcher with
    /// --smart. Prints one JSON object per match: id, client ID, name, DOB, score, reasons.
    Search(SearchArgs),
    /// Print clients' Official Immunization Records as PDF files, signed in as a registry user
    /// (audited as prints by that user).
    PrintRecord(PrintRecordArgs),
    /// Check a printed record: a PDF Shotbook saved, or the text of its scanned QR code
    /// (`-` reads it from standard input). Prints VALID or INVALID and why; exits 1 when invalid.
    Verify(VerifyArgs),
    /// Copy a registry database while it is in use (consistent as of one instant), after
    /// checking its integrity; the copy is private to the user and passes the same checks.
    Backup(BackupArgs),
    /// Deduplicate the whole registry: block (with keys that ignore the birth year), score
    /// every pair with the matcher stored with the registry (or one trained on it for this run),
    /// cluster likely pairs transitively and queue them with their probability for a person to
    /// resolve. Pairs already dismissed or merged are never queued again. Prints counts only.
    Dedup(DedupArgs),
    /// Train the matcher on the registry's own clients (unsupervised Fellegi–Sunter with EM)
    /// and store it with the registry: Smart search and dedup then score with its match
    /// probability instead of the hand-set weights.
    TrainMatcher(TrainMatcherArgs),
    /// Benchmarks.
    Bench {
        /// Which benchmark.
        #[command(subcommand)]
        what: BenchCommand,
    },
}

/// `shotbook dedup`.
#[derive(Debug, Args)]
pub struct DedupArgs {
    /// The registry database.
    #[arg(long)]
    pub db: PathBuf,
    /// Merge automatically each pair whose match probability is at least P (e.g. 0.9999),
    /// through the merge a supervisor does (audited, undoable). Off unless given; needs --org
    /// and --user of someone allowed to merge.
    #[arg(long, value_name = "P", requires_all = ["org", "user"])]
    pub auto_merge_above: Option<f64>,
    /// Block, score and cluster, print the counts, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Blocks with more records than this are not compared (the records' narrower keys still
    /// are).
    #[arg(long, default_value_t = 200)]
    pub block_cap: usize,
    /// Organization code of the user automatic merges are made as.
    #[arg(long)]
    pub org: Option<String>,
    /// That user (password from SHOTBOOK_PASSWORD, or typed on standard input).
    #[arg(long)]
    pub user: Option<String>,
}

/// `shotbook train-matcher`.
#[derive(Debug, Args)]
pub struct TrainMatcherArgs {
    /// The registry database.
    #[arg(long)]
    pub db: PathBuf,
    /// At most this many clients (an even sample) are looked up against all when training.
    #[arg(long, default_value_t = 50_000)]
    pub max_queries: usize,
    /// Train and print the model without storing it.
    #[arg(long)]
    pub dry_run: bool,
}

/// `shotbook backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The database to copy.
    #[arg(long)]
    pub db: PathBuf,
    /// The new file (refused if it exists).
    #[arg(long)]
    pub out: PathBuf,
}

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time Basic, Smart and Quick search on a generated database.
    Search(BenchSearchArgs),
    /// Time printing Official Immunization Records: per record and a batch.
    Print(BenchPrintArgs),
    /// What encryption at rest costs: the same searches and dose entries on a plain and an
    /// encrypted copy of one registry.
    AtRest(BenchAtRestArgs),
    /// Time an organization's immunization coverage report.
    Coverage(BenchCoverageArgs),
    /// Time reminder/recall: the cohort preview, then letters, labels and CSV for it.
    Recall(BenchRecallArgs),
}

/// `shotbook bench recall`.
#[derive(Debug, Args)]
pub struct BenchRecallArgs {
    /// Database (e.g. one made by `shotbook generate`); the run stamps its notices there.
    #[arg(long)]
    pub db: PathBuf,
    /// First date of birth, MM/DD/YYYY.
    #[arg(long)]
    pub born_from: String,
    /// Last date of birth, MM/DD/YYYY.
    #[arg(long)]
    pub born_to: String,
    /// As of, MM/DD/YYYY (default: today).
    #[arg(long, default_value = "")]
    pub as_of: String,
    /// Outputs, comma-separated (letters, postcards, labels, csv).
    #[arg(long, default_value = "letters,labels,csv")]
    pub outputs: String,
    /// Folder the files are written to.
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Who runs it (a provider of the organization).
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

/// `shotbook bench coverage`.
#[derive(Debug, Args)]
pub struct BenchCoverageArgs {
    /// Database (e.g. one made by `shotbook generate`).
    #[arg(long)]
    pub db: PathBuf,
    /// First date of birth, MM/DD/YYYY (default: January 1st three years back).
    #[arg(long, default_value = "")]
    pub born_from: String,
    /// Last date of birth, MM/DD/YYYY (default: December 31st two years back).
    #[arg(long, default_value = "")]
    pub born_to: String,
    /// As of, MM/DD/YYYY (default: today).
    #[arg(long, default_value = "")]
    pub as_of: String,
    /// Runs.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Who runs it (a provider of the organization).
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

/// Who prints: a registry user of the database.
#[derive(Debug, Args)]
pub struct SignInArgs {
    /// Organization code to sign in with.
    #[arg(long)]
    pub org: String,
    /// Username (password from SHOTBOOK_PASSWORD, or typed on standard input).
    #[arg(long)]
    pub user: String,
    /// Sign with the public demo key (demo and synthetic databases), instead of the registry key
    /// from SHOTBOOK_RECORD_SIGNING_KEY or the keyring.
    #[arg(long)]
    pub demo_key: bool,
}

/// `shotbook print-record`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("clients").required(true).multiple(true).args(["client", "clients_file"])))]
pub struct PrintRecordArgs {
    /// Database.
    #[arg(long)]
    pub db: PathBuf,
    /// Client (registry client ID or UUID); repeat or separate with commas for several.
    #[arg(long, value_name = "ID")]
    pub client: Vec<String>,
    /// A file with one client ID per line (batch).
    #[arg(long, value_name = "FILE")]
    pub clients_file: Option<PathBuf>,
    /// The PDF to write (one client).
    #[arg(long, value_name = "FILE.pdf", conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// Folder for one PDF per client (batch).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Who prints.
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

/// `shotbook verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// FILE.pdf, the scanned text (SHOTBOOK-OIR1:…), or - to read that text from standard input.
    pub input: String,
    /// Print the verdict as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also accept records signed with the public demo key (demo and synthetic registries;
    /// anyone can sign with it, so it proves nothing about a real record).
    #[arg(long)]
    pub demo_key: bool,
}

/// `shotbook bench print`.
#[derive(Debug, Args)]
pub struct BenchPrintArgs {
    /// Database (e.g. one made by `shotbook generate`).
    #[arg(long)]
    pub db: PathBuf,
    /// Records to print in the batch.
    #[arg(long, default_value_t = 1_000)]
    pub records: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Who prints.
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

/// `shotbook generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of client records, near-duplicates included.
    #[arg(long)]
    pub clients: u64,
    /// Seed: the same seed and options give the same data, ids included.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Database file to write.
    #[arg(long)]
    pub db: PathBuf,
    /// Share of records that are near-duplicates of another (0 to 0.5).
    #[arg(long, default_value_t = 0.03)]
    pub duplicates: f64,
    /// "Today" for ages and the last possible dose date, YYYY-MM-DD (default: the current UTC
    /// date). Pass it to make runs on different days identical.
    #[arg(long, value_parser = parse_iso_date)]
    pub today: Option<Date>,
    /// Add the records to an existing generated database (numbering continues after its records).
    #[arg(long, conflicts_with = "force")]
    pub append: bool,
    /// Replace an existing database file. Refused when it holds clients that were not generated.
    #[arg(long)]
    pub force: bool,
    /// Generator threads (default: one fewer than the cores). The data does not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// `shotbook bench search`.
#[derive(Debug, Args)]
pub struct BenchSearchArgs {
    /// Database to search (e.g. one made by `shotbook generate`).
    #[arg(long)]
    pub db: PathBuf,
    /// Timed queries (split evenly over the query mixes).
    #[arg(long, default_value_t = 2_000)]
    pub queries: usize,
    /// Seed for sampling the clients the queries look for.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Result list limit, as the search screen uses.
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `shotbook bench at-rest`.
#[derive(Debug, Args)]
pub struct BenchAtRestArgs {
    /// The registry to copy (a synthetic one made by `shotbook generate`); it is not changed.
    #[arg(long)]
    pub db: PathBuf,
    /// Timed search queries per copy (split evenly over the query mixes).
    #[arg(long, default_value_t = 1_400)]
    pub queries: usize,
    /// Timed dose entries per copy.
    #[arg(long, default_value_t = 200)]
    pub doses: usize,
    /// Seed for sampling clients.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `shotbook search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Database to search.
    #[arg(long)]
    pub db: PathBuf,
    /// Rank by the Smart-search matcher (typos, nicknames, swapped dates) even when an exact
    /// Basic search would find someone.
    #[arg(long)]
    pub smart: bool,
    /// Most matches printed.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// What to look for, as typed in the Quick search box.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
}

/// `shotbook match-eval`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("truth").required(true).args(["key", "links"])))]
pub struct MatchEvalArgs {
    /// The records to look up (CSV; FEBRL or pseudopeople columns, detected by header name).
    #[arg(long, value_name = "A.csv")]
    pub query: PathBuf,
    /// The records to look them up in. May be the query file itself (deduplication): a record
    /// never matches itself.
    #[arg(long, value_name = "B.csv")]
    pub master: PathBuf,
    /// Truth column present in both files (e.g. simulant_id, entity_id).
    #[arg(long, value_name = "COLUMN")]
    pub key: Option<String>,
    /// Truth as a CSV with two id columns: query record id, master record id (rec_id).
    #[arg(long, value_name = "LINKS.csv")]
    pub links: Option<PathBuf>,
    /// Score at or above which the best candidate counts as found.
    #[arg(long, default_value_t = shotbook_core::matching::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// Fellegi–Sunter weights estimated from the query and master files themselves (u from
    /// random pairs, m by EM; the truth column is never read for training): Smart search finds
    /// the candidates, the trained model ranks them by match probability, and the best counts
    /// as found at or above PROBABILITY (default 0.5, more likely than not; --threshold is
    /// then not used).
    #[arg(long, value_name = "PROBABILITY", num_args = 0..=1,
          default_missing_value = "0.5", value_parser = parse_probability)]
    pub em: Option<f64>,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Parses a probability in [0, 1].
fn parse_probability(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("'{s}' is not a probability between 0 and 1")),
    }
}

/// Parses YYYY-MM-DD.
pub fn parse_iso_date(s: &str) -> Result<Date, String> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("'{s}' is not a date as YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_argument_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn match_eval_em_takes_an_optional_probability() {
        let em = |extra: &[&str]| {
            let mut argv = vec![
                "shotbook",
                "match-eval",
                "--query",
                "a.csv",
                "--master",
                "b.csv",
                "--key",
                "id",
            ];
            argv.extend_from_slice(extra);
            Cli::try_parse_from(argv).map(|cli| match cli.command {
                Command::MatchEval(a) => (a.em, a.json),
                _ => panic!("match-eval expected"),
            })
        };
        assert_eq!(em(&[]).unwrap(), (None, false));
        assert_eq!(em(&["--em"]).unwrap(), (Some(0.5), false));
        assert_eq!(em(&["--em", "--json"]).unwrap(), (Some(0.5), true));
        assert_eq!(em(&["--em", "0.9"]).unwrap(), (Some(0.9), false));
        assert!(em(&["--em", "12"]).is_err(), "a probability is at most 1");
    }

    #[test]
    fn generate_takes_counts_seed_path_share_and_today() {
        let cli = Cli::try_parse_from([
            "shotbook",
            "generate",
            "--clients",
            "1000000",
            "--seed",
            "42",
            "--db",
            "/tmp/x.sqlite",
            "--duplicates",
            "0.05",
            "--today",
            "2026-11-22",
        ])
        .unwrap();
        let Command::Generate(a) = cli.command else {
            panic!("generate expected")
        };
        assert_eq!((a.clients, a.seed, a.duplicates), (1_000_000, 42, 0.05));
        assert_eq!(a.db, PathBuf::from("/tmp/x.sqlite"));
        assert_eq!(a.today, Some(time::macros::date!(2026 - 11 - 22)));
        assert!(!a.append && !a.force);
    }

    #[test]
    fn generate_refuses_a_bad_date_and_append_with_force() {
        assert!(Cli::try_parse_from([
            "shotbook",
            "generate",
            "--clients",
            "5",
            "--db",
            "x",
            "--today",
            "11/22/2026"
        ])
        .is_err());
        assert!(Cli::try_parse_from([
            "shotbook",
            "generate",
            "--clients",
            "5",
            "--db",
            "x",
            "--append",
            "--force"
        ])
        .is_err());
        assert!(
            Cli::try_parse_from(["shotbook", "generate", "--db", "x"]).is_err(),
            "--clients is required"
        );
    }

    #[test]
    fn bench_search_has_defaults_for_everything_but_the_database() {
        let cli = Cli::try_parse_from([
            "shotbook",
            "bench",
            "search",
            "--db",
            "big.sqlite",
            "--json",
        ])
        .unwrap();
        let Command::Bench {
            what: BenchCommand::Search(a),
        } = cli.command
        else {
            panic!("bench search expected")
        };
        assert_eq!((a.queries, a.limit, a.json), (2_000, 50, true));
    }
}

/// `shotbook forecast`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["cdsi_cases", "client"])))]
pub struct ForecastArgs {
    /// A CSV in the CDC CDSi test-case layout (e.g. healthy-v4.45.csv): runs every case on its
    /// Assessment_Date, prints each failing case, a per-vaccine-group table and
    /// "N passed, M failed"; exits non-zero when a case fails.
    #[arg(long, value_name = "FILE.csv")]
    pub cdsi_cases: Option<PathBuf>,
    /// A client (registry client ID or UUID) whose evaluation and forecast to print, with the
    /// trace. Needs --db.
    #[arg(long, value_name = "ID", requires = "db")]
    pub client: Option<String>,
    /// Database holding the client.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Assessment date for --client (YYYY-MM-DD); today by default.
    #[arg(long)]
    pub on: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `shotbook forecast-registry`.
#[derive(Debug, Args)]
pub struct ForecastRegistryArgs {
    /// The registry database (synthetic: generated or demo).
    #[arg(long)]
    pub db: PathBuf,
    /// Assessment date, MM/DD/YYYY; today by default.
    #[arg(long, value_name = "MM/DD/YYYY")]
    pub as_of: Option<String>,
    /// Worker threads forecasting; every core by default.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Clients read, forecast and committed together.
    #[arg(long, default_value_t = shotbook_store::registry_forecast::CLIENTS_PER_PAGE)]
    pub page_size: usize,
}
