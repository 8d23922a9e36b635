//! The register children behind a figure (trẻ được đếm), kept small: a dashboard keeps its
//! figures, and at a million children a figure's ids as eight bytes each took 46 MB a date.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Children's ids, ascending, each once: stored as the gap from the one before, in as few
/// bytes as the gap needs (seven bits a byte, LEB128). A commune's children are numbered nearly
/// in a row, so a gap is one byte: a million ids in about a megabyte.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ChildIds {
    gaps: Vec<u8>,
    len: usize,
}

impl ChildIds {
    /// The ids given, sorted and each once.
    pub fn new(mut ids: Vec<i64>) -> ChildIds {
        ids.sort_unstable();
        ids.dedup();
        let mut gaps = Vec::with_capacity(ids.len());
        let mut prev = 0i64;
        for id in &ids {
            // Ascending from 0 or below: the gap as an unsigned number never wraps back.
            let mut gap = id.wrapping_sub(prev) as u64;
            prev = *id;
            loop {
                let byte = (gap & 0x7f) as u8;
                gap >>= 7;
                if gap == 0 {
                    gaps.push(byte);
                    break;
                }
                gaps.push(byte | 0x80);
            }
        }
        gaps.shrink_to_fit();
        ChildIds {
            gaps,
            len: ids.len(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ids, ascending.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        let mut bytes = self.gaps.iter();
        let mut prev = 0i64;
        std::iter::from_fn(move || {
            let mut gap = 0u64;
            let mut shift = 0;
            loop {
                let b = *bytes.next()?;
                gap |= u64::from(b & 0x7f) << shift;
                if b & 0x80 == 0 {
                    break;
                }
                shift += 7;
            }
            prev = prev.wrapping_add(gap as i64);
            Some(prev)
        })
    }

    pub fn to_vec(&self) -> Vec<i64> {
        let mut v = Vec::with_capacity(self.len);
        v.extend(self.iter());
        v
    }

    pub fn contains(&self, id: i64) -> bool {
        self.iter().take_while(|x| *x <= id).any(|x| x == id)
    }
}

impl From<Vec<i64>> for ChildIds {
    fn from(ids: Vec<i64>) -> Self {
        ChildIds::new(ids)
    }
}

impl FromIterator<i64> for ChildIds {
    fn from_iter<I: IntoIterator<Item = i64>>(ids: I) -> Self {
        ChildIds::new(ids.into_iter().collect())
    }
}

impl PartialEq<Vec<i64>> for ChildIds {
    fn eq(&self, other: &Vec<i64>) -> bool {
        self.len == other.len() && self.iter().eq(other.iter().copied())
    }
}

impl fmt::Debug for ChildIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Written and read as the list of ids, as before.
impl Serialize for ChildIds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for ChildIds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<i64>::deserialize(d).map(ChildIds::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_back_ascending_and_once_whatever_their_gaps() {
        let ids = vec![5, 1, 3, 3, 200, 1 << 20, (1 << 40) + 7, i64::MAX, 0, -4];
        let kept = ChildIds::new(ids.clone());
        let mut want = ids;
        want.sort_unstable();
        want.dedup();
        assert_eq!(kept.to_vec(), want);
        assert_eq!(kept.len(), want.len());
        assert!(kept.contains(200) && !kept.contains(4));
        assert!(ChildIds::default().is_empty());
    }

    #[test]
    fn a_commune_numbered_in_a_row_takes_a_byte_an_id() {
        let kept = ChildIds::new((1..=1_000_000).collect());
        assert_eq!(kept.len(), 1_000_000);
        assert!(kept.gaps.len() <= 1_000_001, "{} bytes", kept.gaps.len());
        assert_eq!(kept.iter().last(), Some(1_000_000));
    }

    #[test]
    fn written_as_the_list_of_ids() {
        let kept = ChildIds::new(vec![9, 2, 40]);
        let json = serde_json::to_string(&kept).unwrap();
        assert_eq!(json, "[2,9,40]");
        let back: ChildIds = serde_json::from_str(&json).unwrap();
        assert_eq!(back, kept);
        assert_eq!(back, vec![2, 9, 40]);
    }
}
