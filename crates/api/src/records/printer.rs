//! Sending a kept record to the workstation's default CUPS printer (`lp`, `lpstat`).

use super::*;

/// Sends a kept record to the default CUPS printer with `lp`. Audited. Without a configured
/// printer (or without CUPS) the error says so, and "Save as PDF…" remains.
pub async fn send_record_to_printer(
    ctx: &AppContext,
    request: PrintedRecordRequest,
) -> AppResult<PrintJob> {
    let (permit, _) = ctx.permit::<need::PrintRecord>().await?;
    let (_, client, pdf) = kept(ctx, &request.document_id)?;
    let printer = default_printer().await?;
    let detail = format!("sent document {} to printer", request.document_id);
    usecases::audit_print(ctx.store(), &permit, ctx.clock(), client, detail).await?;
    // The spool copy lives in a folder of its own that only this user can open, and goes as
    // soon as `lp` has read it.
    let folder = spool_folder().join(uuid::Uuid::now_v7().simple().to_string());
    let file = folder.join(format!("shotbook-{}.pdf", request.document_id));
    {
        let (folder, file, pdf) = (folder.clone(), file.clone(), pdf.clone());
        tokio::task::spawn_blocking(move || {
            crate::files::private_dir(&folder)?;
            crate::files::write_private(&file, &pdf)
        })
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::internal(format!("writing a record for the printer: {e}")))?;
    }
    let out = cups_command("lp")
        .arg("-d")
        .arg(&printer)
        .arg(&file)
        .output()
        .await;
    let _ = tokio::fs::remove_dir_all(&folder).await;
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
    let out = cups_command("lpstat")
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

/// A CUPS command with a clean environment: only what CUPS needs to find the printer and
/// speak the user's language. Secrets the app was started with (a signing key, SMTP
/// credentials) are never handed to a child process.
fn cups_command(program: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(program);
    command.env_clear();
    for name in [
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "LC_MESSAGES",
        "CUPS_SERVER",
        "CUPS_USER",
        "XDG_RUNTIME_DIR",
    ] {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command
}

/// Where print jobs are spooled: the user's runtime folder (private, in memory on most Linux
/// desktops), else the system temporary folder.
fn spool_folder() -> std::path::PathBuf {
    std::env::var_os("XDG_RUNTIME_DIR")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(std::env::temp_dir)
        .join("shotbook-print")
}
