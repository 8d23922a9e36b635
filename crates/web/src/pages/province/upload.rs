//! Nhận gói báo cáo (the upload page): the packages received, and a form taking one or more
//! package files; each is taken or refused on its own, with the reason in Vietnamese.
use super::arrival_words;
use crate::i18n::vn_datetime;
use crate::pages::{render, render_status, Ctx, PageError};
use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use treem_domain::date::format_vi;
use treem_storage::StorageError;

pub struct ArrivalView {
    pub link: String,
    pub commune: String,
    pub kind: String,
    pub period: String,
    pub number: String,
    pub received: String,
    pub arrival: &'static str,
    pub arrival_class: &'static str,
    pub amending: bool,
}

/// What became of one file.
pub struct Outcome {
    pub file: String,
    pub taken: bool,
    pub message: String,
}

#[derive(Template)]
#[template(path = "province_packages.html")]
struct PackagesPage {
    l: crate::pages::Layout,
    items: Vec<ArrivalView>,
    outcomes: Vec<Outcome>,
    max_mb: usize,
}

async fn page(ctx: &Ctx, outcomes: Vec<Outcome>) -> Result<Response, PageError> {
    let list = ctx
        .state
        .store
        .received_packages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let items = list
        .iter()
        .rev()
        .map(|a| {
            let c = &a.content;
            let (arrival, arrival_class) = arrival_words(Some(a.on_time));
            ArrivalView {
                link: format!("/province/communes/{}/reports/{}", c.commune.code, a.id),
                commune: format!("{} ({})", c.commune.name, c.commune.code),
                kind: format!("{} năm {}", c.kind_name, c.year),
                period: format!(
                    "{} – {}",
                    format_vi(c.period.start),
                    format_vi(c.period.end)
                ),
                number: c.number.clone(),
                received: vn_datetime(&a.received_at),
                arrival,
                arrival_class,
                amending: c.amends.is_some(),
            }
        })
        .collect();
    let refused = outcomes.iter().any(|o| !o.taken);
    let p = PackagesPage {
        l: ctx.layout("Nhận gói báo cáo của xã"),
        items,
        outcomes,
        max_mb: treem_domain::limits::BODY_BYTES / (1024 * 1024),
    };
    Ok(if refused {
        render_status(&p, true)
    } else {
        render(&p)
    })
}

pub async fn packages(ctx: Ctx) -> Result<Response, PageError> {
    page(&ctx, Vec::new()).await
}

/// The form's files and token; `too_large` when the body passed the route's limit.
#[derive(Default)]
struct Upload {
    csrf: Option<String>,
    files: Vec<(String, Vec<u8>)>,
    too_large: bool,
}

async fn read_upload(mut mp: Multipart) -> Upload {
    let mut u = Upload::default();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("_csrf") => u.csrf = field.text().await.ok(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("goi-bao-cao").to_string();
                    match field.bytes().await {
                        Ok(b) if !b.is_empty() => u.files.push((name, b.to_vec())),
                        Ok(_) => {}
                        Err(e) => {
                            u.too_large |= e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                            break;
                        }
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                u.too_large |= e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                break;
            }
        }
    }
    u
}

pub async fn upload(ctx: Ctx, mp: Multipart) -> Result<Response, PageError> {
    let u = read_upload(mp).await;
    if u.too_large {
        let message = format!(
            "Tệp quá lớn: tối đa {} MB mỗi lần tải lên; gói lớn hơn nhận bằng lệnh treem province import.",
            treem_domain::limits::BODY_BYTES / (1024 * 1024)
        );
        let o = Outcome {
            file: String::new(),
            taken: false,
            message,
        };
        return page(&ctx, vec![o]).await;
    }
    ctx.check_csrf(u.csrf.as_ref())?;
    if u.files.is_empty() {
        let o = Outcome {
            file: String::new(),
            taken: false,
            message: "Chưa chọn tệp gói báo cáo, hoặc tệp rỗng.".into(),
        };
        return page(&ctx, vec![o]).await;
    }
    let mut outcomes = Vec::new();
    for (file, bytes) in u.files {
        let (taken, message) = match ctx.state.store.import_package(&ctx.actor(), &bytes).await {
            Ok(d) if d.again => (
                true,
                format!(
                    "đã nhận trước đó ({} năm {} của xã {}); không lưu thêm",
                    d.kind_name, d.year, d.commune_name
                ),
            ),
            Ok(d) => (
                true,
                format!(
                    "đã nhận {}{} năm {} của xã {}, {}",
                    if d.amends.is_some() {
                        "báo cáo bổ sung — "
                    } else {
                        ""
                    },
                    d.kind_name,
                    d.year,
                    d.commune_name,
                    if d.on_time {
                        "đúng hạn"
                    } else {
                        "muộn hạn"
                    }
                ),
            ),
            Err(StorageError::Invalid(f)) => (
                false,
                format!(
                    "bị từ chối: {}",
                    f.0.iter()
                        .map(|e| e.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
            Err(e) => return Err(ctx.fail(e)),
        };
        outcomes.push(Outcome {
            file,
            taken,
            message,
        });
    }
    page(&ctx, outcomes).await
}
