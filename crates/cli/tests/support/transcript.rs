//! Transcripts of `ip` scripts, and what makes two of them comparable: the
//! kernel's random MAC addresses named by order of appearance, bridge timers
//! masked, usage texts left out.

#![allow(dead_code)]

use rtnlsim_cli::host::Host;
use rtnlsim_cli::ip::args::{makeargs, strip_comment};
use rtnlsim_cli::run::{run_command, RunOptions};

/// The command lines of a script (comments and blank lines gone).
pub fn lines(script: &str) -> Vec<Vec<String>> {
    script.lines().map(|l| makeargs(strip_comment(l)).unwrap()).filter(|a| !a.is_empty()).collect()
}

/// The client's run of one line on `host`: (stdout, stderr, status).
pub fn ours(host: &dyn Host, argv: &[String]) -> (String, String, i32) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let status = match run_command(host, argv, &RunOptions::default(), &mut out, &mut err) {
        Ok(v) => v & 0xff,
        Err(e) => e.0,
    };
    (String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned(), status)
}

/// One line of a transcript: the command, its stdout, its stderr, `= status`.
/// A neighbour dump is shown sorted (see [`sort_neigh_dump`]).
pub fn entry(argv: &[String], (o, e, s): &(String, String, i32)) -> String {
    let o = if is_neigh_dump(argv) { sort_neigh_dump(o) } else { o.clone() };
    format!("$ ip {}\n{o}{}= {s}\n", argv.join(" "), cut_usage(e))
}

/// `ip [OPTIONS] neigh [show|list|lst …]`.
fn is_neigh_dump(argv: &[String]) -> bool {
    let mut words = argv.iter().map(String::as_str).skip_while(|w| w.starts_with('-') || *w == "-n");
    matches!(words.next(), Some("neigh" | "neighbor" | "neighbour"))
        && matches!(words.next(), None | Some("show" | "list" | "lst"))
}

/// The kernel orders a neighbour dump by its hash buckets, and each table's
/// hash is seeded at random (`neigh_hash_alloc`): two namespaces list the
/// same entries in different orders. A dump is therefore compared as a set:
/// its lines sorted, and the objects of a one-line JSON array sorted.
pub fn sort_neigh_dump(o: &str) -> String {
    let mut lines: Vec<String> = o
        .lines()
        .map(|l| match l.strip_prefix("[{").and_then(|r| r.strip_suffix("}]")) {
            Some(inner) => {
                let mut objs: Vec<&str> = inner.split("},{").collect();
                objs.sort_unstable();
                format!("[{{{}}}]", objs.join("},{"))
            }
            None => l.to_string(),
        })
        .collect();
    lines.sort();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The whole script through the client on `host`, comparable.
pub fn transcript_on(host: &dyn Host, script: &str) -> String {
    let mut t = String::new();
    for argv in lines(script) {
        t.push_str(&entry(&argv, &ours(host, &argv)));
    }
    comparable(&t)
}

/// MACs named, timers and finite address lifetimes masked.
pub fn comparable(t: &str) -> String {
    name_macs(&mask_lifetimes(&mask_timers(t)))
}

/// A finite address lifetime counts down in whole seconds of the live
/// kernel's clock (`valid_lft 100sec`, `"valid_life_time":100`), so two
/// runs a moment apart may differ by one: the number is masked.
pub fn mask_lifetimes(s: &str) -> String {
    let mut out = String::new();
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut rest = line;
        while let Some(at) = ["valid_lft ", "preferred_lft ", "_life_time\":"]
            .iter()
            .filter_map(|k| rest.find(k).map(|p| p + k.len()))
            .min()
        {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            // Text says "100sec"; a command line's "valid_lft 100" is left alone.
            let text_form = out.ends_with("_lft ");
            if digits > 0 && rest[..digits] != *"4294967295" && (!text_form || rest[digits..].starts_with("sec")) {
                out.push('T');
                rest = &rest[digits..];
            }
        }
        out.push_str(rest);
    }
    out
}

/// Usage texts (printed after some errors) are not reproduced by the
/// client: everything from a `Usage:` line on is left out.
pub fn cut_usage(s: &str) -> String {
    match s.find("Usage:") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// Masks what changes from one moment to the next: bridge timers.
pub fn mask_timers(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("_timer") {
        let (head, tail) = rest.split_at(i + "_timer".len());
        out.push_str(head);
        // text: "_timer    0.00 "; JSON: "_timer\":0.00"
        let skip = tail.find(|c: char| !(c == ' ' || c == '"' || c == ':')).unwrap_or(tail.len());
        let num_end =
            tail[skip..].find(|c: char| !(c.is_ascii_digit() || c == '.')).map(|e| skip + e).unwrap_or(tail.len());
        // The text form pads the number to a width ("%7.2f"), so the spaces
        // before it vary with the value: one space stands for them all.
        let lead = &tail[..skip];
        out.push_str(if !lead.is_empty() && lead.bytes().all(|b| b == b' ') { " " } else { lead });
        out.push('T');
        rest = &tail[num_end..];
    }
    out.push_str(rest);
    out
}

/// Names the MAC addresses (and bridge ids made of them) by order of
/// appearance, the fixed ones excepted.
pub fn name_macs(s: &str) -> String {
    let keep = ["00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "01:80:c2:00:00:00"];
    let seps = |c: char| c == ' ' || c == '"' || c == '\n' || c == ',';
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::new();
    for tok in s.split_inclusive(seps) {
        let (word, sep) = match tok.char_indices().last() {
            Some((i, c)) if seps(c) => (&tok[..i], &tok[i..]),
            _ => (tok, ""),
        };
        let is_mac = word.len() == 17 && word.split(':').count() == 6 && word.split(':').all(|p| p.len() == 2);
        let is_brid = word.len() > 5 && word.as_bytes()[4] == b'.' && word[5..].split(':').count() == 6;
        if (is_mac && !keep.contains(&word)) || is_brid {
            let key = if is_brid { format!("id {}", &word[5..]) } else { word.to_string() };
            let n = seen.iter().position(|x| *x == key).unwrap_or_else(|| {
                seen.push(key.clone());
                seen.len() - 1
            });
            out.push_str(&format!("<{}{}>", if is_brid { "BRID" } else { "MAC" }, n));
        } else {
            out.push_str(word);
        }
        out.push_str(sep);
    }
    out
}

/// The first difference between two transcripts, with some context.
pub fn first_difference(a: &str, b: &str) -> Option<String> {
    if a == b {
        return None;
    }
    let al: Vec<&str> = a.lines().collect();
    let bl: Vec<&str> = b.lines().collect();
    let first = al.iter().zip(&bl).position(|(x, y)| x != y).unwrap_or(al.len().min(bl.len()));
    let from = first.saturating_sub(5);
    Some(format!(
        "transcripts differ at line {}:\n--- left\n{}\n--- right\n{}",
        first + 1,
        al[from.min(al.len())..(first + 10).min(al.len())].join("\n"),
        bl[from.min(bl.len())..(first + 10).min(bl.len())].join("\n")
    ))
}
