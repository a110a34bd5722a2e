//! Finding people by name when the spelling is uncertain.
//!
//! Names are misspelt and reordered in referrals ("Mohammed Ali" for "Ali,
//! Muhammad"). Two tools help: [`name_keys`], Soundex codes stored with each
//! record so the database can shortlist candidates, and [`similarity`], a
//! Jaro–Winkler score that ranks the shortlist, taking the query's words in
//! any order.

/// The Soundex code of one word, e.g. "Robert" → "R163".
pub fn soundex(word: &str) -> Option<String> {
    let letters: Vec<char> = word
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let first = *letters.first()?;
    let digit = |c: char| match c {
        'B' | 'F' | 'P' | 'V' => '1',
        'C' | 'G' | 'J' | 'K' | 'Q' | 'S' | 'X' | 'Z' => '2',
        'D' | 'T' => '3',
        'L' => '4',
        'M' | 'N' => '5',
        'R' => '6',
        'H' | 'W' => '-',
        _ => '0',
    };
    let mut code = String::from(first);
    let mut last = digit(first);
    for c in letters.into_iter().skip(1) {
        let d = digit(c);
        if d == '-' {
            continue;
        }
        if d != '0' && d != last {
            code.push(d);
            if code.len() == 4 {
                break;
            }
        }
        last = d;
    }
    while code.len() < 4 {
        code.push('0');
    }
    Some(code)
}

/// Space-separated Soundex codes of every word in the names, stored with
/// the record for shortlisting.
pub fn name_keys(given_names: &str, family_name: &str) -> String {
    let mut keys: Vec<String> = given_names
        .split(|c: char| c.is_whitespace() || c == '-')
        .chain(family_name.split(|c: char| c.is_whitespace() || c == '-'))
        .filter_map(soundex)
        .collect();
    keys.sort();
    keys.dedup();
    format!(" {} ", keys.join(" "))
}

/// Jaro–Winkler similarity of two words, 0.0 to 1.0, case-insensitive.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_matched = vec![false; a.len()];
    let mut b_matched = vec![false; b.len()];
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let low = i.saturating_sub(window);
        let high = (i + window + 1).min(b.len());
        for j in low..high {
            if !b_matched[j] && b[j] == *ca {
                a_matched[i] = true;
                b_matched[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_order: Vec<char> = a.iter().zip(&a_matched).filter(|(_, m)| **m).map(|(c, _)| *c).collect();
    let b_order: Vec<char> = b.iter().zip(&b_matched).filter(|(_, m)| **m).map(|(c, _)| *c).collect();
    let transpositions = a_order.iter().zip(&b_order).filter(|(x, y)| x != y).count() / 2;
    let m = matches as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0;
    let prefix = a.iter().zip(&b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

/// How well `query` matches a person's names, 0.0 to 1.0: each query word
/// is matched to its best name word, in any order, and the scores averaged.
pub fn similarity(query: &str, given_names: &str, family_name: &str) -> f64 {
    let words: Vec<&str> = given_names.split_whitespace().chain(family_name.split_whitespace()).collect();
    let query_words: Vec<&str> = query.split_whitespace().collect();
    if query_words.is_empty() || words.is_empty() {
        return 0.0;
    }
    let total: f64 = query_words
        .iter()
        .map(|q| words.iter().map(|w| jaro_winkler(q, w)).fold(0.0, f64::max))
        .sum();
    total / query_words.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soundex_matches_the_classic_examples() {
        assert_eq!(soundex("Robert").as_deref(), Some("R163"));
        assert_eq!(soundex("Rupert").as_deref(), Some("R163"));
        assert_eq!(soundex("Ashcraft").as_deref(), Some("A261"));
        assert_eq!(soundex("Tymczak").as_deref(), Some("T522"));
        assert_eq!(soundex("Mohammed"), soundex("Muhammad"));
        assert_eq!(soundex("123"), None);
    }

    #[test]
    fn keys_hold_every_name_word() {
        assert_eq!(name_keys("Ava Rose", "Smith-Jones"), " A100 J520 R200 S530 ");
    }

    #[test]
    fn misspelt_and_reordered_names_still_match() {
        assert!(similarity("smith ava", "Ava", "Smith") > 0.99);
        assert!(similarity("Muhammad Aly", "Mohammed", "Ali") > 0.8);
        assert!(similarity("Smyth", "Ava", "Smith") > 0.85);
        assert!(similarity("Jones", "Ava", "Smith") < 0.7);
    }
}
