//! The photo of a hazard site (ảnh, không bắt buộc): a JPEG or PNG recognised by its first
//! bytes (never by the file name), at most [`PHOTO_MAX_BYTES`]; stored as base64 text.
use crate::validation::FieldErrors;
use base64::Engine;

/// The largest photo accepted: 300 KB (a phone photo shrunk in the browser is ~150 KB).
pub const PHOTO_MAX_BYTES: usize = 300 * 1024;

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// A site photo that passed the rules: its bytes and its content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePhoto {
    bytes: Vec<u8>,
    mime: &'static str,
}

impl SitePhoto {
    /// The content type of `bytes` by their magic numbers, if a JPEG or PNG.
    fn mime_of(bytes: &[u8]) -> Option<&'static str> {
        if bytes.starts_with(JPEG_MAGIC) {
            Some("image/jpeg")
        } else if bytes.starts_with(PNG_MAGIC) {
            Some("image/png")
        } else {
            None
        }
    }

    /// Parse uploaded bytes; the field is `photo` («Ảnh»).
    pub fn parse(bytes: Vec<u8>) -> Result<Self, FieldErrors> {
        if bytes.len() > PHOTO_MAX_BYTES {
            return Err(Self::too_big());
        }
        match Self::mime_of(&bytes) {
            Some(mime) => Ok(Self { bytes, mime }),
            None => Err(FieldErrors::single(
                "photo",
                "ảnh phải là tệp JPEG hoặc PNG",
            )),
        }
    }

    /// The refusal of a photo over the limit (also for an upload cut off by its size).
    pub fn too_big() -> FieldErrors {
        FieldErrors::single("photo", "ảnh quá lớn: tối đa 300 KB")
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn mime(&self) -> &'static str {
        self.mime
    }

    /// The stored text (base64).
    pub fn to_stored(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.bytes)
    }

    /// Back from the stored text; `None` if it is not a photo.
    pub fn from_stored(text: &str) -> Option<Self> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()?;
        let mime = Self::mime_of(&bytes)?;
        Some(Self { bytes, mime })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    #[test]
    fn png_and_jpeg_by_magic_bytes() {
        assert_eq!(SitePhoto::parse(PNG.to_vec()).unwrap().mime(), "image/png");
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        assert_eq!(SitePhoto::parse(jpeg).unwrap().mime(), "image/jpeg");
    }

    #[test]
    fn text_refused_naming_the_field() {
        let e = SitePhoto::parse(b"hello".to_vec()).unwrap_err();
        assert!(e.for_field("photo").unwrap().contains("JPEG hoặc PNG"));
    }

    #[test]
    fn over_300_kb_refused() {
        let mut big = PNG.to_vec();
        big.resize(PHOTO_MAX_BYTES + 1, 0);
        let e = SitePhoto::parse(big).unwrap_err();
        assert!(e.for_field("photo").unwrap().contains("tối đa 300 KB"));
        let mut fits = PNG.to_vec();
        fits.resize(PHOTO_MAX_BYTES, 0);
        assert!(SitePhoto::parse(fits).is_ok());
    }

    #[test]
    fn stored_round_trip() {
        let p = SitePhoto::parse(PNG.to_vec()).unwrap();
        assert_eq!(SitePhoto::from_stored(&p.to_stored()), Some(p));
    }
}
