//! The plan's work itself (hoạt động, mục II của kế hoạch): communication events and the Month
//! of Action, children's forums and consultations with their recommendations and answers,
//! trainings, inspections of services, the steering board's meetings (one record each,
//! [`NewActivity`]), and the directory of services ([`directory`]). Who may write which kind is
//! [`may_write`]; the Vietnamese words of every kind, channel, level and answer are here.
//!
//! Targets 27–29 are counted from the forums' participants linked to the register
//! ([`Participation`], [`crate::indicator::ActivityIndicator`]).
pub mod directory;
mod input;
#[cfg(test)]
mod tests;

pub use input::{
    accepted_year, check_audience, occasion_fits, title_word, ActivityInput, RecommendationInput,
    CHILDREN_PER_ACTIVITY, DETAILS_CHARS, MAX_COUNT, RECOMMENDATIONS_PER_ACTIVITY, TITLE_CHARS,
};

use crate::role::Role;
use serde::{Deserialize, Serialize};

/// Defines a closed list of codes with their Vietnamese names.
macro_rules! words {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal, $vi:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];
            pub fn code(self) -> &'static str { match self { $($name::$v => $code,)+ } }
            pub fn label_vi(self) -> &'static str { match self { $($name::$v => $vi,)+ } }
            /// By code or by its Vietnamese name (accents and case not minded).
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                let f = crate::text::fold(t);
                Self::ALL.iter().copied().find(|k| k.code() == t || crate::text::fold(k.label_vi()) == f)
            }
            /// The codes, for a message naming what is accepted.
            pub fn choices_vi() -> String {
                Self::ALL.iter().map(|k| k.label_vi()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}
pub(crate) use words;

words! {
    /// What kind of work an activity record is.
    ActivityKind {
        /// Sự kiện truyền thông (II.1): also the Month of Action, 01/06 and Mid-Autumn.
        Event = "event", "Truyền thông, sự kiện";
        /// Diễn đàn, hỏi ý kiến trẻ em (V.4; targets 27–29).
        Forum = "forum", "Diễn đàn, hỏi ý kiến trẻ em";
        /// Tập huấn (II.2).
        Training = "training", "Tập huấn";
        /// Kiểm tra, giám sát dịch vụ (II.2).
        Inspection = "inspection", "Kiểm tra, giám sát";
        /// Họp Ban chỉ đạo (II.2).
        BoardMeeting = "board_meeting", "Họp Ban chỉ đạo";
    }
}

words! {
    /// How a communication event reached people.
    Channel {
        Loudspeaker = "loudspeaker", "Loa truyền thanh";
        VillageMeeting = "village_meeting", "Họp thôn";
        SocialMedia = "social_media", "Mạng xã hội";
        Leaflet = "leaflet", "Tờ rơi";
        SchoolSession = "school_session", "Buổi học ở trường";
    }
}

words! {
    /// The occasion an event belongs to, if any.
    Occasion {
        /// Tháng hành động vì trẻ em: 01/06–30/06.
        MonthOfAction = "month_of_action", "Tháng hành động vì trẻ em";
        /// Ngày Quốc tế thiếu nhi, 01/06.
        ChildrensDay = "childrens_day", "Ngày Quốc tế thiếu nhi 01/06";
        /// Tết Trung thu (rằm tháng Tám âm lịch: in September or early October).
        MidAutumn = "mid_autumn", "Tết Trung thu";
    }
}

words! {
    /// The form of children's participation (hình thức) a forum record is: which targets its
    /// participants count for is [`ForumForm::counts_for`].
    ForumForm {
        /// Diễn đàn trẻ em: children speak and adults answer (targets 27, 28, 29).
        Forum = "forum", "Diễn đàn trẻ em";
        /// Hỏi ý kiến, tham vấn trẻ em (targets 27, 28).
        Consultation = "consultation", "Hỏi ý kiến, tham vấn trẻ em";
        /// Câu lạc bộ, nhóm trẻ em: a model promoting participation (targets 28, 29).
        Club = "club", "Câu lạc bộ, nhóm trẻ em";
        /// Sinh hoạt, truyền thông về quyền tham gia (target 28).
        Awareness = "awareness", "Sinh hoạt về quyền tham gia";
    }
}

words! {
    /// The level a forum is held at.
    ForumLevel {
        Village = "village", "Thôn";
        Commune = "commune", "Xã";
        District = "district", "Huyện, liên xã";
        Province = "province", "Tỉnh";
        National = "national", "Toàn quốc";
    }
}

words! {
    /// The answer to a children's recommendation.
    Answer {
        Met = "met", "Đã đáp ứng";
        Considering = "considering", "Đang xem xét";
        NotPossible = "not_possible", "Chưa thể thực hiện";
    }
}

/// Which participation targets a child taking part in a forum of this form counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipationTarget {
    /// Target 27: được hỏi ý kiến (from 7 years).
    Consulted,
    /// Target 28: được nâng cao nhận thức, năng lực về quyền tham gia.
    Aware,
    /// Target 29: tham gia mô hình, hoạt động thúc đẩy quyền tham gia (from 11 years).
    Participating,
}

impl ForumForm {
    /// Every form raises awareness (28); forums and consultations ask children's views (27);
    /// forums and clubs are the models and activities promoting participation (29).
    pub fn counts_for(self, t: ParticipationTarget) -> bool {
        use ParticipationTarget::*;
        match t {
            Aware => true,
            Consulted => matches!(self, ForumForm::Forum | ForumForm::Consultation),
            Participating => matches!(self, ForumForm::Forum | ForumForm::Club),
        }
    }
}

/// A child of the register who took part in a forum (what targets 27–29 read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    pub child_id: i64,
    pub date: jiff::civil::Date,
    pub form: ForumForm,
}

/// Audience of an event, participants of a training or forum: children by sex (must add up to
/// `total`), by age band (when given, must add up to `total`), of ethnic minorities (at most
/// `total`), and adults (parents, caregivers, officials).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    pub girls: u32,
    pub boys: u32,
    pub total: u32,
    pub age_0_5: u32,
    pub age_6_10: u32,
    pub age_11_15: u32,
    pub minority: u32,
    pub adults: u32,
}

/// A children's recommendation (kiến nghị) and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub text: String,
    pub answer: Answer,
    /// Why, required when the answer is "chưa thể thực hiện".
    pub reason: String,
    /// The agency that answers (cơ quan trả lời).
    pub agency: String,
}

/// An activity as checked, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewActivity {
    pub kind: ActivityKind,
    pub date: jiff::civil::Date,
    pub village_id: Option<i64>,
    /// Topic (event), theme (forum), training name, service inspected, meeting agenda.
    pub title: String,
    pub channel: Option<Channel>,
    pub occasion: Option<Occasion>,
    pub form: Option<ForumForm>,
    pub level: Option<ForumLevel>,
    pub audience: Audience,
    /// Materials handed out (tài liệu, tờ rơi phát ra).
    pub materials: u32,
    /// Training topics, inspection findings, meeting conclusions, notes.
    pub details: String,
    /// Agency in charge (cơ quan chủ trì).
    pub agency: String,
    /// Register children who took part (forums).
    pub children: Vec<i64>,
    pub recommendations: Vec<Recommendation>,
}

impl NewActivity {
    /// The audit line: kind, date, title.
    pub fn summary_vi(&self) -> String {
        format!(
            "{} ngày {}: {}",
            self.kind.label_vi(),
            crate::date::format_vi(self.date),
            self.title
        )
    }
}

/// May read the activities of this kind: every commune role but the administrator and the
/// province; forums (children named) only roles that read children's records; a village head
/// events only (of their own village: storage's scope).
pub fn may_read(role: Role, kind: ActivityKind) -> bool {
    match role {
        Role::Admin | Role::Province => false,
        Role::VillageHead => kind == ActivityKind::Event,
        _ if kind == ActivityKind::Forum => role.reads_children(),
        _ => true,
    }
}

/// May record an activity of this kind: the officer (Phòng Văn hóa - Xã hội) every kind; the
/// services centre (Trung tâm dịch vụ tổng hợp, V.3) every kind but forums (it reads no
/// child's record); the office (Văn phòng, V.4, co-owner of targets 27–29) forums; a village
/// head events in their own village. The leader reads.
pub fn may_write(role: Role, kind: ActivityKind) -> bool {
    match role {
        Role::Officer => true,
        Role::Services => kind != ActivityKind::Forum,
        Role::Office => kind == ActivityKind::Forum,
        Role::VillageHead => kind == ActivityKind::Event,
        _ => false,
    }
}

/// A village head's records are of their village only (the activity's village is theirs).
pub fn confined_to_village(role: Role) -> bool {
    role == Role::VillageHead
}

/// What targets 26–29 read of the activities ([`crate::indicator::Snapshot::activities`]):
/// the forums' linked participants, the commune's village codes and the village codes that
/// have a play place in the directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityFacts {
    pub participation: Vec<Participation>,
    /// Every village of the commune, by code.
    pub villages: Vec<String>,
    /// Villages (codes) with a play place (điểm văn hóa, vui chơi cho trẻ em) in the directory.
    pub play_places: Vec<String>,
}

/// No activities at all: `activities: &activity::EMPTY`.
pub static EMPTY: ActivityFacts = ActivityFacts {
    participation: Vec::new(),
    villages: Vec::new(),
    play_places: Vec::new(),
};
