//! A lint over every `view!` in the source, with the parser Leptos itself uses (rstml).
//!
//! It guards two classes of bug that compile, pass every server test and break the page
//! in the browser:
//!
//! - **Program text on screen.** In `<button disabled=page >= pages on:click=…>` the `>`
//!   of `>=` closes the tag; the rest of the line becomes *unquoted text* and is shown to
//!   the user (`= pages on : click = move | _ | …`), while `disabled` gets `page` alone.
//!   Every text in our views is a quoted string or a `{block}`, so any unquoted text is
//!   reported, with its file and line.
//! - **A form that would send its fields in the address.** A `<form>` without `method`
//!   submits as GET before the script has loaded. Every form says `method="post"` with an
//!   `action` (a server function: it works before hydration, see `crate::wire`), or
//!   `method="get"` as a search (`role="search"`), whose fields belong in the address.
//! - **A field the server draws empty.** `prop:value`, `bind:value` and `prop:checked`
//!   exist only in the browser: the server writes no value, so before hydration (or with
//!   scripts off) an edit form shows empty fields — and posting it would clear them. An
//!   input with one of them also carries a `value` (`checked`) attribute, a textarea its
//!   text. (The tablet's `/today` forms, in `today_page.rs` and `record_forms.rs`, are
//!   drawn on the device only and are exempt.)
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use rstml::node::{Node, NodeAttribute, NodeElement};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Every `view! { … }` body in `tokens`, nested ones included.
fn view_bodies(tokens: TokenStream, out: &mut Vec<TokenStream>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, t) in trees.iter().enumerate() {
        if let TokenTree::Group(g) = t {
            let is_view = i >= 2
                && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == '!')
                && matches!(&trees[i - 2], TokenTree::Ident(id) if id == "view");
            if is_view && g.delimiter() != Delimiter::None {
                out.push(g.stream());
            }
            view_bodies(g.stream(), out);
        }
    }
}

fn attr_value(el: &NodeElement<rstml::Infallible>, name: &str) -> Option<Option<String>> {
    el.open_tag.attributes.iter().find_map(|a| match a {
        NodeAttribute::Attribute(k) if k.key.to_string() == name => Some(k.value_literal_string()),
        _ => None,
    })
}

fn check_nodes(nodes: &[Node], file: &Path, problems: &mut Vec<String>) {
    for node in nodes {
        match node {
            Node::RawText(raw) => {
                let text = raw.to_token_stream_string();
                let line = raw.join_spans().map_or(0, |s| s.start().line);
                problems.push(format!(
                    "{}:{line}: unquoted text in view! (a comparison in an unbraced attribute?): `{}`",
                    file.display(),
                    text.chars().take(80).collect::<String>()
                ));
            }
            Node::Element(el) => {
                let tag = el.open_tag.name.to_string();
                if tag == "form" {
                    check_form(el, file, problems);
                }
                if matches!(tag.as_str(), "input" | "textarea") && !drawn_on_device_only(file) {
                    check_server_value(el, &tag, file, problems);
                }
                check_nodes(&el.children, file, problems);
            }
            Node::Fragment(f) => check_nodes(&f.children, file, problems),
            _ => {}
        }
    }
}

/// Pages whose forms the server never draws (they are built from the device's data).
fn drawn_on_device_only(file: &Path) -> bool {
    file.ends_with("features/visits/today_page.rs")
        || file.ends_with("features/visits/record_forms.rs")
}

fn has_attr(el: &NodeElement<rstml::Infallible>, name: &str) -> bool {
    attr_value(el, name).is_some()
}

fn check_server_value(
    el: &NodeElement<rstml::Infallible>,
    tag: &str,
    file: &Path,
    problems: &mut Vec<String>,
) {
    let name = attr_value(el, "name")
        .flatten()
        .or_else(|| attr_value(el, "id").flatten());
    let line = el.open_tag.token_lt.spans[0].start().line;
    let browser_value = has_attr(el, "prop:value") || has_attr(el, "bind:value");
    let server_value = if tag == "textarea" {
        !el.children.is_empty()
    } else {
        has_attr(el, "value")
    };
    if browser_value && !server_value {
        problems.push(format!(
            "{}:{line}: <{tag} name={name:?}> sets its value in the browser only: the server \
             draws it empty (add value=…{})",
            file.display(),
            if tag == "textarea" {
                " as its text"
            } else {
                ""
            }
        ));
    }
    if has_attr(el, "prop:checked") && !has_attr(el, "checked") {
        problems.push(format!(
            "{}:{line}: <{tag} name={name:?}> is checked in the browser only (add checked=…)",
            file.display()
        ));
    }
}

fn check_form(el: &NodeElement<rstml::Infallible>, file: &Path, problems: &mut Vec<String>) {
    let class = attr_value(el, "class").flatten().unwrap_or_default();
    let method = attr_value(el, "method");
    let action = attr_value(el, "action");
    let role = attr_value(el, "role").flatten();
    let ok = match method.as_ref().map(|m| m.as_deref()) {
        Some(Some("post")) => action.is_some(),
        Some(Some("get")) => role.as_deref() == Some("search"),
        _ => false,
    };
    if !ok {
        problems.push(format!(
            "{}: <form class=\"{class}\"> must be method=\"post\" with an action (a server \
             function), or method=\"get\" with role=\"search\"; found method={method:?}, \
             action={}, role={role:?}",
            file.display(),
            if action.is_some() { "set" } else { "none" },
        ));
    }
}

fn lint_source(source: &str, file: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let tokens = match TokenStream::from_str(source) {
        Ok(t) => t,
        Err(e) => return vec![format!("{}: does not tokenize: {e}", file.display())],
    };
    let mut bodies = Vec::new();
    view_bodies(tokens, &mut bodies);
    for body in bodies {
        let config = rstml::ParserConfig::default().recover_block(true);
        let (nodes, errors) = rstml::Parser::new(config)
            .parse_recoverable(body)
            .split_vec();
        for e in errors {
            problems.push(format!("{}: view! does not parse: {e:?}", file.display()));
        }
        check_nodes(&nodes, file, &mut problems);
    }
    problems
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_view_shows_program_text_and_every_form_posts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    assert!(files.len() > 50, "the source tree was not found");
    let mut views = 0;
    let mut problems = Vec::new();
    for f in &files {
        let source = std::fs::read_to_string(f).unwrap();
        if f.ends_with("tests/views.rs") {
            continue;
        }
        views += source.matches("view!").count();
        problems.extend(lint_source(&source, f.strip_prefix(&root).unwrap_or(f)));
    }
    assert!(views > 100, "no views found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_lint_catches_a_comparison_that_ends_the_tag() {
    let bad = r#"fn f() -> impl IntoView { view! {
        <nav class="pager">
            <button type="button" disabled=page >= pages on:click=move |_| go(page + 1)>"next"</button>
        </nav>
    } }"#;
    let problems = lint_source(bad, Path::new("bad.rs"));
    assert!(
        problems.iter().any(|p| p.contains("unquoted text")),
        "{problems:?}"
    );
    let braced = bad.replace("disabled=page >= pages", "disabled={page >= pages}");
    assert_eq!(
        lint_source(&braced, Path::new("good.rs")),
        Vec::<String>::new()
    );
}

#[test]
fn the_lint_catches_a_field_the_server_draws_empty() {
    let empty =
        r#"fn f() { view! { <input name="note" prop:value=move || note.get() on:input=f /> } }"#;
    assert_eq!(lint_source(empty, Path::new("a.rs")).len(), 1);
    let drawn = r#"fn f() { view! { <input name="note" value=note.get_untracked() prop:value=move || note.get() on:input=f /> } }"#;
    assert!(lint_source(drawn, Path::new("b.rs")).is_empty());
    let area =
        r#"fn f() { view! { <textarea name="note" prop:value=move || note.get()></textarea> } }"#;
    assert_eq!(lint_source(area, Path::new("c.rs")).len(), 1);
    let area_text = r#"fn f() { view! { <textarea name="note" prop:value=move || note.get()>{note.get_untracked()}</textarea> } }"#;
    assert!(lint_source(area_text, Path::new("d.rs")).is_empty());
    let check = r#"fn f() { view! { <input type="checkbox" prop:checked=move || on.get() on:change=f /> } }"#;
    assert_eq!(lint_source(check, Path::new("e.rs")).len(), 1);
}

#[test]
fn the_lint_catches_a_form_without_method() {
    let get_by_default =
        r#"fn f() { view! { <form class="x" on:submit=save><input name="password" /></form> } }"#;
    assert_eq!(lint_source(get_by_default, Path::new("a.rs")).len(), 1);
    let post = r#"fn f() { view! { <form class="x" method="post" action=Save::PATH on:submit=save></form> } }"#;
    assert!(lint_source(post, Path::new("b.rs")).is_empty());
    let search =
        r#"fn f() { view! { <form role="search" method="get" action="/customers"></form> } }"#;
    assert!(lint_source(search, Path::new("c.rs")).is_empty());
    let post_nowhere = r#"fn f() { view! { <form method="post"></form> } }"#;
    assert_eq!(lint_source(post_nowhere, Path::new("d.rs")).len(), 1);
}
