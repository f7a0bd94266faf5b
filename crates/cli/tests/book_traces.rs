//! The book's traces are the program's: every block in `docs/*.md` that
//! follows an `<!-- rtnlsim-trace … -->` comment is re-made here and must be
//! what `rtnlsim run --trace` prints today.
//!
//! The comment holds a script in `ip`'s syntax: lines before a line `---` set
//! the world up without tracing; the lines after it (or all, without `---`)
//! are run with `--trace`, and their output is the block. A fresh simulated
//! kernel with the default seed runs each block. `RTNLSIM_BLESS=1` rewrites
//! the blocks instead of comparing (review the diff: the book's text must
//! still say what the trace shows).

use std::path::{Path, PathBuf};

use rtnlsim_cli::host::SimHost;
use rtnlsim_cli::run::{run_script, RunOptions};
use rtnlsim_kernel::{Config, Kernel};

const MARK: &str = "<!-- rtnlsim-trace";
/// The block after it is the handler table of a freshly booted kernel.
const HANDLERS: &str = "<!-- rtnlsim-handlers -->";

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

/// What `rtnlsim run` prints for `traced` after `setup` ran untraced.
fn trace_of(setup: &str, traced: &str) -> String {
    let host = SimHost::new(Kernel::new(Config::default()));
    let quiet = RunOptions { name: "setup".into(), ..Default::default() };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_script(&host, setup, &quiet, &mut out, &mut err);
    assert_eq!(status, 0, "set-up failed: {}", String::from_utf8_lossy(&err));
    // As `rtnlsim run --trace -` would number the traced lines of the whole
    // script: the set-up lines stand as comments in front of them.
    let numbered = format!("{}{traced}", "#\n".repeat(setup.lines().count()));
    let loud = RunOptions { name: "-".into(), trace: true, force: true, ..Default::default() };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    run_script(&host, &numbered, &loud, &mut out, &mut err);
    let mut s = String::from_utf8_lossy(&out).into_owned();
    s.push_str(&String::from_utf8_lossy(&err));
    s
}

/// The chapter with the block after each [`HANDLERS`] comment re-made.
fn handlers_remade(text: &str) -> String {
    let Some(at) = text.find(HANDLERS) else { return text.to_string() };
    let from = at + HANDLERS.len();
    let open = text[from..].find("```text\n").expect("a ```text block after the handlers comment") + from + 8;
    let close = text[open..].find("```").expect("an unterminated block") + open;
    let table = rtnlsim_cli::demo::links::handler_table(&Kernel::new(Config::default()));
    format!("{}{}{}", &text[..open], table, handlers_remade(&text[close..]))
}

/// Every (comment, block) of one chapter, re-made: returns the chapter as it
/// should read and the number of traces in it.
fn remade(text: &str) -> (String, usize) {
    let text: &str = &handlers_remade(text);
    let mut out = String::new();
    let mut rest = text;
    let mut n = 0;
    while let Some(at) = rest.find(MARK) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let end = from.find("-->").expect("an unterminated rtnlsim-trace comment") + 3;
        let comment = &from[..end];
        let script = &comment[MARK.len()..comment.len() - 3];
        let (setup, traced) = match script.split_once("\n---\n") {
            Some((s, t)) => (s, t),
            None => ("", script),
        };
        let after = &from[end..];
        let open = after.find("```text\n").expect("a ```text block after the comment");
        assert!(after[..open].trim().is_empty(), "the block must follow the comment: {comment}");
        let body = &after[open + 8..];
        let close = body.find("```").expect("an unterminated block");
        out.push_str(comment);
        out.push_str(&after[..open + 8]);
        out.push_str(&trace_of(setup.trim_start_matches('\n'), traced));
        rest = &body[close..];
        n += 1;
    }
    out.push_str(rest);
    (out, n)
}

#[test]
fn every_trace_in_the_book_is_what_the_program_prints() {
    let bless = std::env::var_os("RTNLSIM_BLESS").is_some();
    let mut per_chapter = Vec::new();
    let mut chapters: Vec<_> = std::fs::read_dir(docs_dir()).expect("docs/").flatten().map(|e| e.path()).collect();
    chapters.sort();
    for path in chapters.iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(path).expect("a chapter");
        let (want, n) = remade(&text);
        per_chapter.push((path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(), n));
        if want == text {
            continue;
        }
        if bless {
            std::fs::write(path, want).expect("write the chapter");
            continue;
        }
        let line = text.lines().zip(want.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
        panic!(
            "{}: a trace differs from what the program prints now (from line {line}); \
             re-run with RTNLSIM_BLESS=1 and check that the text still holds",
            path.display()
        );
    }
    // Chapters 2 to 7 each show traces; a lost marker must not go unseen.
    for (chapter, want) in [("02-", 1), ("03-", 2), ("04-", 2), ("05-", 3), ("06-", 2), ("07-", 3)] {
        let n = per_chapter.iter().find(|(f, _)| f.starts_with(chapter)).map_or(0, |(_, n)| *n);
        assert_eq!(n, want, "chapter {chapter}: {n} traces, the book has {want}");
    }
}
