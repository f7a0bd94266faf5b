//! `rtnlsim`: the command-line face of the simulator.

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rtnlsim_cli::host::SimHost;
use rtnlsim_cli::run::{run_script, RunOptions};
use rtnlsim_cli::{demo, ip};
use rtnlsim_kernel::{Config, Kernel};

/// The Linux kernel's netlink and rtnetlink, simulated in userspace.
#[derive(Parser)]
#[command(name = "rtnlsim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Tour {
    Links,
    Sockets,
}

#[derive(Subcommand)]
enum Command {
    /// A guided tour: two namespaces, a veth pair across them, listeners, and a link brought
    /// up with the notify path followed through the kernel (`demo sockets`: the socket layer).
    Demo {
        /// Print the kernel's call tree for every step, not only the traced one.
        #[arg(long)]
        trace: bool,
        /// `links` (the default) or `sockets`.
        #[arg(default_value = "links")]
        tour: Tour,
    },
    /// Run `ip` command lines (without the leading `ip`) against a fresh simulated kernel,
    /// as `ip -batch FILE` would: `link add|del|set|show`, `netns add|del|list`,
    /// `address add|change|replace|del|show|flush`, `route
    /// add|change|replace|prepend|append|test|del|show|get|flush`, `neigh
    /// add|change|replace|del|get|show|flush`, with `-n NETNS`, `-j`, `-p`, `-d`, `-o`, `-4`,
    /// `-6` per line; `#` comments. A `monitor [link|address|route|neigh|all] [label] [dev D]`
    /// line subscribes a listener for the rest of the script: after every later line it
    /// prints, as `ip monitor` does, the notifications that line caused (after the line's
    /// own output, in the kernel's order; the simulated kernel notifies within the request,
    /// so the output is deterministic).
    Run {
        /// Print the kernel's call tree of every request.
        #[arg(long)]
        trace: bool,
        /// Print every datagram sent and received, decoded.
        #[arg(long)]
        decode: bool,
        /// Seed of the simulated kernel's random choices (port ids, MAC addresses).
        #[arg(long)]
        seed: Option<u64>,
        /// Go on after a failed command (`ip -batch -force`); the status is still 1.
        #[arg(long)]
        force: bool,
        /// The script, or `-` for standard input.
        file: String,
    },
    /// Host one simulated kernel for other processes (through librtnlsim_preload.so) until
    /// SIGINT or SIGTERM, on an AF_UNIX socket at PATH; no root needed.
    Serve {
        /// Where to listen (the programs' RTNLSIM_SOCKET).
        #[arg(long)]
        socket: String,
        /// Seed of the simulated kernel's random choices (port ids, MAC addresses).
        #[arg(long)]
        seed: Option<u64>,
        /// Run this script of `ip` lines first (as `rtnlsim run` does), `-` for standard input.
        #[arg(long)]
        script: Option<String>,
        /// Let the simulated kernel's virtual clock follow the wall clock (timers run);
        /// by default it stands still, and every run is the same.
        #[arg(long)]
        wall_clock: bool,
    },
}

fn main() -> ExitCode {
    // Before any kernel code runs, so that no callsite caches "not traced".
    rtnlsim_cli::trace::install();
    // `-force` is spelled as ip spells it.
    // Arguments that are not UTF-8 are taken as lossily converted text, as
    // ip's own words would be: never a panic.
    let args = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).map(|a| {
        if a == "-force" {
            "--force".to_string()
        } else {
            a
        }
    });
    let cli = Cli::parse_from(args);
    match cli.command {
        Command::Demo { trace, tour } => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            let run = match tour {
                Tour::Links => demo::links::run,
                Tour::Sockets => demo::sockets::run,
            };
            match run(&mut lock, trace) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("rtnlsim: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Run { trace, decode, seed, force, file } => {
            // A script that is not UTF-8 is read lossily, as ip reads bytes.
            let mut bytes = Vec::new();
            let read = if file == "-" {
                std::io::stdin().read_to_end(&mut bytes).map(|_| ())
            } else {
                std::fs::read(&file).map(|b| bytes = b)
            };
            let script = String::from_utf8_lossy(&bytes).into_owned();
            if let Err(e) = read {
                let e = e.raw_os_error().map(nlwire::Errno).map(ip::utils::strerror).unwrap_or_else(|| e.to_string());
                eprintln!("Cannot open file \"{file}\" for reading: {e}");
                return ExitCode::FAILURE;
            }
            let mut config = Config::default();
            if let Some(s) = seed {
                config.seed = s;
            }
            let host = SimHost::new(Kernel::new(config));
            let opts = RunOptions { trace, decode, force, name: file };
            let status =
                run_script(&host, &script, &opts, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
            ExitCode::from(status as u8)
        }
        Command::Serve { socket, seed, script, wall_clock } => {
            let script = match script.map(|f| read_script(&f).map(|t| (f, t))).transpose() {
                Ok(s) => s,
                Err(code) => return code,
            };
            let mut config = Config::default();
            if let Some(s) = seed {
                config.seed = s;
            }
            let host = SimHost::new(Kernel::new(config));
            ExitCode::from(rtnlsim_cli::serve::serve(host, &socket, script, wall_clock) as u8)
        }
    }
}

/// A script file (`-`: standard input), read lossily; ip's message if it cannot be read.
fn read_script(file: &str) -> Result<String, ExitCode> {
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(file).map(|b| bytes = b)
    };
    if let Err(e) = read {
        let e = e.raw_os_error().map(nlwire::Errno).map(ip::utils::strerror).unwrap_or_else(|| e.to_string());
        eprintln!("Cannot open file \"{file}\" for reading: {e}");
        return Err(ExitCode::FAILURE);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
