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

use outcome::{render, Masks, Names, Outcome};
use scenario::Op;

pub trait Backend {
    fn run(&mut self, op: &Op) -> Outcome;
    /// Each open socket's current port id, in creation order.
    fn ports(&mut self) -> Vec<(u32, String)>;
    /// The descriptor of each namespace made by `netns`.
    fn nsfds(&mut self) -> Vec<(u32, String)>;
    fn pid(&self) -> u32;
}

fn transcript(steps: &[scenario::Step], b: &mut dyn Backend) -> String {
    let mut out = String::new();
    let mut known: Vec<(u32, String)> = Vec::new();
    let mut known_fds: Vec<(u32, String)> = Vec::new();
    let mut masks = Masks::default();
    for step in steps {
        if let Op::Send { macs, .. } = &step.op {
            masks.literal_macs.extend(macs);
        }
    }
    for step in steps {
        let o = match b.run(&step.op) {
            Outcome::Datagrams(mut v) => {
                v.retain(|d| !outcome::foreign_uevent(d) && !outcome::multicast_neighbour(d));
                Outcome::Datagrams(v)
            }
            o => o,
        };
        // Names for port ids: every socket's port as of now, plus ports of
        // sockets seen earlier (a datagram may come from a closed socket).
        let mut ports = b.ports();
        for k in &known {
            if !ports.iter().any(|(_, n)| n == &k.1) {
                ports.push(k.clone());
            }
        }
        known = ports.clone();
        // Namespace descriptors, likewise (an echoed request may name one
        // whose namespace is gone).
        let mut fds = b.nsfds();
        for k in &known_fds {
            if !fds.iter().any(|(fd, _)| *fd == k.0) {
                fds.push(k.clone());
            }
        }
        known_fds = fds;
        let names = Names { pid: b.pid(), ports, nsfds: known_fds.clone() };
        out.push_str(&format!("> {}\n= {}\n", step.line, render(&o, &names, &mut masks)));
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

/// `num_possible_cpus()` of this machine (/sys/devices/system/cpu/possible,
/// e.g. "0-3" or "0,2-5"): a veth gets that many queues each way.
fn host_nr_cpus() -> Option<u32> {
    let text = fs::read_to_string("/sys/devices/system/cpu/possible").ok()?;
    let mut n = 0;
    for part in text.trim().split(',') {
        n += match part.split_once('-') {
            Some((a, b)) => b.parse::<u32>().ok()? - a.parse::<u32>().ok()? + 1,
            None => 1,
        };
    }
    Some(n)
}

/// The machine settings a transcript depends on, as `(header name, value)`:
/// `num_possible_cpus()` (a veth's queue count, its queue uevents) and the
/// `net.core` socket buffer sysctls (SO_RCVBUF/SO_SNDBUF and their caps).
fn machine_settings(config: &rtnlsim::Config) -> [(&'static str, u32); 5] {
    [
        ("nr_cpus", config.nr_cpus),
        ("rmem_default", config.rmem_default),
        ("wmem_default", config.wmem_default),
        ("rmem_max", config.rmem_max),
        ("wmem_max", config.wmem_max),
    ]
}

/// The simulator configured as this machine is: what the live kernel run sees.
fn live_config() -> rtnlsim::Config {
    let d = rtnlsim::Config::default();
    rtnlsim::Config {
        pid: std::process::id(),
        nr_cpus: host_nr_cpus().unwrap_or(d.nr_cpus),
        rmem_default: sysctl("rmem_default").unwrap_or(d.rmem_default),
        wmem_default: sysctl("wmem_default").unwrap_or(d.wmem_default),
        rmem_max: sysctl("rmem_max").unwrap_or(d.rmem_max),
        wmem_max: sysctl("wmem_max").unwrap_or(d.wmem_max),
        ..d
    }
}

/// The simulator configured as the machine a transcript was recorded on
/// was, from its `# NAME: VALUE` header lines (Linux's defaults for any a
/// transcript does not give).
fn recorded_config(recorded: &str) -> rtnlsim::Config {
    let header: Vec<(&str, u32)> = recorded
        .lines()
        .take_while(|l| l.starts_with("# "))
        .filter_map(|l| {
            let (k, v) = l.strip_prefix("# ")?.split_once(": ")?;
            Some((k, v.trim().parse().ok()?))
        })
        .collect();
    let get = |k: &str, d: u32| header.iter().find(|(n, _)| *n == k).map_or(d, |(_, v)| *v);
    let d = rtnlsim::Config::default();
    rtnlsim::Config {
        pid: std::process::id(),
        nr_cpus: get("nr_cpus", d.nr_cpus),
        rmem_default: get("rmem_default", d.rmem_default),
        wmem_default: get("wmem_default", d.wmem_default),
        rmem_max: get("rmem_max", d.rmem_max),
        wmem_max: get("wmem_max", d.wmem_max),
        ..d
    }
}

/// Strips the recorded header (`# kernel: …`) of an expected transcript.
fn body(recorded: &str) -> String {
    recorded.lines().filter(|l| !l.starts_with("# ")).map(|l| format!("{l}\n")).collect()
}

/// `RTNLSIM_DUMP=DIR` writes both transcripts of every scenario there
/// (`NAME.sim`, `NAME.kernel`), for a full diff.
fn dump(name: &str, simulated: &str, kernel: &str) {
    if let Ok(dir) = std::env::var("RTNLSIM_DUMP") {
        let dir = Path::new(&dir);
        let _ = fs::create_dir_all(dir);
        let _ = fs::write(dir.join(format!("{name}.sim")), simulated);
        let _ = fs::write(dir.join(format!("{name}.kernel")), kernel);
    }
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
    // RTNLSIM_SCENARIO=TEXT runs only the scenarios whose file name contains TEXT.
    let only = std::env::var("RTNLSIM_SCENARIO").ok();
    if let Some(o) = &only {
        eprintln!("differential: RTNLSIM_SCENARIO={o}: only the scenarios whose name contains it");
    }
    for scn in scenarios() {
        let name = scn.file_name().unwrap().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
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
                let config = live_config();
                let settings = machine_settings(&config);
                let simulated = transcript(&steps, &mut sim::Sim::new(config));
                live_checked += 1;
                dump(&name, &simulated, &kernel);
                if simulated != kernel {
                    failures.push(format!(
                        "{name} (live kernel {}): {}",
                        kernel_release(),
                        first_difference(&simulated, &kernel)
                    ));
                }
                let exp = expected_path(&scn);
                if bless {
                    let mut header = format!("# kernel: {}\n", kernel_release());
                    for (k, v) in settings {
                        header.push_str(&format!("# {k}: {v}\n"));
                    }
                    fs::write(&exp, format!("{header}{kernel}")).expect("write expected");
                } else {
                    match fs::read_to_string(&exp) {
                        Ok(r) if body(&r) == kernel => {}
                        Ok(r) => {
                            // The recording may come from a machine set up otherwise (another CPU count…).
                            let differing: Vec<String> = machine_settings(&recorded_config(&r))
                                .iter()
                                .zip(settings.iter())
                                .filter(|(a, b)| a.1 != b.1)
                                .map(|(a, b)| format!("{} {} there, {} here", a.0, a.1, b.1))
                                .collect();
                            if !differing.is_empty() {
                                eprintln!("note: {name}: recorded with other settings: {}", differing.join(", "));
                            }
                            eprintln!(
                                "note: {name}: the live kernel's transcript differs from {} (RTNLSIM_BLESS=1 re-records it)",
                                exp.display()
                            );
                        }
                        Err(_) => eprintln!(
                            "note: {name}: no recorded transcript {} (RTNLSIM_BLESS=1 records it)",
                            exp.display()
                        ),
                    }
                }
            }
            Err(reason) => {
                unavailable.get_or_insert(reason);
                let exp = expected_path(&scn);
                let recorded = fs::read_to_string(&exp)
                    .unwrap_or_else(|_| panic!("{name}: no live kernel and no recorded transcript {}", exp.display()));
                let config = recorded_config(&recorded);
                let simulated = transcript(&steps, &mut sim::Sim::new(config));
                recorded_checked += 1;
                dump(&name, &simulated, &body(&recorded));
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
