//! The LMS method (Box-Cox power L, median M, coefficient of variation S).

/// One row of a WHO LMS table, or a row interpolated between two of them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lms {
    /// Box-Cox power. Never 0 in the WHO 2006 tables.
    pub l: f64,
    /// Median, in the unit of the measurement.
    pub m: f64,
    /// Coefficient of variation.
    pub s: f64,
}

impl Lms {
    /// Plain LMS z-score: `((y / M)^L − 1) / (S · L)`.
    ///
    /// The operations are done in the same order as WHO's R package `anthro`,
    /// so the result is bit-for-bit what its float64 arithmetic gives.
    #[inline]
    pub fn z(&self, y: f64) -> f64 {
        if self.l == 0.0 {
            // Not reached with the WHO tables (no row has L = 0); kept for
            // completeness of the Box-Cox family.
            return (y / self.m).ln() / self.s;
        }
        ((y / self.m).powf(self.l) - 1.0) / (self.s * self.l)
    }

    /// The measurement at `k` standard deviations: `M · (1 + L·S·k)^(1/L)`.
    ///
    /// This is the plain LMS centile curve; it is NaN where `1 + L·S·k ≤ 0`.
    #[inline]
    pub fn sd(&self, k: f64) -> f64 {
        if self.l == 0.0 {
            return self.m * (self.s * k).exp();
        }
        self.m * (1.0 + self.l * self.s * k).powf(1.0 / self.l)
    }

    /// WHO's restricted-application z-score for the weight-based indicators
    /// (weight-for-age, weight-for-length/height, BMI-for-age).
    ///
    /// Inside ±3 it is the plain z. Beyond, the distance from the 3 SD line is
    /// measured in units of the distance between the 2 SD and 3 SD lines:
    /// `3 + (y − SD3pos) / (SD3pos − SD2pos)` and
    /// `−3 + (y − SD3neg) / (SD2neg − SD3neg)`.
    #[inline]
    pub fn z_restricted(&self, y: f64) -> f64 {
        let z = self.z(y);
        if z > 3.0 {
            let sd3pos = self.sd(3.0);
            let sd23pos = sd3pos - self.sd(2.0);
            3.0 + (y - sd3pos) / sd23pos
        } else if z < -3.0 {
            let sd3neg = self.sd(-3.0);
            let sd23neg = self.sd(-2.0) - sd3neg;
            -3.0 + (y - sd3neg) / sd23neg
        } else {
            z
        }
    }

    /// Inverse of [`Lms::z_restricted`]: the measurement whose restricted
    /// z-score is `z` (linear in the 2–3 SD distance beyond ±3).
    #[inline]
    pub fn value_at_restricted(&self, z: f64) -> f64 {
        if z > 3.0 {
            let sd3pos = self.sd(3.0);
            sd3pos + (z - 3.0) * (sd3pos - self.sd(2.0))
        } else if z < -3.0 {
            let sd3neg = self.sd(-3.0);
            sd3neg + (z + 3.0) * (self.sd(-2.0) - sd3neg)
        } else {
            self.sd(z)
        }
    }
}
