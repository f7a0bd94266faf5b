//! `rtnlsim`: the command-line face of the simulator.

mod decode;
mod demo;
mod trace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The Linux kernel's netlink and rtnetlink, simulated in userspace.
#[derive(Parser)]
#[command(name = "rtnlsim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A tour: sockets bound and grouped, a multicast, a request followed through the kernel.
    Demo {
        /// Print the kernel's call tree for every step, not only the traced request.
        #[arg(long)]
        trace: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo { trace } => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match demo::run(&mut lock, trace) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("rtnlsim: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
