//! Vietnamese text folding for search, and the Vietnamese sort key (thứ tự chữ cái tiếng Việt).
//!
//! Folding makes "Giàng A Páo", "GIANG A PAO" and "giang a pao" equal: decompose (NFD), drop
//! the combining marks, map đ/Đ to d, lower-case, and keep only letters and digits separated by
//! one space. Apostrophes vanish ("H'Mông" → "hmong") because village heads type them both ways.
use unicode_normalization::UnicodeNormalization;

/// Folds text for diacritic- and case-insensitive matching.
pub fn fold(s: &str) -> String {
    let mut f = Folder {
        out: String::with_capacity(s.len()),
        pending_space: false,
    };
    // The same as folding `s.nfd()`: decomposing char by char leaves out only NFD's reordering
    // of combining marks, and every one of those is dropped anyway (see the tests).
    for c in s.chars() {
        if c.is_ascii() {
            f.push(c);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| f.push(d));
        }
    }
    f.out
}

struct Folder {
    out: String,
    pending_space: bool,
}

impl Folder {
    fn push(&mut self, c: char) {
        if c == '\'' || c == '’' || unicode_normalization::char::is_combining_mark(c) {
            return;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        };
        if c.is_alphanumeric() {
            if self.pending_space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.pending_space = false;
            if c.is_ascii() {
                self.out.push(c.to_ascii_lowercase());
            } else {
                self.out.extend(c.to_lowercase());
            }
        } else {
            self.pending_space = true;
        }
    }
}

/// The words of a folded text.
pub fn tokens(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|t| !t.is_empty())
}

/// The Vietnamese alphabet in dictionary order; each letter's index is its primary weight.
const ALPHABET: [char; 29] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'g', 'h', 'i', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ',
    'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'x', 'y',
];

/// Tone order used in Vietnamese dictionaries: ngang, huyền, hỏi, ngã, sắc, nặng.
fn tone_weight(mark: char) -> Option<u8> {
    match mark {
        '\u{0300}' => Some(1), // huyền
        '\u{0309}' => Some(2), // hỏi
        '\u{0303}' => Some(3), // ngã
        '\u{0301}' => Some(4), // sắc
        '\u{0323}' => Some(5), // nặng
        _ => None,
    }
}

/// Appends one word's letter weights and `!` to `primary`; returns the word's tone.
fn push_word_key(word: &str, primary: &mut String) -> u8 {
    if word.is_ascii() {
        // Nothing to lower-case but ASCII and nothing to decompose.
        push_letters_key(word.chars().map(|c| c.to_ascii_lowercase()), primary)
    } else if word.contains('Σ') {
        // Lower-cased as a whole word: a final sigma becomes ς.
        push_letters_key(word.to_lowercase().nfd(), primary)
    } else {
        push_letters_key(word.chars().flat_map(char::to_lowercase).nfd(), primary)
    }
}

/// The letters of one decomposed, lower-cased word with their vowel modifiers, as weights;
/// returns the tone.
fn push_letters_key(chars: impl Iterator<Item = char>, primary: &mut String) -> u8 {
    let mut tone = 0;
    // The last letter waits: a modifier that follows may still change it.
    let mut last: Option<char> = None;
    for c in chars {
        if let Some(t) = tone_weight(c) {
            tone = t;
        } else if unicode_normalization::char::is_combining_mark(c) {
            // breve, circumflex and horn make new letters: recompose with the previous one.
            last = last.map(|prev| unicode_normalization::char::compose(prev, c).unwrap_or(prev));
        } else {
            if let Some(prev) = last {
                push_letter(prev, primary);
            }
            last = Some(c);
        }
    }
    if let Some(prev) = last {
        push_letter(prev, primary);
    }
    primary.push('!');
    tone
}

fn push_letter(c: char, primary: &mut String) {
    match ALPHABET.iter().position(|&a| a == c) {
        // Two bytes per letter keep every weight in printable ASCII above the separators.
        Some(i) => primary.push((b'A' + i as u8) as char),
        None if c.is_ascii_alphanumeric() => {
            primary.push('a');
            primary.push(c);
        }
        None => {}
    }
}

/// A byte-comparable key that sorts names as a Vietnamese list does: by given name (tên, the
/// last word, with its tone) first, then by the whole name; letters before tones, tones in
/// dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng).
pub fn sort_key(full_name: &str) -> String {
    let mut primary = String::with_capacity(2 * full_name.len() + 8);
    let mut secondary = String::new();
    let mut given = 0..0;
    let mut given_tone = 0;
    if let Some(word) = full_name.split_whitespace().next_back() {
        given_tone = push_word_key(word, &mut primary);
        given = 0..primary.len();
        primary.push((b'0' + given_tone) as char);
    }
    primary.push(' ');
    let mut words = full_name.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let tone = if words.peek().is_none() {
            // The given name again: its key is already there.
            primary.extend_from_within(given.clone());
            given_tone
        } else {
            push_word_key(word, &mut primary)
        };
        secondary.push((b'0' + tone) as char);
    }
    primary.push(' ');
    primary.push_str(&secondary);
    primary
}

/// A whole number the Vietnamese way, exact at any size: 1234567 → "1.234.567", -1500 → "-1.500".
pub fn format_integer_vi(n: i128) -> String {
    let digits = group_digits(&n.unsigned_abs().to_string());
    if n < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// "1234567" → "1.234.567": the one grouping of thousands.
fn group_digits(int: &str) -> String {
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    grouped
}

/// A number the Vietnamese way: decimal comma, dot for thousands ("2,9", "100.000", "95,18").
pub fn format_number_vi(x: f64) -> String {
    let neg = x < 0.0;
    let s = format!("{}", (x.abs() * 1e6).round() / 1e6);
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let grouped = group_digits(int);
    let mut out = if neg { format!("-{grouped}") } else { grouped };
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_grouped_exactly_at_any_size() {
        assert_eq!(format_integer_vi(0), "0");
        assert_eq!(format_integer_vi(999), "999");
        assert_eq!(format_integer_vi(1_500_000), "1.500.000");
        assert_eq!(format_integer_vi(-1_500), "-1.500");
        // Past 2^53, where an f64 would round: every digit kept.
        assert_eq!(
            format_integer_vi(1_000_000_000_000_000_001),
            "1.000.000.000.000.000.001"
        );
    }

    #[test]
    fn folds_diacritics_case_and_d() {
        assert_eq!(fold("Nguyễn Thị Ánh"), "nguyen thi anh");
        assert_eq!(fold("Giàng A Páo"), "giang a pao");
        assert_eq!(fold("Đặng Văn Đức"), "dang van duc");
        assert_eq!(fold("  H'Mông -- Sùng  "), "hmong sung");
        assert_eq!(fold("ĐẶNG"), "dang");
    }

    /// Folding as first written: over the whole string's NFD.
    fn fold_nfd(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut pending_space = false;
        for c in s.nfd() {
            if unicode_normalization::char::is_combining_mark(c) || c == '\'' || c == '’' {
                continue;
            }
            let c = match c {
                'đ' | 'Đ' => 'd',
                _ => c,
            };
            if c.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.extend(c.to_lowercase());
            } else {
                pending_space = true;
            }
        }
        out
    }

    #[test]
    fn folding_char_by_char_is_folding_the_nfd() {
        use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            // What makes decomposing char by char enough: NFD reorders only characters of a
            // non-zero combining class, and folding drops all of them.
            assert!(
                canonical_combining_class(c) == 0 || is_combining_mark(c),
                "{c:?}"
            );
            let s = format!("x{c}y {c}");
            assert_eq!(fold(&s), fold_nfd(&s), "{c:?}");
        }
        // Mixed text, with marks given apart and out of order.
        let parts = [
            "a",
            "Đ",
            "đặng",
            "Ả",
            "\u{301}",
            "\u{323}\u{302}",
            "\u{302}\u{323}",
            "ư",
            "'",
            "’",
            " ",
            "-",
            "  ",
            "H'Mông",
            "ǅ",
            "İ",
            "ß",
            "한",
            "\u{1100}\u{1161}",
            "Ω",
            "９",
            "x\u{338}",
            "\u{5b0}\u{5b1}",
            "Ⅻ",
            "ﬁ",
            "3",
        ];
        let mut seed = 7u64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..6 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            assert_eq!(fold(&s), fold_nfd(&s), "{s:?}");
        }
    }

    /// The sort key as first written, word by word through a lower-cased copy.
    fn sort_key_reference(full_name: &str) -> String {
        fn letters_and_tone(word: &str) -> (Vec<char>, u8) {
            let mut letters: Vec<char> = Vec::new();
            let mut tone = 0;
            for c in word.to_lowercase().nfd() {
                if let Some(t) = tone_weight(c) {
                    tone = t;
                    continue;
                }
                if unicode_normalization::char::is_combining_mark(c) {
                    if let Some(prev) = letters.pop() {
                        let composed =
                            unicode_normalization::char::compose(prev, c).unwrap_or(prev);
                        letters.push(composed);
                    }
                    continue;
                }
                letters.push(c);
            }
            (letters, tone)
        }
        fn push_word_key(word: &str, primary: &mut String, secondary: &mut String) {
            let (letters, tone) = letters_and_tone(word);
            for c in letters {
                match ALPHABET.iter().position(|&a| a == c) {
                    Some(i) => primary.push((b'A' + i as u8) as char),
                    None if c.is_ascii_alphanumeric() => {
                        primary.push('a');
                        primary.push(c);
                    }
                    None => {}
                }
            }
            primary.push('!');
            secondary.push((b'0' + tone) as char);
        }
        let words: Vec<&str> = full_name.split_whitespace().collect();
        let mut primary = String::new();
        if let Some(given) = words.last() {
            let mut tone = String::new();
            push_word_key(given, &mut primary, &mut tone);
            primary.push_str(&tone);
        }
        primary.push(' ');
        let mut secondary = String::new();
        for w in &words {
            push_word_key(w, &mut primary, &mut secondary);
        }
        primary.push(' ');
        primary.push_str(&secondary);
        primary
    }

    #[test]
    fn sort_key_is_the_reference_sort_key() {
        let parts = [
            "Giàng",
            "A",
            "Páo",
            "THỊ",
            "Đặng",
            "đức",
            "Ơn",
            "ư",
            "Ệ",
            "e\u{302}\u{323}",
            "e\u{323}\u{302}",
            "o\u{31b}\u{302}",
            "o\u{302}\u{31b}",
            "a\u{306}\u{301}",
            "\u{301}",
            "ΣΑΣ",
            "Σ",
            "x'y",
            "H'Mông",
            "Nguyễn",
            "9",
            "İ",
            "ß",
            "Ω",
            "ﬁ",
            "한",
            "-",
            "Lò",
            "fjwz",
            "Ǆ",
            "Ⅻ",
        ];
        let seps = [" ", "  ", "", "\t", " - "];
        let mut seed = 11u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..50_000 {
            let mut s = String::new();
            for _ in 0..=next(5) {
                s.push_str(parts[next(parts.len())]);
                s.push_str(seps[next(seps.len())]);
            }
            assert_eq!(sort_key(&s), sort_key_reference(&s), "{s:?}");
        }
        for s in ["", " ", "A", "Giàng A Páo", "Lý Thị Ánh "] {
            assert_eq!(sort_key(s), sort_key_reference(s), "{s:?}");
        }
    }

    #[test]
    fn sorts_by_given_name_then_vietnamese_letters_and_tones() {
        let expected = [
            "Hoàng Thị Anh",
            "Lý Thị Ánh",
            "Lò Văn Ân",
            "Nguyễn Văn Dũng",
            "Đặng Văn Đức",
            "Vàng Thị Ơn",
            "Sùng A Pao",
            "Giàng A Páo",
        ];
        let mut names = expected.to_vec();
        names.reverse();
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, expected);
    }
}
