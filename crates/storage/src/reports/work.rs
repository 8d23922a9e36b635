//! The period's records counted for a report's sections and the dashboard
//! ([`treem_domain::report::WorkCounts`]): counts and sums only, never a name or an id, so
//! nothing here is a read of personal data (not audited); the words are the domain's.
use crate::error::StorageResult;
use sqlx::{Any, Row, Transaction};
use treem_domain::activity::{ActivityKind, Answer, Occasion};
use treem_domain::budget::FundingSource;
use treem_domain::hazard::HazardStatus;
use treem_domain::indicator::Period;
use treem_domain::report::{ActivityTally, BudgetTally, SupportTally, WorkCounts};
use treem_domain::role::Role;

async fn one(
    tx: &mut Transaction<'_, Any>,
    sql: &str,
    binds: &[String],
) -> StorageResult<Vec<i64>> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b.clone());
    }
    let row = q.fetch_one(&mut **tx).await?;
    (0..row.len())
        .map(|i| Ok(row.try_get::<Option<i64>, _>(i)?.unwrap_or(0)))
        .collect()
}

fn n(v: i64) -> u64 {
    v.max(0) as u64
}

/// The counts of `period`'s records (the budget's planned amounts: of the year the period
/// ends in).
pub(super) async fn counts(
    tx: &mut Transaction<'_, Any>,
    period: Period,
) -> StorageResult<WorkCounts> {
    let (a, b) = (period.start.to_string(), period.end.to_string());
    let ab = [a.clone(), b.clone()];
    let mut c = WorkCounts {
        period: Some(period),
        ..WorkCounts::default()
    };
    c.support_children = n(one(
        tx,
        "SELECT COUNT(DISTINCT child_id) FROM support_record WHERE date >= $1 AND date <= $2",
        &ab,
    )
    .await?[0]);
    let rows = sqlx::query(
        "SELECT kind, COUNT(*) AS given, CAST(COALESCE(SUM(value_vnd), 0) AS BIGINT) AS value \
         FROM support_record WHERE date >= $1 AND date <= $2 GROUP BY kind ORDER BY kind",
    )
    .bind(&a)
    .bind(&b)
    .fetch_all(&mut **tx)
    .await?;
    for r in rows {
        c.supports.push(SupportTally {
            kind: r.try_get("kind")?,
            given: n(r.try_get("given")?),
            value: r.try_get::<Option<i64>, _>("value")?.unwrap_or(0),
        });
    }
    let d = one(
        tx,
        "SELECT COUNT(*), CAST(COALESCE(SUM(child_count), 0) AS BIGINT) FROM support_distribution \
         WHERE date >= $1 AND date <= $2",
        &ab,
    )
    .await?;
    (c.distributions, c.distribution_children) = (n(d[0]), n(d[1]));
    c.disasters = n(one(
        tx,
        "SELECT COUNT(*) FROM disaster WHERE date >= $1 AND date <= $2",
        &ab,
    )
    .await?[0]);
    let sql = format!(
        "SELECT COUNT(*), COUNT(dc.helped_on) FROM disaster_child dc \
         JOIN disaster d ON d.id = dc.disaster_id{} WHERE d.date >= $1 AND d.date <= $2",
        crate::Db::same_in(tx, "d", "dc")
    );
    let d = one(tx, &sql, &ab).await?;
    (c.disaster_children, c.disaster_helped) = (n(d[0]), n(d[1]));
    let m = one(
        tx,
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN prevented <> 0 THEN 1 ELSE 0 END), 0) \
         AS BIGINT) FROM child_marriage WHERE date >= $1 AND date <= $2",
        &ab,
    )
    .await?;
    (c.marriages, c.marriages_prevented) = (n(m[0]), n(m[1]));
    let year_ago = |d: treem_domain::Date| {
        d.checked_sub(jiff::Span::new().years(1))
            .unwrap_or(d)
            .to_string()
    };
    c.marriages_last_year = n(one(
        tx,
        "SELECT COUNT(*) FROM child_marriage WHERE date >= $1 AND date <= $2",
        &[year_ago(period.start), year_ago(period.end)],
    )
    .await?[0]);
    let d = one(
        tx,
        "SELECT COUNT(*), COUNT(DISTINCT child_id) FROM disability_record \
         WHERE date >= $1 AND date <= $2",
        &ab,
    )
    .await?;
    (c.disability_followups, c.disability_children) = (n(d[0]), n(d[1]));
    let rows = sqlx::query(&format!(
        "SELECT a.kind, a.occasion, u.role, COUNT(*) AS n, \
         CAST(COALESCE(SUM(a.girls), 0) AS BIGINT) AS girls, \
         CAST(COALESCE(SUM(a.boys), 0) AS BIGINT) AS boys, \
         CAST(COALESCE(SUM(a.total), 0) AS BIGINT) AS total, \
         CAST(COALESCE(SUM(a.adults), 0) AS BIGINT) AS adults, \
         CAST(COALESCE(SUM(a.materials), 0) AS BIGINT) AS materials \
         FROM activity a LEFT JOIN app_user u ON u.id = a.recorded_by{} \
         WHERE a.date >= $1 AND a.date <= $2 GROUP BY a.kind, a.occasion, u.role \
         ORDER BY a.kind, a.occasion, u.role",
        crate::Db::same_in(tx, "u", "a")
    ))
    .bind(&a)
    .bind(&b)
    .fetch_all(&mut **tx)
    .await?;
    for r in rows {
        let kind: String = r.try_get("kind")?;
        let Some(kind) = ActivityKind::parse(&kind) else {
            continue;
        };
        let occasion: Option<String> = r.try_get("occasion")?;
        let role: Option<String> = r.try_get("role")?;
        c.activities.push(ActivityTally {
            kind,
            occasion: occasion.as_deref().and_then(Occasion::parse),
            recorded_by: role.as_deref().and_then(|x| x.parse::<Role>().ok()),
            count: n(r.try_get("n")?),
            girls: n(r.try_get("girls")?),
            boys: n(r.try_get("boys")?),
            total: n(r.try_get("total")?),
            adults: n(r.try_get("adults")?),
            materials: n(r.try_get("materials")?),
        });
    }
    let rows = sqlx::query(&format!(
        "SELECT r.answer, COUNT(*) AS n FROM activity_recommendation r \
         JOIN activity a ON a.id = r.activity_id{} \
         WHERE a.date >= $1 AND a.date <= $2 GROUP BY r.answer ORDER BY r.answer",
        crate::Db::same_in(tx, "a", "r")
    ))
    .bind(&a)
    .bind(&b)
    .fetch_all(&mut **tx)
    .await?;
    for r in rows {
        let answer: String = r.try_get("answer")?;
        if let Some(x) = Answer::parse(&answer) {
            c.recommendations.push((x, n(r.try_get("n")?)));
        }
    }
    let h = one(
        tx,
        "SELECT CAST(COALESCE(SUM(CASE WHEN status = $1 THEN 0 ELSE 1 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN status = $1 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM hazard_site",
        &[HazardStatus::Fixed.code().to_string()],
    )
    .await?;
    (c.hazards_open, c.hazards_fixed) = (n(h[0]), n(h[1]));
    c.hazard_inspections = n(one(
        tx,
        "SELECT COUNT(*) FROM hazard_inspection WHERE date >= $1 AND date <= $2",
        &ab,
    )
    .await?[0]);
    // The plan year is the one the period ends in (a six-month period may start in December).
    let year = i64::from(period.end.year());
    let planned = sqlx::query(
        "SELECT source, CAST(COALESCE(SUM(planned), 0) AS BIGINT) AS amount FROM budget_line \
         WHERE year = $1 GROUP BY source",
    )
    .bind(year)
    .fetch_all(&mut **tx)
    .await?;
    let spent = sqlx::query(&format!(
        "SELECT l.source, CAST(COALESCE(SUM(s.amount), 0) AS BIGINT) AS amount \
         FROM budget_spending s JOIN budget_line l ON l.id = s.line_id{} \
         WHERE l.year = $1 AND s.date >= $2 AND s.date <= $3 GROUP BY l.source",
        crate::Db::same_in(tx, "l", "s")
    ))
    .bind(year)
    .bind(&a)
    .bind(&b)
    .fetch_all(&mut **tx)
    .await?;
    for (rows, is_plan) in [(planned, true), (spent, false)] {
        for r in rows {
            let source: String = r.try_get("source")?;
            let amount: i64 = r.try_get::<Option<i64>, _>("amount")?.unwrap_or(0);
            let Some(s) = FundingSource::parse(&source) else {
                continue;
            };
            let i = match c.budget.iter().position(|x| x.source == s) {
                Some(i) => i,
                None => {
                    c.budget.push(BudgetTally {
                        source: s,
                        planned: 0,
                        spent: 0,
                    });
                    c.budget.len() - 1
                }
            };
            if is_plan {
                c.budget[i].planned += amount;
            } else {
                c.budget[i].spent += amount;
            }
        }
    }
    Ok(c)
}
