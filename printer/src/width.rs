//! Column arithmetic for a receipt printer in Chinese mode.
//!
//! A printer in Chinese mode (`FS &`) prints every multi-byte GB18030 character
//! in a full-width cell, two columns of the ASCII font; so here every character
//! outside printable ASCII counts two columns. That is right for CJK, fullwidth
//! forms and the GBK symbols (`·`, `—`, `×`) that a printer also draws full width.

use encoding_rs::GB18030;

/// Printed in place of a character the printer cannot show.
const REPLACEMENT: char = '?';

/// Columns one character takes on the paper: 1 for printable ASCII, 2 otherwise.
pub fn char_width(c: char) -> usize {
    if c.is_ascii() { 1 } else { 2 }
}

/// Columns a string takes on the paper (CJK and fullwidth characters count 2).
///
/// ```
/// assert_eq!(printer::display_width("血压计 HEM-7136"), 15);
/// ```
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Makes text safe to print: control characters become spaces (they would be
/// read as printer commands) and characters GB18030 cannot encode become `?`.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                ' '
            } else if c.is_ascii() || gb18030_encodable(c) {
                c
            } else {
                REPLACEMENT
            }
        })
        .collect()
}

fn gb18030_encodable(c: char) -> bool {
    let mut buf = [0u8; 4];
    let (_, _, had_errors) = GB18030.encode(c.encode_utf8(&mut buf));
    !had_errors
}

/// Breaks sanitized text into lines of at most `max_cols` columns, never inside a
/// character; an ASCII word is kept whole when a space before it allows.
/// `max_cols` below 2 is taken as 2 so that a wide character always fits.
pub fn wrap(text: &str, max_cols: usize) -> Vec<String> {
    let max_cols = max_cols.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut cols = 0;
    for c in text.chars() {
        let w = char_width(c);
        if cols + w > max_cols {
            let rest = break_at_last_space(&mut line, c);
            lines.push(line.trim_end().to_string());
            line = rest.trim_start().to_string();
            cols = display_width(&line);
        }
        if line.is_empty() && c == ' ' {
            continue;
        }
        line.push(c);
        cols += w;
    }
    let last = line.trim_end();
    if !last.is_empty() || lines.is_empty() {
        lines.push(last.to_string());
    }
    lines
}

/// When the line ends in the middle of an ASCII word that continues with `next`,
/// cuts the line at its last space and returns the word's beginning.
fn break_at_last_space(line: &mut String, next: char) -> String {
    let in_word = next.is_ascii_graphic() && line.ends_with(|c: char| c.is_ascii_graphic());
    if !in_word {
        return String::new();
    }
    match line.rfind(' ') {
        Some(at) if !line[..at].trim().is_empty() => line.split_off(at),
        _ => String::new(),
    }
}

/// Pads with spaces on the right up to `cols` columns.
pub fn pad_right(text: &str, cols: usize) -> String {
    let fill = cols.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(fill))
}

/// Pads with spaces on the left up to `cols` columns.
pub fn pad_left(text: &str, cols: usize) -> String {
    let fill = cols.saturating_sub(display_width(text));
    format!("{}{text}", " ".repeat(fill))
}

/// Centres within `cols` columns (extra space goes right); no trailing spaces.
pub fn center(text: &str, cols: usize) -> String {
    let fill = cols.saturating_sub(display_width(text)) / 2;
    format!("{}{text}", " ".repeat(fill))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(display_width("血压计"), 6);
        assert_eq!(display_width("ABC"), 3);
        assert_eq!(display_width("ＡＢ"), 4);
    }

    #[test]
    fn wrap_never_splits_a_wide_character() {
        let lines = wrap("欧姆龙电子血压计", 5);
        assert_eq!(lines, vec!["欧姆", "龙电", "子血", "压计"]);
    }

    #[test]
    fn wrap_keeps_ascii_words_whole() {
        assert_eq!(
            wrap("blood pressure monitor", 10),
            vec!["blood", "pressure", "monitor"]
        );
    }

    #[test]
    fn wrap_of_empty_text_is_one_empty_line() {
        assert_eq!(wrap("", 10), vec![String::new()]);
    }

    #[test]
    fn sanitize_replaces_controls() {
        assert_eq!(sanitize("a\x1bb\nc"), "a b c");
    }
}
