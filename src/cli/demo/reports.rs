//! The plan year's reports as a newcomer should find them: the six-month report written by
//! every agency and approved by the leader (so it prints and packages), the yearly report in
//! preparation with the health station's and the police's sections submitted.
use anyhow::Result;
use std::sync::Arc;
use treem_domain::plan::Plan;
use treem_domain::report::Narrative;
use treem_storage::{Actor, Db, Reports, Role};

/// What each agency writes: done, results, difficulties, proposals.
fn words(agency: &str, half: bool) -> Narrative {
    let when = if half { "6 tháng đầu năm" } else { "năm" };
    let (done, results, difficulties, proposals) = match agency {
        "officer" => (
            "Tham mưu UBND xã ban hành kế hoạch bảo vệ trẻ em; cập nhật sổ theo dõi trẻ em hằng tháng; phối hợp các thôn rà soát trẻ em có hoàn cảnh đặc biệt.",
            "Sổ theo dõi trẻ em được cập nhật đầy đủ; trẻ em có hoàn cảnh đặc biệt được lập danh sách và theo dõi trợ giúp.",
            "Địa bàn rộng, đi lại khó khăn vào mùa mưa; cán bộ kiêm nhiệm nhiều việc.",
            "Đề nghị bố trí kinh phí tập huấn cho cộng tác viên thôn.",
        ),
        "health" => (
            "Tổ chức cân, đo cho trẻ dưới 5 tuổi; tiêm chủng mở rộng hằng tháng tại trạm và các điểm tiêm thôn; khám thai, theo dõi bà mẹ mang thai.",
            "Phần lớn trẻ dưới 1 tuổi được tiêm chủng đầy đủ; tỷ lệ suy dinh dưỡng giảm so với cùng kỳ.",
            "Một số gia đình ở thôn xa chưa đưa trẻ đi tiêm đúng lịch; thiếu cán bộ y tế thôn bản.",
            "Đề nghị hỗ trợ thêm dụng cụ cân, đo và tài liệu truyền thông bằng tiếng Mông.",
        ),
        "police" => (
            "Tuyên truyền phòng, chống xâm hại trẻ em và tảo hôn tại các thôn; phối hợp xác minh các tin báo liên quan đến trẻ em.",
            "Các tin báo được tiếp nhận và xử lý kịp thời; không để xảy ra vụ việc nghiêm trọng.",
            "Người dân còn ngại báo tin; một số vụ tảo hôn phát hiện muộn.",
            "Đề nghị tăng cường phối hợp với trưởng thôn trong phát hiện sớm tảo hôn.",
        ),
        "office" => (
            "Đăng ký khai sinh cho trẻ đúng hạn; phối hợp trạm y tế nắm danh sách trẻ mới sinh.",
            "Trẻ em dưới 5 tuổi được đăng ký khai sinh đạt kế hoạch.",
            "Một số gia đình đăng ký khai sinh muộn do đi làm ăn xa.",
            "Đề nghị tổ chức đăng ký lưu động tại các thôn xa.",
        ),
        "services" => (
            "Phát thanh tuyên truyền về quyền trẻ em và phòng, chống đuối nước; rà soát điểm nguy cơ tai nạn thương tích.",
            "Các điểm nguy cơ được cắm biển cảnh báo.",
            "Thiết bị phát thanh ở một số thôn đã hư hỏng.",
            "Đề nghị sửa chữa hệ thống loa thôn.",
        ),
        "village_head" => (
            "Nắm tình hình trẻ em trong thôn, báo cán bộ xã các trường hợp cần hỗ trợ; vận động gia đình đưa trẻ đi học, đi tiêm.",
            "Các trường hợp trẻ có hoàn cảnh đặc biệt được báo kịp thời.",
            "Nhiều hộ đi làm ăn xa, trẻ ở với ông bà.",
            "Đề nghị có phụ cấp cho cộng tác viên bảo vệ trẻ em thôn.",
        ),
        _ => (
            "Phối hợp tuyên truyền, vận động các gia đình thực hiện quyền trẻ em.",
            "Các hoạt động phối hợp được thực hiện theo kế hoạch.",
            "Kinh phí hoạt động còn hạn chế.",
            "Đề nghị tiếp tục phối hợp trong thời gian tới.",
        ),
    };
    Narrative {
        done: format!("Trong {when}: {done}"),
        results: results.into(),
        difficulties: difficulties.into(),
        proposals: proposals.into(),
    }
}

fn as_role(role: Role, name: &str) -> Actor {
    Actor {
        role,
        username: name.into(),
        ..Actor::system()
    }
}

/// The actor who writes `agency`'s section: its role's, or the officer's.
fn writer(plan: &Plan, agency: &str) -> Actor {
    match plan.agency(agency).and_then(|a| a.role) {
        Some(r) => as_role(r, r.as_str()),
        None => as_role(Role::Officer, "officer"),
    }
}

/// Writes (and with `submit`, submits) the sections of report `id` named by `which`.
async fn write(
    db: &Db,
    plan: &Plan,
    id: i64,
    which: &[&str],
    half: bool,
    submit: bool,
) -> Result<()> {
    let rep = db.report(&Actor::system(), id).await?;
    for s in rep
        .sections
        .iter()
        .filter(|s| which.is_empty() || which.contains(&s.agency.as_str()))
    {
        let who = writer(plan, &s.agency);
        let r = db
            .save_section(
                &who,
                plan,
                id,
                &s.agency,
                s.version,
                &words(&s.agency, half),
            )
            .await?;
        if submit {
            let v = r.section(&s.agency).map_or(0, |x| x.version);
            db.submit_section(&who, plan, id, &s.agency, v).await?;
        }
    }
    Ok(())
}

pub(super) async fn seed_reports(db: &Db, year: i16) -> Result<()> {
    let state = treem_web::AppState::new(Arc::new(db.clone()));
    let plan = treem_web::figures::load_plan(&state, year)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let officer = as_role(Role::Officer, "officer");
    let leader = as_role(Role::Leader, "leader");
    let failed = |e: treem_web::ApiError| anyhow::anyhow!("{e}");

    let six = treem_web::reports::open(&state, &officer, year, "six_month", None)
        .await
        .map_err(failed)?;
    write(db, &plan, six.id, &[], true, true).await?;
    let rep = db.report(&officer, six.id).await?;
    let rep = db.send_report(&officer, &plan, six.id, rep.version).await?;
    treem_web::reports::approve(&state, &leader, six.id, rep.version, "15")
        .await
        .map_err(failed)?;

    let yearly = treem_web::reports::open(&state, &officer, year, "yearly", None)
        .await
        .map_err(failed)?;
    write(db, &plan, yearly.id, &["health", "police"], false, true).await?;
    write(db, &plan, yearly.id, &["officer"], false, false).await?;
    Ok(())
}
