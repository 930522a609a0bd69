import Foundation

/// Numbers written for people, in feedback, messages and reports.
public enum NumberText {
    /// A number without trailing zeros: "3", "3.14", "0.001".
    public static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 {
            return String(Int(value))
        }
        return "\(value)"
    }

    /// Points rounded to two decimals, without trailing zeros: "7.5", "10", "0.67".
    public static func points(_ value: Double) -> String {
        number(value.rounded(toPlaces: 2))
    }

    /// A percentage with exactly one decimal: "75.0", "100.0", "-2.5".
    ///
    /// Written from whole tenths, not by `String(format:)`, which took about 2 % of `serve`'s CPU
    /// building reports.
    public static func percent(_ value: Double) -> String {
        let tenths = (value.rounded(toPlaces: 1) * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return String(format: "%.1f", value) }
        let whole = Int(tenths.magnitude)
        return (tenths < 0 ? "-" : "") + "\(whole / 10).\(whole % 10)"
    }
}
