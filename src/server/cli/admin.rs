//! The operator's commands that set up an install: the demo company, users, backups.
use super::*;

/// Seeds the demo company into an empty database.
pub(super) async fn seed_demo(config: &Config) -> anyhow::Result<()> {
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    if !seed::is_empty(&pool).await? {
        bail!(
            "the database already holds a company; the demo is only seeded into an empty database"
        );
    }
    seed::seed_demo(&pool).await?;
    println!(
        "demo company created: {} (password for all demo users: {})",
        seed::DEMO_COMPANY_NAME,
        seed::DEMO_PASSWORD
    );
    Ok(())
}

/// Copies the database and the photos into `folder`.
pub(super) async fn backup(config: &Config, folder: &std::path::Path) -> anyhow::Result<()> {
    let pool = db::connect(&config.database_url).await?;
    let photos = crate::server::files::PhotoStore::open(config)?;
    let copied = crate::server::backup::backup(&pool, &photos, folder, config).await?;
    println!(
        "backup written to {}: the database and {} photos ({} bytes)",
        folder.display(),
        copied.photos,
        copied.bytes
    );
    for m in &copied.missing {
        eprintln!(
            "warning: photo file missing in the live photos: {}",
            m.display()
        );
    }
    Ok(())
}

/// Restores a backup folder over the configured database and photo folder.
pub(super) async fn restore(config: &Config, folder: &std::path::Path) -> anyhow::Result<()> {
    let photos = crate::server::files::PhotoStore::open(config)?;
    let copied = crate::server::backup::restore(folder, config, &photos).await?;
    println!(
        "restored {} into {} with {} photos in {}",
        folder.display(),
        db::shown_url(&config.database_url),
        copied.photos,
        photos.location()
    );
    for m in &copied.missing {
        eprintln!("warning: photo file missing in the backup: {}", m.display());
    }
    Ok(())
}

/// Adds a user (creating the company first on an empty database).
pub(super) async fn add_user(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add {
        role,
        login,
        name,
        phone,
        territory,
        company_name,
        password_stdin,
    } = command;
    let role = match role {
        RoleArg::Owner => "owner",
        RoleArg::Manager => "manager",
        RoleArg::Rep => "rep",
        RoleArg::Driver => "driver",
    };
    let fields = EmployeeFields::parse(&EmployeeInput {
        name,
        login,
        phone,
        role: role.into(),
        territory,
    })
    .map_err(|errs| {
        let list: Vec<String> = errs
            .iter()
            .map(|e| format!("{}: {:?}", e.field, e.code))
            .collect();
        anyhow::anyhow!("invalid user: {}", list.join(", "))
    })?;
    let password = read_password(password_stdin)?;
    check_password(&password)
        .map_err(|c| anyhow::anyhow!("invalid password: {c:?} (at least 8 characters)"))?;
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password_blocking(&password))
        .await?
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    let mut tx = pool.begin().await?;
    let company = match (companies::single(&mut tx).await?, company_name) {
        (Some((id, _)), _) => id,
        (None, Some(name)) if companies::count(&mut tx).await? == 0 => {
            let id = CompanyId::new_random();
            companies::insert(&mut tx, id, name.trim(), chrono::Utc::now()).await?;
            id
        }
        (None, Some(_)) => {
            bail!("the database holds several companies; this install serves one")
        }
        (None, None) => {
            bail!("the database has no company yet: pass --company-name to create it")
        }
    };
    employees::insert(
        &mut tx,
        company,
        EmployeeId::new_random(),
        &fields,
        &hash,
        chrono::Utc::now(),
    )
    .await
    .unless_taken()
    .context("saving the user")?
    .ok_or_else(|| anyhow::anyhow!("the login {:?} is already taken", fields.login.as_str()))?;
    tx.commit().await?;
    println!("user {} ({}) added", fields.login.as_str(), role);
    Ok(())
}
