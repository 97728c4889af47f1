//! Downstream customers (下游客户): the two kinds, their codes, status, and the hierarchy
//! rule. (Groundwork for the customer-profile feature; the full profile model and its
//! completeness score come with it.)
//!
//! - A customer is a **sub-distributor** (二批 / 分销商) or a **terminal** (终端); a
//!   terminal has a type (超市, 便利店, 餐饮, 小卖部, 其他).
//! - The **customer code** (客户编码) is the key ERPs and imports use: kept exactly as typed
//!   (case matters — segmentation breaks ties by code byte-wise), 1–32 visible characters.
//! - **Hierarchy**: a customer may be served through a sub-distributor (its parent). The
//!   parent must be a sub-distributor, not the customer itself, and not one of its
//!   descendants (no cycles):
//!
//! ```
//! use qudao::domain::customer::{check_parent, CustomerKind};
//! use qudao::domain::validation::FieldErrorCode;
//! // 1 ← 2 ← 3: making 1 a child of 3 would close a loop
//! let parent_of = |id: u32| match id { 3 => Some(2), 2 => Some(1), _ => None };
//! assert_eq!(check_parent(1, 3, CustomerKind::SubDistributor, parent_of), Err(FieldErrorCode::ParentCycle));
//! assert_eq!(check_parent(4, 3, CustomerKind::SubDistributor, parent_of), Ok(()));
//! ```
use crate::domain::validation::FieldErrorCode;
use serde::{Deserialize, Serialize};

/// The two kinds of downstream customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CustomerKind {
    SubDistributor,
    Terminal,
}

impl CustomerKind {
    pub const ALL: [CustomerKind; 2] = [CustomerKind::SubDistributor, CustomerKind::Terminal];

    /// Stored and canonical import form.
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerKind::SubDistributor => "sub_distributor",
            CustomerKind::Terminal => "terminal",
        }
    }

    /// The kind stored as `raw` (exactly [`CustomerKind::as_str`]); `None` for any other
    /// text.
    pub fn from_stored(raw: &str) -> Option<CustomerKind> {
        CustomerKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Accepts the canonical form and the Chinese words ERPs and people use.
    pub fn parse(raw: &str) -> Result<CustomerKind, FieldErrorCode> {
        match raw.trim().to_lowercase().as_str() {
            "" => Err(FieldErrorCode::Required),
            "sub_distributor" | "sub-distributor" | "subdistributor" | "二批" | "二批商"
            | "分销商" => Ok(CustomerKind::SubDistributor),
            "terminal" | "终端" | "零售终端" => Ok(CustomerKind::Terminal),
            _ => Err(FieldErrorCode::InvalidChoice),
        }
    }
}

/// What kind of shop a terminal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TerminalType {
    Supermarket,
    ConvenienceStore,
    Restaurant,
    Kiosk,
    Other,
}

impl TerminalType {
    pub const ALL: [TerminalType; 5] = [
        TerminalType::Supermarket,
        TerminalType::ConvenienceStore,
        TerminalType::Restaurant,
        TerminalType::Kiosk,
        TerminalType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TerminalType::Supermarket => "supermarket",
            TerminalType::ConvenienceStore => "convenience_store",
            TerminalType::Restaurant => "restaurant",
            TerminalType::Kiosk => "kiosk",
            TerminalType::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Result<TerminalType, FieldErrorCode> {
        match raw.trim().to_lowercase().as_str() {
            "" => Err(FieldErrorCode::Required),
            "supermarket" | "超市" | "商超" => Ok(TerminalType::Supermarket),
            "convenience_store" | "convenience store" | "便利店" => {
                Ok(TerminalType::ConvenienceStore)
            }
            "restaurant" | "餐饮" | "餐馆" | "饭店" => Ok(TerminalType::Restaurant),
            "kiosk" | "小卖部" | "售货亭" | "报刊亭" => Ok(TerminalType::Kiosk),
            "other" | "其他" | "其它" => Ok(TerminalType::Other),
            _ => Err(FieldErrorCode::InvalidChoice),
        }
    }
}

/// Whether a customer still trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CustomerStatus {
    Active,
    Dormant,
    Closed,
}

impl CustomerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Dormant => "dormant",
            CustomerStatus::Closed => "closed",
        }
    }

    /// Empty means active (the usual case for a new or imported customer).
    pub fn parse(raw: &str) -> Result<CustomerStatus, FieldErrorCode> {
        match raw.trim().to_lowercase().as_str() {
            "" | "active" | "正常" | "活跃" | "营业" => Ok(CustomerStatus::Active),
            "dormant" | "休眠" | "暂停" => Ok(CustomerStatus::Dormant),
            "closed" | "关闭" | "停业" | "倒闭" => Ok(CustomerStatus::Closed),
            _ => Err(FieldErrorCode::InvalidChoice),
        }
    }
}

/// A customer code (客户编码), exactly as the distributor's ERP writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CustomerCode(String);

impl CustomerCode {
    pub const MAX_CHARS: u32 = 32;

    /// Trims the ends; refuses empty, over-long, or codes with spaces or control characters
    /// inside (they break matching against imports and sales lines).
    pub fn parse(raw: &str) -> Result<CustomerCode, FieldErrorCode> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(FieldErrorCode::Required);
        }
        if t.chars().count() > Self::MAX_CHARS as usize {
            return Err(FieldErrorCode::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FieldErrorCode::InvalidCode);
        }
        Ok(CustomerCode(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A customer search's words: what the user typed, split at spaces (and control
/// characters, which nobody types), lower-cased; at most 5 words of at most 40
/// characters.
pub fn search_words(raw: &str) -> Vec<String> {
    raw.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .take(5)
        .map(|w| w.to_lowercase().chars().take(40).collect())
        .collect()
}

/// The text a customer search looks in: each field lower-cased and closed by U+001F, so
/// that no word is found across two fields (`search_words` never holds one).
pub fn search_text<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for f in fields {
        out.push_str(&f.as_ref().to_lowercase());
        out.push('\u{1f}');
    }
    out
}

/// Most combinations of a name's polyphonic readings a search knows (重庆 → cq, tq, zq).
pub const MAX_INITIAL_VARIANTS: usize = 8;

/// A name's pinyin initials as one short pattern: per character its initial letters,
/// in brackets when its readings differ (重庆百货 → `[ctz]q[bm]h`). `letters` holds each
/// character's, sorted; a character with none is left out. The tablet gets its
/// customers' initials so, a few bytes each, rather than every combination.
pub fn initials_pattern(letters: &[Vec<char>]) -> String {
    let mut out = String::new();
    for set in letters.iter().filter(|l| !l.is_empty()) {
        match set.as_slice() {
            [one] => out.push(*one),
            many => {
                out.push('[');
                out.extend(many);
                out.push(']');
            }
        }
    }
    out
}

/// The initials a pattern stands for: the combinations of its letters, in their order
/// (first letters first), at most [`MAX_INITIAL_VARIANTS`]; none for an empty pattern.
/// A stray bracket (a damaged copy) is read as a letter, never a panic.
pub fn expand_initials(pattern: &str) -> Vec<String> {
    let mut variants = vec![String::new()];
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        let set: Vec<char> = if c == '[' {
            chars.by_ref().take_while(|&c| c != ']').collect()
        } else {
            vec![c]
        };
        if set.is_empty() {
            continue;
        }
        let mut next = Vec::new();
        for v in &variants {
            for l in &set {
                if next.len() < MAX_INITIAL_VARIANTS {
                    let mut s = v.clone();
                    s.push(*l);
                    next.push(s);
                }
            }
        }
        variants = next;
    }
    variants.retain(|v| !v.is_empty());
    variants
}

/// Whether a customer's [`search_text`] holds every one of `words` (all of them, in any
/// order and any field: `百货 江北` finds 重庆百货 in 江北区).
pub fn holds_words(text: &str, words: &[String]) -> bool {
    words.iter().all(|w| text.contains(w.as_str()))
}

/// Longest chain of parents followed before giving up; real networks are two or three
/// levels deep, so a longer chain means corrupt data, treated like a cycle.
pub const MAX_HIERARCHY_DEPTH: usize = 64;

/// Checks that `parent` may serve `child`: it must be a sub-distributor, not the child
/// itself, and not below the child (`parent_of` gives each customer's current parent).
pub fn check_parent<Id: Copy + PartialEq>(
    child: Id,
    parent: Id,
    parent_kind: CustomerKind,
    parent_of: impl Fn(Id) -> Option<Id>,
) -> Result<(), FieldErrorCode> {
    if parent_kind != CustomerKind::SubDistributor {
        return Err(FieldErrorCode::ParentNotSubDistributor);
    }
    let mut current = Some(parent);
    for _ in 0..=MAX_HIERARCHY_DEPTH {
        match current {
            None => return Ok(()),
            Some(id) if id == child => return Err(FieldErrorCode::ParentCycle),
            Some(id) => current = parent_of(id),
        }
    }
    Err(FieldErrorCode::ParentCycle)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn kinds_accept_chinese_and_canonical_forms() {
        assert_eq!(
            CustomerKind::parse("二批"),
            Ok(CustomerKind::SubDistributor)
        );
        assert_eq!(
            CustomerKind::parse(" Terminal "),
            Ok(CustomerKind::Terminal)
        );
        assert_eq!(CustomerKind::parse("终端"), Ok(CustomerKind::Terminal));
        assert_eq!(CustomerKind::parse(""), Err(FieldErrorCode::Required));
        assert_eq!(
            CustomerKind::parse("wholesaler"),
            Err(FieldErrorCode::InvalidChoice)
        );
        for k in CustomerKind::ALL {
            assert_eq!(CustomerKind::parse(k.as_str()), Ok(k));
            assert_eq!(CustomerKind::from_stored(k.as_str()), Some(k));
        }
        // only the stored spelling: the words an import accepts are not stored forms
        assert_eq!(CustomerKind::from_stored("二批"), None);
        assert_eq!(CustomerKind::from_stored("Terminal"), None);
        for t in TerminalType::ALL {
            assert_eq!(TerminalType::parse(t.as_str()), Ok(t));
        }
        assert_eq!(
            TerminalType::parse("便利店"),
            Ok(TerminalType::ConvenienceStore)
        );
        assert_eq!(CustomerStatus::parse(""), Ok(CustomerStatus::Active));
        assert_eq!(CustomerStatus::parse("停业"), Ok(CustomerStatus::Closed));
    }

    #[test]
    fn codes_keep_their_case_and_refuse_inner_spaces() {
        assert_eq!(CustomerCode::parse("  Cq-001 ").unwrap().as_str(), "Cq-001");
        assert_ne!(
            CustomerCode::parse("b").unwrap(),
            CustomerCode::parse("B").unwrap()
        );
        assert_eq!(
            CustomerCode::parse("C 001"),
            Err(FieldErrorCode::InvalidCode)
        );
        assert_eq!(CustomerCode::parse("  "), Err(FieldErrorCode::Required));
        assert_eq!(
            CustomerCode::parse(&"9".repeat(33)),
            Err(FieldErrorCode::TooLong { max: 32 })
        );
        assert!(CustomerCode::parse("渝北-超市-0001").is_ok());
    }

    #[test]
    fn a_parent_must_be_a_sub_distributor_and_not_the_customer_itself() {
        let none = |_: u32| None;
        assert_eq!(
            check_parent(1, 2, CustomerKind::Terminal, none),
            Err(FieldErrorCode::ParentNotSubDistributor)
        );
        assert_eq!(
            check_parent(1, 1, CustomerKind::SubDistributor, none),
            Err(FieldErrorCode::ParentCycle)
        );
        assert_eq!(
            check_parent(1, 2, CustomerKind::SubDistributor, none),
            Ok(())
        );
    }

    #[test]
    fn a_corrupt_endless_chain_is_refused_not_followed_forever() {
        // 2 → 3 → 2 … already loops without involving 1
        let parent_of = |id: u32| Some(if id == 2 { 3 } else { 2 });
        assert_eq!(
            check_parent(1, 2, CustomerKind::SubDistributor, parent_of),
            Err(FieldErrorCode::ParentCycle)
        );
    }

    #[test]
    fn initials_are_sent_as_a_pattern_and_read_back_as_every_reading() {
        let letters = [vec!['c', 'z'], vec!['q'], vec![], vec!['b'], vec!['h']];
        assert_eq!(initials_pattern(&letters), "[cz]qbh");
        assert_eq!(expand_initials("[cz]qbh"), vec!["cqbh", "zqbh"]);
        assert_eq!(expand_initials("a8bld"), vec!["a8bld"]);
        assert!(expand_initials("").is_empty());
        // capped: the first combinations
        let many = expand_initials(&"[cz]".repeat(10));
        assert_eq!(many.len(), MAX_INITIAL_VARIANTS);
        assert_eq!(many[0], "c".repeat(10));
        // damaged: no panic, something readable
        assert_eq!(expand_initials("[ab"), vec!["a", "b"]);
        assert_eq!(expand_initials("a]b[]"), vec!["a]b"]);
    }

    #[test]
    fn search_words_are_lowercased_and_bounded() {
        assert_eq!(
            search_words("  CQ  百货 "),
            vec!["cq".to_owned(), "百货".to_owned()]
        );
        assert_eq!(search_words("a b c d e f g").len(), 5);
        assert_eq!(search_words(&"长".repeat(50))[0].chars().count(), 40);
        // nothing typed is no word: every customer is found
        assert!(search_words(" \t ").is_empty());
        assert!(holds_words("anything", &search_words("")));
    }

    proptest! {
        /// Accepting every allowed edge of a random forest, one by one, never creates a
        /// cycle: following parents from any node always ends.
        #[test]
        fn accepted_edges_keep_the_hierarchy_a_forest(edges in proptest::collection::vec((0u8..12, 0u8..12), 0..40)) {
            let mut parent: HashMap<u8, u8> = HashMap::new();
            for (child, p) in edges {
                let lookup = |id: u8| parent.get(&id).copied();
                if check_parent(child, p, CustomerKind::SubDistributor, lookup).is_ok() {
                    parent.insert(child, p);
                }
            }
            for start in 0u8..12 {
                let mut seen = 0;
                let mut cur = Some(start);
                while let Some(id) = cur {
                    seen += 1;
                    prop_assert!(seen <= 13, "cycle through {start}");
                    cur = parent.get(&id).copied();
                }
            }
        }

        /// Whatever is typed, a parsed code is trimmed, non-empty and has no spaces.
        #[test]
        fn parsed_codes_are_clean(raw in "\\PC{0,40}") {
            if let Ok(code) = CustomerCode::parse(&raw) {
                let s = code.as_str();
                prop_assert!(!s.is_empty() && s.chars().count() <= 32);
                prop_assert!(!s.chars().any(char::is_whitespace));
                prop_assert_eq!(CustomerCode::parse(s).unwrap(), code.clone());
            }
        }

        /// A search finds a customer exactly when every word it typed is in one of the
        /// customer's fields, whatever the case; never in two fields run together.
        #[test]
        fn a_search_finds_exactly_the_words_one_field_holds(
            fields in proptest::collection::vec("[a-cA-C重庆百货Σ \\x1f]{0,6}", 1..5),
            cut in (0usize..40, 0usize..8),
            typed in "[a-cA-C重庆百货Σ \\x1f]{0,8}",
            own: bool,
        ) {
            // a word cut from the fields run together (often across two of them), or typed
            let joined: Vec<char> = fields.concat().chars().collect();
            let start = cut.0.min(joined.len());
            let end = (start + cut.1).min(joined.len());
            let query = if own { joined[start..end].iter().collect() } else { typed };
            let words = search_words(&query);
            let text = search_text(&fields);
            let expected = words
                .iter()
                .all(|w| fields.iter().any(|f| f.to_lowercase().contains(w.as_str())));
            prop_assert_eq!(holds_words(&text, &words), expected);
            // each word of a field, in any case, finds it
            for f in &fields {
                for w in f.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()) {
                    prop_assert!(holds_words(&text, &search_words(&w.to_uppercase())));
                }
            }
        }

        /// The pattern stands for exactly the combinations of each character's letters,
        /// first ones first, capped: what the office's search text holds.
        #[test]
        fn an_initials_pattern_expands_to_the_combinations_of_its_letters(
            letters in proptest::collection::vec(
                proptest::collection::btree_set(proptest::char::range('0', 'z').prop_filter("letter or digit", char::is_ascii_alphanumeric), 0..4),
                0..8,
            ),
        ) {
            let letters: Vec<Vec<char>> = letters.into_iter().map(|s| s.into_iter().collect()).collect();
            let mut all = vec![String::new()];
            for set in letters.iter().filter(|s| !s.is_empty()) {
                all = all.iter().flat_map(|v| set.iter().map(move |l| format!("{v}{l}"))).collect();
            }
            all.retain(|v| !v.is_empty());
            let expanded = expand_initials(&initials_pattern(&letters));
            prop_assert_eq!(expanded.len(), all.len().min(MAX_INITIAL_VARIANTS));
            // in the order of the letters: the first ones of every combination
            let mut sorted = all.clone();
            sorted.sort();
            prop_assert_eq!(&all, &sorted);
            prop_assert_eq!(&expanded[..], &all[..expanded.len()]);
        }
    }
}
