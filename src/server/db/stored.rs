//! Domain enums kept in a TEXT column as their stored form (`Role::as_str`): rows read
//! and bind them as themselves, so no row carries a role, a tier or a status as a string
//! and no caller parses one again. A stored text that is none of them fails the row's decoding
//! (a logged internal error), as it did when each caller parsed it.
use crate::domain::development::SuggestionStatus;
use crate::domain::discipline::ViolationStatus;
use crate::domain::segmentation::Class;
use crate::domain::staff::Role;
use crate::domain::visits::GiftOccasion;
use sqlx::Database;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;

macro_rules! stored_as_text {
    ($($t:ty),+ $(,)?) => {$(
        impl<DB: Database> sqlx::Type<DB> for $t
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: Database> sqlx::Decode<'r, DB> for $t
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as sqlx::Decode<DB>>::decode(value)?;
                match <$t>::parse(text) {
                    Ok(v) => Ok(v),
                    Err(_) => Err(format!("{text:?} is no {}", stringify!($t)).into()),
                }
            }
        }

        impl<'q, DB: Database> sqlx::Encode<'q, DB> for $t
        where
            &'q str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut DB::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                <&'q str as sqlx::Encode<'q, DB>>::encode(self.as_str(), buf)
            }
        }
    )+};
}

stored_as_text!(Role, ViolationStatus, SuggestionStatus, Class, GiftOccasion);

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use sqlx::Connection as _;

    #[tokio::test]
    async fn a_role_reads_back_as_itself_and_a_strange_text_is_refused() {
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        for role in Role::ALL {
            let back: Role = sqlx::query_scalar("SELECT $1")
                .bind(role)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            assert_eq!(back, role);
            let stored: String = sqlx::query_scalar("SELECT $1")
                .bind(role)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            assert_eq!(stored, role.as_str());
        }
        let strange = sqlx::query_scalar::<_, Role>("SELECT 'boss'")
            .fetch_one(&mut conn)
            .await;
        assert!(
            matches!(strange, Err(sqlx::Error::ColumnDecode { .. })),
            "{strange:?}"
        );
    }

    #[tokio::test]
    async fn a_tier_reads_back_as_itself_and_a_missing_one_as_none() {
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        for class in Class::ALL {
            let back: Option<Class> = sqlx::query_scalar("SELECT $1")
                .bind(class)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            assert_eq!(back, Some(class));
        }
        let none: Option<Class> = sqlx::query_scalar("SELECT NULL")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(none, None);
        let strange = sqlx::query_scalar::<_, Class>("SELECT 'D'")
            .fetch_one(&mut conn)
            .await;
        assert!(matches!(strange, Err(sqlx::Error::ColumnDecode { .. })));
    }
}
