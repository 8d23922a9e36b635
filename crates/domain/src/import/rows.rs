//! The rows of a file read for an import (các dòng của tệp nhập), as text cells held in one
//! buffer.
//!
//! A million rows of nine cells held as `Vec<Vec<String>>` are nine million allocations, about
//! 530 bytes a row; here they are three, about 150 bytes a row, and freed at once.

/// A file's rows after its header, every cell's text one after the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    text: String,
    /// Where each cell ends in `text`, row after row.
    ends: Vec<u32>,
    /// Where each row's cells begin in `ends`, and one more for the end of the last row.
    starts: Vec<u32>,
}

/// More text than the offsets of [`Rows`] can hold (4 GiB): a file past every import's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl Default for Rows {
    fn default() -> Self {
        Rows {
            text: String::new(),
            ends: Vec::new(),
            starts: vec![0],
        }
    }
}

impl Rows {
    pub fn new() -> Rows {
        Rows::default()
    }

    /// Adds a row of cells.
    pub fn push<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> Result<(), TooLarge> {
        for cell in cells {
            self.text.push_str(cell);
            let end = u32::try_from(self.text.len()).map_err(|_| TooLarge)?;
            self.ends.push(end);
        }
        let start = u32::try_from(self.ends.len()).map_err(|_| TooLarge)?;
        self.starts.push(start);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row at `i` (0 is the first after the header). Panics past the end, as a slice does.
    pub fn row(&self, i: usize) -> Row<'_> {
        Row {
            rows: self,
            first: self.starts[i] as usize,
            end: self.starts[i + 1] as usize,
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        (0..self.len()).map(|i| self.row(i))
    }
}

impl<S: AsRef<str>> FromIterator<Vec<S>> for Rows {
    /// Rows from their cells (tests and small tables; a file's are pushed as they are read).
    fn from_iter<I: IntoIterator<Item = Vec<S>>>(iter: I) -> Rows {
        let mut rows = Rows::new();
        for r in iter {
            rows.push(r.iter().map(AsRef::as_ref))
                .expect("rows built in memory are far below 4 GiB");
        }
        rows
    }
}

/// One row of [`Rows`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    rows: &'a Rows,
    /// Its cells' places in `rows.ends`.
    first: usize,
    end: usize,
}

impl<'a> Row<'a> {
    /// The number of cells the file gave this row.
    pub fn len(&self) -> usize {
        self.end - self.first
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text of cell `i`, `None` past the row's last cell.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let k = self.first + i;
        if k >= self.end {
            return None;
        }
        let ends = &self.rows.ends;
        let from = if k == 0 { 0 } else { ends[k - 1] as usize };
        Some(&self.rows.text[from..ends[k] as usize])
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + 'a {
        let row = *self;
        (0..row.len()).filter_map(move |i| row.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_as_written_with_rows_of_any_length() {
        let written = vec![
            vec!["Giàng A Sùng", "", "Nam"],
            vec![],
            vec![""],
            vec!["Lù Thị Mỷ", "SP02"],
        ];
        let rows: Rows = written.clone().into_iter().collect();
        assert_eq!(rows.len(), 4);
        for (i, want) in written.iter().enumerate() {
            let row = rows.row(i);
            assert_eq!(row.len(), want.len());
            assert_eq!(row.iter().collect::<Vec<_>>(), *want);
            assert_eq!(row.get(want.len()), None);
        }
        assert_eq!(rows.row(3).get(1), Some("SP02"));
        assert!(Rows::new().is_empty());
    }
}
