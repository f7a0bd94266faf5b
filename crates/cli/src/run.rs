//! `rtnlsim run`: a script of `ip` command lines, run as `ip -batch` runs a
//! file (lib/utils.c `do_batch`), each line a whole `ip` invocation with its
//! own global options (`-n NETNS`, `-j`, `-d`, `-4`, `-6`…) and its own
//! netlink socket in that namespace.
//!
//! As in `ip -batch`: `#` starts a comment, a line ending in `\` continues on
//! the next, a failed command prints `Command failed FILE:LINE` on stderr and
//! stops the script with status 1 unless `-force` (then the script goes on
//! and ends with status 1); a command that makes `ip` exit (bad arguments,
//! an unknown namespace) ends the script with ip's status at once.
//!
//! `--decode` shows every datagram each command sends and receives, decoded;
//! `--trace` shows the simulated kernel's call tree of each request. Both go
//! to stdout in the order things happen, after a `$ ip …` line naming the
//! command; stdout then carries ip's own output as usual.
//!
//! A `monitor …` line (`ip monitor [link|address|route|neigh|all] [label]
//! [dev DEV]`, with `-n NETNS`, `-4`, `-6` as usual) does not block: it
//! subscribes a listener that stays for the rest of the script. After every
//! later line, each listener (oldest first) prints the notifications that
//! line caused, as `ip monitor` prints them, after the line's own output
//! and in the order the kernel queued them. The simulated kernel notifies
//! inside the request that causes it, so this is deterministic: the events
//! of a line are exactly those its requests caused. (On the live kernel a
//! notification sent later by a work queue — linkwatch, IPv6 DAD — may
//! come after a later line.)

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::host::Host;
use crate::ip::args::{makeargs, parse_options, strip_comment};
use crate::ip::error::Exit;
use crate::ip::Ip;
use crate::trace::with_request_trace;
use crate::transport::Sink;

/// How to run a script.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Print each command's kernel call tree.
    pub trace: bool,
    /// Print each datagram decoded.
    pub decode: bool,
    /// `-force`: go on after a failed command.
    pub force: bool,
    /// The script's name, for `Command failed NAME:LINE`.
    pub name: String,
}

/// A `Write` into a shared buffer.
#[derive(Clone)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Prefixes every line with an indentation (the call tree under its command).
struct Indent<W: Write> {
    inner: W,
    at_line_start: bool,
}

impl<W: Write> Write for Indent<W> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        for &c in b {
            if self.at_line_start {
                self.inner.write_all(b"  kernel: ")?;
            }
            self.inner.write_all(&[c])?;
            self.at_line_start = c == b'\n';
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// `getcmdline`: the logical lines of a script, each with the number of the
/// physical line it ends on; `\` at the end of a line joins the next.
fn logical_lines(script: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut lines = script.lines().enumerate();
    while let Some((i, l)) = lines.next() {
        let mut lineno = i + 1;
        let mut text = strip_comment(l).to_string();
        while text.ends_with('\\') && !l.contains('#') {
            text.pop();
            match lines.next() {
                Some((j, next)) => {
                    lineno = j + 1;
                    text.push_str(strip_comment(next));
                    if next.contains('#') {
                        break;
                    }
                }
                None => break,
            }
        }
        out.push((lineno, text));
    }
    out
}

/// A listening `ip monitor` of a script, and where its decoded datagrams go.
struct Monitor<'h> {
    ip: Ip<'h>,
    buf: Arc<Mutex<Vec<u8>>>,
}

/// The lines of a script run so far: the monitors they started.
pub struct Session<'h> {
    host: &'h dyn Host,
    opts: RunOptions,
    monitors: Vec<Monitor<'h>>,
}

impl<'h> Session<'h> {
    pub fn new(host: &'h dyn Host, opts: &RunOptions) -> Self {
        Session { host, opts: opts.clone(), monitors: Vec::new() }
    }

    /// What every monitor has heard since it last printed.
    pub fn drain(&mut self, out: &mut dyn Write, err: &mut dyn Write) {
        for m in self.monitors.iter_mut() {
            m.ip.ipmonitor_drain();
            let decoded = std::mem::take(&mut *m.buf.lock().unwrap_or_else(|e| e.into_inner()));
            let _ = out.write_all(&decoded);
            let _ = out.write_all(m.ip.out.take().as_bytes());
            let _ = err.write_all(std::mem::take(&mut m.ip.err).as_bytes());
        }
    }

    /// One line, as [`run_command`], then what every monitor heard.
    pub fn run_line(&mut self, argv: &[String], out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Exit> {
        let (o, e, r, keep) = command(self.host, argv, &self.opts);
        let _ = out.write_all(&o);
        let _ = err.write_all(e.as_bytes());
        self.drain(out, err);
        if let Some(m) = keep {
            self.monitors.push(m);
        }
        r
    }
}

/// Runs `script` on `host`; returns the exit status `ip -batch` would.
pub fn run_script(host: &dyn Host, script: &str, opts: &RunOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut session = Session::new(host, opts);
    let mut ret = 0;
    for (lineno, line) in logical_lines(script) {
        let argv = match makeargs(&line) {
            Ok(a) => a,
            Err(m) => {
                let _ = err.write_all(m.as_bytes());
                return 1;
            }
        };
        if argv.is_empty() {
            continue; // blank line
        }
        match session.run_line(&argv, out, err) {
            Ok(0) => {}
            Ok(_) => {
                let _ = writeln!(err, "Command failed {}:{lineno}", opts.name);
                ret = 1;
                if !opts.force {
                    break;
                }
            }
            Err(Exit(code)) => {
                let _ = out.flush();
                return code;
            }
        }
    }
    let _ = out.flush();
    ret
}

/// One line: one `ip` invocation. Its stdout (with the decoded datagrams and
/// the call tree, when asked for) is written when it ends, then its stderr.
/// (A `monitor` line starts and stops here: [`Session`] keeps monitors.)
pub fn run_command(
    host: &dyn Host,
    argv: &[String],
    opts: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Exit> {
    let (o, e, r, _) = command(host, argv, opts);
    let _ = out.write_all(&o);
    let _ = err.write_all(e.as_bytes());
    r
}

/// One invocation: its stdout, its stderr, its result, and the invocation
/// itself if it is a monitor now listening.
fn command<'h>(
    host: &'h dyn Host,
    argv: &[String],
    opts: &RunOptions,
) -> (Vec<u8>, String, Result<i32, Exit>, Option<Monitor<'h>>) {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let stdout = Shared(buf.clone());
    if opts.trace || opts.decode {
        let _ = writeln!(stdout.clone(), "$ ip {}", argv.join(" "));
    }
    let mut errtext = String::new();
    let mut keep: Option<Ip<'h>> = None;
    let result = (|| {
        let (o, i) = parse_options(argv, &mut errtext)?;
        let tap: Option<Sink> = opts.decode.then(|| Arc::new(Mutex::new(stdout.clone())) as Sink);
        let mut ip = Ip::start(host, o, tap).map_err(|e| {
            errtext.push_str(&e.err);
            e.exit
        })?;
        let words = &argv[i..];
        let r = if opts.trace {
            let sink: crate::trace::Sink = Arc::new(Mutex::new(Indent { inner: stdout.clone(), at_line_start: true }));
            with_request_trace(sink, || ip.run(words))
        } else {
            ip.run(words)
        };
        let text = ip.out.take();
        let _ = stdout.clone().write_all(text.as_bytes());
        errtext.push_str(&std::mem::take(&mut ip.err));
        if ip.is_listening() {
            keep = Some(ip);
        }
        r
    })();
    let bytes = std::mem::take(&mut *buf.lock().unwrap_or_else(|e| e.into_inner()));
    (bytes, errtext, result, keep.map(|ip| Monitor { ip, buf }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_join_and_comments_go() {
        let l = logical_lines("# c\nlink add v0 \\\n type dummy # x\n\nlink show");
        assert_eq!(l[0], (1, "".to_string()));
        assert_eq!(l[1], (3, "link add v0  type dummy ".to_string()));
        assert_eq!(l[3], (5, "link show".to_string()));
    }
}
