//! One-line adapters from Tauri commands to `shotbook_api`. Logic belongs in the api crate.

use shotbook_api::dto::*;
use shotbook_api::{AppContext, AppResult};
use tauri::State;

type Ctx<'a> = State<'a, AppContext>;

/// Every command, for the invoke handler and the TypeScript bindings.
pub fn builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        app_info,
        sign_in,
        sign_out,
        current_user,
        search_clients,
        get_client,
        get_forecast,
        list_vaccines,
        list_trade_names,
        list_manufacturers,
        list_vaccine_groups,
    ])
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(ctx: Ctx<'_>) -> AppResult<AppInfo> {
    shotbook_api::app_info(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(ctx: Ctx<'_>, request: SignInRequest) -> AppResult<SignedInUser> {
    shotbook_api::auth::sign_in(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(ctx: Ctx<'_>) -> AppResult<()> {
    shotbook_api::auth::sign_out(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn current_user(ctx: Ctx<'_>) -> AppResult<Option<SignedInUser>> {
    shotbook_api::auth::current_user(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn search_clients(
    ctx: Ctx<'_>,
    request: SearchClientsRequest,
) -> AppResult<SearchClientsResponse> {
    shotbook_api::clients::search_clients(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_client(ctx: Ctx<'_>, request: GetClientRequest) -> AppResult<ClientRecord> {
    shotbook_api::clients::get_client(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_forecast(ctx: Ctx<'_>, request: GetClientRequest) -> AppResult<ClientForecast> {
    shotbook_api::forecast::get_forecast(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_vaccines(ctx: Ctx<'_>) -> AppResult<Vec<VaccineCode>> {
    shotbook_api::codes::list_vaccines(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_trade_names(ctx: Ctx<'_>) -> AppResult<Vec<TradeName>> {
    shotbook_api::codes::list_trade_names(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_manufacturers(ctx: Ctx<'_>) -> AppResult<Vec<Manufacturer>> {
    shotbook_api::codes::list_manufacturers(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_vaccine_groups(ctx: Ctx<'_>) -> AppResult<Vec<VaccineGroup>> {
    shotbook_api::codes::list_vaccine_groups(&ctx).await
}
