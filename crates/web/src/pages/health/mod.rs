//! The health station's pages: the weighing day ([`weighing`]), the lists people act on
//! ([`lists`]), the birth register ([`birth`]) and the health part of a child's page
//! ([`child`]). The rules (ages, z-scores, due doses) are the domain's; these files parse the
//! forms, call the domain and the store, and build what the templates show.
mod birth;
mod chart;
mod child;
mod events;
mod forms;
mod lists;
mod replace;
mod weighing;

pub use birth::{birth_form, save_birth};
pub use chart::growth_chart;
pub use child::{add_from_child_page, event_rows, health_forms, EventRow, HealthForms};
pub use events::{events, save_event};
pub use lists::lists;
pub use replace::{replace_form, save_replacement};
pub use weighing::{save_weighing, weighing};

use super::{render, Ctx, Layout};
use askama::Template;
use axum::response::Response;
use treem_domain::role::Role;

/// Who records health events on the pages: the health station and the commune's officer.
fn may_weigh(role: Role) -> bool {
    role.records_health()
}

/// The villages as `(code, "code — name")`, for a drop-down.
fn village_options(villages: Vec<treem_domain::register::Village>) -> Vec<(String, String)> {
    villages
        .into_iter()
        .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
        .collect()
}

fn render_message(ctx: &Ctx, text: &str) -> Response {
    #[derive(Template)]
    #[template(path = "message.html")]
    struct M {
        l: Layout,
        text: String,
    }
    render(&M {
        l: ctx.layout("Chưa ghi được"),
        text: text.to_string(),
    })
}
