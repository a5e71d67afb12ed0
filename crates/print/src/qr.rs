//! The record's QR code as a plain module matrix, drawn by the PDF renderer and, as SVG, by
//! the app's print preview.

use qrcode::bits::Bits;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel, Version};

/// Dark and light modules of a QR code, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `payload` in byte mode with medium error correction (15 % of the code may be
    /// damaged or smudged), falling back to low for very long histories, in the smallest
    /// version that holds it.
    ///
    /// The mask is fixed (pattern 0) rather than chosen by scoring all eight: scoring took
    /// about 10 ms per record, most of a record's rendering time, and any mask is valid; the
    /// tests decode the printed code with zbarimg.
    pub fn encode(payload: &str) -> Result<Self, String> {
        for ec in [EcLevel::M, EcLevel::L] {
            for version in 1..=40 {
                let mut bits = Bits::new(Version::Normal(version));
                if bits.push_byte_data(payload.as_bytes()).is_err()
                    || bits.push_terminator(ec).is_err()
                {
                    continue;
                }
                let version = bits.version();
                let (data, ec_data) =
                    qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec)
                        .map_err(|e| e.to_string())?;
                let mut canvas = Canvas::new(version, ec);
                canvas.draw_all_functional_patterns();
                canvas.draw_data(&data, &ec_data);
                canvas.apply_mask(MaskPattern::Checkerboard);
                return Ok(Self {
                    width: usize::try_from(version.width()).map_err(|e| e.to_string())?,
                    dark: canvas
                        .into_colors()
                        .into_iter()
                        .map(|c| c == Color::Dark)
                        .collect(),
                });
            }
        }
        Err("the record is too long for a QR code".into())
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
