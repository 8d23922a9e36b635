//! Công tác hỗ trợ (`/work`): the plan's work as records for the officer and village heads —
//! supports listed with filters and exported as XLSX, a distribution list picked by village
//! and ticked (one submission, stored once), disasters with the children affected, child
//! marriages with the year's count against last year's, the disability follow-up. Rules are
//! the domain's (`treem_domain::work`); scope and audit are storage's.
use super::{render_status, Ctx, PageError, PageErrorKind, PageForm};
use crate::i18n::vn_date;
use askama::Template;
use axum::extract::Query;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use treem_domain::support::SupportKind;
use treem_domain::validation::FieldErrors;
use treem_domain::work::{DisasterKind, FundingSource, NewDisaster, NewDistribution, NewMarriage};
use treem_storage::{StorageError, SupportFilter};

fn plan_year() -> i16 {
    treem_storage::today().year()
}

pub(super) fn field_vi(field: &str) -> String {
    match field {
        "title" => "Tên đợt cấp phát",
        "date" => "Ngày",
        "kind" => "Hình thức / loại",
        "value" => "Giá trị (đồng)",
        "funding" => "Nguồn kinh phí",
        "giver" => "Người, đơn vị trao",
        "children" => "Danh sách trẻ",
        "village" | "villages" => "Thôn, bản",
        "ethnicity" => "Dân tộc",
        "wife_age" => "Tuổi người vợ",
        "husband_age" => "Tuổi người chồng",
        "note" => "Ghi chú",
        other => other,
    }
    .to_string()
}

pub(super) fn in_words(errors: &FieldErrors) -> Vec<(String, String)> {
    errors
        .0
        .iter()
        .map(|fe| (field_vi(&fe.field), fe.message.clone()))
        .collect()
}

pub(super) fn money(v: Option<i64>) -> String {
    v.map(treem_domain::budget::amount_vi).unwrap_or_default()
}

pub struct MarriageView {
    pub date: String,
    pub village: String,
    pub ages: String,
    pub prevented: bool,
}

#[derive(Template)]
#[template(path = "work.html")]
struct HubPage {
    l: super::Layout,
    may_write: bool,
    distributions: Vec<(i64, String, String, String, i64, String)>,
    disasters: Vec<(i64, String, String, String, i64, i64)>,
    marriages: Vec<MarriageView>,
    this_year: usize,
    last_year: usize,
    disability: Vec<(String, String, String, String, String)>,
    villages: Vec<(String, String)>,
    form: Vec<(String, String)>,
    submission: String,
    errors: Vec<(String, String)>,
}

pub(super) fn value_of<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

async fn hub_page(
    ctx: &Ctx,
    form: Vec<(String, String)>,
    errors: Option<FieldErrors>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let store = &ctx.state.store;
    let actor = ctx.actor();
    let (dists, disasters, marriages, disability, villages) = tokio::try_join!(
        store.distributions(&actor),
        store.disasters(&actor),
        store.marriages(&actor),
        store.disability_records(&actor),
        store.villages(&actor),
    )
    .map_err(|e| ctx.fail(e))?;
    let names = treem_domain::register::VillageNames::new(&villages);
    let year = plan_year();
    // Counted as target 18 counts them: the domain's rule, over each calendar year.
    let facts: Vec<treem_domain::work::MarriageFacts> = marriages
        .iter()
        .map(|m| treem_domain::work::MarriageFacts {
            date: m.date,
            prevented: m.prevented,
        })
        .collect();
    let counted = |y: i16| {
        treem_domain::work::marriages_in(
            &facts,
            jiff::civil::date(y, 1, 1),
            jiff::civil::date(y, 12, 31),
        )
    };
    let refused = errors.is_some();
    let mut l = ctx.layout("Công tác hỗ trợ trẻ em");
    l.flash = flash;
    let page = HubPage {
        l,
        may_write: ctx.user.role.writes_children(),
        distributions: dists
            .iter()
            .map(|d| {
                (
                    d.id,
                    vn_date(&d.date.to_string()),
                    d.title.clone(),
                    d.kind.label_vi().to_string(),
                    d.children,
                    money(d.value_vnd),
                )
            })
            .collect(),
        disasters: disasters
            .iter()
            .map(|d| {
                (
                    d.id,
                    vn_date(&d.date.to_string()),
                    d.kind.label_vi().to_string(),
                    d.villages
                        .iter()
                        .map(|v| names.name(v))
                        .collect::<Vec<_>>()
                        .join(", "),
                    d.affected,
                    d.helped,
                )
            })
            .collect(),
        marriages: marriages
            .iter()
            .map(|m| MarriageView {
                date: vn_date(&m.date.to_string()),
                village: names.name(&m.village),
                ages: format!(
                    "vợ {}, chồng {}",
                    m.wife_age.map(|a| a.to_string()).unwrap_or("?".into()),
                    m.husband_age.map(|a| a.to_string()).unwrap_or("?".into())
                ),
                prevented: m.prevented,
            })
            .collect(),
        this_year: counted(year),
        last_year: counted(year - 1),
        disability: disability
            .iter()
            .map(|d| {
                (
                    vn_date(&d.date.to_string()),
                    format!("{} ({})", d.child_name, names.name(&d.village)),
                    d.needs.clone(),
                    d.services.clone(),
                    d.devices.clone(),
                )
            })
            .collect(),
        villages: villages
            .iter()
            .map(|v| (v.code.clone(), v.name.clone()))
            .collect(),
        submission: super::new_submission_id(),
        form,
        errors: errors.map(|e| in_words(&e)).unwrap_or_default(),
    };
    Ok(render_status(&page, refused))
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `/work`: the hub.
pub async fn hub(ctx: Ctx, Query(q): Query<SavedQuery>) -> Result<Response, PageError> {
    let flash = q.saved.map(|_| "Đã lưu.".to_string());
    hub_page(&ctx, Vec::new(), None, flash).await
}

/// Records a child marriage from the hub's form.
pub async fn add_marriage(
    ctx: Ctx,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&value_of(&form, "_csrf").to_string()))?;
    let v = |k| value_of(&form, k);
    let parsed = NewMarriage::parse(
        v("date"),
        v("village"),
        v("ethnicity"),
        None,
        v("wife_age"),
        v("husband_age"),
        v("prevented") == "1",
        v("note"),
        plan_year(),
        treem_storage::today(),
    );
    let m = match parsed {
        Ok(m) => m,
        Err(e) => return hub_page(&ctx, form, Some(e), None).await,
    };
    let token = Some(v("submission")).filter(|t| treem_storage::valid_submission_id(t));
    match ctx
        .state
        .store
        .record_marriage(&ctx.actor(), &m, token)
        .await
    {
        Ok(_) => Ok(Redirect::to("/work?saved=1").into_response()),
        Err(StorageError::Invalid(e)) => hub_page(&ctx, form, Some(e), None).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

/// `/work/supports` filters.
#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    distribution: String,
    #[serde(default)]
    format: String,
}

pub struct SupportView {
    pub date: String,
    pub child: String,
    pub village: String,
    pub kind: &'static str,
    pub value: String,
    pub funding: &'static str,
    pub giver: String,
    pub list: String,
}

#[derive(Template)]
#[template(path = "work_supports.html")]
struct SupportsPage {
    l: super::Layout,
    q: ListQuery,
    kinds: Vec<(&'static str, &'static str)>,
    villages: Vec<(String, String)>,
    rows: Vec<SupportView>,
    total: String,
    errors: Vec<(String, String)>,
    xlsx: String,
}

/// `/work/supports`: every support the person may read, filtered; `format=xlsx` downloads it.
pub async fn supports(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response, PageError> {
    let api_q = crate::api::work::SupportQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        kind: q.kind.clone(),
        village: q.village.clone(),
        distribution: q.distribution.clone(),
    };
    let (filter, errors) = match SupportFilter::try_from(&api_q) {
        Ok(f) => (f, Vec::new()),
        Err(e) => (SupportFilter::default(), in_words(&e)),
    };
    let store = &ctx.state.store;
    let rows = store
        .support_list(&ctx.actor(), &filter)
        .await
        .map_err(|e| ctx.fail(e))?;
    if q.format == "xlsx" {
        let bytes = xlsx(&rows).map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?;
        return Ok((
            [
                (
                    CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    CONTENT_DISPOSITION,
                    "attachment; filename=\"tro-giup.xlsx\"".to_string(),
                ),
            ],
            bytes,
        )
            .into_response());
    }
    let villages = store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let names = treem_domain::register::VillageNames::new(&villages);
    let total: i64 = rows.iter().filter_map(|r| r.value_vnd).sum();
    let xlsx = format!(
        "/work/supports?from={}&to={}&kind={}&village={}&format=xlsx",
        urlencode(&q.from),
        urlencode(&q.to),
        urlencode(&q.kind),
        urlencode(&q.village)
    );
    let refused = !errors.is_empty();
    let page = SupportsPage {
        l: ctx.layout("Danh sách trợ giúp trẻ em"),
        kinds: SupportKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_vi()))
            .collect(),
        villages: villages
            .iter()
            .map(|v| (v.code.clone(), v.name.clone()))
            .collect(),
        rows: rows
            .iter()
            .map(|r| SupportView {
                date: vn_date(&r.date.to_string()),
                child: r.child_name.clone(),
                village: names.name(&r.village),
                kind: r.kind.label_vi(),
                value: money(r.value_vnd),
                funding: r.funding.map(FundingSource::label_vi).unwrap_or(""),
                giver: r.giver.clone(),
                list: r.distribution.clone().unwrap_or_default(),
            })
            .collect(),
        total: money(Some(total)),
        errors,
        xlsx,
        q,
    };
    Ok(render_status(&page, refused))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn xlsx(rows: &[treem_storage::SupportRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Trợ giúp")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let heads = [
        "Ngày",
        "Mã trẻ",
        "Họ và tên",
        "Thôn, bản",
        "Hình thức",
        "Giá trị (đồng)",
        "Nguồn kinh phí",
        "Người, đơn vị trao",
        "Đợt cấp phát",
    ];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, vn_date(&r.date.to_string()))?;
        ws.write_number(row, 1, r.child_id as f64)?;
        ws.write_string(row, 2, &r.child_name)?;
        ws.write_string(row, 3, &r.village)?;
        ws.write_string(row, 4, r.kind.label_vi())?;
        if let Some(v) = r.value_vnd {
            ws.write_number(row, 5, v as f64)?;
        }
        ws.write_string(row, 6, r.funding.map(FundingSource::label_vi).unwrap_or(""))?;
        ws.write_string(row, 7, &r.giver)?;
        ws.write_string(row, 8, r.distribution.as_deref().unwrap_or(""))?;
    }
    wb.save_to_buffer()
}

#[derive(serde::Deserialize, Default)]
pub struct PickQuery {
    #[serde(default)]
    village: String,
}

#[derive(Template)]
#[template(path = "work_pick.html")]
struct PickPage {
    l: super::Layout,
    /// "distribution" or "disaster".
    what: &'static str,
    village: String,
    villages: Vec<(String, String)>,
    children: Vec<(i64, String, String, bool)>,
    support_kinds: Vec<(&'static str, &'static str)>,
    disaster_kinds: Vec<(&'static str, &'static str)>,
    fundings: Vec<(&'static str, &'static str)>,
    form: Vec<(String, String)>,
    submission: String,
    errors: Vec<(String, String)>,
}

impl PickPage {
    fn val(&self, key: &str) -> String {
        value_of(&self.form, key).to_string()
    }
}

async fn pick_page(
    ctx: &Ctx,
    what: &'static str,
    village: String,
    form: Vec<(String, String)>,
    errors: Option<FieldErrors>,
) -> Result<Response, PageError> {
    if !ctx.user.role.writes_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let store = &ctx.state.store;
    let villages = store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let entries = if village.is_empty() {
        Vec::new()
    } else {
        store
            .register_entries(&ctx.actor(), Some(&village))
            .await
            .map_err(|e| ctx.fail(e))?
    };
    let ticked: std::collections::HashSet<String> = form
        .iter()
        .filter(|(k, _)| k == "child")
        .map(|(_, v)| v.clone())
        .collect();
    let refused = errors.is_some();
    let title = if what == "disaster" {
        "Ghi thiên tai, thảm họa và trẻ bị ảnh hưởng"
    } else {
        "Lập danh sách cấp phát (một lần cho nhiều trẻ)"
    };
    let submission = match value_of(&form, "submission") {
        "" => super::new_submission_id(),
        s => s.to_string(),
    };
    let page = PickPage {
        l: ctx.layout(title),
        what,
        village,
        villages: villages
            .iter()
            .map(|v| (v.code.clone(), v.name.clone()))
            .collect(),
        children: entries
            .iter()
            .map(|(e, _)| {
                (
                    e.id,
                    e.full_name.clone(),
                    e.date_of_birth
                        .map(|d| vn_date(&d.to_string()))
                        .unwrap_or_default(),
                    ticked.contains(&e.id.to_string()),
                )
            })
            .collect(),
        support_kinds: SupportKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_vi()))
            .collect(),
        disaster_kinds: DisasterKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_vi()))
            .collect(),
        fundings: FundingSource::ALL
            .iter()
            .map(|f| (f.code(), f.label_vi()))
            .collect(),
        form,
        submission,
        errors: errors.map(|e| in_words(&e)).unwrap_or_default(),
    };
    Ok(render_status(&page, refused))
}

/// `/work/distributions/new?village=…`: pick a village, tick its children.
pub async fn new_distribution(ctx: Ctx, Query(q): Query<PickQuery>) -> Result<Response, PageError> {
    pick_page(&ctx, "distribution", q.village, Vec::new(), None).await
}

/// `/work/disasters/new?village=…`.
pub async fn new_disaster(ctx: Ctx, Query(q): Query<PickQuery>) -> Result<Response, PageError> {
    pick_page(&ctx, "disaster", q.village, Vec::new(), None).await
}

fn ticked_children(form: &[(String, String)]) -> Result<Vec<i64>, FieldErrors> {
    form.iter()
        .filter(|(k, _)| k == "child")
        .map(|(_, v)| {
            v.parse::<i64>()
                .map_err(|_| FieldErrors::single("children", format!("mã trẻ «{v}» không hợp lệ")))
        })
        .collect()
}

/// One submission for the whole list, stored once.
pub async fn save_distribution(
    ctx: Ctx,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&value_of(&form, "_csrf").to_string()))?;
    let village = value_of(&form, "village").to_string();
    let v = |k| value_of(&form, k);
    let parsed = ticked_children(&form).and_then(|children| {
        NewDistribution::parse(
            v("title"),
            v("date"),
            v("kind"),
            v("value"),
            v("funding"),
            v("giver"),
            &children,
            plan_year(),
            treem_storage::today(),
        )
    });
    let list = match parsed {
        Ok(l) => l,
        Err(e) => return pick_page(&ctx, "distribution", village, form, Some(e)).await,
    };
    let token = Some(v("submission")).filter(|t| treem_storage::valid_submission_id(t));
    match ctx
        .state
        .store
        .give_distribution(&ctx.actor(), &list, token)
        .await
    {
        Ok(_) => Ok(Redirect::to("/work?saved=1").into_response()),
        Err(StorageError::Invalid(e)) => {
            pick_page(&ctx, "distribution", village, form, Some(e)).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn save_disaster(
    ctx: Ctx,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&value_of(&form, "_csrf").to_string()))?;
    let village = value_of(&form, "village").to_string();
    let v = |k| value_of(&form, k);
    let parsed = ticked_children(&form).and_then(|children| {
        NewDisaster::parse(
            v("date"),
            v("kind"),
            std::slice::from_ref(&village),
            v("note"),
            plan_year(),
            treem_storage::today(),
        )
        .map(|d| (d, children))
    });
    let (d, children) = match parsed {
        Ok(x) => x,
        Err(e) => return pick_page(&ctx, "disaster", village, form, Some(e)).await,
    };
    let token = Some(v("submission")).filter(|t| treem_storage::valid_submission_id(t));
    match ctx
        .state
        .store
        .record_disaster(&ctx.actor(), &d, &children, token)
        .await
    {
        Ok(_) => Ok(Redirect::to("/work?saved=1").into_response()),
        Err(StorageError::Invalid(e)) => pick_page(&ctx, "disaster", village, form, Some(e)).await,
        Err(e) => Err(ctx.fail(e)),
    }
}
