//! A deterministic PRNG (SplitMix64) and mutations for CSV-like input: bit
//! flips, byte insertions and deletions, chunk copies, splices of two
//! inputs, and CSV-aware edits (quotes, commas, line breaks, a byte-order
//! mark, invalid UTF-8, huge numbers, impossible dates such as 29/02/2023,
//! a field replaced, a line duplicated or dropped). The same seed gives the
//! same mutations, so a smoke run's failure is reproducible.

/// SplitMix64: small, fast and good enough to choose mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // n fits in u64 on every platform Rust supports; the result is < n.
        (self.next_u64() % n as u64) as usize
    }

    /// One of `items`; `None` when there are none.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

/// Pieces that break CSV readers and the values in their cells.
pub const FRAGMENTS: &[&[u8]] = &[
    b",",
    b",,",
    b"\"",
    b"\"\"",
    b"\",\"",
    b"\n",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFF",
    b"\xC3",
    b"\xE2\x82",
    b"\xED\xA0\x80",
    b"\0",
    b"\t",
    b" ",
    "\u{a0}".as_bytes(),
    "\u{2028}".as_bytes(),
    "ß".as_bytes(),
    "ǅ".as_bytes(),
    "İ".as_bytes(),
    "ﬃ".as_bytes(),
    "é".as_bytes(),
    "👍".as_bytes(),
    b"0",
    b"-1",
    b"-0",
    b"+1",
    b"00",
    b"255",
    b"256",
    b"65536",
    b"2147483647",
    b"2147483648",
    b"-2147483649",
    b"4294967296",
    b"9223372036854775807",
    b"9223372036854775808",
    b"-9223372036854775808",
    b"99999999999999999999999999999",
    b"1e308",
    b"NaN",
    b"0.001",
    b"1,234.56",
    b"1.005",
    b"-0.01",
    b"\xC2\xA31,000.00",
    b"29/02/2023",
    b"29/02/2024",
    b"31/04/2025",
    b"00/00/0000",
    b"01/01/0000",
    b"01/01/0001",
    b"31/12/9999",
    b"01/04/2025",
    b"31/03/2026",
    b"1/1/2026",
    b"01/13/2026",
    b"2023-02-29",
    b"2024-02-29",
    b"9999-12-31",
    b"0000-01-01",
    b"-9999-01-01",
    b"+10000-01-01",
    b"2026-04-01",
    b"== ",
    b"== prev episodes\n",
    b"== episodes\n",
    b"== header\n",
    b"year 2027\n",
    b"null",
    b"true",
    b"[]",
    b"{}",
    b"[{",
    b"\"\":",
];

/// The words of some inputs (the runs between separators), for mutations
/// that insert a column name or code the target knows.
pub fn dictionary(inputs: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut words: Vec<Vec<u8>> = inputs
        .iter()
        .flat_map(|input| input.split(|b| b",\"\r\n:{}[]".contains(b)))
        .filter(|w| !w.is_empty() && w.len() <= 40)
        .map(<[u8]>::to_vec)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The longest input a mutation makes.
pub const MAX_LEN: usize = 64 * 1024;

/// One to four stacked mutations of `input`; `other` is spliced from and
/// `words` inserted.
pub fn mutate(input: &[u8], other: &[u8], words: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        once(&mut out, other, words, rng);
    }
    out.truncate(MAX_LEN);
    out
}

fn once(out: &mut Vec<u8>, other: &[u8], words: &[Vec<u8>], rng: &mut Rng) {
    let at = rng.below(out.len() + 1);
    match rng.below(13) {
        0 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] ^= 1 << rng.below(8);
        }
        1 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] = rng.next_u64().to_le_bytes()[0];
        }
        2 => out.insert(at, rng.next_u64().to_le_bytes()[0]),
        3 => {
            let end = (at + 1 + rng.below(16)).min(out.len());
            out.drain(at.min(end)..end);
        }
        4 => {
            // Copy a chunk of the input elsewhere in it.
            let start = rng.below(out.len());
            let end = (start + 1 + rng.below(64)).min(out.len());
            let chunk = out[start.min(end)..end].to_vec();
            let to = rng.below(out.len() + 1);
            out.splice(to..to, chunk);
        }
        5 | 6 => {
            let fragment = rng.pick(FRAGMENTS).copied().unwrap_or(b",");
            out.splice(at..at, fragment.iter().copied());
        }
        7 => {
            if let Some(word) = rng.pick(words) {
                out.splice(at..at, word.iter().copied());
            }
        }
        8 => replace_field(out, words, rng),
        9 => line_edit(out, rng),
        10 => {
            // Splice: this input's head, the other's tail.
            let from = rng.below(other.len() + 1);
            out.truncate(at);
            out.extend_from_slice(&other[from..]);
        }
        11 => {
            // A long run, for quadratic behaviour and length limits.
            let fragment = rng.pick(FRAGMENTS).copied().unwrap_or(b",");
            let times = 1 + rng.below(512);
            let run: Vec<u8> = fragment.iter().copied().cycle().take(fragment.len() * times).collect();
            out.splice(at..at, run);
        }
        _ => {
            if rng.below(2) == 0 {
                out.splice(0..0, b"\xEF\xBB\xBF".iter().copied());
            } else if !out.is_empty() {
                // Cut at a random point, as a truncated upload would be.
                out.truncate(rng.below(out.len()));
            }
        }
    }
}

/// Replaces the text between two separators with a fragment or a word.
fn replace_field(out: &mut Vec<u8>, words: &[Vec<u8>], rng: &mut Rng) {
    if out.is_empty() {
        return;
    }
    let i = rng.below(out.len());
    let is_separator = |b: &u8| matches!(b, b',' | b'\n' | b'\r');
    let start = out[..i].iter().rposition(is_separator).map_or(0, |p| p + 1);
    let end = out[i..].iter().position(is_separator).map_or(out.len(), |p| i + p);
    let replacement: Vec<u8> = if rng.below(2) == 0 {
        rng.pick(FRAGMENTS).copied().unwrap_or(b"").to_vec()
    } else {
        rng.pick(words).cloned().unwrap_or_default()
    };
    out.splice(start..end, replacement);
}

/// Duplicates, drops or swaps whole lines.
fn line_edit(out: &mut Vec<u8>, rng: &mut Rng) {
    let mut lines: Vec<Vec<u8>> = out.split_inclusive(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    if lines.is_empty() {
        return;
    }
    let i = rng.below(lines.len());
    match rng.below(3) {
        0 => {
            let line = lines[i].clone();
            lines.insert(rng.below(lines.len() + 1), line);
        }
        1 => {
            lines.remove(i);
        }
        _ => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
        }
    }
    *out = lines.concat();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_mutations() {
        let words = dictionary(&[b"CHILD,DOB\nC1,01/01/2020\n".to_vec()]);
        assert!(words.contains(&b"CHILD".to_vec()));
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..200)
                .map(|_| mutate(b"a,b\n1,2\n", b"x,\"y\"\n", &words, &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        assert!(run(7).iter().all(|m| m.len() <= MAX_LEN));
    }
}
