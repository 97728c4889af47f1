//! Every form the server draws, posted by the browser exactly as drawn — before the
//! page's script has loaded, or with scripts off — is understood by its server function.
//! The names a page gives its fields must be the input's fields: inputs refuse unknown
//! fields, so a field a page adds or misspells, or one it forgets, would make the
//! browser's post an unreadable request instead of a save or a message about the field.
//!
//! The pages come from the router's own route table and the links each role is shown
//! (edit links such as `?edit=basic` included), so a new form is checked without a new
//! test.
use crate::helpers::{TestApp, form_answer, spawn_app};
use reqwest::StatusCode;
use std::collections::{BTreeSet, VecDeque};

/// A post the browser would make from a form: where (the form's action, or the clicked
/// button's `formaction`), and the name/value pairs it sends.
#[derive(Debug, Clone)]
struct Form {
    action: String,
    fields: Vec<(String, String)>,
    /// The clicked button's name and value, sent after the fields.
    button: Option<(String, String)>,
}

impl Form {
    fn sent(&self) -> Vec<(&str, &str)> {
        self.fields
            .iter()
            .chain(&self.button)
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

/// One tag of the page: its name (lowercase; `/form` for a closing tag), its attributes,
/// and where the text after it starts.
struct Tag {
    name: String,
    attrs: Vec<(String, Option<String>)>,
    end: usize,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }
    fn has(&self, name: &str) -> bool {
        self.attrs.iter().any(|(n, _)| n == name)
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Reads the tag starting at `at` (just after its `<`).
fn read_tag(html: &str, at: usize) -> Option<Tag> {
    let b = html.as_bytes();
    let mut i = at;
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
        i += 1;
    }
    if i == start {
        return None;
    }
    let mut name = html[start..i].to_ascii_lowercase();
    if closing {
        name.insert(0, '/');
    }
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i)? {
            b'>' => {
                return Some(Tag {
                    name,
                    attrs,
                    end: i + 1,
                });
            }
            b'/' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let s = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let key = html[s..i].to_ascii_lowercase();
        let mut value = None;
        if b.get(i) == Some(&b'=') {
            i += 1;
            let quote = *b.get(i)?;
            if quote == b'"' || quote == b'\'' {
                let close = html[i + 1..].find(quote as char)? + i + 1;
                value = Some(unescape(&html[i + 1..close]));
                i = close + 1;
            } else {
                let s = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = Some(unescape(&html[s..i]));
            }
        }
        attrs.push((key, value));
    }
}

/// The text from `at` up to the closing `</name>`, and where that closing tag ends.
fn text_until(html: &str, at: usize, name: &str) -> (String, usize) {
    let close = format!("</{name}");
    let end = html[at..].find(&close).map_or(html.len(), |e| at + e);
    let after = html[end..].find('>').map_or(html.len(), |e| end + e + 1);
    (unescape(&html[at..end]), after)
}

/// What a `<select>` sends: its selected options (of a single choice, the last one
/// marked), else (a single choice) its first.
struct Select {
    name: String,
    multiple: bool,
    options: Vec<(String, bool)>,
}

impl Select {
    fn sent(self) -> Vec<(String, String)> {
        let chosen: Vec<String> = self
            .options
            .iter()
            .filter(|o| o.1)
            .map(|o| o.0.clone())
            .collect();
        let sent = match (self.multiple, chosen.last()) {
            (true, _) => chosen.clone(),
            (false, Some(last)) => vec![last.clone()],
            (false, None) => self
                .options
                .first()
                .map(|o| o.0.clone())
                .into_iter()
                .collect(),
        };
        sent.into_iter().map(|v| (self.name.clone(), v)).collect()
    }
}

/// A form being read: its action, its fields so far, and its submit buttons (each a
/// way to post it: the button's own name and value, and `formaction`).
struct Drawn {
    action: String,
    fields: Vec<(String, String)>,
    submits: Vec<Submit>,
}

/// A submit button: the name and value it adds, and where it posts (`formaction`).
type Submit = (Option<(String, String)>, Option<String>);

impl Drawn {
    /// The posts a user can make: one per submit button (a form without one cannot be
    /// sent by a tap).
    fn posts(self) -> Vec<Form> {
        self.submits
            .into_iter()
            .map(|(button, formaction)| Form {
                action: formaction.unwrap_or_else(|| self.action.clone()),
                fields: self.fields.clone(),
                button,
            })
            .filter(|f| f.action.starts_with("/api/"))
            .collect()
    }

    fn submit(&mut self, tag: &Tag, named: Option<&str>) {
        let field = named.map(|n| {
            (
                n.to_owned(),
                tag.attr("value").unwrap_or_default().to_owned(),
            )
        });
        self.submits
            .push((field, tag.attr("formaction").map(str::to_owned)));
    }
}

/// The posts a page's forms can make to a server function, with the fields the browser
/// would send: named, enabled controls (not inside a disabled fieldset); ticked boxes
/// only; a select's chosen option; the clicked submit button's name and value.
fn forms(html: &str) -> Vec<Form> {
    let mut out = Vec::new();
    let mut form: Option<Drawn> = None;
    let mut select: Option<Select> = None;
    // open fieldsets, and whether each is disabled
    let mut fieldsets: Vec<bool> = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        let at = i + lt + 1;
        if html[at..].starts_with("!--") {
            i = html[at..].find("-->").map_or(html.len(), |e| at + e + 3);
            continue;
        }
        let Some(tag) = read_tag(html, at) else {
            i = at;
            continue;
        };
        i = tag.end;
        let disabled = tag.has("disabled") || fieldsets.iter().any(|d| *d);
        let named = tag.attr("name").filter(|_| !disabled);
        match tag.name.as_str() {
            "script" | "style" => i = text_until(html, i, &tag.name).1,
            "fieldset" => fieldsets.push(tag.has("disabled")),
            "/fieldset" => {
                fieldsets.pop();
            }
            "form" => {
                let post = tag
                    .attr("method")
                    .is_some_and(|m| m.eq_ignore_ascii_case("post"));
                let multipart = tag.attr("enctype").is_some_and(|e| e.contains("multipart"));
                form = (post && !multipart).then(|| Drawn {
                    action: tag.attr("action").unwrap_or_default().to_owned(),
                    fields: Vec::new(),
                    submits: Vec::new(),
                });
            }
            "/form" => out.extend(form.take().map(Drawn::posts).unwrap_or_default()),
            "input" => {
                let kind = tag.attr("type").unwrap_or("text").to_ascii_lowercase();
                let value = tag.attr("value").unwrap_or_default().to_owned();
                match (named, kind.as_str(), form.as_mut()) {
                    (_, "submit" | "image", Some(f)) if !disabled => f.submit(&tag, named),
                    (_, "submit" | "image" | "button" | "reset" | "file", _) => {}
                    (Some(n), "checkbox" | "radio", Some(f)) if tag.has("checked") => {
                        let v = if tag.has("value") { value } else { "on".into() };
                        f.fields.push((n.to_owned(), v));
                    }
                    (_, "checkbox" | "radio", _) => {}
                    (Some(n), _, Some(f)) => f.fields.push((n.to_owned(), value)),
                    _ => {}
                }
            }
            "textarea" => {
                let (text, after) = text_until(html, i, "textarea");
                i = after;
                if let (Some(n), Some(f)) = (named, form.as_mut()) {
                    // a browser drops the one newline that may follow the opening tag
                    let text = text.strip_prefix('\n').unwrap_or(&text).to_owned();
                    f.fields.push((n.to_owned(), text));
                }
            }
            "select" => {
                select = named.map(|n| Select {
                    name: n.to_owned(),
                    multiple: tag.has("multiple"),
                    options: Vec::new(),
                });
            }
            "option" => {
                let (text, _) = text_until(html, i, "option");
                let text = text.split('<').next().unwrap_or_default().trim().to_owned();
                if let Some(s) = select.as_mut()
                    && !tag.has("disabled")
                {
                    let value = tag.attr("value").map_or(text, str::to_owned);
                    s.options.push((value, tag.has("selected")));
                }
            }
            "/select" => {
                if let (Some(s), Some(f)) = (select.take(), form.as_mut()) {
                    f.fields.extend(s.sent());
                }
            }
            "button" => {
                let submit = tag
                    .attr("type")
                    .is_none_or(|t| t.eq_ignore_ascii_case("submit"));
                if let (true, false, Some(f)) = (submit, disabled, form.as_mut()) {
                    f.submit(&tag, named);
                }
            }
            _ => {}
        }
    }
    out
}

/// The same-site page links of a page, as paths with their query.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find("<a ") {
        let at = i + lt + 1;
        let Some(tag) = read_tag(html, at) else {
            i = at;
            continue;
        };
        i = tag.end;
        if let Some(href) = tag.attr("href")
            && href.starts_with('/')
            && !href.starts_with("//")
            && !href.starts_with("/api/")
            && !href.starts_with("/files/")
            && !tag.has("download")
        {
            out.push(href.split('#').next().unwrap_or_default().to_owned());
        }
    }
    out
}

/// The route of the router (`/customers/{id}`) that `path` is a page of.
fn route_of<'a>(routes: &'a [String], path: &str) -> Option<&'a str> {
    let parts: Vec<&str> = path.split('/').collect();
    routes
        .iter()
        .find(|r| {
            let rs: Vec<&str> = r.split('/').collect();
            rs.len() == parts.len()
                && rs.iter().zip(&parts).all(|(r, p)| {
                    r == p || ((r.starts_with(':') || r.starts_with('{')) && !p.is_empty())
                })
        })
        .map(String::as_str)
}

/// Every page `login` can reach from the pages without parameters by the links it is
/// shown — one page per route and state (its query, but one page of a list).
/// Each answer is checked to be kept by no cache (the client is signed in).
async fn pages_of(app: &TestApp, c: &reqwest::Client, routes: &[String]) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = routes
        .iter()
        .filter(|r| !r.contains([':', '{']))
        .cloned()
        .collect();
    let mut pages = Vec::new();
    while let Some(page) = queue.pop_front() {
        let (path, query) = page.split_once('?').unwrap_or((&page, ""));
        let Some(route) = route_of(routes, path) else {
            continue;
        };
        // every state a page is drawn in (`?edit=basic`, `?edit=tags`), but one page of a list
        let mut state: Vec<&str> = query
            .split('&')
            .map(|kv| if kv.starts_with("page=") { "page" } else { kv })
            .collect();
        state.sort_unstable();
        if route == "/login" || !seen.insert(format!("{route}?{}", state.join("&"))) {
            continue;
        }
        let r = app.get(c, &page).await;
        // drawn for a signed-in user, a page (a refusal too) is kept by no cache: on a
        // shared tablet the next user would find it there after sign-out
        assert_eq!(
            r.headers()
                .get(reqwest::header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("private, no-store"),
            "{page}"
        );
        if r.status() != StatusCode::OK {
            continue;
        }
        let html = r.text().await.unwrap_or_else(|e| panic!("{page}: {e:?}"));
        queue.extend(links(&html));
        pages.push((page, html));
    }
    pages
}

#[tokio::test]
async fn every_form_the_server_draws_is_understood_when_the_browser_posts_it_as_drawn() {
    let app = spawn_app().await;
    let routes = qudao::server::http::page_routes();
    let mut functions = BTreeSet::new();
    let mut a_strict_form = None;
    // the owner last: what the others post as drawn changes nothing they rely on
    for login in ["zhangwei", "wugang", "liumin", "laoban"] {
        let c = app.signed_in(login).await;
        let mut posted = BTreeSet::new();
        for (page, html) in pages_of(&app, &c, &routes).await {
            for form in forms(&html) {
                // each way to post a form once: its action, its names and its button
                let names: BTreeSet<&str> = form.fields.iter().map(|f| f.0.as_str()).collect();
                if form.action.ends_with("/logout")
                    || !posted.insert(format!("{} {names:?} {:?}", form.action, form.button))
                {
                    continue;
                }
                let fields = form.sent();
                let function = form.action.trim_start_matches("/api/");
                let r = app.post_form(&c, function, &page, &fields).await;
                assert_eq!(r.status(), StatusCode::SEE_OTHER, "{login} {page} {form:?}");
                let (_, err) = form_answer(&r);
                let err = err.map(|e| e.to_string()).unwrap_or_default();
                assert!(
                    !err.contains("ServerFn") && !err.contains("Internal"),
                    "{login} on {page}: the form {form:?} as drawn is not understood: {err}"
                );
                functions.insert(function.to_owned());
                if function == "standards/save" {
                    a_strict_form = Some((c.clone(), page.clone(), form.clone()));
                }
            }
        }
    }
    assert!(
        functions.len() >= 15,
        "the pages' forms were found and posted: {functions:?}"
    );
    // and the check itself sees a form the server would not understand: the same form
    // with a field its input does not have
    let (c, page, form) = a_strict_form.expect("the owner's standards form was posted");
    let mut fields = form.sent();
    fields.push(("input[hour]", "4"));
    let r = app.post_form(&c, "standards/save", &page, &fields).await;
    let err = form_answer(&r).1.map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("ServerFn"), "{err}");
}

/// A page's data as the server sent it for hydration: (resource number, its value).
fn resolved_resources(html: &str) -> Vec<(u32, &str)> {
    const MARK: &str = "__RESOLVED_RESOURCES[";
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(MARK) {
        rest = &rest[at + MARK.len()..];
        let Some((id, after)) = rest.split_once("] = \"") else {
            continue;
        };
        let Ok(id) = id.parse() else {
            continue;
        };
        let end = after.find("\";").unwrap_or(after.len());
        out.push((id, &after[..end]));
    }
    out
}

/// The `<title>` the server wrote, if any.
fn title_of(html: &str) -> Option<&str> {
    let (_, rest) = html.split_once("<title>")?;
    Some(rest.split_once("</title>")?.0)
}

/// The first customer profile the customer list shows `client` a link to.
async fn first_profile(app: &TestApp, client: &reqwest::Client) -> uuid::Uuid {
    let list = app.get(client, "/customers").await.text().await.unwrap();
    list.split("href=\"/customers/")
        .skip(1)
        .filter_map(|rest| rest.split_once('"'))
        .find_map(|(id, _)| uuid::Uuid::parse_str(id).ok())
        .unwrap()
}

/// A page that draws no title of its own (a refusal in place of a profile) is still
/// named after the app: it once had no `<title>` at all.
#[tokio::test]
async fn a_page_without_a_title_of_its_own_is_named_after_the_app() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let id = first_profile(&app, &owner).await;
    let driver = app.signed_in("wugang").await;
    let r = app.get(&driver, &format!("/customers/{id}")).await;
    assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
    let html = r.text().await.unwrap();
    assert_eq!(title_of(&html), Some("渠道"));
    let r = app.get(&owner, &format!("/customers/{id}")).await;
    let html = r.text().await.unwrap();
    let title = title_of(&html).unwrap();
    assert!(
        title.ends_with(" · 渠道") && title.len() > " · 渠道".len(),
        "{title}"
    );
}

/// A name is the user's text (an import, a colleague's typing): in the window's title it
/// stays text. leptos_meta writes a title as it is, so a name that closed the title could
/// add to the page's head, e.g. a refresh sending everyone who opens the profile away.
#[tokio::test]
async fn a_customer_name_with_markup_stays_text_in_the_title() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let id = first_profile(&app, &owner).await;
    let name = "</title><meta http-equiv=\"refresh\" content=\"0;url=//evil.example\">&";
    qudao::server::db::on!(&app.pool, |ex| sqlx::query(
        "UPDATE customers SET name = $1 WHERE id = $2"
    )
    .bind(name)
    .bind(id)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    let html = app
        .get(&owner, &format!("/customers/{id}"))
        .await
        .text()
        .await
        .unwrap();
    let head = html.split("</head>").next().unwrap();
    assert!(!head.contains("<meta http-equiv"), "{head}");
    assert_eq!(
        title_of(&html),
        Some(
            "&lt;/title&gt;&lt;meta http-equiv=\"refresh\" content=\"0;url=//evil.example\"&gt;&amp; · 渠道"
        )
    );
}

/// A suspense above a page re-runs, on the server, the closures below it to find what they
/// wait for; when the page was below one, each run drew it again: every page was drawn two
/// or three times, each copy running its own data requests and sending its own copy of
/// the data to the browser. Every page of every role, as its links reach it: no two of
/// its resources carry the same data, and no code of a view is drawn as its text.
#[tokio::test]
async fn every_page_is_drawn_once_on_the_server() {
    let app = spawn_app().await;
    let routes = qudao::server::http::page_routes();
    let mut with_data = 0;
    for login in ["zhangwei", "wugang", "liumin", "laoban"] {
        let c = app.signed_in(login).await;
        for (page, html) in pages_of(&app, &c, &routes).await {
            // a bare `>` in a view's attribute (`disabled=move || a > b`) ends the tag, and
            // the rest of the closure is drawn as the element's text
            assert!(
                !html.contains("move |") && !html.contains("on : click"),
                "{login} on {page}: code drawn as text"
            );
            // every page opened (status 200) is named after itself, then the app; only a
            // refusal drawn in a page's place (403/404) has the app's name alone. A
            // profile is named after its customer, whose name is never blank.
            assert!(
                title_of(&html)
                    .and_then(|t| t.strip_suffix(" · 渠道"))
                    .is_some_and(|own| !own.trim().is_empty()),
                "{login} on {page}: title {:?}",
                title_of(&html)
            );
            let resources = resolved_resources(&html);
            let mut seen = std::collections::HashMap::new();
            for (id, data) in &resources {
                // small values (an empty list, a count) may well be alike
                if data.len() < 64 {
                    continue;
                }
                if let Some(other) = seen.insert(*data, *id) {
                    panic!("{login} on {page}: resources {other} and {id} carry the same data");
                }
            }
            with_data += usize::from(resources.len() > 1);
        }
    }
    assert!(with_data > 40, "pages with data were crawled: {with_data}");
}

#[test]
fn the_resource_reader_reads_what_the_server_writes() {
    let html = r#"<script>__RESOLVED_RESOURCES=[];</script><script>__RESOLVED_RESOURCES[0] = "{\"Ok\":1}";__RESOLVED_RESOURCES[12] = "[]";</script>"#;
    assert_eq!(resolved_resources(html), [(0, r#"{\"Ok\":1}"#), (12, "[]")]);
}

#[test]
fn the_form_reader_sends_what_a_browser_sends() {
    let html = r#"<main><form method="get" action="/customers"><input name="q"></form>
        <form class="x" method="post" action="/api/a/b"><!-- <input name="no"> -->
        <input name="id" value="7"><input type="hidden" name="version" value="3"/>
        <input type="checkbox" name="input[paused]"><input type="checkbox" name="on" checked>
        <input name="off" disabled value="x"><select name="input[tier]"><option value="">-</option>
        <option value="A" selected>A</option><option value="B" selected>B</option></select>
        <select name="first"><option>甲 &amp; 乙</option></select>
        <fieldset disabled><input name="locked" value="1"><button name="no">x</button></fieldset>
        <textarea name="note">
a &lt;b&gt;</textarea><button type="button" name="no">x</button>
        <button name="step" value="close">关闭</button><button formaction="/api/a/pause" name="paused" value="true">暂停</button>
        <button disabled name="step" value="x">x</button></form>
        <form method="post" action="/api/no/button"><input name="q"></form>
        <form method="post" action="/files/import" enctype="multipart/form-data"><input name="f"><button>上传</button></form>
        <a href="/customers/1?edit=basic#top">e</a><a href="https://x/y">x</a><a href="/files/x.csv">f</a></main>"#;
    let forms = forms(html);
    let posts: Vec<(&str, Vec<(&str, &str)>)> = forms
        .iter()
        .map(|f| (f.action.as_str(), f.sent()))
        .collect();
    let fields = [
        ("id", "7"),
        ("version", "3"),
        ("on", "on"),
        ("input[tier]", "B"),
        ("first", "甲 & 乙"),
        ("note", "a <b>"),
    ];
    let with = |button: (&'static str, &'static str)| {
        fields.iter().copied().chain([button]).collect::<Vec<_>>()
    };
    assert_eq!(
        posts,
        [
            ("/api/a/b", with(("step", "close"))),
            ("/api/a/pause", with(("paused", "true"))),
        ]
    );
    assert_eq!(links(html), ["/customers/1?edit=basic"]);
    let routes = [
        "/".to_owned(),
        "/customers".to_owned(),
        "/customers/{id}".to_owned(),
    ];
    assert_eq!(route_of(&routes, "/customers/x1"), Some("/customers/{id}"));
    assert_eq!(route_of(&routes, "/customers/"), None);
    assert_eq!(route_of(&routes, "/"), Some("/"));
}
