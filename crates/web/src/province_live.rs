//! The province's table from the communes' figures now (bảng tổng hợp tạm tính), on a server
//! that hosts many communes (issue 19): each commune's figures are computed in its own scope,
//! frozen as its package would be and published through the same disclosure rules — so the
//! province learns no more than a package would tell it — then laid out by the same
//! [`ProvinceTable`] as the packages received. Nothing here is approved: the page and the
//! command say «tạm tính».
//!
//! Each commune's package is kept in its own database with the stamp of the data it was made
//! from (`figures_kept`); the next table takes it as it is when the stamp, the day and the
//! program are the same, and computes again only the communes whose data changed.
use crate::error::ApiError;
use crate::{figures, reports, AppState};
use futures_util::StreamExt;
use treem_domain::indicator::Known;
use treem_domain::report::package::{Arrival, PackageContent, ProvinceTable, TrustedCommune};
use treem_domain::report::{freeze, Approval, Commune, Freezing};
use treem_domain::Date;

/// Communes computed at the same time.
const AT_ONCE: usize = 4;

/// The report the province's page opens on (its kind; the year is this year's).
pub const FIRST_KIND: &str = "six_month";

/// How often the server makes ready the table the page opens on.
pub const READY_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// One hosted commune: its code and name, and its application (its scoped store).
#[derive(Clone)]
pub struct LiveCommune {
    pub code: String,
    pub name: String,
    pub source: Source,
}

/// Where a commune's figures are computed.
#[derive(Clone)]
pub enum Source {
    /// Its application as served (its caches warm).
    App(AppState),
    /// A pool of its own opened for the computation and closed after, so that the province's
    /// table of many communes holds a few connections at a time, not a few per commune.
    Open {
        db: treem_storage::Db,
        commune: treem_storage::CommuneId,
    },
}

impl LiveCommune {
    pub fn app(code: String, name: String, state: AppState) -> LiveCommune {
        LiveCommune {
            code,
            name,
            source: Source::App(state),
        }
    }

    pub fn open(
        code: String,
        name: String,
        db: treem_storage::Db,
        commune: treem_storage::CommuneId,
    ) -> LiveCommune {
        LiveCommune {
            code,
            name,
            source: Source::Open { db, commune },
        }
    }
}

/// The table, and for each commune without figures the reason, in words.
pub struct LiveTable {
    pub table: ProvinceTable,
    /// (commune code, why its row is empty).
    pub missing: Vec<(String, &'static str)>,
    /// Communes whose package was taken as kept, their data unchanged since it was made.
    pub kept: usize,
    /// Of those, the ones taken from the one read of every commune's stamps, without opening
    /// the commune.
    pub kept_at_once: usize,
}

impl LiveTable {
    /// Why commune `code` has no figures; `None` when it has.
    pub fn missing_for(&self, code: &str) -> Option<&'static str> {
        self.missing
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, w)| *w)
    }
}

/// A commune's figures now, or why there are none.
pub enum Now {
    Figures(Box<PackageContent>),
    /// As [`Now::Figures`], the package kept from unchanged data.
    Kept(Box<PackageContent>),
    Missing(&'static str),
}

/// One commune's part of the table: the report's name in its plan, and its figures or why not.
pub type CommuneNow = (Option<String>, Now);

/// The table of report `kind` of `year` as of `as_of`, one row per commune (in the order
/// given). A commune whose figures cannot be computed (no plan for the year, a period not
/// confirmed) has an empty row, as one that has not reported, and its reason.
///
/// The communes whose data did not change are taken first, all from one read of every hosted
/// commune's stamps and kept packages; only the others are opened, a few at a time.
pub async fn live_table(
    communes: &[LiveCommune],
    kind: &str,
    year: i16,
    as_of: Date,
) -> Result<LiveTable, ApiError> {
    let kept = kept_at_once(communes, kind, year, as_of).await;
    let at_once = kept.iter().filter(|k| k.is_some()).count();
    let to_compute: Vec<LiveCommune> = communes
        .iter()
        .zip(&kept)
        .filter(|(_, k)| k.is_none())
        .map(|(c, _)| c.clone())
        .collect();
    let computed =
        // A few communes at a time, in order: each takes connections from the database, whose
        // limit every commune it hosts shares.
        futures_util::stream::iter(to_compute.into_iter().map(|c| {
            let kind = kind.to_string();
            async move { package_now(&c, &kind, year, as_of).await }
        }))
        .buffered(AT_ONCE)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let mut computed = computed.into_iter();
    let contents = kept
        .into_iter()
        .map(|k| k.or_else(|| computed.next()))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| ApiError::Internal("bảng của tỉnh: thiếu xã".into()))?;
    let names: Vec<(String, String)> = communes
        .iter()
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect();
    let mut table = assemble(&names, contents, kind, year);
    table.kept_at_once = at_once;
    Ok(table)
}

/// For each commune opened on demand, its kept package when its data, day and program are
/// those it was made from; `None` where it must be computed (or is served by its own
/// application). A failure to read is logged and every commune computed.
async fn kept_at_once(
    communes: &[LiveCommune],
    kind: &str,
    year: i16,
    as_of: Date,
) -> Vec<Option<CommuneNow>> {
    let none = || communes.iter().map(|_| None).collect();
    let Some(db) = communes.iter().find_map(|c| match &c.source {
        Source::Open { db, .. } => Some(db),
        Source::App(_) => None,
    }) else {
        return none();
    };
    let read = match db.communes_kept(kind, year, as_of).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("không đọc được số liệu đã giữ của các xã: {e}");
            return none();
        }
    };
    communes
        .iter()
        .map(|c| {
            let Source::Open { commune, .. } = &c.source else {
                return None;
            };
            let k = read.iter().find(|k| k.commune == *commune)?;
            let (kept_stamp, json) = k.kept.as_ref()?;
            let now = stamp(
                &k.figures_stamp,
                &k.activities_stamp,
                &c.code,
                k.record.as_ref().map(|(n, p)| (n.as_str(), p.as_str())),
            );
            if *kept_stamp != now {
                return None;
            }
            let content = serde_json::from_str::<PackageContent>(json).ok()?;
            Some((
                Some(content.kind_name.clone()),
                Now::Kept(Box::new(content)),
            ))
        })
        .collect()
}

/// Everything a commune's package is made of: the figures' and the activities' data, the
/// commune's code and own record (name, province), and the program that computes them.
fn stamp(figures: &str, activities: &str, code: &str, record: Option<(&str, &str)>) -> String {
    format!("{figures}|{activities}|{code}|{record:?}|{}", program())
}

/// The table from each commune's part, the communes as (code, name) in the table's order.
pub fn assemble(
    communes: &[(String, String)],
    contents: Vec<CommuneNow>,
    kind: &str,
    year: i16,
) -> LiveTable {
    let at = jiff::Timestamp::now().to_string();
    let mut trusted = Vec::new();
    let mut arrivals = Vec::new();
    let mut missing = Vec::new();
    let mut kind_name = None;
    let mut kept = 0;
    for (i, ((code, name), (report_name, now))) in communes.iter().zip(contents).enumerate() {
        trusted.push(TrustedCommune {
            code: code.clone(),
            name: name.clone(),
            fingerprint: String::new(),
            added_at: String::new(),
        });
        kind_name = kind_name.or(report_name);
        kept += matches!(now, Now::Kept(_)) as usize;
        match now {
            Now::Figures(content) | Now::Kept(content) => {
                arrivals.push(Arrival {
                    id: i as i64 + 1,
                    received_at: at.clone(),
                    on_time: true,
                    content: *content,
                });
            }
            Now::Missing(why) => missing.push((code.clone(), why)),
        }
    }
    let mut table = ProvinceTable::build(kind, year, &trusted, &arrivals);
    if let Some(name) = kind_name {
        table.kind_name = name;
    }
    LiveTable {
        table,
        missing,
        kept,
        kept_at_once: 0,
    }
}

/// What a commune's package of `kind` would hold if approved now; `None` when its figures
/// cannot be computed for that year.
pub async fn package_now(
    hosted: &LiveCommune,
    kind: &str,
    year: i16,
    as_of: Date,
) -> Result<CommuneNow, ApiError> {
    match &hosted.source {
        Source::App(state) => package_in(state, &hosted.code, kind, year, as_of).await,
        Source::Open { db, commune } => {
            let scoped = db.open_commune(*commune).await?;
            let state = AppState::new(std::sync::Arc::new(scoped.clone()));
            let done = package_in(&state, &hosted.code, kind, year, as_of).await;
            scoped.close().await;
            done
        }
    }
}

async fn package_in(
    state: &AppState,
    code: &str,
    kind: &str,
    year: i16,
    as_of: Date,
) -> Result<CommuneNow, ApiError> {
    let (plan, report) = match reports::plan_and_kind(state, year, kind).await {
        Ok(p) => p,
        Err(ApiError::NotFound) => return Ok((None, Now::Missing(NO_PLAN))),
        Err(ApiError::Invalid(_)) => return Ok((None, Now::Missing(NO_SUCH_REPORT))),
        Err(e) => return Err(e),
    };
    let name = Some(report.name.clone());
    let commune = state.store.commune().await?;
    let stamp = stamp(
        &state.store.figures_stamp().await?,
        &state.store.activities_stamp().await?,
        code,
        commune
            .as_ref()
            .map(|c| (c.name.as_str(), c.province.as_str())),
    );
    if let Some(json) = state.store.kept_package(kind, year, as_of, &stamp).await? {
        // One that no longer reads (a program of another shape) is computed again.
        if let Ok(content) = serde_json::from_str::<PackageContent>(&json) {
            return Ok((name, Now::Kept(Box::new(content))));
        }
    }
    let computed = match figures::compute(state, year, as_of, Known::Now).await {
        Ok(c) => c,
        Err(ApiError::PeriodNotConfirmed(_)) => return Ok((name, Now::Missing(NOT_CONFIRMED))),
        Err(ApiError::NotFound) => return Ok((name, Now::Missing(NO_PLAN))),
        Err(e) => return Err(e),
    };
    let results = reports::results_for(&plan, &report, &computed);
    let frozen = freeze(
        &plan,
        &report,
        &results,
        Freezing {
            id: 0,
            year,
            period: computed.period,
            as_of,
            number: String::new(),
            commune: Commune {
                // The row is the hosted commune's, whatever its own record calls it (an
                // imported commune's record may have no code).
                code: code.to_string(),
                name: commune
                    .as_ref()
                    .map_or(plan.commune.clone(), |c| c.name.clone()),
                province: commune.map(|c| c.province).unwrap_or_default(),
            },
            sections: Vec::new(),
            approved: Approval {
                login: String::new(),
                full_name: String::new(),
                position: String::new(),
                at: jiff::Timestamp::now().to_string(),
                date: as_of,
            },
            amends: None,
            changes: Vec::new(),
            audit_head: String::new(),
        },
    );
    let content = match PackageContent::of(&frozen, &plan) {
        Ok(c) => c,
        Err(_) => return Ok((name, Now::Missing(NOT_COMPUTED))),
    };
    // Keeping is a saving, not the answer: a failure to keep is logged and the figures shown.
    match serde_json::to_string(&content) {
        Ok(json) => {
            if let Err(e) = state
                .store
                .keep_package(kind, year, as_of, &stamp, &json)
                .await
            {
                tracing::warn!("không giữ được số liệu của xã {code}: {e}");
            }
        }
        Err(e) => tracing::warn!("không giữ được số liệu của xã {code}: {e}"),
    }
    Ok((name, Now::Figures(Box::new(content))))
}

/// This program, as far as a kept package is concerned: a package made by another build (whose
/// formulas may differ) is not taken. The executable's size and time of writing stand for its
/// build.
fn program() -> &'static str {
    static PROGRAM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PROGRAM.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| {
                let at = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("{}:{at}", m.len())
            })
            .unwrap_or_default();
        format!("{}:{exe}", env!("CARGO_PKG_VERSION"))
    })
}

const NO_PLAN: &str = "chưa có kế hoạch của năm";
const NO_SUCH_REPORT: &str = "kế hoạch của xã không có loại báo cáo này";
const NOT_CONFIRMED: &str = "xã chưa xác nhận kỳ báo cáo";
const NOT_COMPUTED: &str = "chưa tính được";

/// Keeps the table the province's page opens on ready, so that its first reviewer of a day does
/// not wait for every commune to be computed: now, then every `every`, the table of
/// [`FIRST_KIND`] for the year of `today()` is made, which computes only the communes whose data
/// or day changed and keeps their packages. Runs until the server stops; a failure is logged
/// and tried again at the next turn.
pub fn keep_ready(
    communes: Vec<LiveCommune>,
    every: std::time::Duration,
    today: fn() -> Date,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let day = today();
            match live_table(&communes, FIRST_KIND, day.year(), day).await {
                Ok(t) => tracing::debug!(
                    "bảng của tỉnh sẵn sàng: {} xã, {} xã tính lại",
                    communes.len(),
                    communes.len() - t.kept
                ),
                Err(e) => tracing::warn!("chưa chuẩn bị được bảng của tỉnh: {e}"),
            }
        }
    })
}
