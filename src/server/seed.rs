//! The demo company: a Chongqing beverage distributor with a realistic staff, created
//! deterministically (fixed ids) so screenshots, tests and docs agree.
//!
//! All demo accounts share the password [`DEMO_PASSWORD`]; the README lists them.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::staff::{EmployeeFields, EmployeeInput};
use crate::server::auth;
use crate::server::db::{companies, employees};
use anyhow::Context as _;
use sqlx::SqlitePool;
use uuid::Uuid;

pub const DEMO_PASSWORD: &str = "qudao2026";
pub const DEMO_COMPANY_ID: CompanyId =
    CompanyId(Uuid::from_u128(0x0000_0001_0000_4000_8000_0000_0000_0001));
pub const DEMO_COMPANY_NAME: &str = "重庆渝味饮品商贸有限公司";

/// (login, name, role, phone, territory, active)
pub const DEMO_STAFF: [(&str, &str, &str, &str, &str, bool); 11] = [
    ("laoban", "陈建国", "owner", "13908310001", "重庆主城", true),
    ("liumin", "刘敏", "manager", "13908310002", "销售部", true),
    (
        "wangqiang",
        "王强",
        "manager",
        "13908310003",
        "服务与配送部",
        true,
    ),
    ("zhangwei", "张伟", "rep", "13908310011", "渝北区", true),
    ("lina", "李娜", "rep", "13908310012", "江北区", true),
    ("zhaolei", "赵磊", "rep", "13908310013", "沙坪坝区", true),
    ("sunli", "孙丽", "rep", "13908310014", "九龙坡区", true),
    ("zhoujie", "周杰", "rep", "13908310015", "南岸区", true),
    ("zhengfang", "郑芳", "rep", "13908310016", "巴南区", true),
    ("wugang", "吴刚", "rep", "13908310017", "配送（司机）", true),
    ("huangtao", "黄涛", "rep", "13908310018", "大渡口区", false),
];

/// The fixed id of the n-th demo employee.
pub fn demo_employee_id(n: usize) -> EmployeeId {
    EmployeeId(Uuid::from_u128(
        0x0000_0002_0000_4000_8000_0000_0000_0000 + n as u128 + 1,
    ))
}

/// Whether the database holds no company yet.
pub async fn is_empty(pool: &SqlitePool) -> anyhow::Result<bool> {
    let mut conn = pool.acquire().await?;
    Ok(companies::count(&mut conn).await? == 0)
}

/// Creates the demo company and its staff in one transaction. Fails (changing nothing)
/// if the demo company already exists.
pub async fn seed_demo(pool: &SqlitePool) -> anyhow::Result<()> {
    // One hash for all demo accounts: they share a password, and hashing is slow.
    let hash = tokio::task::spawn_blocking(|| auth::hash_password_blocking(DEMO_PASSWORD))
        .await
        .context("hashing task")?
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    let now = chrono::Utc::now();
    let mut tx = pool.begin().await?;
    companies::insert(&mut tx, DEMO_COMPANY_ID, DEMO_COMPANY_NAME, now)
        .await
        .context("the demo company already exists (or the database is not writable)")?;
    for (n, (login, name, role, phone, territory, active)) in DEMO_STAFF.iter().enumerate() {
        let fields = EmployeeFields::parse(&EmployeeInput {
            name: (*name).into(),
            login: (*login).into(),
            phone: (*phone).into(),
            role: (*role).into(),
            territory: (*territory).into(),
        })
        .map_err(|e| anyhow::anyhow!("demo employee {login} is invalid: {e:?}"))?;
        let id = demo_employee_id(n);
        employees::insert(&mut tx, DEMO_COMPANY_ID, id, &fields, &hash, now).await?;
        if !active {
            employees::set_active(&mut tx, DEMO_COMPANY_ID, id, 1, false, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
