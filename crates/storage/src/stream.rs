//! The figures' bulk read on SQLite: rows stepped in place on a connection and a thread of
//! their own, copied into a few reused texts and handed on in batches.
//!
//! Aggregating slices in SQL (`group_concat`, [`crate::packed`]) makes SQLite grow each text
//! by reallocation and the driver copy it again: on a million children that was most of the
//! read. Here each row's values are read where SQLite holds them and appended once to a
//! buffer that is reused for the next batch, while another thread parses the previous one.
//! PostgreSQL keeps the aggregated read. (A SQLite database is always a file: each of the
//! pool's connections to `:memory:` would be a database of its own.)
use crate::error::{StorageError, StorageResult};
use crate::packed::US;
use rusqlite::types::{Value, ValueRef};
use std::fmt::Write;
use std::sync::mpsc;

/// About this many bytes a batch: large enough that a batch costs little, small enough to stay
/// in the cache and in memory the allocator reuses.
const BATCH: usize = 1 << 20;

/// A query's rows in batches of text: each row's columns joined by US (char 31), rows joined
/// by the `row` separator. A batch is only cut where the first column's `key` changes, so
/// that the rows of one child arrive together (the query orders by child).
struct Batches {
    rx: mpsc::Receiver<StorageResult<String>>,
    spent: mpsc::Sender<String>,
}

impl Batches {
    /// Starts reading: `path` is the SQLite file, opened read-only (read, not mapped: [`read`]).
    fn start(
        path: &str,
        sql: String,
        params: Vec<Value>,
        row: char,
        key: fn(&str) -> &str,
    ) -> Batches {
        Batches::sized(path, sql, params, row, key, BATCH)
    }

    /// As [`Batches::start`], cutting batches from `size` bytes.
    fn sized(
        path: &str,
        sql: String,
        params: Vec<Value>,
        row: char,
        key: fn(&str) -> &str,
        size: usize,
    ) -> Batches {
        // Two batches ahead at most: the reader never runs far ahead of the parser.
        let (tx, rx) = mpsc::sync_channel(2);
        let (spent, back) = mpsc::channel::<String>();
        let path = path.to_string();
        std::thread::spawn(move || {
            if let Err(e) = read(&path, &sql, &params, (row, key, size), &tx, &back) {
                let _ = tx.send(Err(e));
            }
        });
        Batches { rx, spent }
    }

    /// The next batch; `None` after the last.
    fn next_batch(&self) -> Option<StorageResult<String>> {
        self.rx.recv().ok()
    }

    /// Gives a parsed batch's buffer back to the reader to fill again.
    fn give_back(&self, batch: String) {
        let _ = self.spent.send(batch);
    }
}

/// Reads `sql`'s rows in batches ([`Batches::start`]) and hands each batch to `parse` with
/// `acc`, on threads of their own (the reader's, and one that parses while the next batch is
/// read).
pub(crate) async fn fold<A: Send + 'static>(
    path: String,
    sql: String,
    params: Vec<Value>,
    (row, key): (char, fn(&str) -> &str),
    acc: A,
    parse: impl Fn(&str, &mut A) -> StorageResult<()> + Send + 'static,
) -> StorageResult<A> {
    tokio::task::spawn_blocking(move || {
        let batches = Batches::start(&path, sql, params, row, key);
        let mut acc = acc;
        while let Some(batch) = batches.next_batch() {
            let batch = batch?;
            parse(&batch, &mut acc)?;
            batches.give_back(batch);
        }
        Ok(acc)
    })
    .await
    .map_err(|e| StorageError::Corrupt(format!("parse task: {e}")))?
}

fn read(
    path: &str,
    sql: &str,
    params: &[Value],
    (row_sep, key, size): (char, fn(&str) -> &str, usize),
    tx: &mpsc::SyncSender<StorageResult<String>>,
    back: &mpsc::Receiver<String>,
) -> StorageResult<()> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Waits for a writer's checkpoint as the pool's connections do. The file is read, not
    // mapped: a mapping counts every page read as the process's own (the figures at a million
    // children peaked at 2.0 GB resident, 1.5 GB of it the file's pages; 0.8 GB read), which
    // is worth the copy of each page (3.58 s cold against 3.36 s mapped).
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let fresh = || String::with_capacity(size + size / 4);
    let mut batch = fresh();
    let mut last_key = String::new();
    let mut number = String::new();
    while let Some(r) = rows.next()? {
        let columns = r.as_ref().column_count();
        let first = text(r.get_ref(0)?, &mut number)?;
        let k = key(first);
        if batch.len() >= size && k != last_key {
            if tx.send(Ok(batch)).is_err() {
                // The reader of the batches has stopped (an error on its side).
                return Ok(());
            }
            batch = back.try_recv().unwrap_or_else(|_| fresh());
            batch.clear();
        }
        if k != last_key {
            last_key.clear();
            last_key.push_str(k);
        }
        if !batch.is_empty() {
            batch.push(row_sep);
        }
        batch.push_str(first);
        for i in 1..columns {
            batch.push(US);
            batch.push_str(text(r.get_ref(i)?, &mut number)?);
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(Ok(batch));
    }
    Ok(())
}

/// A value as text: the stored text itself, or an integer written into `number`.
fn text<'a>(v: ValueRef<'a>, number: &'a mut String) -> StorageResult<&'a str> {
    match v {
        ValueRef::Text(t) => std::str::from_utf8(t)
            .map_err(|e| StorageError::Corrupt(format!("SQLite: text not UTF-8: {e}"))),
        ValueRef::Integer(n) => {
            number.clear();
            let _ = write!(number, "{n}");
            Ok(number.as_str())
        }
        other => Err(StorageError::Corrupt(format!(
            "SQLite: expected text, got {:?}",
            other.data_type()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows come in order, each once, and a key's rows are never split between two batches,
    /// however small the batches.
    #[test]
    fn batches_hold_every_row_in_order_and_keep_a_keys_rows_together() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (k INTEGER, v TEXT)")
            .unwrap();
        let mut expected = Vec::new();
        for k in 1..=40i64 {
            for n in 0..(k % 4) {
                let v = format!("v{k}-{n}");
                conn.execute("INSERT INTO t VALUES (?1, ?2)", (k, &v))
                    .unwrap();
                expected.push(format!("{k}\u{1f}{v}"));
            }
        }
        let path = path.to_str().unwrap();
        for size in [1, 10, 100, 1 << 20] {
            let b = Batches::sized(
                path,
                "SELECT k, v FROM t WHERE k > ?1 ORDER BY k, v".into(),
                vec![Value::Integer(0)],
                '\n',
                |k| k,
                size,
            );
            let mut rows = Vec::new();
            let mut keys_seen = std::collections::HashSet::new();
            let mut batches = 0;
            while let Some(batch) = b.next_batch() {
                let batch = batch.unwrap();
                batches += 1;
                let keys: std::collections::BTreeSet<String> = batch
                    .split('\n')
                    .map(|r| r.split(US).next().unwrap().to_string())
                    .collect();
                for k in keys {
                    assert!(
                        keys_seen.insert(k.clone()),
                        "key {k} in two batches ({size})"
                    );
                }
                rows.extend(batch.split('\n').map(str::to_string));
                b.give_back(batch);
            }
            assert_eq!(rows, expected, "batch size {size}");
            if size == 1 {
                assert_eq!(batches, 30, "one batch per key with rows");
            }
        }
        let bad = Batches::start(path, "SELECT nope FROM t".into(), vec![], '\n', |k| k);
        assert!(matches!(
            bad.next_batch(),
            Some(Err(StorageError::BulkRead(_)))
        ));
        assert!(bad.next_batch().is_none());
    }
}
