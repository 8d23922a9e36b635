//! The OpenAPI 3.1 description of `/api/v1`, kept beside the routes it describes.
use axum::Json;
use serde_json::{json, Value};

fn op(summary: &str, tag: &str, responses: &[(&str, &str)]) -> Value {
    let mut r = serde_json::Map::new();
    for (code, desc) in responses {
        let mut resp = json!({"description": desc});
        if *code == "422" {
            resp["content"] =
                json!({"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}});
        }
        r.insert(code.to_string(), resp);
    }
    json!({"summary": summary, "tags": [tag], "responses": r})
}

fn with_body(mut v: Value, schema: &str) -> Value {
    v["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    v
}

fn with_params(mut v: Value, params: &[(&str, &str, &str)]) -> Value {
    v["parameters"] = Value::Array(
        params
            .iter()
            .map(|(name, inn, desc)| {
                json!({"name": name, "in": inn, "required": *inn == "path", "description": desc, "schema": {"type": if *name == "id" {"integer"} else {"string"}}})
            })
            .collect(),
    );
    v
}

/// The schema of an answer (`code`) of the operation.
fn with_answer(mut v: Value, code: &str, schema: &str) -> Value {
    v["responses"][code]["content"] =
        json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}});
    v
}

const AUTH: [(&str, &str); 3] = [
    ("401", "thiếu hoặc sai mã phiên"),
    ("403", "vai trò không được phép"),
    ("500", "lỗi máy chủ"),
];

fn std(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut v = extra.to_vec();
    v.extend_from_slice(&AUTH);
    // Any query string or body may be refused (a NUL character, say), so every operation can
    // answer 422.
    if !v.iter().any(|(code, _)| *code == "422") {
        v.push(("422", "tham số hoặc nội dung không hợp lệ"));
    }
    v
}

pub fn spec() -> Value {
    let id = [("id", "path", "mã số")];
    let id_seq = [("id", "path", "mã số"), ("seq", "path", "số thứ tự mục")];
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "treem API",
            "version": "1",
            "description": "Sổ theo dõi trẻ em của xã. Đăng nhập bằng POST /session, rồi gửi `Authorization: Bearer <token>`. Lỗi nhập liệu trả 422 với danh sách {field, message} bằng tiếng Việt."
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Errors": {"type": "object", "properties": {"errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
                "Login": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}},
                "ChildInput": {"type": "object", "required": ["full_name", "village"], "properties": {
                    "full_name": {"type": "string"}, "aliases": {"type": "array", "items": {"type": "string"}},
                    "sex": {"enum": ["male", "female", "unknown"]},
                    "date_of_birth": {"type": "string", "description": "YYYY-MM-DD, dd/mm/yyyy, mm/yyyy hoặc yyyy"},
                    "dob_precision": {"enum": ["day", "month", "year", "estimated", "unknown"]},
                    "estimated_age": {"type": ["integer", "string"], "description": "tuổi ước tính khi không biết ngày sinh: số năm (0–17, hoặc \"4 tuổi\"); với trẻ nhỏ \"3 tuần\" (đến 104 tuần) hoặc \"2 tháng\" (đến 36 tháng), ghi là tháng sinh đó (dob_precision month)"},
                    "personal_id": {"type": "string", "description": "12 chữ số PPP G YY RRRRRR"},
                    "ethnicity": {"description": "mã QĐ 1019/QĐ-TCTK hoặc tên dân tộc"},
                    "village": {"type": "string", "description": "mã thôn/bản"},
                    "household_id": {"type": "integer"},
                    "birth_registered_on": {"type": "string"}, "birth_registration_place": {"type": "string"},
                    "insurance_card": {"type": "string"},
                    "school_level": {"enum": ["none", "nha_tre", "mau_giao", "tieu_hoc", "thcs", "thpt"]}, "school": {"type": "string"}, "grade": {"type": "string"},
                    "disability_type": {"type": "string"}, "disability_severity": {"enum": ["nhe", "nang", "dac_biet_nang"]},
                    "caregivers": {"type": "array", "items": {"type": "object", "properties": {"relationship": {"type": "string"}, "full_name": {"type": "string"}, "phone": {"type": "string"}}}},
                    "circumstances": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string", "description": "a…o (Điều 10 Luật Trẻ em)"}, "from": {"type": "string"}, "to": {"type": "string"}}}},
                    "moved_in": {"type": "string"}, "moved_out": {"type": "string"}, "died_on": {"type": "string"}, "notes": {"type": "string"}
                }},
                "ChildUpdate": {"allOf": [{"$ref": "#/components/schemas/ChildInput"}, {"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}}}]},
                "Child": {"allOf": [{"$ref": "#/components/schemas/ChildInput"}, {"type": "object", "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}, "notices": {"type": "array", "items": {"type": "string"}}}}]},
                "ChildPage": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}, "full_name": {"type": "string"}, "sex": {"type": "string"}, "date_of_birth": {"type": ["string", "null"]}, "dob_precision": {"enum": ["day", "month", "year", "estimated", "unknown"], "description": "mức biết ngày sinh: chỉ day là ngày thật; month, year, estimated là ngày thay thế (đầu tháng, 1/7)"}, "personal_id": {"type": ["string", "null"]}, "village": {"type": "string"}, "version": {"type": "integer"}}}}, "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}},
                "Village": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"}}},
                "Household": {"type": "object", "required": ["village", "head_name"], "properties": {"village": {"type": "string"}, "code": {"type": "string"}, "head_name": {"type": "string"}, "address": {"type": "string"}, "poverty": {"type": "array", "items": {"type": "object", "properties": {"status": {"enum": ["poor", "near_poor"]}, "from": {"type": "string"}, "to": {"type": "string"}}}}, "version": {"type": "integer"}}},
                "Reported": {"type": "object", "required": ["period_start", "period_end", "note"], "properties": {"period_start": {"type": "string"}, "period_end": {"type": "string"}, "numerator": {"type": "number"}, "denominator": {"type": "number"}, "value": {"type": "number"}, "secondary": {"type": "boolean"}, "note": {"type": "string"}}},
                "PasswordChange": {"type": "object", "required": ["current", "new"], "properties": {"current": {"type": "string"}, "new": {"type": "string"}}},
                "HealthEvent": {"type": "object", "required": ["date"], "description": "event (hoặc kind) chọn loại; với tai nạn, event = injury và kind là loại tai nạn", "properties": {
                    "event": {"enum": ["death", "vaccination", "measurement", "injury", "hiv"]},
                    "kind": {"enum": ["death", "vaccination", "measurement", "hiv", "drowning", "traffic", "fall", "burn", "animal_bite", "poisoning", "other"]},
                    "child_id": {"type": "integer"}, "date": {"type": "string", "description": "YYYY-MM-DD hoặc dd/mm/yyyy"},
                    "cause": {"enum": ["illness", "drowning", "traffic", "fall", "burn", "animal_bite", "poisoning", "other_injury", "other", "unknown"]},
                    "vaccine": {"type": "string"}, "dose": {"type": "integer"},
                    "weight_kg": {"type": "number"}, "length_cm": {"type": "number"}, "measure": {"enum": ["lying", "standing"]}, "oedema": {"type": "boolean"},
                    "severity": {"enum": ["minor", "moderate", "severe"]}, "outcome": {"enum": ["recovered", "disabled", "died", "unknown"]}, "place": {"type": "string"},
                    "period_start": {"type": "string"}, "period_end": {"type": "string"},
                    "infants_born_to_hiv_positive_mothers": {"type": "integer"}, "infants_infected": {"type": "integer"}
                }},
                "BirthInput": {"type": "object", "required": ["child", "birth"], "properties": {
                    "child": {"$ref": "#/components/schemas/ChildInput"},
                    "birth": {"type": "object", "required": ["place", "live"], "properties": {"time": {"type": "string", "description": "HH:MM"}, "weight_g": {"type": "integer"}, "place": {"enum": ["home", "health_station", "hospital", "other"]}, "live": {"type": "boolean"}}}
                }},
                "CaseEntry": {"type": "object", "required": ["kind"], "description": "Một bước của hồ sơ (Nghị định 56/2017); các trường theo loại, xem docs/architecture.md", "properties": {
                    "kind": {"enum": ["intake", "initial_assessment", "emergency_measures", "specific_assessment", "plan", "submit_for_approval", "approve", "return", "service", "visit", "referral", "referral_answer", "offender_handling", "review", "correction", "assign", "unassign"]},
                    "channel": {"enum": ["hotline111", "in_person", "phone", "other_person", "village_head", "school", "police"]},
                    "received_at": {"type": "string", "description": "YYYY-MM-DDTHH:MM"},
                    "category": {"enum": ["abused", "at_risk", "special_circumstances"]},
                    "child": {"type": "object", "properties": {"type": {"enum": ["registered", "new"]}, "child_id": {"type": "integer"}, "full_name": {"type": "string"}, "sex": {"enum": ["male", "female", "unknown"]}, "dob_precision": {"enum": ["day", "month", "year", "estimated", "unknown"]}, "estimated_age": {"type": "integer"}}},
                    "place": {"type": "string"}, "current_condition": {"type": "string"},
                    "reason": {"type": "string"}, "note": {"type": "string"}, "username": {"type": "string"}, "role": {"type": "string"},
                    "date": {"type": "string"}, "by": {"type": "string"}, "findings": {"type": "string"}, "of": {"type": "integer"}, "referral": {"type": "integer"}, "answer": {"type": "string"}
                }},
                "CaseStep": {"type": "object", "required": ["expected_seq", "entry"], "properties": {"expected_seq": {"type": "integer"}, "entry": {"$ref": "#/components/schemas/CaseEntry"}}},
                "CaseReplacement": {"type": "object", "required": ["entry"], "properties": {"entry": {"$ref": "#/components/schemas/CaseEntry"}}},
                "NewUser": {"type": "object", "required": ["username", "password", "role", "full_name", "position"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "role": {"enum": ["officer", "leader", "health", "police", "office", "services", "village_head", "province", "admin"]}, "village": {"type": "string"}, "full_name": {"type": "string", "description": "họ và tên (bắt buộc), in dưới chữ ký"}, "position": {"type": "string", "description": "chức vụ (bắt buộc)"}}},
                "Signer": {"type": "object", "required": ["full_name", "position"], "properties": {"full_name": {"type": "string", "description": "họ và tên"}, "position": {"type": "string", "description": "chức vụ"}}},
                "Confirmation": {"type": "object", "required": ["accept"], "properties": {"accept": {"type": "boolean"}, "password": {"type": "string", "description": "mật khẩu tạm do lãnh đạo đặt (khi accept = true)"}}}
            }
        },
        "security": [{"bearer": []}],
        "paths": {
            "/session": {
                "post": with_body(op("Đăng nhập: trả mã phiên (token); tên đăng nhập không phân biệt hoa thường và dấu cách ở hai đầu", "session", &[("200", "{token}"), ("403", "tài khoản chờ lãnh đạo xác nhận"), ("422", "sai tên hoặc mật khẩu; tên quá 64 byte"), ("429", "sai quá nhiều lần")]), "Login"),
                "delete": op("Đăng xuất", "session", &std(&[("204", "đã đăng xuất")]))
            },
            "/me": {"get": op("Người đang đăng nhập", "session", &std(&[("200", "tài khoản")]))},
            "/me/password": {"put": with_body(op("Đổi mật khẩu của mình {current, new}; tài khoản mới phải làm việc này trước mọi việc khác (403 cho đến khi đổi)", "session", &std(&[("204", "đã đổi; các phiên cũ hết hiệu lực"), ("422", "sai mật khẩu hiện tại, hoặc mật khẩu mới quá ngắn, chỉ có dấu cách hay quá phổ biến"), ("429", "đoán sai mật khẩu hiện tại quá nhiều lần")])), "PasswordChange")},
            "/villages": {
                "get": op("Danh sách thôn/bản {code, name}", "register", &std(&[("200", "danh sách")])),
                "post": with_body(op("Thêm thôn/bản (cán bộ VH-XH)", "register", &std(&[("201", "đã thêm"), ("422", "lỗi")])), "Village")
            },
            "/villages/{id}": {"put": with_params(with_body(op("Sửa mã, tên thôn/bản", "register", &std(&[("200", "đã sửa"), ("404", "không có"), ("409", "phiên bản cũ"), ("422", "lỗi")])), "Village"), &id)},
            "/households": {
                "get": with_params(op("Hộ gia đình (trong phạm vi)", "register", &std(&[("200", "danh sách")])), &[("village", "query", "mã thôn")]),
                "post": with_body(op("Thêm hộ", "register", &std(&[("201", "đã thêm"), ("422", "lỗi")])), "Household")
            },
            "/households/{id}": {
                "get": with_params(op("Một hộ", "register", &std(&[("200", "hộ"), ("404", "không có hoặc ngoài phạm vi")])), &id),
                "put": with_params(with_body(op("Sửa hộ (kèm version)", "register", &std(&[("200", "đã sửa"), ("404", "không có"), ("409", "phiên bản cũ"), ("422", "lỗi")])), "Household"), &id)
            },
            "/children": {
                "get": with_params(op("Tìm trẻ: không phân biệt dấu, hoa thường, đ = d; xếp theo thứ tự tiếng Việt", "register", &std(&[("200", "trang kết quả"), ("422", "bộ lọc sai")])),
                    &[("q", "query", "tên hoặc tên khác"), ("village", "query", "mã thôn"), ("sex", "query", "male|female|unknown"), ("age_min", "query", "tuổi từ"), ("age_max", "query", "tuổi đến"), ("circumstance", "query", "nhóm a…o"), ("disability", "query", "true|false"), ("no_personal_id", "query", "true: chưa có mã định danh"), ("birth_not_registered", "query", "true: chưa đăng ký khai sinh"), ("include_absent", "query", "true: cả trẻ đã chuyển đi, đã mất"), ("page", "query", "trang, từ 1"), ("per_page", "query", "1-500")]),
                "post": with_body(op("Thêm trẻ", "register", &std(&[("201", "{id, child}"), ("422", "lỗi từng trường")])), "ChildInput")
            },
            "/children/{id}": {
                "get": with_params(op("Hồ sơ đầy đủ của trẻ (việc xem được ghi nhật ký)", "register", &std(&[("200", "trẻ"), ("404", "không có hoặc ngoài phạm vi")])), &id),
                "put": with_params(with_body(op("Sửa trẻ (kèm version; 409 nếu đã có người sửa)", "register", &std(&[("200", "đã sửa"), ("404", "không có"), ("409", "phiên bản cũ"), ("422", "lỗi từng trường")])), "ChildUpdate"), &id)
            },
            "/children/{id}/history": {"get": with_params(op("Lịch sử thay đổi: ai, khi nào, trường nào", "register", &std(&[("200", "các phiên bản"), ("404", "không có")])), &id)},
            "/children/{id}/health": {"get": with_params(op("Sự kiện y tế của trẻ mà vai trò được xem (không có HIV)", "health", &std(&[("200", "các sự kiện"), ("404", "không có hoặc ngoài phạm vi")])), &id)},
            "/health/events": {"post": with_params(with_body(op("Trạm Y tế ghi một sự kiện: {event (hoặc kind): death|vaccination|measurement|injury|hiv, child_id, date, …}; với tai nạn, kind là loại tai nạn và event = injury; cân đo được tính z-score theo WHO 2006 (cân nặng 0,5–40 kg, chiều dài/cao 30–140 cm). Gửi kèm Idempotency-Key để gửi lại (mất sóng, không nhận được trả lời) không ghi hai lần", "health", &std(&[("201", "đã ghi: {id, event}"), ("200", "không ghi thêm: khóa Idempotency-Key đã dùng ({id, event, already_saved: true}) hoặc đã có sự kiện giống hệt ({id: null, identical: true})"), ("404", "không có trẻ"), ("422", "lỗi từng trường (Idempotency-Key: khóa không hợp lệ)")])), "HealthEvent"), &[("Idempotency-Key", "header", "khóa do máy gửi tạo, một khóa cho mỗi sự kiện muốn ghi (8–100 chữ cái, chữ số, - hoặc _); gửi lại cùng khóa thì không ghi thêm")])},
            "/health/events/{id}/replacement": {"post": with_params(with_body(op("Sửa một sự kiện y tế bằng bản ghi thay thế (Trạm Y tế, cán bộ LĐTBXH): thân như khi ghi sự kiện mới (kind, child_id mặc định theo bản ghi cũ) và reason (lý do sửa, bắt buộc). Không xóa gì: bản ghi cũ giữ lại, gạch ngang trong lịch sử của trẻ; số liệu dùng bản thay thế. Chỉ sửa được tiêm chủng, cân đo, tai nạn thương tích", "health", &std(&[("201", "đã thay: {id (bản mới), replaced (bản cũ), event}"), ("404", "không có sự kiện"), ("409", "bản ghi đã được thay trước đó"), ("422", "lỗi từng trường (reason: cần ghi lý do sửa)")])), "HealthEvent"), &id)},
            "/health/births": {"post": with_body(op("Khai báo sinh: {child: {...trẻ}, birth: {time, weight_g, place, live}}; trẻ vào sổ cùng lúc", "health", &std(&[("201", "{id, child}"), ("422", "lỗi từng trường")])), "BirthInput")},
            "/cases": {
                "get": op("Hồ sơ trường hợp mà người dùng được mở (cán bộ, lãnh đạo, người được phân công); người khác chỉ nhận số đếm theo trạng thái (tài khoản tỉnh: mọi trạng thái, count null và suppressed «<5»/«ẩn» khi số nhỏ có thể suy ra được); cán bộ và lãnh đạo nhận thêm {damaged}: số các hồ sơ bị hỏng", "cases", &std(&[("200", "{items, damaged} hoặc {counts}")])),
                "post": with_body(op("Tiếp nhận thông tin (Mẫu 01): {kind: intake, …}; cán bộ, trưởng thôn, công an, y tế; trẻ trong sổ phải thuộc phạm vi người báo (trưởng thôn: thôn mình), trẻ ngoài phạm vi và số không có trả lời như nhau", "cases", &std(&[("201", "{id}"), ("422", "lỗi từng trường (child_id: không có trẻ này trong sổ của bạn)")])), "CaseEntry")
            },
            "/cases/{id}": {"get": with_params(op("Mở hồ sơ (ghi nhật ký); người chỉ gửi tin nhận {receipt}", "cases", &std(&[("200", "{case, next_deadline} hoặc {receipt}"), ("404", "không có hoặc không được mở"), ("409", "hồ sơ bị hỏng, báo quản trị: {error, damaged: true, detail}")])), &id)},
            "/cases/{id}/entries/{seq}/replacement": {"post": with_params(with_body(op("Ghi mục thay thế cho mục {seq} (cùng loại; mục cũ vẫn còn, mục mới trỏ tới nó): {entry: {kind: …}}; tác giả mục đó hoặc cán bộ", "cases", &std(&[("200", "{case}"), ("404", "không có"), ("409", "hồ sơ bị hỏng"), ("422", "không thay được mục này")])), "CaseReplacement"), &id_seq)},
            "/cases/{id}/entries": {"post": with_params(with_body(op("Bước tiếp theo theo Nghị định 56/2017: {expected_seq, entry: {kind: initial_assessment|plan|submit_for_approval|approve|return|service|visit|referral|review|assign|…}}", "cases", &std(&[("200", "{case}"), ("404", "không có"), ("409", "đã có bước mới hơn, hoặc hồ sơ bị hỏng {damaged: true}"), ("422", "sai bước hoặc thiếu trường")])), "CaseStep"), &id)},
            "/stats/children": {"get": op("Số trẻ theo thôn và giới tính (không có dữ liệu cá nhân): {items} theo thôn × giới tính; tài khoản tỉnh nhận {total, by_village, by_sex}, mỗi bảng được bảo vệ số nhỏ (count null, suppressed «<5» hoặc «ẩn»)", "register", &std(&[("200", "số liệu")]))},
            "/users": {
                "get": op("Tài khoản (quản trị)", "admin", &std(&[("200", "danh sách")])),
                "post": with_body(op("Thêm tài khoản (quản trị); phải đổi mật khẩu lần đầu; vai trò được xem hồ sơ trẻ chờ lãnh đạo xác nhận", "admin", &std(&[("201", "đã thêm"), ("422", "lỗi")])), "NewUser")
            },
            "/users/pending": {"get": op("Tài khoản chờ lãnh đạo xác nhận (lãnh đạo, quản trị)", "admin", &std(&[("200", "{items}")]))},
            "/users/changes": {"get": with_params(op("Lịch sử thay đổi tài khoản từ nhật ký (cán bộ, lãnh đạo, quản trị)", "admin", &std(&[("200", "{items}")])), &[("limit", "query", "số mục")])},
            "/users/{id}/confirmation": {"post": with_params(with_body(op("Lãnh đạo xác nhận (kèm mật khẩu tạm) hoặc từ chối thay đổi của quản trị trên một tài khoản", "admin", &std(&[("204", "đã ghi"), ("404", "không có"), ("422", "không có gì chờ xác nhận hoặc mật khẩu tạm không hợp lệ")])), "Confirmation"), &id)},
            "/users/{id}/signer": {"put": with_params(with_body(op("Họ và tên, chức vụ của tài khoản, in dưới chữ ký trên biểu mẫu và báo cáo (quản trị, hoặc chính tài khoản đó); ghi nhật ký", "admin", &std(&[("200", "tài khoản"), ("403", "không được sửa tài khoản này"), ("404", "không có"), ("422", "thiếu họ và tên hoặc chức vụ, hoặc quá dài")])), "Signer"), &id)},
            "/plans": {"get": op("Các kế hoạch (năm, số chỉ tiêu)", "plan", &std(&[("200", "danh sách")]))},
            "/plans/{year}/targets": {"get": with_params(with_answer(op("Mọi chỉ tiêu của kế hoạch với số liệu đến ngày as_of: number, text, comparator, target_value, unit, owner, source, figure, numerator, denominator, status (null khi chưa có số liệu); definitions: cách tính từng con số bằng tiếng Việt (tử số, mẫu số, kỳ, ai không được tính, quy tắc) như trang chỉ tiêu; related: số liệu đi kèm như trang chỉ tiêu (chỉ tiêu 9: hepb_birth_dose, tiêm viêm gan B trong 24 giờ đầu). Tài khoản tỉnh: số liệu đến ngày cuối quý gần nhất đã qua (as_of trả về cho biết ngày), số nhỏ được bảo vệ: figure/numerator/denominator/allowed_events null và suppressed cho biết «<5» (từ 1 đến 4) hay «ẩn»; status «hidden» khi đánh giá sẽ làm lộ số đã ẩn; related rỗng (số liệu đi kèm mang số đếm chính xác), suppressed.related «ẩn» khi có", "plan", &std(&[("200", "các chỉ tiêu"), ("404", "không có kế hoạch năm này"), ("409", "kỳ báo cáo chứa ngày này chưa được cán bộ xác nhận (period_not_confirmed: report, proposed)"), ("422", "ngày sai")])), "200", "TargetFigures"), &[("year", "path", "năm"), ("as_of", "query", "YYYY-MM-DD: số liệu đến ngày này, mỗi bản ghi xếp theo ngày của chính nó (sinh, mất, tiêm, cân, chuyển đi/đến, tiếp nhận, trợ giúp)"), ("recorded_by", "query", "YYYY-MM-DD, không bắt buộc: chỉ dùng số liệu đã ghi đến hết ngày này (như báo cáo trước đó đã thấy); mặc định mọi số liệu đã ghi đến nay")])},
            "/plans/{year}/targets/{n}/reported": {"post": with_params(with_body(op("Cơ quan phụ trách nhập số liệu của kỳ (tử số ≤ mẫu số, không âm, ghi nguồn)", "plan", &std(&[("201", "đã ghi"), ("404", "không có chỉ tiêu"), ("422", "lỗi từng trường")])), "Reported"), &[("year", "path", "năm"), ("n", "path", "số chỉ tiêu")])},
            "/audit": {"get": with_params(op("Nhật ký (cán bộ, lãnh đạo, quản trị)", "admin", &std(&[("200", "các mục")])), &[("actor", "query", "người"), ("action", "query", "việc"), ("entity", "query", "loại"), ("entity_id", "query", "mã"), ("limit", "query", "số mục")])}
        }
    });
    doc["components"]["schemas"]["ChildInput"]["properties"]["household"] = json!({"type": "string", "description": "mã hộ như trên danh sách hộ (SP01-0124; không phân biệt hoa thường, dấu cách), hoặc #số hộ; hộ không có hoặc ngoài phạm vi: 422 trường household (không gửi cùng household_id)"});
    // Kept out of the literal above, which is at serde_json's recursion limit.
    doc["paths"]["/imports/children"] = json!({"post": with_params(op("Nhập trẻ từ tệp CSV hoặc XLSX theo mẫu (nội dung yêu cầu là tệp; Content-Type text/csv hoặc application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, hoặc format=csv|xlsx). Mọi dòng được kiểm tra như trang Nhập từ tệp; trả {written, checked, errors, warnings}, mỗi mục {row, column, message}. Còn lỗi: không ghi gì (422). Chỉ có cảnh báo: không ghi gì (409) trừ khi accept_warnings=true. Cán bộ VH-XH", "register", &std(&[("200", "đã ghi (hoặc check_only: đã kiểm tra)"), ("409", "có cảnh báo, chưa ghi"), ("413", "tệp quá lớn"), ("422", "tệp có lỗi: {errors, warnings}")])), &[("format", "query", "csv|xlsx"), ("check_only", "query", "true: chỉ kiểm tra"), ("accept_warnings", "query", "true: ghi dù có cảnh báo")])});
    doc["components"]["schemas"]["ReportPeriod"] = json!({"type": "object", "required": ["period_start", "period_end"], "properties": {"period_start": {"type": "string"}, "period_end": {"type": "string"}}});
    // Beside the macro above, which has reached its recursion limit.
    doc["paths"]["/plans/{year}/reports"] = json!({"get": with_params(op("Các báo cáo định kỳ của kế hoạch với kỳ báo cáo: status «stated» (kế hoạch nêu kỳ), «confirmed» (cán bộ đã xác nhận), «unconfirmed» (chờ xác nhận; period là kỳ đề xuất: từ đầu năm đến ngày cuối tháng trước hạn gửi)", "plan", &std(&[("200", "các báo cáo"), ("404", "không có kế hoạch năm này")])), &[("year", "path", "năm")])});
    doc["paths"]["/plans/{year}/reports/{code}/period"] = json!({"put": with_params(with_body(op("Cán bộ phụ trách xác nhận kỳ của báo cáo mà kế hoạch không nêu kỳ (ngày cuối kỳ trước hạn gửi); chưa xác nhận thì không tính số liệu của kỳ", "plan", &std(&[("200", "đã xác nhận"), ("404", "không có báo cáo"), ("422", "lỗi từng trường")])), "ReportPeriod"), &[("year", "path", "năm"), ("code", "path", "mã báo cáo (six_month, yearly, …)")])});
    let kinds: Vec<&str> = treem_domain::support::SupportKind::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    doc["components"]["schemas"]["Support"] = json!({"type": "object", "required": ["date", "kind"], "properties": {"date": {"type": "string", "description": "ngày trợ giúp (dd/mm/yyyy hoặc YYYY-MM-DD), không sau hôm nay"}, "kind": {"enum": kinds, "description": "hình thức trợ giúp (mã hoặc tên tiếng Việt)"}}});
    doc["components"]["schemas"]["SupportAnswers"] = json!({"type": "object", "required": ["groups"], "properties": {"groups": {"type": "object", "description": "nhóm hoàn cảnh (a…o) → các hình thức được tính; nhóm không gửi: mọi hình thức", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}});
    doc["paths"]["/children/{id}/supports"] = json!({
        "get": with_params(op("Các lần trợ giúp đã ghi cho trẻ (trong phạm vi người xem)", "register", &std(&[("200", "{items}"), ("404", "không có hoặc ngoài phạm vi")])), &[("id", "path", "mã trẻ")]),
        "post": with_params(with_body(op("Ghi một lần trợ giúp cho trẻ (cán bộ, trưởng thôn trong thôn mình, y tế, văn phòng). Gửi kèm Idempotency-Key để gửi lại không ghi hai lần", "register", &std(&[("201", "{id}"), ("200", "khóa đã dùng: {id, already_saved: true}"), ("404", "không có hoặc ngoài phạm vi"), ("422", "lỗi từng trường (date, kind)")])), "Support"), &[("id", "path", "mã trẻ"), ("Idempotency-Key", "header", "khóa do máy gửi tạo (8–100 chữ cái, chữ số, - hoặc _)")])
    });
    doc["paths"]["/settings/support-answers"] = json!({
        "get": op("Hình thức trợ giúp được tính cho chỉ tiêu 14, theo từng nhóm hoàn cảnh đặc biệt", "plan", &std(&[("200", "{groups}")])),
        "put": with_body(op("Cán bộ phụ trách đặt các hình thức được tính cho từng nhóm (mỗi nhóm ít nhất một)", "plan", &std(&[("200", "{groups}"), ("422", "lỗi từng nhóm (groups.d)")])), "SupportAnswers")
    });
    assessment_paths(&mut doc);
    // The paths are relative to this: a client generated from the document calls
    // /api/v1/cases, not /cases.
    doc["servers"] = json!([{"url": "/api/v1", "description": "máy chủ treem của xã"}]);
    doc["components"]["schemas"]["CaseEntry"]["properties"]["handling"] = json!({
        "enum": ["referred_to_police", "administrative_sanction", "prosecuted", "no_known_offender"],
        "description": "offender_handling: cách xử lý người vi phạm (chỉ tiêu 16)"
    });
    target_schemas(&mut doc);
    province_paths(&mut doc);
    report_paths(&mut doc);
    work_paths(&mut doc);
    hazard_paths(&mut doc);
    activity_paths(&mut doc);
    doc
}

/// Hazard sites and the plan's budget (issue 17, items 9 and 10).
fn hazard_paths(doc: &mut Value) {
    let kinds: Vec<&str> = treem_domain::hazard::HazardKind::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    let measures: Vec<&str> = treem_domain::hazard::Measure::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    let sources: Vec<&str> = treem_domain::budget::FundingSource::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    let key = (
        "Idempotency-Key",
        "header",
        "khóa do máy gửi tạo (8–100 chữ cái, chữ số, - hoặc _)",
    );
    doc["components"]["schemas"]["Hazard"] = json!({"type": "object", "required": ["village_id", "kind", "name", "lat", "lon"], "properties": {"village_id": {"type": "string", "description": "mã số thôn (id)"}, "kind": {"enum": kinds, "description": "loại điểm nguy cơ (mã hoặc tên tiếng Việt)"}, "name": {"type": "string", "description": "tên, mô tả vị trí"}, "lat": {"type": "string", "description": "vĩ độ thập phân, 8–23,5"}, "lon": {"type": "string", "description": "kinh độ thập phân, 102–117,5"}, "measures": {"type": "array", "items": {"enum": measures}}, "note": {"type": "string"}}});
    doc["components"]["schemas"]["HazardInspection"] = json!({"type": "object", "required": ["date", "finding", "status"], "properties": {"date": {"type": "string", "description": "ngày kiểm tra trong năm kế hoạch, không sau hôm nay"}, "finding": {"type": "string"}, "status": {"enum": ["open", "fixed"]}}});
    doc["components"]["schemas"]["BudgetLine"] = json!({"type": "object", "required": ["source", "activity", "planned"], "properties": {"source": {"enum": sources}, "activity": {"type": "string"}, "planned": {"type": "string", "description": "số đồng, không âm (1.500.000)"}}});
    doc["components"]["schemas"]["Spending"] = json!({"type": "object", "required": ["date", "amount"], "properties": {"date": {"type": "string", "description": "ngày chi trong năm kế hoạch, không sau hôm nay"}, "amount": {"type": "string", "description": "số đồng, không âm"}, "note": {"type": "string"}}});
    doc["paths"]["/hazards"] = json!({
        "get": with_params(op("Các điểm nguy cơ tai nạn, thương tích (trưởng thôn: thôn mình)", "hazards", &std(&[("200", "{items}"), ("404", "không có thôn này")])), &[("village", "query", "mã thôn")]),
        "post": with_params(with_body(op("Ghi một điểm nguy cơ (Trung tâm dịch vụ tổng hợp, cán bộ VH-XH, trưởng thôn trong thôn mình); tọa độ ngoài Việt Nam bị từ chối", "hazards", &std(&[("201", "{id}"), ("200", "khóa đã dùng: {id, already_saved: true}"), ("422", "lỗi từng trường (village_id, kind, name, lat, lon, measures)")])), "Hazard"), &[key])
    });
    doc["paths"]["/hazards/{id}"] = json!({"get": with_params(op("Một điểm nguy cơ với các lần kiểm tra", "hazards", &std(&[("200", "{site, inspections}"), ("404", "không có hoặc ngoài phạm vi")])), &[("id", "path", "mã điểm")])});
    doc["paths"]["/hazards/{id}/inspections"] = json!({"post": with_params(with_body(op("Ghi một lần kiểm tra; trạng thái của điểm là của lần kiểm tra sau cùng", "hazards", &std(&[("201", "{id}"), ("200", "khóa đã dùng"), ("404", "không có hoặc ngoài phạm vi"), ("422", "lỗi từng trường (date, finding, status)")])), "HazardInspection"), &[("id", "path", "mã điểm"), key])});
    doc["paths"]["/budget"] = json!({"get": with_params(op("Kinh phí của năm: các dòng theo nguồn và hoạt động (dự kiến, đã chi), các khoản chi, tổng theo nguồn, theo hoạt động và tất cả (Phòng Kinh tế, cán bộ VH-XH, lãnh đạo)", "budget", &std(&[("200", "{year, lines, spendings, totals}")])), &[("year", "query", "năm")])});
    doc["paths"]["/budget/lines"] = json!({"post": with_params(with_body(op("Phòng Kinh tế ghi một dòng kinh phí của năm kế hoạch", "budget", &std(&[("201", "{id}"), ("200", "khóa đã dùng"), ("422", "lỗi từng trường (source, activity, planned)")])), "BudgetLine"), &[key])});
    doc["paths"]["/budget/lines/{id}/spendings"] = json!({"post": with_params(with_body(op("Phòng Kinh tế ghi một khoản chi của dòng kinh phí", "budget", &std(&[("201", "{id}"), ("200", "khóa đã dùng"), ("404", "không có dòng này"), ("422", "lỗi từng trường (date, amount, note)")])), "Spending"), &[("id", "path", "mã dòng"), key])});
}

/// The plan's work and the directory of services (`/activities…`).
fn activity_paths(doc: &mut Value) {
    use treem_domain::activity::{directory::Category, *};
    let codes = |v: Vec<&'static str>| json!(v);
    let kinds = codes(ActivityKind::ALL.iter().map(|k| k.code()).collect());
    let count = |d: &str| json!({"type": ["integer", "string"], "description": d});
    doc["components"]["schemas"]["Activity"] = json!({"type": "object", "required": ["date", "title"], "properties": {
        "date": {"type": "string", "description": "ngày (dd/mm/yyyy hoặc YYYY-MM-DD), trong năm kế hoạch, không sau hôm nay"},
        "village_id": count("mã thôn; trống: cả xã (trưởng thôn: thôn mình)"),
        "title": {"type": "string", "description": "chủ đề, tên lớp tập huấn, cơ sở được kiểm tra, nội dung họp"},
        "channel": {"enum": codes(Channel::ALL.iter().map(|k| k.code()).collect()), "description": "kênh truyền thông (sự kiện; bắt buộc)"},
        "occasion": {"enum": codes(Occasion::ALL.iter().map(|k| k.code()).collect()), "description": "dịp: Tháng hành động (tháng 6), 01/06, Tết Trung thu"},
        "form": {"enum": codes(ForumForm::ALL.iter().map(|k| k.code()).collect()), "description": "hình thức (diễn đàn; bắt buộc)"},
        "level": {"enum": codes(ForumLevel::ALL.iter().map(|k| k.code()).collect()), "description": "cấp tổ chức (diễn đàn; bắt buộc)"},
        "girls": count("số em gái"), "boys": count("số em trai"), "total": count("tổng số trẻ em = em gái + em trai, nếu không: 422"),
        "age_0_5": count("trẻ 0–5 tuổi"), "age_6_10": count("trẻ 6–10 tuổi"), "age_11_15": count("trẻ 11–15 tuổi (ba nhóm tuổi cộng lại bằng tổng nếu có ghi)"),
        "minority": count("trẻ dân tộc thiểu số (không quá tổng)"), "adults": count("người lớn (cha mẹ, người chăm sóc, cán bộ)"), "materials": count("tài liệu, tờ rơi phát ra"),
        "details": {"type": "string", "description": "nội dung tập huấn, kết quả kiểm tra, kết luận cuộc họp"},
        "agency": {"type": "string", "description": "cơ quan chủ trì"},
        "children": {"type": "array", "items": {"type": "integer"}, "description": "mã trẻ trong sổ đã tham gia (diễn đàn): tính chỉ tiêu 27–29"},
        "recommendations": {"type": "array", "items": {"type": "object", "required": ["text", "answer", "agency"], "properties": {"text": {"type": "string"}, "answer": {"enum": codes(Answer::ALL.iter().map(|k| k.code()).collect())}, "reason": {"type": "string", "description": "bắt buộc khi chưa thể thực hiện"}, "agency": {"type": "string", "description": "cơ quan trả lời"}}}}
    }});
    doc["components"]["schemas"]["ServiceEntry"] = json!({"type": "object", "required": ["category", "name"], "properties": {
        "category": {"enum": codes(Category::ALL.iter().map(|k| k.code()).collect()), "description": "loại (play_place: điểm vui chơi, chỉ tiêu 26)"},
        "name": {"type": "string"}, "village_id": {"type": "string", "description": "mã thôn (bắt buộc với điểm vui chơi, cộng tác viên thôn)"},
        "address": {"type": "string"}, "phone": {"type": "string"}, "contact": {"type": "string", "description": "người liên hệ"}, "note": {"type": "string"}
    }});
    let kind = ("kind", "path", "loại hoạt động");
    doc["paths"]["/activities/{kind}"] = json!({
        "get": with_params(op("Các hoạt động một loại trong năm (trưởng thôn: sự kiện của thôn mình; diễn đàn: vai trò xem hồ sơ trẻ em)", "activities", &std(&[("200", "{kind, year, items}"), ("403", "vai trò không xem loại này"), ("404", "không có loại này"), ("422", "năm sai")])), &[kind, ("year", "query", "năm; mặc định năm nay")]),
        "post": with_params(with_body(op("Ghi một hoạt động cùng trẻ tham gia và kiến nghị, tất cả hoặc không gì (cán bộ VH-XH mọi loại; Trung tâm dịch vụ trừ diễn đàn; Văn phòng diễn đàn; trưởng thôn sự kiện của thôn mình). Gửi kèm Idempotency-Key để gửi lại không ghi hai lần", "activities", &std(&[("201", "{id}"), ("200", "khóa đã dùng: {id, already_saved: true}"), ("403", "vai trò không ghi loại này"), ("404", "không có loại này"), ("422", "lỗi từng trường, không ghi gì")])), "Activity"), &[kind, ("Idempotency-Key", "header", "khóa do máy gửi tạo")])
    });
    doc["paths"]["/activities/{kind}/{id}"] = json!({"get": with_params(op("Một hoạt động với trẻ tham gia (giới tính, tuổi, dân tộc, hoàn cảnh đặc biệt từ sổ; ghi nhật ký) và kiến nghị", "activities", &std(&[("200", "hoạt động"), ("404", "không có hoặc ngoài phạm vi")])), &[kind, ("id", "path", "mã hoạt động")])});
    doc["paths"]["/activities/directory"] = json!({
        "get": op("Danh bạ dịch vụ: địa chỉ tin cậy, nơi tạm lánh, trợ giúp pháp lý, y tế, tâm lý, tổng đài 111, Ban chỉ đạo, cộng tác viên, điểm vui chơi", "activities", &std(&[("200", "{items}")])),
        "post": with_body(op("Thêm một mục danh bạ (cán bộ VH-XH, Trung tâm dịch vụ)", "activities", &std(&[("201", "{id}"), ("403", "vai trò không sửa danh bạ"), ("422", "lỗi từng trường")])), "ServiceEntry")
    });
    let _ = kinds;
}

/// Reports up the chain (`/reports…`).
fn report_paths(doc: &mut Value) {
    let id = ("id", "path", "mã báo cáo");
    let agency = (
        "agency",
        "path",
        "mã cơ quan trong kế hoạch (health, police, …)",
    );
    const REFUSALS: [(&str, &str); 4] = [
        ("403", "vai trò hoặc cơ quan không được làm bước này"),
        ("404", "không có báo cáo hoặc phần"),
        (
            "409",
            "báo cáo đã phê duyệt, đã gửi, hoặc phiên bản cũ (current_version)",
        ),
        ("422", "lỗi từng trường"),
    ];
    fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut v = extra.to_vec();
        v.extend_from_slice(&REFUSALS);
        v
    }
    doc["components"]["schemas"]["ReportOpen"] = json!({"type": "object", "required": ["kind"], "properties": {"year": {"type": "integer"}, "kind": {"type": "string", "description": "mã loại báo cáo trong kế hoạch (six_month, yearly, month_of_action, forum, self_assessment)"}, "forum_date": {"type": "string", "description": "ngày tổ chức diễn đàn (báo cáo diễn đàn), dd/mm/yyyy"}}});
    doc["components"]["schemas"]["ReportSection"] = json!({"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}, "done": {"type": "string", "description": "Kết quả thực hiện"}, "results": {"type": "string", "description": "Kết quả đạt được"}, "difficulties": {"type": "string", "description": "Khó khăn, vướng mắc"}, "proposals": {"type": "string", "description": "Đề xuất, kiến nghị"}}});
    doc["components"]["schemas"]["ReportStep"] = json!({"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}, "reason": {"type": "string", "description": "lý do trả lại (bắt buộc khi trả lại)"}, "number": {"type": "string", "description": "số văn bản khi phê duyệt (12 trong 12/BC-UBND)"}}});
    doc["paths"]["/reports"] = json!({
        "get": with_params(op("Các báo cáo (theo năm): trạng thái, hạn gửi, quá hạn, các phần đã nộp", "reports", &std(&[("200", "{items}"), ("403", "vai trò không xem báo cáo")])), &[("year", "query", "năm kế hoạch")]),
        "post": with_body(op("Cán bộ VH-XH mở báo cáo theo kỳ đã nêu hoặc đã xác nhận (báo cáo diễn đàn: ngày diễn đàn)", "reports", &std(&with(&[("201", "báo cáo đã mở")]))), "ReportOpen")
    });
    doc["paths"]["/reports/{id}"] = json!({"get": with_params(op("Xem tổng hợp: số liệu từng chỉ tiêu (tử số, mẫu số, nguồn, trạng thái, cơ quan), các phần đã nộp; báo cáo đã phê duyệt: số liệu đã đóng băng và số liệu đã thay đổi sau khi phê duyệt (differences_now)", "reports", &std(&with(&[("200", "báo cáo")]))), &[id])});
    doc["paths"]["/reports/{id}/sections/{agency}"] = json!({
        "get": with_params(op("Phần của một cơ quan với số liệu các chỉ tiêu cơ quan chủ trì và số liệu từ hồ sơ trong kỳ (lines: label, value; chỉ số lượng, không có tên; đóng băng khi phê duyệt)", "reports", &std(&with(&[("200", "phần báo cáo")]))), &[id, agency]),
        "put": with_params(with_body(op("Lưu nháp bốn mục của phần (chỉ cơ quan phụ trách; trước khi gửi lãnh đạo)", "reports", &std(&with(&[("200", "đã lưu")]))), "ReportSection"), &[id, agency])
    });
    for (path, what) in [
        ("submit", "Nộp phần của cơ quan"),
        ("reopen", "Mở lại phần đã nộp (trước khi gửi lãnh đạo)"),
    ] {
        doc["paths"][format!("/reports/{{id}}/sections/{{agency}}/{path}")] = json!({"post": with_params(with_body(op(what, "reports", &std(&with(&[("200", "đã ghi")]))), "ReportStep"), &[id, agency])});
    }
    for (path, what) in [
        ("send", "Cán bộ VH-XH gửi lãnh đạo phê duyệt"),
        (
            "approve",
            "Lãnh đạo phê duyệt: báo cáo được đóng băng (số liệu, mã bản ghi, đầu chuỗi nhật ký)",
        ),
        ("return", "Lãnh đạo trả lại kèm lý do (reason)"),
    ] {
        doc["paths"][format!("/reports/{{id}}/{path}")] = json!({"post": with_params(with_body(op(what, "reports", &std(&with(&[("200", "đã ghi")]))), "ReportStep"), &[id])});
    }
    doc["paths"]["/reports/{id}/amend"] = json!({"post": with_params(op("Cán bộ VH-XH lập báo cáo bổ sung cho báo cáo đã phê duyệt; báo cáo gốc giữ nguyên", "reports", &std(&with(&[("201", "báo cáo bổ sung đã mở")]))), &[id])});
    doc["paths"]["/reports/{id}/documents/{format}"] = json!({"get": with_params(op("Văn bản của báo cáo đã phê duyệt: docx (Word, thể thức Nghị định 30/2020: A4, Times New Roman, quốc hiệu, số, bảng chỉ tiêu, phần từng cơ quan, nơi nhận, chữ ký) hoặc xlsx (Excel: bảng chỉ tiêu, phân tổ theo thôn, giới tính, dân tộc, nhóm tuổi, mỗi phần một trang tính); chỉ từ số liệu đã đóng băng", "reports", &std(&[("200", "tệp"), ("403", "vai trò không xem báo cáo"), ("404", "không có báo cáo, chưa phê duyệt, hoặc định dạng khác docx/xlsx")])), &[id, ("format", "path", "docx hoặc xlsx")])});
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

/// The schemas of the targets' figures (`GET /plans/{year}/targets`).
fn target_schemas(doc: &mut Value) {
    doc["components"]["schemas"]["TargetFigures"] = json!({"type": "object", "properties": {"year": {"type": "integer"}, "as_of": {"type": "string"}, "recorded_by": {"type": ["string", "null"]}, "period": {"type": "object", "properties": {"start": {"type": "string"}, "end": {"type": "string"}}}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/TargetFigure"}}}});
    doc["components"]["schemas"]["TargetFigure"] = json!({"type": "object", "properties": {"number": {"type": "integer"}, "goal": {"type": "integer"}, "text": {"type": "string"}, "comparator": {"type": "string"}, "target_value": {"type": ["number", "null"]}, "unit": {"type": ["string", "null"]}, "owner": {"type": "array", "items": {"type": "string"}}, "source": {"type": "string", "enum": ["register", "reported", "assessment", "cases"]}, "figure": {"type": ["number", "null"]}, "numerator": {"type": ["number", "null"]}, "denominator": {"type": ["number", "null"]}, "status": {"type": "string"}, "status_vi": {"type": "string"}, "unstable": {"type": "boolean"}, "allowed_events": {"type": ["integer", "null"]}, "last_entered": {"type": ["string", "null"]}, "definitions": {"type": "array", "items": {"$ref": "#/components/schemas/TargetDefinition"}}, "related": {"type": "array", "items": {"$ref": "#/components/schemas/RelatedFigure"}}, "suppressed": {"type": "object", "additionalProperties": {"type": "string"}}}});
    doc["components"]["schemas"]["TargetDefinition"] = json!({"type": "object", "description": "Cách tính một con số của chỉ tiêu, bằng tiếng Việt", "properties": {"figure": {"type": "string", "description": "«Con số thứ hai» cho con số thứ hai; rỗng cho con số thứ nhất"}, "numerator": {"type": "string"}, "denominator": {"type": "string"}, "period": {"type": "string"}, "left_out": {"type": "array", "items": {"type": "string"}}, "rule": {"type": ["string", "null"]}}});
    doc["components"]["schemas"]["RelatedFigure"] = json!({"type": "object", "description": "Số liệu đi kèm chỉ tiêu (tỷ lệ %, với tử số và mẫu số)", "properties": {"indicator": {"type": "string"}, "title": {"type": "string"}, "figure": {"type": ["number", "null"]}, "numerator": {"type": ["number", "null"]}, "denominator": {"type": ["number", "null"]}, "unstable": {"type": "boolean"}}});
}

/// The province's side and the package a commune sends it (issue 16, parts 5–7).
fn province_paths(doc: &mut Value) {
    doc["components"]["schemas"]["TrustCommune"] = json!({"type": "object", "required": ["public_key"], "properties": {"public_key": {"type": "string", "description": "nội dung tệp .pub do treem commune-key new tạo"}, "code": {"type": ["string", "null"], "description": "mã xã, khi khác mã trong tệp"}, "name": {"type": ["string", "null"], "description": "tên xã, khi khác tên trong tệp"}}});
    doc["components"]["schemas"]["SignedPackage"] = json!({"type": "object", "description": "Gói báo cáo: content là nội dung JSON (base64) ký ed25519 bằng khóa của xã", "required": ["format", "commune", "key", "content", "signature"], "properties": {"format": {"type": "integer"}, "commune": {"type": "string"}, "key": {"type": "string", "description": "dấu vân tay khóa công khai"}, "content": {"type": "string"}, "signature": {"type": "string"}}});
    doc["paths"]["/province/communes"] = json!({
        "get": op("Các xã đã đăng ký khóa công khai với tỉnh (vai trò tỉnh)", "province", &std(&[("200", "{items: [{code, name, fingerprint, added_at}]}")])),
        "post": with_body(op("Đăng ký (hoặc thay) khóa công khai của một xã (vai trò tỉnh)", "province", &std(&[("201", "{code, name, fingerprint}"), ("422", "tệp khóa không đọc được, thiếu mã hoặc tên xã")])), "TrustCommune")
    });
    doc["paths"]["/province/packages"] = json!({
        "get": op("Các gói báo cáo đã nhận, theo thứ tự nhận (vai trò tỉnh)", "province", &std(&[("200", "{items: [{id, commune, commune_name, kind, kind_name, year, period, number, amends, received_at, on_time}]}")])),
        "post": with_body(op("Nhận một gói báo cáo (nội dung yêu cầu là tệp gói). Từ chối và không lưu gì khi: xã chưa đăng ký, chữ ký sai hoặc gói bị sửa, mã xã trong nội dung khác trên gói, đã có báo cáo cùng loại cùng kỳ của xã mà gói không phải báo cáo bổ sung. Gói giống hệt đã nhận: 200 already_received", "province", &std(&[("201", "đã nhận: {id, already_received: false, commune, on_time, amends}"), ("200", "đã nhận trước đó: {id, already_received: true}"), ("422", "bị từ chối: errors.package nói lý do")])), "SignedPackage")
    });
    doc["paths"]["/province/table"] = json!({"get": with_params(op("Bảng các xã × chỉ tiêu của một loại báo cáo và năm: trạng thái từng xã, đúng hạn hay muộn, tổng của tỉnh = tổng tử số / tổng mẫu số (missing nói vì sao không tính được khi xã nào có số nhỏ bị ẩn). Không có kind và year: của gói nhận sau cùng; table null khi chưa nhận gói nào", "province", &std(&[("200", "{table}")])), &[("kind", "query", "mã loại báo cáo (six_month, yearly, …)"), ("year", "query", "năm")])});
    doc["paths"]["/reports/{id}/package"] = json!({"get": with_params(op("Gói báo cáo gửi tỉnh của báo cáo đã phê duyệt: số liệu được che số nhỏ, không có mã, tên, ngày sinh hay mã định danh của trẻ; ký bằng khóa của xã (TREEM_COMMUNE_KEY_FILE)", "reports", &std(&[("200", "tệp gói (SignedPackage)"), ("404", "không có hoặc chưa phê duyệt"), ("422", "máy chủ chưa có khóa của xã (errors.commune_key)")])), &[("id", "path", "mã báo cáo")])});
}

/// The child-friendly commune self-assessment (target 1) and the national children's database.
fn assessment_paths(doc: &mut Value) {
    doc["components"]["schemas"]["SelfAssessment"] = json!({"type": "object", "required": ["date", "scores"], "properties": {"date": {"type": "string", "description": "ngày họp đánh giá (dd/mm/yyyy hoặc YYYY-MM-DD), trong năm, không sau hôm nay"}, "scores": {"type": "array", "items": {"type": "object", "required": ["criterion"], "properties": {"criterion": {"type": "integer", "description": "số tiêu chí (1–13)"}, "score": {"type": ["integer", "string", "null"], "description": "điểm, từ 0 đến điểm tối đa của tiêu chí; null: chưa chấm"}, "evidence": {"type": "string", "description": "minh chứng, nguồn số liệu"}}}}}});
    doc["components"]["schemas"]["VerifiedIds"] = json!({"type": "object", "required": ["rows"], "properties": {"rows": {"type": "array", "items": {"type": "object", "properties": {"child": {"type": "string", "description": "mã trẻ trong treem"}, "personal_id": {"type": "string", "description": "mã định danh đã được Công an xã xác minh (12 chữ số); để trống: bỏ qua dòng"}}}}}});
    let year = [("year", "path", "năm")];
    doc["paths"]["/self-assessments/{year}"] = json!({
        "get": with_params(op("Tự đánh giá xã phù hợp với trẻ em của năm (Quyết định 06/QĐ-TTg ngày 03/01/2019): các tiêu chí với điểm tối đa và điểm nào chưa kiểm chứng, tỷ lệ treem tính được cho một số tiêu chí (rates) với điểm gợi ý, lần nhập hiện hành (current) với kết quả, các lần nhập trước (history)", "plan", &std(&[("200", "{criteria, threshold, rates, current, history}"), ("404", "năm ngoài kế hoạch")])), &year),
        "put": with_params(with_body(op("Cán bộ Phòng Văn hóa - Xã hội nhập tự đánh giá của năm (một lần nhập mới; các lần trước giữ lại). Kết quả: tổng điểm so với ngưỡng (xã miền núi ≥ 800), không tiêu chí nào 0 điểm, đủ 13 tiêu chí; chỉ tiêu 1 theo kết quả này", "plan", &std(&[("200", "{entry, outcome, outcome_vi}"), ("404", "năm ngoài kế hoạch"), ("422", "lỗi từng trường (criteria.N nêu tên tiêu chí, date)")])), "SelfAssessment"), &year)
    });
    doc["paths"]["/national-db/cleanup"] = json!({
        "get": with_params(op("Danh sách rà soát cho cơ sở dữ liệu trẻ em quốc gia (Đề án 06): trẻ đang ở trên địa bàn chưa có hoặc sai mã định danh, thiếu họ tên, ngày sinh, giới tính, dân tộc, người chăm sóc (cán bộ, Công an xã)", "register", &std(&[("200", "{count, items: [{id, full_name, village, gaps, gaps_vi}]}")])), &[("village", "query", "mã thôn; để trống: cả xã")])
    });
    doc["paths"]["/national-db/personal-ids"] = json!({
        "post": with_body(op("Ghi các mã định danh Công an xã đã xác minh, tất cả hoặc không dòng nào: dòng sai (mã không đủ 12 chữ số, không khớp giới tính hoặc năm sinh, đã ghi cho trẻ khác, trẻ không có) được nêu «dòng N: …»", "register", &std(&[("200", "{changed}"), ("422", "lỗi từng dòng (rows.N)")])), "VerifiedIds")
    });
    doc["paths"]["/national-db/export"] = json!({
        "get": with_params(op("Sổ trẻ em theo mã định danh, một dòng một trẻ, các cột theo data/national-export.toml (mẫu tạm thời cho đến khi có mẫu quốc gia); chỉ trẻ có mã định danh khớp hồ sơ", "register", &std(&[("200", "tệp CSV hoặc XLSX")])), &[("format", "query", "csv (mặc định) hoặc xlsx")])
    });
}

/// The plan's work as records (`/work/…`, issue 17): distribution lists, disasters and relief,
/// child marriages, the disability follow-up.
fn work_paths(doc: &mut Value) {
    let key = (
        "Idempotency-Key",
        "header",
        "khóa do máy gửi tạo (8–100 chữ cái, chữ số, - hoặc _): gửi lại không ghi hai lần",
    );
    let funding: Vec<&str> = treem_domain::work::FundingSource::ALL
        .iter()
        .map(|f| f.code())
        .collect();
    let disaster_kinds: Vec<&str> = treem_domain::work::DisasterKind::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    let s = &mut doc["components"]["schemas"];
    s["Distribution"] = json!({"type": "object", "required": ["title", "date", "kind", "children"], "properties": {
        "title": {"type": "string", "description": "tên đợt cấp phát"},
        "date": {"type": "string", "description": "ngày cấp phát trong năm kế hoạch, không sau hôm nay"},
        "kind": {"type": "string", "description": "hình thức trợ giúp (mã hoặc tên)"},
        "value": {"type": ["string", "integer"], "description": "giá trị mỗi trẻ (đồng), không âm"},
        "funding": {"enum": funding, "description": "nguồn kinh phí"},
        "giver": {"type": "string", "description": "người, đơn vị trao"},
        "children": {"type": "array", "items": {"type": "integer"}, "description": "mã trẻ trong sổ (tối đa 5.000)"}}});
    s["Disaster"] = json!({"type": "object", "required": ["date", "kind", "villages"], "properties": {
        "date": {"type": "string"}, "kind": {"enum": disaster_kinds},
        "villages": {"type": "array", "items": {"type": "string"}, "description": "mã thôn, bản bị ảnh hưởng"},
        "note": {"type": "string"},
        "children": {"type": "array", "items": {"type": "integer"}, "description": "trẻ trong sổ bị ảnh hưởng (thuộc các thôn đó)"}}});
    s["Relief"] = json!({"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"type": "object", "required": ["child_id"], "properties": {
        "child_id": {"type": "integer"}, "helped_on": {"type": "string", "description": "ngày cứu trợ (từ ngày xảy ra đến hôm nay); trống: chưa"}, "how": {"type": "string", "description": "hình thức cứu trợ"}}}}}});
    s["Marriage"] = json!({"type": "object", "required": ["date", "village"], "properties": {
        "date": {"type": "string"}, "village": {"type": "string"}, "ethnicity": {"type": "string"},
        "child_id": {"type": "integer", "description": "trẻ trong sổ, nếu biết"},
        "wife_age": {"type": ["integer", "string"]}, "husband_age": {"type": ["integer", "string"]},
        "prevented": {"type": "boolean", "description": "đã ngăn chặn được (ghi, không tính vào chỉ tiêu 18)"},
        "note": {"type": "string"}}});
    s["Disability"] = json!({"type": "object", "required": ["date"], "properties": {
        "date": {"type": "string"}, "needs": {"type": "string"}, "services": {"type": "string"}, "devices": {"type": "string"}}});
    let p = &mut doc["paths"];
    p["/work/supports"] = json!({"get": with_params(op("Các lần trợ giúp (trong phạm vi người xem: trưởng thôn chỉ thôn mình), lọc theo ngày, hình thức, thôn, đợt cấp phát", "work", &std(&[("200", "{items}"), ("422", "lỗi từng bộ lọc")])), &[("from", "query", "từ ngày"), ("to", "query", "đến ngày"), ("kind", "query", "hình thức"), ("village", "query", "mã thôn"), ("distribution", "query", "mã đợt cấp phát")])});
    p["/work/distributions"] = json!({
        "get": op("Các đợt cấp phát (không nêu tên trẻ)", "work", &std(&[("200", "{items}")])),
        "post": with_params(with_body(op("Ghi một đợt cấp phát cho nhiều trẻ một lần (một giao dịch): một trẻ ngoài sổ hoặc ngoài thôn của người ghi thì không ghi gì", "work", &std(&[("201", "{id}"), ("200", "khóa đã dùng: {id, already_saved: true}"), ("422", "lỗi từng trường (title, date, kind, value, funding, children)")])), "Distribution"), &[key])
    });
    p["/work/distributions/xlsx"] = json!({"post": with_params(op("Đợt cấp phát từ tệp XLSX (hoặc CSV) gửi làm thân yêu cầu: cột Số định danh cá nhân, hoặc Họ và tên cùng Ngày sinh. Mọi dòng phải khớp một trẻ trong sổ; nếu không, trả về từng dòng với lý do (trường «dòng N») và không ghi gì", "work", &std(&[("201", "{id}"), ("422", "các dòng không khớp, hoặc lỗi từng trường")])), &[("title", "query", "tên đợt"), ("date", "query", "ngày cấp phát"), ("kind", "query", "hình thức"), ("value", "query", "giá trị mỗi trẻ (đồng)"), ("funding", "query", "nguồn kinh phí"), ("giver", "query", "người trao"), key])});
    p["/work/disasters"] = json!({
        "get": op("Các đợt thiên tai, thảm họa với số trẻ bị ảnh hưởng và đã được cứu trợ (trong phạm vi người xem)", "work", &std(&[("200", "{items}")])),
        "post": with_params(with_body(op("Ghi một đợt thiên tai và các trẻ bị ảnh hưởng (chỉ tiêu 17)", "work", &std(&[("201", "{id}"), ("200", "khóa đã dùng"), ("422", "lỗi từng trường; trẻ không thuộc thôn bị ảnh hưởng")])), "Disaster"), &[key])
    });
    p["/work/disasters/{id}/children"] = json!({
        "get": with_params(op("Các trẻ bị ảnh hưởng và việc cứu trợ từng trẻ", "work", &std(&[("200", "{items}"), ("404", "không có")])), &[("id", "path", "mã đợt")]),
        "put": with_params(with_body(op("Ghi (hoặc thay) việc cứu trợ từng trẻ: ngày, hình thức; cả danh sách hoặc không gì", "work", &std(&[("200", "{saved}"), ("404", "không có"), ("422", "lỗi từng dòng (items[i].helped_on)")])), "Relief"), &[("id", "path", "mã đợt")])
    });
    p["/work/marriages"] = json!({
        "get": op("Các cuộc tảo hôn đã ghi (trưởng thôn: thôn mình)", "work", &std(&[("200", "{items}")])),
        "post": with_params(with_body(op("Ghi một cuộc tảo hôn (một bên chưa đủ tuổi kết hôn: nữ 18, nam 20) — chỉ tiêu 18", "work", &std(&[("201", "{id}"), ("200", "khóa đã dùng"), ("422", "lỗi từng trường")])), "Marriage"), &[key])
    });
    p["/settings/relief"] = json!({
        "get": op("Cứu trợ trong bao nhiêu ngày kể từ ngày xảy ra thiên tai thì tính là kịp thời (chỉ tiêu 17); mặc định 7", "work", &std(&[("200", "{within_days}")])),
        "put": op("Cán bộ phụ trách đặt số ngày (0–90)", "work", &std(&[("200", "{within_days}"), ("422", "lỗi within_days")]))
    });
    p["/work/disability"] = json!({"get": op("Các lần theo dõi trẻ em khuyết tật: nhu cầu, dịch vụ, dụng cụ hỗ trợ", "work", &std(&[("200", "{items}")]))});
    p["/children/{id}/disability"] = json!({"post": with_params(with_body(op("Ghi một lần theo dõi cho trẻ thuộc nhóm d (trẻ em khuyết tật)", "work", &std(&[("201", "{id}"), ("404", "không có hoặc ngoài phạm vi"), ("422", "lỗi từng trường; trẻ không thuộc nhóm d")])), "Disability"), &[("id", "path", "mã trẻ")])});
}
