//! What the client tests share: a simulated kernel served in this process
//! (`rtnlsim_cli::serve`, the code behind `rtnlsim serve`), programs run
//! with `librtnlsim_preload.so` pointed at it, the same programs run on the
//! live kernel in a throwaway network namespace, and the recordings of the
//! live kernel's output that the simulator is held to when the live kernel
//! cannot be used (`RTNLSIM_BLESS=1`, as root, re-records them).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rtnlsim_cli::host::SimHost;
use rtnlsim_cli::run::{run_script, RunOptions};
use rtnlsim_cli::serve::{listen, Server};
use rtnlsim_kernel::{Config, Kernel};

/// `librtnlsim_preload.so`, as it is now. `cargo test` builds a cdylib
/// only for a `cargo build`, so the tests build it themselves, once per
/// test program, in a target directory of their own (`target/preload`:
/// the `cargo test` that runs them holds the lock of its own), so that a
/// fresh clone's `cargo test --workspace` needs no other step.
pub fn preload() -> PathBuf {
    static SO: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SO.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test's path");
        let target = exe.parent().and_then(Path::parent).and_then(Path::parent).expect("the target directory");
        let dir = target.join("preload");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args(["build", "--quiet", "-p", "rtnlsim-preload", "--target-dir"])
            .arg(&dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo build of the shim");
        assert!(out.status.success(), "building the shim failed: {}", String::from_utf8_lossy(&out.stderr));
        let so = dir.join("debug").join("librtnlsim_preload.so");
        assert!(so.exists(), "{} is not built", so.display());
        so
    })
    .clone()
}

/// A simulated kernel served on a socket of its own, for this test only.
pub struct Sim {
    pub path: PathBuf,
}

impl Sim {
    /// A fresh kernel (default seed) after `setup`, lines in `ip` syntax.
    pub fn start(setup: &str) -> Sim {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "rtnlsim-clients-{}-{}.sock",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let host = SimHost::new(Kernel::new(Config::default()));
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let opts = RunOptions { name: "setup".into(), ..Default::default() };
        let status = run_script(&host, setup, &opts, &mut out, &mut err);
        assert_eq!(status, 0, "setup failed: {}", String::from_utf8_lossy(&err));
        let listener = listen(path.to_str().expect("a UTF-8 temp dir")).expect("listen");
        let server = Server::new(Arc::new(host));
        std::thread::spawn(move || server.run(listener));
        Sim { path }
    }

    /// `prog` with the shim loaded and pointed here.
    pub fn command(&self, prog: &str) -> Command {
        let mut c = Command::new(prog);
        c.env("LD_PRELOAD", preload()).env("RTNLSIM_SOCKET", &self.path).env_remove("RTNLSIM_NETNS");
        c
    }

    /// A bash script under the shim: its stdout (scripts send stderr there too).
    pub fn bash(&self, script: &str) -> String {
        let out = self.command("bash").args(["-c", script]).stderr(Stdio::inherit()).output().expect("bash");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the live kernel can be compared with: root, and `unshare -n`
/// works. Says why not on stderr.
pub fn live() -> bool {
    // SAFETY: geteuid(2).
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("note: not root: the live-kernel half is skipped (the recording is compared instead)");
        return false;
    }
    let ok = Command::new("unshare").args(["-n", "true"]).status().map(|s| s.success()).unwrap_or(false);
    if !ok {
        eprintln!("note: `unshare -n` fails here: the live-kernel half is skipped");
    }
    ok
}

/// The same bash script in a new network namespace of the live kernel.
pub fn live_bash(script: &str) -> String {
    let out = Command::new("unshare").args(["-n", "bash", "-c", script]).stderr(Stdio::inherit()).output();
    String::from_utf8_lossy(&out.expect("unshare").stdout).into_owned()
}

/// There is an `ip` (iproute2) to run.
pub fn have_ip() -> bool {
    let ok = Command::new("ip").arg("-V").output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        eprintln!("note: skipped: no ip (iproute2) here");
    }
    ok
}

/// The machine's `ip` is iproute2 6.1 (what the recordings were made with).
pub fn ip_is_6_1() -> bool {
    let ok = Command::new("ip")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("iproute2-6.1.0"))
        .unwrap_or(false);
    if !ok {
        eprintln!("note: skipped: the ip here is not iproute2 6.1.0");
    }
    ok
}

/// Bridge timers tick on the live kernel between two reads; the values are masked.
pub fn mask_timers(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("_timer") {
        let (head, tail) = rest.split_at(i + "_timer".len());
        out.push_str(head);
        let skip = tail.find(|c: char| !(c == ' ' || c == '"' || c == ':')).unwrap_or(tail.len());
        let end = tail[skip..].find(|c: char| !(c.is_ascii_digit() || c == '.')).map_or(tail.len(), |e| skip + e);
        let lead = &tail[..skip];
        out.push_str(if !lead.is_empty() && lead.bytes().all(|b| b == b' ') { " " } else { lead });
        out.push('T');
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `tests/scripts/NAME`.
pub fn script_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts").join(name)
}

/// The first differing line of two transcripts, for a readable failure.
pub fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  simulated: {x}\n  live:      {y}", i + 1);
        }
    }
    format!("lengths differ: {} and {} lines", a.lines().count(), b.lines().count())
}

/// Holds `sim` to the live kernel's output of the same script (when it
/// can be run) and to the recording `NAME.real` (always; re-recorded from
/// the live kernel with `RTNLSIM_BLESS=1`).
pub fn compare(name: &str, sim: &str, live: Option<&str>) {
    let rec = script_path(&format!("{name}.real"));
    if let Some(live) = live {
        if std::env::var_os("RTNLSIM_BLESS").is_some() {
            std::fs::write(&rec, live).expect("write the recording");
        }
        assert!(
            sim == live,
            "{name}: the simulator and the live kernel differ at {}\n--- simulated:\n{sim}",
            first_difference(sim, live)
        );
    }
    let recorded = std::fs::read_to_string(&rec).unwrap_or_else(|e| panic!("{}: {e}", rec.display()));
    assert!(
        sim == recorded,
        "{name}: the simulator differs from the recording at {}\n--- simulated:\n{sim}",
        first_difference(sim, &recorded)
    );
}

/// The helpers every transcript script starts with: `run ARGS` prints the
/// command, ip's output (stderr too) and its status, after the link
/// watcher has caught up (on the live kernel a device's carrier shows up
/// to a second after the change).
pub const PRELUDE: &str = r####"
settle() {
  for i in $(seq 30); do
    ip -o link show | awk -F'[<>]' '{ f = "," $2 ","; if (f ~ /,UP,/ && ((f ~ /,LOWER_UP,/) == (f ~ /,NO-CARRIER,/))) bad = 1 } END { exit bad }' && return
    sleep 0.1
  done
}
run() { settle; echo "### ip $*"; ip "$@" 2>&1; echo "### status $?"; }
"####;
