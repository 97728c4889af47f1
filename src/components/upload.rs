//! Sending a file the user picked (a photo from the tablet camera, an import file) as
//! the raw body of a POST, with the session cookie. Browser only; on the server it is
//! never called (file inputs exist only after hydration).

use crate::error::AppError;

/// A picked file: its size, and the handle the browser sends.
#[derive(Clone)]
pub struct PickedFile {
    pub name: String,
    pub size: f64,
    #[cfg(feature = "hydrate")]
    pub file: web_sys::File,
}

/// The first file of an `<input type="file">` change event.
pub fn picked_file(ev: &leptos::ev::Event) -> Option<PickedFile> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
        let file = input.files()?.get(0)?;
        Some(PickedFile {
            name: file.name(),
            size: file.size(),
            file,
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// POSTs `file` to `url`; the answer's status and body, or the request error when the
/// network failed.
pub async fn post_file(url: &str, file: &PickedFile) -> Result<(u16, String), AppError> {
    #[cfg(feature = "hydrate")]
    {
        let request = gloo_net::http::Request::post(url)
            .header("Content-Type", "application/octet-stream")
            .body(file.file.clone())?;
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        Ok((status, text))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, file);
        Err(AppError::ServerFn(
            leptos::server_fn::error::ServerFnErrorErr::Request("no browser".into()),
        ))
    }
}

/// A signal holding the picked file. In the browser a `File` handle is not `Send`, so
/// the signal is thread-local there; on the server (where nothing is ever picked) it is
/// an ordinary signal — a thread-local value in a server-rendered page would be dropped
/// by whichever worker thread cleans the page up, which panics.
#[cfg(feature = "hydrate")]
pub type FileSignal = leptos::prelude::RwSignal<Option<PickedFile>, leptos::prelude::LocalStorage>;
#[cfg(not(feature = "hydrate"))]
pub type FileSignal = leptos::prelude::RwSignal<Option<PickedFile>>;

/// An empty [`FileSignal`].
pub fn file_signal() -> FileSignal {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::RwSignal::new_local(None)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        leptos::prelude::RwSignal::new(None)
    }
}

/// POSTs `file` to `url` and reads the answer as `T`; an answer that is not a `T` is read
/// as the server's [`AppError`](crate::error::AppError), a failed network as a request
/// error (shown as "network unavailable").
pub async fn post_file_for<T: serde::de::DeserializeOwned>(
    url: &str,
    file: &PickedFile,
) -> Result<T, AppError> {
    let (_, body) = post_file(url, file).await?;
    serde_json::from_str::<T>(&body)
        .map_err(|_| serde_json::from_str::<AppError>(&body).unwrap_or(AppError::Internal))
}
