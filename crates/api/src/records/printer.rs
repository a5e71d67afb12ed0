//! Sending a kept record to the workstation's default CUPS printer (`lp`, `lpstat`).

use super::*;

/// Sends a kept record to the default CUPS printer with `lp`. Audited. Without a configured
/// printer (or without CUPS) the error says so, and "Save as PDF…" remains.
pub async fn send_record_to_printer(
    ctx: &AppContext,
    request: PrintedRecordRequest,
) -> AppResult<PrintJob> {
    let (permit, _) = ctx.permit::<need::PrintRecord>()?;
    let (_, client, pdf) = kept(ctx, &request.document_id)?;
    let printer = default_printer().await?;
    let detail = format!("sent document {} to printer", request.document_id);
    usecases::audit_print(ctx.store(), &permit, ctx.clock(), client, detail).await?;
    let file = std::env::temp_dir().join(format!("shotbook-{}.pdf", request.document_id));
    tokio::fs::write(&file, &pdf)
        .await
        .map_err(|e| AppError::internal(format!("writing a record for the printer: {e}")))?;
    let out = tokio::process::Command::new("lp")
        .arg("-d")
        .arg(&printer)
        .arg(&file)
        .output()
        .await;
    let _ = tokio::fs::remove_file(&file).await;
    let out = out.map_err(|_| unavailable("no_cups", "the lp command (CUPS) is not installed"))?;
    if !out.status.success() {
        return Err(unavailable(
            "printer_refused",
            &format!(
                "the printer {printer} refused the job: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    Ok(PrintJob {
        printer,
        message: String::from_utf8_lossy(&out.stdout).trim().to_string(),
    })
}

pub(super) async fn default_printer() -> AppResult<String> {
    let out = tokio::process::Command::new("lpstat")
        .arg("-d")
        .output()
        .await
        .map_err(|_| {
            unavailable(
                "no_cups",
                "CUPS is not installed on this workstation (no lpstat)",
            )
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "system default destination: Office_Laser"
    text.lines()
        .find_map(|l| {
            l.split_once("destination:")
                .map(|(_, p)| p.trim().to_string())
        })
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            unavailable(
                "no_printer",
                "no printer is configured on this workstation (CUPS has no default printer)",
            )
        })
}

pub(super) fn unavailable(reason: &str, detail: &str) -> AppError {
    AppError::PrinterUnavailable {
        reason: reason.to_string(),
        detail: detail.to_string(),
    }
}
