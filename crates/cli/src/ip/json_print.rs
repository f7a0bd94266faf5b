//! Text or JSON from the same calls: iproute2's lib/json_print.c on top of
//! lib/json_writer.c.
//!
//! Every `print_*` takes the output kind of the C code (`PRINT_ANY`,
//! `PRINT_FP`, `PRINT_JSON`), the JSON key, the text as the C `fmt` would
//! have printed it, and the value for JSON. Without `-j` only the text is
//! written; with `-j` only the key and value, by the json_writer rules
//! (commas, `"key":value`, `[`…`]`, a newline when the writer is destroyed).

/// `enum output_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `PRINT_ANY`: text without `-j`, JSON with it.
    Any,
    /// `PRINT_FP`: text only.
    Fp,
    /// `PRINT_JSON`: JSON only.
    Json,
}

/// `struct json_writer`.
#[derive(Debug)]
struct JsonWriter {
    depth: u32,
    pretty: bool,
    /// `sep`: `None` is the C `'\0'`, else `','`.
    sep: bool,
}

/// Standard output of one `ip` invocation, text or JSON.
#[derive(Debug)]
pub struct Printer {
    buf: String,
    jw: Option<JsonWriter>,
    pretty: bool,
    /// `_SL_`: `"\n"`, or `"\\"` with `-oneline`.
    pub sl: &'static str,
}

impl Printer {
    pub fn new(pretty: bool, oneline: bool) -> Self {
        Printer { buf: String::new(), jw: None, pretty, sl: if oneline { "\\" } else { "\n" } }
    }

    /// Takes what was printed so far (`fflush(stdout)`).
    pub fn take(&mut self) -> String {
        std::mem::take(&mut self.buf)
    }

    /// Raw text, as `printf`/`fprintf(stdout, …)` in the C code.
    pub fn fp(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    // ---- json_writer.c ------------------------------------------------------

    fn jsonw_indent(&mut self) {
        if let Some(jw) = &self.jw {
            for _ in 0..jw.depth {
                self.buf.push_str("    ");
            }
        }
    }

    fn jsonw_eol(&mut self) {
        if self.jw.as_ref().is_some_and(|j| j.pretty) {
            self.buf.push('\n');
            self.jsonw_indent();
        }
    }

    fn jsonw_eor(&mut self) {
        if let Some(jw) = &mut self.jw {
            if jw.sep {
                self.buf.push(',');
            }
            jw.sep = true;
        }
    }

    fn jsonw_puts(&mut self, s: &str) {
        self.buf.push('"');
        for c in s.chars() {
            match c {
                '\t' => self.buf.push_str("\\t"),
                '\n' => self.buf.push_str("\\n"),
                '\r' => self.buf.push_str("\\r"),
                '\x0c' => self.buf.push_str("\\f"),
                '\x08' => self.buf.push_str("\\b"),
                '\\' => self.buf.push_str("\\\\"),
                '"' => self.buf.push_str("\\\""),
                c => self.buf.push(c),
            }
        }
        self.buf.push('"');
    }

    fn jsonw_begin(&mut self, c: char) {
        self.jsonw_eor();
        self.buf.push(c);
        if let Some(jw) = &mut self.jw {
            jw.depth += 1;
            jw.sep = false;
        }
    }

    fn jsonw_end(&mut self, c: char) {
        let sep = match &mut self.jw {
            Some(jw) => {
                jw.depth = jw.depth.saturating_sub(1);
                jw.sep
            }
            None => false,
        };
        if sep {
            self.jsonw_eol();
        }
        self.buf.push(c);
        if let Some(jw) = &mut self.jw {
            jw.sep = true;
        }
    }

    /// `jsonw_name`: `"key":`.
    pub fn jsonw_name(&mut self, name: &str) {
        self.jsonw_eor();
        self.jsonw_eol();
        if let Some(jw) = &mut self.jw {
            jw.sep = false;
        }
        self.jsonw_puts(name);
        self.buf.push(':');
        if self.pretty {
            self.buf.push(' ');
        }
    }

    /// `jsonw_printf`: a value written as is.
    pub fn jsonw_printf(&mut self, s: &str) {
        self.jsonw_eor();
        self.buf.push_str(s);
    }

    fn jsonw_start_array(&mut self) {
        self.jsonw_begin('[');
        if self.pretty {
            self.buf.push(' ');
        }
    }

    fn jsonw_end_array(&mut self) {
        if self.pretty && self.jw.as_ref().is_some_and(|j| j.sep) {
            self.buf.push(' ');
        }
        if let Some(jw) = &mut self.jw {
            jw.sep = false;
        }
        self.jsonw_end(']');
    }

    fn jsonw_string(&mut self, v: &str) {
        self.jsonw_eor();
        self.jsonw_puts(v);
    }

    // ---- json_print.c -------------------------------------------------------

    fn json_ctx(&self, t: Kind) -> bool {
        self.jw.is_some() && matches!(t, Kind::Any | Kind::Json)
    }

    fn fp_ctx(&self, t: Kind) -> bool {
        self.jw.is_none() && matches!(t, Kind::Any | Kind::Fp)
    }

    /// `new_json_obj`: with `-j`, a writer and the opening `[`.
    pub fn new_json_obj(&mut self, json: bool) {
        if json {
            self.jw = Some(JsonWriter { depth: 0, pretty: self.pretty, sep: false });
            self.jsonw_start_array();
        }
    }

    /// `delete_json_obj`: the closing `]` and the writer's final newline.
    pub fn delete_json_obj(&mut self) {
        if self.jw.is_some() {
            self.jsonw_end_array();
            self.buf.push('\n');
            self.jw = None;
        }
    }

    /// `is_json_context`.
    pub fn is_json(&self) -> bool {
        self.jw.is_some()
    }

    pub fn open_json_object(&mut self, key: Option<&str>) {
        if self.json_ctx(Kind::Json) {
            if let Some(k) = key {
                self.jsonw_name(k);
            }
            self.jsonw_begin('{');
        }
    }

    pub fn close_json_object(&mut self) {
        if self.json_ctx(Kind::Json) {
            self.jsonw_end('}');
        }
    }

    /// `open_json_array`: `str` is the key with `-j`, the text without.
    pub fn open_json_array(&mut self, t: Kind, s: Option<&str>) {
        if self.json_ctx(t) {
            if let Some(k) = s {
                self.jsonw_name(k);
            }
            self.jsonw_start_array();
        } else if self.fp_ctx(t) {
            self.buf.push_str(s.unwrap_or(""));
        }
    }

    pub fn close_json_array(&mut self, t: Kind, s: Option<&str>) {
        if self.json_ctx(t) {
            self.jsonw_end_array();
        } else if self.fp_ctx(t) {
            self.buf.push_str(s.unwrap_or(""));
        }
    }

    /// `print_string`: a key with no value writes the key alone; a value
    /// with no key writes an array element.
    pub fn print_string(&mut self, t: Kind, key: Option<&str>, text: &str, value: Option<&str>) {
        if self.json_ctx(t) {
            match (key, value) {
                (Some(k), None) => self.jsonw_name(k),
                (None, Some(v)) => self.jsonw_string(v),
                (k, v) => {
                    self.jsonw_name(k.unwrap_or(""));
                    self.jsonw_string(v.unwrap_or(""));
                }
            }
        } else if self.fp_ctx(t) {
            self.buf.push_str(text);
        }
    }

    fn print_number(&mut self, t: Kind, key: Option<&str>, text: &str, json: &str) {
        if self.json_ctx(t) {
            if let Some(k) = key {
                self.jsonw_name(k);
            }
            self.jsonw_printf(json);
        } else if self.fp_ctx(t) {
            self.buf.push_str(text);
        }
    }

    /// `print_uint`, `print_u64`, `print_lluint`, `print_hu`…
    pub fn print_uint(&mut self, t: Kind, key: Option<&str>, text: &str, v: u64) {
        self.print_number(t, key, text, &v.to_string());
    }

    /// `print_int`, `print_s64`.
    pub fn print_int(&mut self, t: Kind, key: Option<&str>, text: &str, v: i64) {
        self.print_number(t, key, text, &v.to_string());
    }

    /// `print_bool`: `true`/`false` in JSON.
    pub fn print_bool(&mut self, t: Kind, key: Option<&str>, text: &str, v: bool) {
        self.print_number(t, key, text, if v { "true" } else { "false" });
    }

    /// `print_on_off`: the text says on/off, JSON says true/false.
    pub fn print_on_off(&mut self, t: Kind, key: Option<&str>, text_fmt: impl Fn(&str) -> String, v: bool) {
        let text = text_fmt(if v { "on" } else { "off" });
        self.print_bool(t, key, &text, v);
    }

    /// `print_0xhex`: JSON gets the `%#llx` string.
    pub fn print_0xhex(&mut self, t: Kind, key: Option<&str>, text: &str, v: u64) {
        if self.json_ctx(t) {
            let s = fmt_0xhex(v);
            self.print_string(Kind::Json, key, "", Some(&s));
        } else if self.fp_ctx(t) {
            self.buf.push_str(text);
        }
    }

    /// `print_hex`: JSON gets the `%x` string.
    pub fn print_hex(&mut self, t: Kind, key: Option<&str>, text: &str, v: u32) {
        if self.json_ctx(t) {
            let s = format!("{v:x}");
            match key {
                Some(k) => {
                    self.jsonw_name(k);
                    self.jsonw_string(&s);
                }
                None => self.jsonw_string(&s),
            }
        } else if self.fp_ctx(t) {
            self.buf.push_str(text);
        }
    }

    /// `print_null`: `null` in JSON, the text otherwise.
    pub fn print_null(&mut self, t: Kind, key: Option<&str>, text: &str) {
        self.print_number(t, key, text, "null");
    }

    /// `print_nl`: `_SL_` when not printing JSON.
    pub fn print_nl(&mut self) {
        if self.jw.is_none() {
            self.buf.push_str(self.sl);
        }
    }
}

/// C's `%#llx`: `0x` before a non-zero value, plain `0` for zero.
pub fn fmt_0xhex(v: u64) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_objects_in_an_array_match_json_writer() {
        let mut p = Printer::new(false, false);
        p.new_json_obj(true);
        p.open_json_object(None);
        p.print_int(Kind::Any, Some("ifindex"), "1: ", 1);
        p.open_json_array(Kind::Any, Some("flags"));
        p.print_string(Kind::Any, None, "LOOPBACK", Some("LOOPBACK"));
        p.print_string(Kind::Any, None, "UP", Some("UP"));
        p.close_json_array(Kind::Any, Some("> "));
        p.print_null(Kind::Json, Some("link"), "");
        p.open_json_object(Some("linkinfo"));
        p.print_string(Kind::Any, Some("info_kind"), "", Some("veth"));
        p.close_json_object();
        p.close_json_object();
        p.open_json_object(None);
        p.close_json_object();
        p.delete_json_obj();
        assert_eq!(
            p.take(),
            "[{\"ifindex\":1,\"flags\":[\"LOOPBACK\",\"UP\"],\"link\":null,\"linkinfo\":{\"info_kind\":\"veth\"}},{}]\n"
        );
    }

    #[test]
    fn empty_array_and_text_mode() {
        let mut p = Printer::new(false, false);
        p.new_json_obj(true);
        p.delete_json_obj();
        assert_eq!(p.take(), "[]\n");
        p.new_json_obj(false);
        p.open_json_array(Kind::Any, Some("<"));
        p.print_string(Kind::Any, None, "UP,", Some("UP"));
        p.close_json_array(Kind::Any, Some("> "));
        p.print_0xhex(Kind::Any, Some("id"), "port_id 0x8001 ", 0x8001);
        p.delete_json_obj();
        assert_eq!(p.take(), "<UP,> port_id 0x8001 ");
        assert_eq!(fmt_0xhex(0), "0");
        assert_eq!(fmt_0xhex(0x8001), "0x8001");
    }

    #[test]
    fn pretty_json_indents_as_json_writer_does() {
        let mut p = Printer::new(true, false);
        p.new_json_obj(true);
        p.open_json_object(None);
        p.print_string(Kind::Any, Some("name"), "", Some("a\"b"));
        p.close_json_object();
        p.delete_json_obj();
        assert_eq!(p.take(), "[ {\n        \"name\": \"a\\\"b\"\n    } ]\n");
    }
}
