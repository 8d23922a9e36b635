//! Form bodies of the pages, decoded strictly. axum's `Form` replaces bytes that are not UTF-8
//! with U+FFFD, so a child's name typed in an old encoding would be stored garbled while the API
//! (serde_json) refuses the same bytes. Here such a form is refused as a whole, with a page
//! naming the field, and nothing is written.
use super::{PageError, PageErrorKind};
use crate::i18n::{texts, Texts};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};

/// The fields of an `application/x-www-form-urlencoded` body: a `HashMap<String, String>`
/// (the last value of a repeated name wins) or a `Vec<(String, String)>` (all of them).
pub struct PageForm<T>(pub T);

impl<S, T> FromRequest<S> for PageForm<T>
where
    S: Send + Sync,
    T: FromIterator<(String, String)>,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        let refuse = |text: String| PageError {
            kind: PageErrorKind::BadForm(text),
            t: texts(),
            sample: false,
        };
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            refuse(format!(
                "Không đọc được biểu mẫu gửi lên ({}). Hãy tải lại trang rồi làm lại.",
                e.body_text()
            ))
        })?;
        match parse(&body) {
            Ok(pairs) => Ok(PageForm(pairs.into_iter().collect())),
            Err(field) => Err(refuse(format!(
                "Ô «{}» có ký tự không đọc được (không phải chữ Unicode UTF-8), nên chưa lưu gì. \
                 Hãy gõ lại ô đó bằng bộ gõ tiếng Việt Unicode rồi gửi lại.",
                field_label(texts(), field.as_deref())
            ))),
        }
    }
}

/// A form body decoded as strictly as [`PageForm`], into a typed request `T` (the form's
/// fields as text: `String` with `#[serde(default)]`, `Option<String>`, or a flattened map of
/// the rest). The last value of a repeated name wins; names `T` does not know are ignored.
/// The handler converts `T` into the domain's types with `TryFrom`, which names each field's
/// problem in Vietnamese.
pub struct TypedForm<T>(pub T);

impl<S, T> FromRequest<S> for TypedForm<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        let PageForm(pairs) = PageForm::<Vec<(String, String)>>::from_request(req, state).await?;
        typed(pairs).map(TypedForm).map_err(|e| PageError {
            kind: PageErrorKind::BadForm(format!(
                "Không đọc được biểu mẫu gửi lên ({e}). Hãy tải lại trang rồi làm lại."
            )),
            t: texts(),
            sample: false,
        })
    }
}

/// The typed request of a form's pairs (the last value of a repeated name wins).
pub fn typed<T: serde::de::DeserializeOwned>(
    pairs: Vec<(String, String)>,
) -> Result<T, serde_json::Error> {
    let fields: serde_json::Map<String, serde_json::Value> = pairs
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    serde_json::from_value(serde_json::Value::Object(fields))
}

/// The pairs of a form body; `Err(name)` for the first field whose value is not UTF-8 once
/// decoded (`Err(None)` when the name itself is not).
pub fn parse(body: &[u8]) -> Result<Vec<(String, String)>, Option<String>> {
    let mut out = Vec::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let key = decode(k).ok_or(None)?;
        let value = decode(v).ok_or_else(|| Some(key.clone()))?;
        out.push((key, value));
    }
    Ok(out)
}

fn decode(raw: &[u8]) -> Option<String> {
    let plus: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus).collect();
    String::from_utf8(bytes).ok()
}

/// The Vietnamese label of a form field, for the message; the name itself when unknown.
fn field_label(t: &Texts, field: Option<&str>) -> String {
    let Some(f) = field else {
        return "(tên ô)".into();
    };
    let base = f
        .strip_prefix("cg")
        .or_else(|| f.strip_prefix("hc"))
        .and_then(|r| r.split_once('_').map(|(_, rest)| rest))
        .unwrap_or(f);
    let label = match base {
        "full_name" => t.full_name,
        "aliases" => t.aliases,
        "notes" => t.notes,
        "username" => t.username,
        "password" | "current" | "new" | "repeat" => t.password,
        "name" => t.name,
        "code" => t.code,
        "head_name" => t.head_name,
        "address" => t.address,
        "school" => t.school,
        "grade" => t.grade,
        "phone" => t.phone,
        "relationship" => t.relationship,
        "personal_id" => t.personal_id,
        "insurance_card" => t.insurance_card,
        "birth_registration_place" => t.birth_registration_place,
        "village" => t.village,
        _ => return f.to_string(),
    };
    label.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_forms_decode_like_browsers_send_them() {
        let p = parse(b"full_name=Gi%C3%A0ng+A+P%C3%A1o&notes=&flag&a=1%2B1").unwrap();
        assert_eq!(
            p,
            vec![
                ("full_name".into(), "Giàng A Páo".into()),
                ("notes".into(), String::new()),
                ("flag".into(), String::new()),
                ("a".into(), "1+1".into()),
            ]
        );
    }

    #[test]
    fn typed_forms_take_the_last_value_and_ignore_unknown_names() {
        #[derive(serde::Deserialize)]
        struct F {
            #[serde(rename = "_csrf")]
            csrf: Option<String>,
            #[serde(default)]
            note: String,
            year: Option<String>,
        }
        let f: F = typed(parse(b"_csrf=t&note=a&note=b&other=1").unwrap()).unwrap();
        assert_eq!(
            (f.csrf.as_deref(), f.note.as_str(), f.year),
            (Some("t"), "b", None)
        );
    }

    #[test]
    fn invalid_utf8_names_the_field() {
        assert_eq!(
            parse(b"_csrf=x&full_name=Gi%E0ng"),
            Err(Some("full_name".into()))
        );
        assert_eq!(parse(b"%FF=1"), Err(None));
        assert_eq!(field_label(texts(), Some("full_name")), "Họ và tên");
        assert_eq!(field_label(texts(), Some("cg0_full_name")), "Họ và tên");
    }
}
