//! The province's table from the communes' figures now (bảng tổng hợp tạm tính), on a server
//! that hosts many communes (issue 19): each commune's figures are computed in its own scope,
//! frozen as its package would be and published through the same disclosure rules — so the
//! province learns no more than a package would tell it — then laid out by the same
//! [`ProvinceTable`] as the packages received. Nothing here is approved: the page and the
//! command say «tạm tính».
use crate::error::ApiError;
use crate::{figures, reports, AppState};
use treem_domain::indicator::Known;
use treem_domain::report::package::{Arrival, PackageContent, ProvinceTable, TrustedCommune};
use treem_domain::report::{freeze, Approval, Commune, Freezing};
use treem_domain::Date;

/// One hosted commune: its code and name, and its application (its scoped store).
#[derive(Clone)]
pub struct LiveCommune {
    pub code: String,
    pub name: String,
    pub state: AppState,
}

/// The table of report `kind` of `year` as of `as_of`, one row per commune (in the order
/// given). A commune whose figures cannot be computed (no plan for the year, a period not
/// confirmed) has an empty row, as one that has not reported.
pub async fn live_table(
    communes: &[LiveCommune],
    kind: &str,
    year: i16,
    as_of: Date,
) -> Result<ProvinceTable, ApiError> {
    let contents = futures_util::future::join_all(
        communes
            .iter()
            .map(|c| package_now(&c.state, kind, year, as_of)),
    )
    .await;
    let at = jiff::Timestamp::now().to_string();
    let mut trusted = Vec::new();
    let mut arrivals = Vec::new();
    for (i, (c, content)) in communes.iter().zip(contents).enumerate() {
        trusted.push(TrustedCommune {
            code: c.code.clone(),
            name: c.name.clone(),
            fingerprint: String::new(),
            added_at: String::new(),
        });
        if let Some(mut content) = content? {
            // The row is the hosted commune's, whatever its own record calls it.
            content.commune.code = c.code.clone();
            arrivals.push(Arrival {
                id: i as i64 + 1,
                received_at: at.clone(),
                on_time: true,
                content,
            });
        }
    }
    Ok(ProvinceTable::build(kind, year, &trusted, &arrivals))
}

/// What a commune's package of `kind` would hold if approved now; `None` when its figures
/// cannot be computed for that year.
async fn package_now(
    state: &AppState,
    kind: &str,
    year: i16,
    as_of: Date,
) -> Result<Option<PackageContent>, ApiError> {
    let (plan, report) = match reports::plan_and_kind(state, year, kind).await {
        Ok(p) => p,
        Err(ApiError::NotFound | ApiError::Invalid(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let computed = match figures::compute(state, year, as_of, Known::Now).await {
        Ok(c) => c,
        Err(ApiError::PeriodNotConfirmed(_) | ApiError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let results = reports::results_for(&plan, &report, &computed);
    let commune = state.store.commune().await?;
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
                code: commune
                    .as_ref()
                    .and_then(|c| c.code.clone())
                    .unwrap_or_default(),
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
    Ok(PackageContent::of(&frozen, &plan).ok())
}
