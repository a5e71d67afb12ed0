use shotbook_api::codes::{
    list_manufacturers, list_trade_names, list_vaccine_groups, list_vaccines,
};
use shotbook_api::AppError;

use crate::support::{fixture, signed_in_as};

#[tokio::test]
async fn support_tables_need_a_session() {
    let f = fixture().await;
    assert_eq!(
        list_vaccines(&f.ctx).await.unwrap_err(),
        AppError::NotSignedIn
    );
}

#[tokio::test]
async fn every_role_reads_the_cdc_code_tables_with_us_dates() {
    let f = signed_in_as("MTREG", "mt.registry").await;
    let vaccines = list_vaccines(&f.ctx).await.unwrap();
    let mmr = vaccines.iter().find(|v| v.cvx == "03").unwrap();
    assert_eq!(mmr.short_description, "MMR");
    assert!(vaccines.iter().all(|v| v
        .last_updated
        .as_deref()
        .is_none_or(|d| d.len() == 10 && &d[2..3] == "/")));
    assert!(list_manufacturers(&f.ctx)
        .await
        .unwrap()
        .iter()
        .any(|m| m.mvx == "PFR"));
    assert!(list_trade_names(&f.ctx)
        .await
        .unwrap()
        .iter()
        .any(|t| t.product_name == "PEDIARIX" && t.cvx == "110"));
    let groups = list_vaccine_groups(&f.ctx).await.unwrap();
    let mmr_group = groups.iter().find(|g| g.name == "MMR").unwrap();
    assert_eq!(mmr_group.group_cvx, "03");
    assert!(
        mmr_group.members.iter().any(|m| m.cvx == "94"),
        "MMRV belongs to the MMR group"
    );
}
