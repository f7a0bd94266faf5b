//! The command line of one `ip` invocation: ip/ip.c `main`'s option loop,
//! and the word splitting of `ip -batch` (lib/utils.c `makeargs`).

use nlwire::uapi::socket::{AF_BRIDGE, AF_INET, AF_INET6, AF_MPLS, AF_PACKET, AF_UNSPEC};

use super::error::{invarg, Exit};
use super::utils::matches;

/// The global options `ip` was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `preferred_family`: `-4`, `-6`, `-0`, `-B`, `-M`, `-family`.
    pub family: u8,
    /// `show_details`: `-d`.
    pub details: u32,
    /// `json`: `-j`.
    pub json: bool,
    /// `pretty`: `-p`.
    pub pretty: bool,
    /// `oneline`: `-o`.
    pub oneline: bool,
    /// `numeric`: `-N`.
    pub numeric: bool,
    /// `-n NETNS`: the namespace `ip` switched to before opening its socket.
    pub netns: Option<String>,
}

/// `makeargs`: words separated by blanks; a word that starts with a quote
/// runs to the matching quote.
pub fn makeargs(line: &str) -> Result<Vec<String>, String> {
    let ws = [' ', '\t', '\r', '\n'];
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches(ws);
        if rest.is_empty() {
            return Ok(out);
        }
        if let Some(q) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
            let body = &rest[1..];
            let Some(end) = body.find(q) else { return Err("Unterminated quoted string\n".into()) };
            out.push(body[..end].to_string());
            rest = &body[end + 1..];
        } else {
            let end = rest.find(ws).unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
}

/// `getcmdline`: everything from a `#` on is a comment.
pub fn strip_comment(line: &str) -> &str {
    match line.find('#') {
        Some(i) => &line[..i],
        None => line,
    }
}

/// `read_family`.
fn read_family(name: &str) -> u8 {
    match name {
        "inet" => AF_INET,
        "inet6" => AF_INET6,
        "link" => AF_PACKET,
        "mpls" => AF_MPLS,
        "bridge" => AF_BRIDGE,
        _ => AF_UNSPEC,
    }
}

/// ip.c `main`'s option loop over `args` (without the program name): the
/// options and the index of the first word after them. Options this client
/// has no model for are refused by name rather than silently ignored.
pub fn parse_options(args: &[String], err: &mut String) -> Result<(Options, usize), Exit> {
    let mut o = Options::default();
    let mut i = 0;
    let unmodelled = |err: &mut String, opt: &str| {
        err.push_str(&format!("rtnlsim: option \"{opt}\" is not modelled by this ip client\n"));
        Exit::USAGE
    };
    while i < args.len() {
        let full = args[i].as_str();
        if full == "--" {
            i += 1;
            break;
        }
        if !full.starts_with('-') {
            break;
        }
        let opt = if full.starts_with("--") { &full[1..] } else { full };
        let next = |i: usize, err: &mut String| -> Result<String, Exit> {
            args.get(i + 1).cloned().ok_or_else(|| {
                err.push_str("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n");
                Exit::USAGE
            })
        };
        if matches(opt, "-loops") {
            next(i, err)?;
            i += 1;
        } else if matches(opt, "-family") {
            let f = next(i, err)?;
            i += 1;
            o.family = read_family(&f);
            if o.family == AF_UNSPEC {
                return Err(invarg(err, "invalid protocol family", &f));
            }
        } else if opt == "-4" {
            o.family = AF_INET;
        } else if opt == "-6" {
            o.family = AF_INET6;
        } else if opt == "-0" {
            o.family = AF_PACKET;
        } else if opt == "-M" {
            o.family = AF_MPLS;
        } else if opt == "-B" {
            o.family = AF_BRIDGE;
        } else if matches(opt, "-human")
            || matches(opt, "-human-readable")
            || matches(opt, "-iec")
            || matches(opt, "-stats")
            || matches(opt, "-statistics")
        {
            return Err(unmodelled(err, full));
        } else if matches(opt, "-details") {
            o.details += 1;
        } else if matches(opt, "-resolve") {
            return Err(unmodelled(err, full));
        } else if matches(opt, "-oneline") {
            o.oneline = true;
        } else if ["-timestamp", "-tshort", "-Version", "-force", "-batch", "-brief"].iter().any(|o| matches(opt, o)) {
            return Err(unmodelled(err, full));
        } else if matches(opt, "-json") {
            o.json = true;
        } else if matches(opt, "-pretty") {
            o.pretty = true;
        } else if matches(opt, "-rcvbuf") || matches(opt.split('=').next().unwrap_or(""), "-color") {
            return Err(unmodelled(err, full));
        } else if matches(opt, "-help") {
            err.push_str("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n");
            return Err(Exit::USAGE);
        } else if matches(opt, "-netns") {
            match args.get(i + 1) {
                Some(n) => o.netns = Some(n.clone()),
                None => return Err(super::error::incomplete_command(err)),
            }
            i += 1;
        } else if matches(opt, "-Numeric") {
            o.numeric = true;
        } else if matches(opt, "-all") || opt == "-echo" {
            return Err(unmodelled(err, full));
        } else {
            err.push_str(&format!("Option \"{full}\" is unknown, try \"ip -help\".\n"));
            return Err(Exit::USAGE);
        }
        i += 1;
    }
    Ok((o, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        makeargs(s).unwrap()
    }

    #[test]
    fn words_and_quotes_split_as_makeargs_does() {
        assert_eq!(words("  link  add\tv0 type veth "), ["link", "add", "v0", "type", "veth"]);
        assert_eq!(words("link set v0 alias \"a b\" up"), ["link", "set", "v0", "alias", "a b", "up"]);
        assert!(makeargs("link set 'v0").is_err());
        assert_eq!(strip_comment("link show # all of them"), "link show ");
    }

    #[test]
    fn options_take_prefixes_in_ips_order() {
        let mut err = String::new();
        let (o, i) = parse_options(&words("-d -j -n blue -4 link show"), &mut err).unwrap();
        assert_eq!(o.details, 1);
        assert!(o.json);
        assert_eq!(o.netns.as_deref(), Some("blue"));
        assert_eq!(o.family, AF_INET);
        assert_eq!(i, 5);
        let (o, _) = parse_options(&words("--details -json -f link link"), &mut err).unwrap();
        assert_eq!((o.details, o.json, o.family), (1, true, AF_PACKET));
        assert_eq!(parse_options(&words("-x link"), &mut err), Err(Exit::USAGE));
        assert!(err.ends_with("Option \"-x\" is unknown, try \"ip -help\".\n"), "{err}");
    }
}
