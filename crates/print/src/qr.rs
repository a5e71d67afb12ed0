//! The record's QR code as a plain module matrix, drawn by the PDF renderer and, as SVG, by
//! the app's print preview.

use qrcode::{Color, EcLevel, QrCode};

/// Dark and light modules of a QR code, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `payload` with medium error correction (15 % of the code may be damaged or
    /// smudged), falling back to low for very long histories.
    pub fn encode(payload: &str) -> Result<Self, String> {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .or_else(|_| QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::L))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// Whether the module at (`row`, `col`) is dark.
    pub fn dark(&self, row: usize, col: usize) -> bool {
        self.dark[row * self.width + col]
    }

    /// An SVG image of the code (with a two-module quiet zone), one path for all dark modules.
    pub fn svg(&self) -> String {
        let size = self.width + 4;
        let mut path = String::new();
        for row in 0..self.width {
            for col in 0..self.width {
                if self.dark(row, col) {
                    path.push_str(&format!("M{} {}h1v1h-1z", col + 2, row + 2));
                }
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
             shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
             <path d=\"{path}\" fill=\"#000\"/></svg>"
        )
    }
}
