//! How a server function's input crosses the wire.
//!
//! The app (hydrated) and the tablet's outbox send JSON. A form submitted before the
//! page's script has loaded — or with scripts off — is posted by the browser itself as
//! `application/x-www-form-urlencoded` to the same URL. [`FormOrJson`] accepts both, so
//! every form works before hydration without a second endpoint, and the JSON clients
//! (the tablet's stored outbox among them) keep working unchanged.
//!
//! The body tells which it is: a JSON input is always an object (`{…}`), while a form
//! body is `name=value&…`, whose first byte can never be `{` (a browser percent-encodes
//! it). Nested inputs use bracket names, as `serde_qs` reads them:
//!
//! ```
//! use qudao::wire::decode_input;
//! #[derive(serde::Deserialize, Debug, PartialEq)]
//! struct Edit { id: String, values: std::collections::BTreeMap<String, String> }
//! let form = b"id=7&values%5Bname%5D=%E5%BC%A0%E4%B8%89+%E5%BA%97";
//! let json = r#"{"id":"7","values":{"name":"张三 店"}}"#.as_bytes();
//! let a: Edit = decode_input(form).unwrap();
//! let b: Edit = decode_input(json).unwrap();
//! assert_eq!(a, b);
//! assert_eq!(a.values["name"], "张三 店");
//! ```
use leptos::server_fn::Bytes;
use leptos::server_fn::codec::Post;
use leptos::server_fn::{ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON from the app, or a browser's own form post; answers are JSON either way.
pub type FormOrJson = Post<FormOrJsonEncoding>;

/// See the module documentation.
pub struct FormOrJsonEncoding;

impl ContentType for FormOrJsonEncoding {
    // What the app itself sends.
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for FormOrJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for FormOrJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for FormOrJsonEncoding {
    type Error = InputError;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        decode_input(&bytes)
    }
}

/// An input that is neither valid JSON nor a valid form for the function.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("form: {0}")]
    Form(String),
}

/// Reads a JSON object or a form-encoded body into `T` (see the module documentation).
pub fn decode_input<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, InputError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        return Ok(serde_json::from_slice(bytes)?);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| InputError::Form(e.to_string()))?;
    // Not strict: browsers percent-encode the brackets of nested names (`a%5Bb%5D`).
    serde_qs::Config::new(5, false)
        .deserialize_str(text)
        .map_err(|e| InputError::Form(e.to_string()))
}

/// For `skip_serializing_if`: a field left out when it holds its default, for a reader
/// that takes its default when it is missing (`#[serde(default)]`).
pub fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// One column of a list sent as columns, for a field whose values repeat (a kind, a
/// region, a day): each distinct value is written once, in the order it first comes, and
/// each row as the position of its value.
///
/// ```
/// use qudao::wire::Coded;
/// let kinds = ["terminal", "terminal", "sub_distributor", "terminal"].map(String::from);
/// let coded = Coded::of(&kinds);
/// assert_eq!(serde_json::to_string(&coded).unwrap(), r#"[["terminal","sub_distributor"],[0,0,1,0]]"#);
/// assert_eq!(coded.expand(4).unwrap(), kinds);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Coded<T>(Vec<T>, Vec<u32>);

impl<T: Clone + Eq + std::hash::Hash> Coded<T> {
    pub fn of<'a>(column: impl IntoIterator<Item = &'a T>) -> Self
    where
        T: 'a,
    {
        let mut seen: std::collections::HashMap<&T, u32> = std::collections::HashMap::new();
        let mut values = Vec::new();
        let at = column
            .into_iter()
            .map(|v| {
                *seen.entry(v).or_insert_with(|| {
                    values.push(v.clone());
                    // a column never holds 4 billion distinct values: a bundle is bounded
                    u32::try_from(values.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        Self(values, at)
    }
}

impl<T: Clone> Coded<T> {
    /// The column's `rows` values, in order; an error when it has another number of rows
    /// or names a value it does not hold (a damaged copy).
    pub fn expand(self, rows: usize) -> Result<Vec<T>, ColumnError> {
        if self.1.len() != rows {
            return Err(ColumnError);
        }
        self.1
            .iter()
            .map(|&i| self.0.get(i as usize).cloned().ok_or(ColumnError))
            .collect()
    }
}

/// Columns of one list that do not line up: not as many values as rows, or a code
/// without its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the columns do not line up")]
pub struct ColumnError;

/// A part of a JSON answer kept as its text and decoded only where it is used.
///
/// The code that decodes a type is compiled into the browser's module wherever the type
/// is read. The tablet's offline bundle is read as the Today page starts, but its
/// customers' 360° and its price lists are only needed once a customer's card or the
/// order form is open: held as `Deferred`, their decoders come with the card's chunk and
/// stay out of the first download. On the wire and in the device's store it is exactly
/// the value itself, so a copy stored by an earlier version reads the same.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Deferred<T> {
    raw: Box<serde_json::value::RawValue>,
    #[serde(skip)]
    of: std::marker::PhantomData<fn() -> T>,
}

impl<T: Serialize> Deferred<T> {
    /// `value` as it will be sent.
    pub fn new(value: &T) -> Result<Self, serde_json::Error> {
        Ok(Self {
            raw: serde_json::value::to_raw_value(value)?,
            of: std::marker::PhantomData,
        })
    }
}

impl<T: DeserializeOwned> Deferred<T> {
    /// The value (an error when it is not a `T`, or was left out).
    pub fn read(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.raw.get())
    }
}

impl<T> Deferred<T> {
    /// Some of its fields, read as `U` without reading the rest (a small decoder for
    /// what a page shows of it).
    pub fn peek<U: DeserializeOwned>(&self) -> Result<U, serde_json::Error> {
        serde_json::from_str(self.raw.get())
    }

    /// Its JSON text, as it came.
    pub fn text(&self) -> &str {
        self.raw.get()
    }
}

impl<T: DeserializeOwned> Deferred<T> {
    /// A server function's whole answer kept as its text, read: a failure is the answer's
    /// decoding error, as the server function's own decoder would have reported it.
    pub fn read_answer(&self) -> Result<T, crate::error::AppError> {
        self.read().map_err(|e| {
            crate::error::AppError::ServerFn(
                leptos::server_fn::error::ServerFnErrorErr::Deserialization(e.to_string()),
            )
        })
    }
}

impl<T: DeserializeOwned + Default> Deferred<T> {
    /// The value; its default when the part was left out (a bundle from before it).
    pub fn get(&self) -> Result<T, serde_json::Error> {
        match self.raw.get() {
            "null" => Ok(T::default()),
            text => serde_json::from_str(text),
        }
    }
}

/// Left out: `null`, read as the type's default.
impl<T> Default for Deferred<T> {
    fn default() -> Self {
        Self {
            raw: serde_json::value::RawValue::NULL.to_owned(),
            of: std::marker::PhantomData,
        }
    }
}

/// The same text: the same value.
impl<T> PartialEq for Deferred<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw.get() == other.raw.get()
    }
}

impl<T> Eq for Deferred<T> {}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    struct Part {
        code: String,
        total: i64,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Typed {
        id: u32,
        #[serde(default)]
        parts: Vec<Part>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Lazy {
        id: u32,
        #[serde(default)]
        parts: Deferred<Vec<Part>>,
    }

    proptest::proptest! {
        /// Sent, stored and read again, a deferred part is the typed value, byte for
        /// byte: a bundle written by either version reads in the other.
        #[test]
        fn a_deferred_part_is_the_value_itself_on_the_wire(
            id: u32,
            parts in proptest::collection::vec(("\\PC{0,12}", proptest::num::i64::ANY), 0..6),
        ) {
            let parts: Vec<Part> = parts.into_iter().map(|(code, total)| Part { code, total }).collect();
            let typed = Typed { id, parts: parts.clone() };
            let lazy = Lazy { id, parts: Deferred::new(&parts).unwrap() };
            let text = serde_json::to_string(&typed).unwrap();
            proptest::prop_assert_eq!(&serde_json::to_string(&lazy).unwrap(), &text);
            let back: Lazy = serde_json::from_str(&text).unwrap();
            proptest::prop_assert_eq!(back.parts.get().unwrap(), parts);
            let again: Typed = serde_json::from_str(&serde_json::to_string(&back).unwrap()).unwrap();
            proptest::prop_assert_eq!(again, typed);
        }
    }

    proptest::proptest! {
        /// A coded column reads back as the column, through JSON, and holds each
        /// distinct value once, in the order it first came.
        #[test]
        fn a_coded_column_reads_back_and_holds_each_value_once(
            column in proptest::collection::vec(proptest::option::of("[a-c]{0,2}"), 0..40),
        ) {
            let text = serde_json::to_string(&Coded::of(&column)).unwrap();
            let back: Coded<Option<String>> = serde_json::from_str(&text).unwrap();
            let mut firsts = Vec::new();
            for v in &column {
                if !firsts.contains(v) {
                    firsts.push(v.clone());
                }
            }
            proptest::prop_assert_eq!(&back.0, &firsts);
            proptest::prop_assert_eq!(back.clone().expand(column.len()).unwrap(), column.clone());
            proptest::prop_assert_eq!(back.expand(column.len() + 1), Err(ColumnError));
        }
    }

    #[test]
    fn a_part_left_out_reads_as_empty_and_a_broken_one_as_an_error() {
        let old: Lazy = serde_json::from_str(r#"{"id":1}"#).unwrap();
        assert_eq!(old.parts.get().unwrap(), Vec::<Part>::new());
        let stored = serde_json::to_string(&old).unwrap();
        let again: Lazy = serde_json::from_str(&stored).unwrap();
        assert_eq!(again.parts.get().unwrap(), Vec::<Part>::new());
        let broken: Lazy = serde_json::from_str(r#"{"id":1,"parts":[{"code":7}]}"#).unwrap();
        assert!(broken.parts.get().is_err());
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Login {
        login: String,
        password: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Nested {
        id: String,
        version: i64,
        #[serde(default)]
        flag: bool,
        lines: Vec<Line>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Line {
        sku: String,
        quantity: String,
    }

    #[test]
    fn a_browser_form_post_reads_like_the_apps_json() {
        let form: Login = decode_input(b"login=laoban&password=p%26ss+word%3D1").unwrap();
        let json: Login = decode_input(br#"{"login":"laoban","password":"p&ss word=1"}"#).unwrap();
        assert_eq!(form, json);
        assert_eq!(form.password, "p&ss word=1");
    }

    #[test]
    fn nested_names_with_encoded_brackets_are_read() {
        let body = "id=x&version=3&flag=true&lines%5B0%5D%5Bsku%5D=BEER-1&lines%5B0%5D%5Bquantity%5D=2\
                    &lines%5B1%5D%5Bsku%5D=TEA&lines%5B1%5D%5Bquantity%5D=5";
        let n: Nested = decode_input(body.as_bytes()).unwrap();
        assert_eq!(n.version, 3);
        assert!(n.flag);
        assert_eq!(n.lines.len(), 2);
        assert_eq!(n.lines[1].sku, "TEA");
    }

    #[test]
    fn an_unchecked_box_is_absent_and_defaults() {
        let n: Nested =
            decode_input(b"id=x&version=1&lines%5B0%5D%5Bsku%5D=A&lines%5B0%5D%5Bquantity%5D=1")
                .unwrap();
        assert!(!n.flag);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_input::<Login>(b"{not json").is_err());
        assert!(decode_input::<Login>(b"login=only").is_err());
        assert!(decode_input::<Login>(&[0xff, 0xfe, b'=']).is_err());
        assert!(decode_input::<Nested>(b"").is_err());
    }
}
