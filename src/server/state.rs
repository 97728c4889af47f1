//! Application state, handed to axum handlers and (through context) to server functions.
use crate::server::config::Config;
use crate::server::db::Pool;
use crate::server::http::service_worker;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Everything a request may need: a handle to the [`Shared`] state, cloned for one atomic
/// increment. (axum clones the state of every middleware layer and route service it
/// passes a request through: 83 times for one customer list. Cloned field by field, with
/// the Leptos options', each clone moved about twenty reference counts.)
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl From<Shared> for AppState {
    fn from(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

/// The state itself, made once per process (or per test app).
pub struct Shared {
    pub pool: Pool,
    pub config: Arc<Config>,
    /// The photo files (a folder or a bucket).
    pub photos: crate::server::files::PhotoStore,
    pub leptos_options: LeptosOptions,
    /// `sw.js` with its precache list filled in from the built site (see `http.rs`).
    pub service_worker: Arc<str>,
    /// The files of each chunk group of the built site, as a page of the group names them
    /// (`http::assets::chunk_groups`).
    pub page_chunks: Arc<std::collections::HashMap<String, String>>,
    /// In-memory customer search, checked against the database on every use.
    pub search_index: Arc<crate::server::search_index::SearchIndex>,
    /// In-memory monthly sales rollups, checked against the database on every use.
    pub sales_index: Arc<crate::server::sales_index::SalesIndex>,
    /// In-memory ticket clocks for the compliance report, checked against the database
    /// on every use.
    pub ticket_clocks: Arc<crate::server::tickets::clock_index::ClockIndex>,
    /// Whether the database holds a company (set once seen; see `http::needs_setup`).
    pub set_up: Arc<std::sync::atomic::AtomicBool>,
}

impl Shared {
    /// A connection from the pool. (The error stays a database error, so the caller's
    /// `?` logs it with the caller's place: `AppError::from`.)
    pub async fn conn(&self) -> Result<crate::server::db::DbConn, sqlx::Error> {
        self.pool.acquire().await
    }

    /// A write transaction (see `db::Pool::begin`).
    pub async fn begin(&self) -> Result<crate::server::db::DbConn, sqlx::Error> {
        self.pool.begin().await
    }

    /// What a classification reads.
    pub fn segmentation_sources(&self) -> crate::server::segmentation::classification::Sources<'_> {
        crate::server::segmentation::classification::Sources {
            pool: &self.pool,
            search: &self.search_index,
            sales: &self.sales_index,
        }
    }
}

impl AppState {
    /// The state of an app serving `pool` (see [`Shared::new`]).
    pub fn new(pool: Pool, config: Config) -> anyhow::Result<AppState> {
        Ok(Shared::new(pool, config)?.into())
    }
}

impl Shared {
    /// Builds the state from a migrated pool. Leptos options come from the environment
    /// cargo-leptos sets (site root, output name); hashed file names are used exactly
    /// when the build left a `hash.txt` beside the binary.
    pub fn new(pool: Pool, config: Config) -> anyhow::Result<Shared> {
        let mut leptos_options = leptos::config::get_configuration(None)?.leptos_options;
        leptos_options.site_addr = config.addr;
        leptos_options.hash_files = std::env::current_exe()
            .ok()
            .and_then(|p| {
                p.parent()
                    .map(|d| d.join(leptos_options.hash_file.as_ref()))
            })
            .is_some_and(|p| p.exists());
        let service_worker = service_worker::build(&leptos_options).into();
        let page_chunks = Arc::new(crate::server::http::assets::chunk_groups(&leptos_options));
        let photos = crate::server::files::PhotoStore::open(&config)?;
        Ok(Shared {
            pool,
            photos,
            config: Arc::new(config),
            leptos_options,
            service_worker,
            page_chunks,
            search_index: Arc::default(),
            sales_index: Arc::default(),
            ticket_clocks: Arc::default(),
            set_up: Arc::default(),
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
