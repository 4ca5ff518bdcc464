//! The `supportdesk` binary: parses the command line and hands over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    supportdesk::telemetry::init();
    let cli = supportdesk::cli::Cli::parse();
    match supportdesk::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("supportdesk: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
