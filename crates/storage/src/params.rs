//! Dynamic parameters for queries built at run time, and batched multi-row inserts.
use crate::db::Backend;
use crate::error::StorageResult;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Transaction};

#[derive(Debug, Clone)]
pub(crate) enum P {
    I(Option<i64>),
    F(Option<f64>),
    S(Option<String>),
}

impl From<i64> for P {
    fn from(v: i64) -> Self {
        P::I(Some(v))
    }
}
impl From<Option<i64>> for P {
    fn from(v: Option<i64>) -> Self {
        P::I(v)
    }
}
impl From<Option<f64>> for P {
    fn from(v: Option<f64>) -> Self {
        P::F(v)
    }
}
impl From<String> for P {
    fn from(v: String) -> Self {
        P::S(Some(v))
    }
}
impl From<&str> for P {
    fn from(v: &str) -> Self {
        P::S(Some(v.to_string()))
    }
}
impl From<Option<String>> for P {
    fn from(v: Option<String>) -> Self {
        P::S(v)
    }
}

pub(crate) fn bind_all<'q>(
    mut q: Query<'q, Any, AnyArguments<'q>>,
    params: Vec<P>,
) -> Query<'q, Any, AnyArguments<'q>> {
    for p in params {
        q = match p {
            P::I(v) => q.bind(v),
            P::F(v) => q.bind(v),
            P::S(v) => q.bind(v),
        };
    }
    q
}

/// Collects parameters and hands out `$n` placeholders in order.
#[derive(Default, Clone)]
pub(crate) struct Params(pub Vec<P>);

impl Params {
    pub fn push(&mut self, p: impl Into<P>) -> String {
        self.0.push(p.into());
        format!("${}", self.0.len())
    }

    /// `column` is one of `ids`, bound as one parameter whatever their number: the statement's
    /// text stays the same, so PostgreSQL plans it once per connection and keeps the plan. A
    /// list written into the text was planned anew every time (3–13 ms over eight partitions,
    /// longer than the query ran) and filled the connection's statement cache with statements
    /// never used again.
    pub fn among_ids(&mut self, backend: Backend, column: &str, ids: &[i64]) -> String {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        match backend {
            Backend::Postgres => format!(
                "{column} = ANY(CAST(string_to_array({}, ',') AS BIGINT[]))",
                self.push(list)
            ),
            Backend::Sqlite => format!(
                "{column} IN (SELECT value FROM json_each({}))",
                self.push(format!("[{list}]"))
            ),
        }
    }
}

/// Parameters per multi-row `INSERT` ([`crate::Tuning::insert_params`], default 30,000:
/// below SQLite's 32,766 and PostgreSQL's 65,535).
pub(crate) fn max_params() -> usize {
    crate::tuning().insert_params
}

/// Inserts many rows with as few statements as the parameter limits allow.
pub(crate) async fn insert_many(
    tx: &mut Transaction<'_, Any>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<P>>,
) -> StorageResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let per_stmt = (max_params() / columns.len()).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<P>> = rows.by_ref().take(per_stmt).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        // SQLite looks named parameters up by a linear scan, so thousands of `$n` in one
        // statement cost quadratic time; anonymous `?` are bound by position.
        let anonymous = tx.backend_name() == "SQLite";
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                if anonymous {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
            sql.push(')');
        }
        let params: Vec<P> = chunk.into_iter().flatten().collect();
        bind_all(sqlx::query(&sql), params)
            .persistent(false)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
