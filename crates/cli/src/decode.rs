//! Decoding datagrams for people: every message with its header fields
//! named, NLMSG_ERROR and NLMSG_DONE opened up, other payloads in hex.
//!
//! This is the simulator's own reading of the bytes (through nlwire's views),
//! used by `rtnlsim demo` and `--decode`.

use std::fmt::Write;

use nlwire::hdr::NlMsgErr;
use nlwire::uapi::netlink::*;
use nlwire::uapi::rtnetlink::rtm_name;
use nlwire::{Errno, NlMsgHdr, NlMsgIter};

/// `REQUEST|ACK|…`, reading bits 0x100–0x800 by message kind as the kernel does.
pub fn flags_name(ty: u16, flags: u16) -> String {
    let mut v = Vec::new();
    for (bit, name) in [(NLM_F_REQUEST, "REQUEST"), (NLM_F_MULTI, "MULTI"), (NLM_F_ACK, "ACK"), (NLM_F_ECHO, "ECHO")] {
        if flags & bit != 0 {
            v.push(name);
        }
    }
    for (bit, name) in [(NLM_F_DUMP_INTR, "DUMP_INTR"), (NLM_F_DUMP_FILTERED, "DUMP_FILTERED")] {
        if flags & bit != 0 {
            v.push(name);
        }
    }
    let high: [&str; 4] = if ty == NLMSG_ERROR {
        ["CAPPED", "ACK_TLVS", "0x400", "0x800"]
    } else if ty >= 16 {
        match (ty - 16) & 3 {
            0 => ["REPLACE", "EXCL", "CREATE", "APPEND"],
            1 => ["NONREC", "BULK", "0x400", "0x800"],
            2 => ["ROOT", "MATCH", "ATOMIC", "0x800"],
            _ => ["0x100", "0x200", "0x400", "0x800"],
        }
    } else {
        ["0x100", "0x200", "0x400", "0x800"]
    };
    for (i, name) in high.iter().enumerate() {
        if flags & (0x100 << i) != 0 {
            v.push(name);
        }
    }
    if v.is_empty() {
        "0".into()
    } else {
        v.join("|")
    }
}

pub fn type_name(ty: u16) -> String {
    rtm_name(ty).map(str::to_string).unwrap_or_else(|| format!("type {ty}"))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(" ")
}

fn errno_text(err: i32) -> String {
    match Errno::from_wire(err) {
        None => "0 (success)".into(),
        Some(e) => format!("{err} ({}: {})", e.name().unwrap_or("?"), e.strerror()),
    }
}

fn header_line(h: &NlMsgHdr<&[u8]>) -> String {
    format!(
        "{} len={} flags={} seq={} pid={}",
        type_name(h.nlmsg_type()),
        h.nlmsg_len(),
        flags_name(h.nlmsg_type(), h.nlmsg_flags()),
        h.nlmsg_seq(),
        h.nlmsg_pid()
    )
}

/// One datagram, one message per block, indented by `indent`.
pub fn datagram(data: &[u8], indent: &str) -> String {
    let mut out = String::new();
    for m in NlMsgIter::new(data) {
        let Ok(h) = m else {
            let _ = writeln!(out, "{indent}(malformed message: the walk stops here)");
            break;
        };
        let _ = writeln!(out, "{indent}{}", header_line(&h));
        match h.nlmsg_type() {
            NLMSG_ERROR => match NlMsgErr::new_checked(h.payload(), h.nlmsg_flags()) {
                Ok(e) => {
                    let _ = writeln!(out, "{indent}  error: {}", errno_text(e.error()));
                    let orig = NlMsgHdr::new_unchecked(e.orig_message());
                    let _ = writeln!(out, "{indent}  request: {}", header_line(&orig));
                    if !orig.payload().is_empty() {
                        let _ = writeln!(out, "{indent}    payload: {}", hex(orig.payload()));
                    }
                    for tlv in e.tlvs() {
                        let _ = match tlv.nla_type() {
                            NLMSGERR_ATTR_MSG => {
                                writeln!(out, "{indent}  ext-ack MSG: \"{}\"", String::from_utf8_lossy(tlv.get_str()))
                            }
                            NLMSGERR_ATTR_OFFS => writeln!(out, "{indent}  ext-ack OFFS: {}", tlv.get_u32()),
                            NLMSGERR_ATTR_MISS_TYPE => writeln!(out, "{indent}  ext-ack MISS_TYPE: {}", tlv.get_u32()),
                            NLMSGERR_ATTR_MISS_NEST => writeln!(out, "{indent}  ext-ack MISS_NEST: {}", tlv.get_u32()),
                            t => writeln!(out, "{indent}  ext-ack attr {t}: {}", hex(tlv.payload())),
                        };
                    }
                }
                Err(_) => {
                    let _ = writeln!(out, "{indent}  (truncated nlmsgerr) {}", hex(h.payload()));
                }
            },
            NLMSG_DONE => {
                let p = h.payload();
                if p.len() >= 4 {
                    let err = i32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
                    let _ = writeln!(out, "{indent}  dump result: {}", errno_text(err));
                }
            }
            _ => {
                if !h.payload().is_empty() {
                    let _ = writeln!(out, "{indent}  payload: {}", hex(h.payload()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read_by_kind() {
        assert_eq!(flags_name(18, 0x301), "REQUEST|ROOT|MATCH");
        assert_eq!(flags_name(16, 0x605), "REQUEST|ACK|EXCL|CREATE");
        assert_eq!(flags_name(NLMSG_ERROR, 0x300), "CAPPED|ACK_TLVS");
    }

    #[test]
    fn error_message_decodes() {
        // kernel-reference §4: the ACK of an RTM_NEWADDR request.
        let ack = [
            0x24, 0, 0, 0, 2, 0, 0, 1, 100, 0, 0, 0, 0xff, 0x1a, 0, 0, 0, 0, 0, 0, 0x28, 0, 0, 0, 0x14, 0, 0x05, 0x06,
            100, 0, 0, 0, 0, 0, 0, 0,
        ];
        let s = datagram(&ack, "");
        assert!(s.starts_with("NLMSG_ERROR len=36 flags=CAPPED seq=100 pid=6911"), "{s}");
        assert!(s.contains("error: 0 (success)"), "{s}");
        assert!(s.contains("request: RTM_NEWADDR len=40 flags=REQUEST|ACK|EXCL|CREATE seq=100"), "{s}");
    }
}
