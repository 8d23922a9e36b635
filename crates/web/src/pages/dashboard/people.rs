//! The children behind a target's count (tử số, mẫu số), for those who read children's records:
//! every name, 50 a page, with a village filter — never cut off at a fixed number.
use crate::pages::{Ctx, PageError};
use serde::Deserialize;
use treem_domain::indicator::ChildIds;
use treem_storage::ChildQuery;

/// Names a page of a list shows.
pub const PER_PAGE: i64 = 50;

/// `?village=&num_page=&den_page=`: the lists' village and pages (text as sent; a page that is
/// not a number is the first).
#[derive(Deserialize, Default, Clone)]
pub struct PeopleQuery {
    village: Option<String>,
    num_page: Option<String>,
    den_page: Option<String>,
}

impl PeopleQuery {
    pub fn village(&self) -> String {
        self.village.clone().unwrap_or_default().trim().to_string()
    }
}

pub struct Person {
    pub id: i64,
    pub name: String,
    pub village: String,
    pub dob: String,
}

/// One list's page: its names, how many in all (in the village asked for), and the links to
/// the pages before and after.
#[derive(Default)]
pub struct Listed {
    pub rows: Vec<Person>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

fn page_of(s: &Option<String>) -> i64 {
    s.as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// The numerator's and the denominator's lists; `base` is the page's address with its figures'
/// query (`?year=…&as_of=…`), to which each link adds the lists' own.
pub async fn counted(
    ctx: &Ctx,
    numerator: &ChildIds,
    denominator: &ChildIds,
    q: &PeopleQuery,
    base: &str,
) -> Result<(Listed, Listed), PageError> {
    if !ctx.user.role.reads_children() {
        return Ok(Default::default());
    }
    let (num_page, den_page) = (page_of(&q.num_page), page_of(&q.den_page));
    let link = |n: i64, d: i64| {
        format!(
            "{base}&village={}&num_page={n}&den_page={d}#records",
            percent_encoding::utf8_percent_encode(&q.village(), percent_encoding::NON_ALPHANUMERIC)
        )
    };
    let mut num = listed(ctx, numerator, &q.village(), num_page).await?;
    num.prev = (num.page > 1).then(|| link(num.page - 1, den_page));
    num.next = (num.page < num.pages).then(|| link(num.page + 1, den_page));
    let mut den = listed(ctx, denominator, &q.village(), den_page).await?;
    den.prev = (den.page > 1).then(|| link(num_page, den.page - 1));
    den.next = (den.page < den.pages).then(|| link(num_page, den.page + 1));
    Ok((num, den))
}

/// Page `page` of the children `ids` (in the village `village`, all when empty), as far as
/// this person may see them (storage applies their scope).
async fn listed(ctx: &Ctx, ids: &ChildIds, village: &str, page: i64) -> Result<Listed, PageError> {
    if ids.is_empty() {
        return Ok(Listed {
            page: 1,
            pages: 1,
            ..Default::default()
        });
    }
    let found = ctx
        .state
        .store
        .search_children(
            &ctx.actor(),
            &ChildQuery {
                ids: Some(ids.to_vec()),
                village: Some(village.to_string()).filter(|v| !v.is_empty()),
                include_absent: true,
                page,
                per_page: PER_PAGE,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| ctx.fail(e))?;
    let names = ctx.village_names().await?;
    Ok(Listed {
        total: found.total,
        page: found.page,
        pages: ((found.total + PER_PAGE - 1) / PER_PAGE).max(1),
        rows: found
            .items
            .into_iter()
            .map(|c| Person {
                dob: c.birth_date().map(|b| b.text()).unwrap_or_default(),
                id: c.id,
                name: c.full_name,
                village: names.name(&c.village),
            })
            .collect(),
        prev: None,
        next: None,
    })
}
