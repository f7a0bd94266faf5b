//! The kernel-differential harness.
//!
//! Each scenario in `tests/differential/scenarios/*.scn` (language:
//! `differential/scenario.rs`) runs against the simulator and, where this
//! machine allows it (root, `unshare(CLONE_NEWNET)`), against the real kernel
//! in a fresh network namespace; the two transcripts (return values, errnos,
//! socket addresses, datagram boundaries, headers and payload bytes, with
//! port ids named rather than numbered) must be identical.
//!
//! Where the real kernel cannot be used, the harness says so and why, and
//! compares the simulator with the kernel's transcripts recorded in
//! `tests/differential/expected/` instead: it never passes as if it had
//! compared with a live kernel. `RTNLSIM_BLESS=1` re-records those files
//! from the live kernel.

#[path = "differential/outcome.rs"]
mod outcome;
#[path = "differential/real.rs"]
mod real;
#[path = "differential/scenario.rs"]
mod scenario;
#[path = "differential/sim.rs"]
mod sim;

use std::fs;
use std::path::{Path, PathBuf};

use outcome::{render, Names, Outcome};
use scenario::Op;

pub trait Backend {
    fn run(&mut self, op: &Op) -> Outcome;
    /// Each open socket's current port id, in creation order.
    fn ports(&mut self) -> Vec<(u32, String)>;
    fn pid(&self) -> u32;
}

fn transcript(steps: &[scenario::Step], b: &mut dyn Backend) -> String {
    let mut out = String::new();
    let mut known: Vec<(u32, String)> = Vec::new();
    for step in steps {
        let o = b.run(&step.op);
        // Names for port ids: every socket's port as of now, plus ports of
        // sockets seen earlier (a datagram may come from a closed socket).
        let mut ports = b.ports();
        for k in &known {
            if !ports.iter().any(|(_, n)| n == &k.1) {
                ports.push(k.clone());
            }
        }
        known = ports.clone();
        let names = Names { pid: b.pid(), ports };
        out.push_str(&format!("> {}\n= {}\n", step.line, render(&o, &names)));
    }
    out
}

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/scenarios");
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("scenario directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "scn"))
        .collect();
    v.sort();
    v
}

fn expected_path(scn: &Path) -> PathBuf {
    let name = scn.file_stem().unwrap().to_string_lossy().to_string();
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/expected").join(format!("{name}.out"))
}

fn sysctl(name: &str) -> Option<u32> {
    fs::read_to_string(format!("/proc/sys/net/core/{name}")).ok()?.trim().parse().ok()
}

fn kernel_release() -> String {
    fs::read_to_string("/proc/sys/kernel/osrelease").map(|s| s.trim().to_string()).unwrap_or_default()
}

/// "6.18." from a recorded transcript's `# kernel: 6.18.44-…` header.
fn recorded_series(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let release = text.lines().next()?.strip_prefix("# kernel: ")?;
    let mut parts = release.split('.');
    Some(format!("{}.{}.", parts.next()?, parts.next()?))
}

/// Strips the recorded header (`# kernel: …`) of an expected transcript.
fn body(recorded: &str) -> String {
    recorded.lines().filter(|l| !l.starts_with("# ")).map(|l| format!("{l}\n")).collect()
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  simulator: {x}\n  kernel:    {y}", i + 1);
        }
    }
    format!("lengths differ: simulator {} lines, kernel {} lines", a.lines().count(), b.lines().count())
}

#[test]
fn scenarios_match_the_real_kernel() {
    let bless = std::env::var("RTNLSIM_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut live_checked = 0;
    let mut recorded_checked = 0;
    let mut unavailable = None;
    for scn in scenarios() {
        let name = scn.file_name().unwrap().to_string_lossy().to_string();
        let text = fs::read_to_string(&scn).expect("scenario");
        let steps = scenario::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));

        let live = match recorded_series(&expected_path(&scn)) {
            // The specification is the kernel series the transcripts were
            // recorded on; another series is not compared with.
            Some(series) if !kernel_release().starts_with(&series) && !bless => {
                Err(format!("the running kernel is {}, the transcripts were recorded on {series}", kernel_release()))
            }
            _ => real::Real::new(),
        };
        match live {
            Ok(mut real) => {
                let kernel = transcript(&steps, &mut real);
                drop(real);
                let config = rtnlsim::Config {
                    pid: std::process::id(),
                    rmem_default: sysctl("rmem_default").unwrap_or(212_992),
                    wmem_default: sysctl("wmem_default").unwrap_or(212_992),
                    rmem_max: sysctl("rmem_max").unwrap_or(212_992),
                    wmem_max: sysctl("wmem_max").unwrap_or(212_992),
                    ..Default::default()
                };
                let simulated = transcript(&steps, &mut sim::Sim::new(config));
                live_checked += 1;
                if simulated != kernel {
                    failures.push(format!(
                        "{name} (live kernel {}): {}",
                        kernel_release(),
                        first_difference(&simulated, &kernel)
                    ));
                }
                let exp = expected_path(&scn);
                if bless {
                    fs::write(&exp, format!("# kernel: {}\n{kernel}", kernel_release())).expect("write expected");
                } else if fs::read_to_string(&exp).ok().map(|r| body(&r)).as_ref() != Some(&kernel) {
                    eprintln!(
                        "note: {name}: the live kernel's transcript differs from {} (RTNLSIM_BLESS=1 re-records it)",
                        exp.display()
                    );
                }
            }
            Err(reason) => {
                unavailable.get_or_insert(reason);
                let exp = expected_path(&scn);
                let recorded = fs::read_to_string(&exp)
                    .unwrap_or_else(|_| panic!("{name}: no live kernel and no recorded transcript {}", exp.display()));
                let config = rtnlsim::Config { pid: std::process::id(), ..Default::default() };
                let simulated = transcript(&steps, &mut sim::Sim::new(config));
                recorded_checked += 1;
                if simulated != body(&recorded) {
                    failures.push(format!(
                        "{name} (recorded kernel transcript): {}",
                        first_difference(&simulated, &body(&recorded))
                    ));
                }
            }
        }
    }
    if let Some(reason) = &unavailable {
        eprintln!(
            "differential: the real kernel is NOT available here ({reason}); {recorded_checked} scenario(s) were compared with \
             recorded kernel transcripts, not with a live kernel"
        );
    }
    eprintln!("differential: {live_checked} scenario(s) compared with the live kernel {}", kernel_release());
    assert!(live_checked + recorded_checked > 0, "no scenarios found");
    assert!(failures.is_empty(), "simulator and kernel differ:\n{}", failures.join("\n\n"));
}
